import * as assert from 'node:assert/strict';
import { QoveryClient } from '../../../src/api';
import { errorKind } from '../../../src/api/errors';
import { VariablesApi } from '../../../src/variables/api';
import type { Variable, VariableTarget } from '../../../src/variables/model';
import { loadSpec, validateRequest, validateResponse, type Spec } from '../../qovery/contract';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';
import { problem } from '../../qovery/router';

// The variable calls of the extension against the test server, over real sockets; every request
// and every answer is checked against Qovery's official spec.
describe('variables: the API calls against the test server and the spec', function () {
  this.timeout(20_000);
  let spec: Spec | undefined;
  let server: QoveryServer;
  let admin: VariablesApi;
  let viewer: VariablesApi;
  const web: VariableTarget = {
    scope: 'APPLICATION',
    parentId: DEMO.services.storefrontWeb,
    name: 'web',
    organizationId: DEMO.organizations.acme,
    projectId: DEMO.projects.storefront,
    environmentId: DEMO.environments.storefrontProduction,
    serviceId: DEMO.services.storefrontWeb,
  };

  before(async () => {
    spec = loadSpec();
    server = await startQoveryServer();
    admin = new VariablesApi(new QoveryClient({ baseUrl: server.url, token: server.tokens.admin }));
    viewer = new VariablesApi(new QoveryClient({ baseUrl: server.url, token: server.tokens.viewer, maxRetries: 0 }));
  });
  after(async () => {
    await server?.close();
  });

  const byKey = (list: Variable[], key: string): Variable => {
    const found = list.find((v) => v.key === key && v.variable_type !== 'OVERRIDE');
    assert.ok(found, `${key} is listed`);
    return found;
  };

  it('lists what a service sees: built-ins, project, environment and its own, overrides and aliases; secrets as null', async () => {
    const list = await admin.list(web);
    const scopes = new Set(list.map((v) => v.scope));
    assert.deepEqual([...scopes].sort(), ['APPLICATION', 'BUILT_IN', 'ENVIRONMENT', 'PROJECT']);
    assert.equal(byKey(list, 'SENTRY_DSN').value, null);
    assert.equal(byKey(list, 'SENTRY_DSN').is_secret, true);
    const override = list.find((v) => v.variable_type === 'OVERRIDE');
    assert.equal(override?.key, 'LOG_LEVEL');
    assert.equal(override?.overridden_variable?.scope, 'PROJECT');
    const alias = list.find((v) => v.variable_type === 'ALIAS');
    assert.equal(alias?.aliased_variable?.key, 'DATABASE_URL');
    assert.equal(alias?.value, 'postgres://postgres.internal:5432/store');
    const environmentList = await admin.list({ scope: 'ENVIRONMENT', parentId: DEMO.environments.storefrontProduction });
    assert.ok(!environmentList.some((v) => v.scope === 'APPLICATION'), 'an environment does not see its services');
  });

  it('creates a value and a secret, edits, overrides, aliases and deletes', async () => {
    const created = await admin.create({ key: 'UNIT_PLAIN', value: 'one', isSecret: false, scope: 'APPLICATION', parentId: web.parentId });
    assert.equal(created.value, 'one');
    const secret = await admin.create({ key: 'UNIT_SECRET', value: 'unit-secret-value-123', isSecret: true, scope: 'ENVIRONMENT', parentId: DEMO.environments.storefrontProduction });
    assert.equal(secret.value, null);
    assert.equal(server.state.variables().find((v) => v.id === secret.id)?.value, 'unit-secret-value-123', 'the value arrived');
    const edited = await admin.editValue(created, 'two');
    assert.equal(edited.value, 'two');
    const override = await admin.override(secret, 'unit-override-secret', 'APPLICATION', web.parentId);
    assert.equal(override.variable_type, 'OVERRIDE');
    assert.equal(override.value, null);
    const alias = await admin.alias(created.id, 'UNIT_ALIAS', 'APPLICATION', web.parentId);
    assert.equal(alias.aliased_variable?.key, 'UNIT_PLAIN');
    await admin.remove(created.id);
    const after = await admin.list(web);
    assert.ok(!after.some((v) => v.key === 'UNIT_PLAIN' || v.key === 'UNIT_ALIAS'), 'the alias went with its variable');
    await admin.remove(secret.id);
  });

  it('imports into a service in one call, overwriting only when asked', async () => {
    const names = await admin.importToService(web.parentId, 'APPLICATION', [
      { name: 'IMPORTED_A', value: 'a', scope: 'APPLICATION', isSecret: false },
      { name: 'IMPORTED_KEY', value: 'imported-secret-value', scope: 'ENVIRONMENT', isSecret: true },
      { name: 'PORT', value: '8080', scope: 'APPLICATION', isSecret: false },
    ], false);
    assert.deepEqual(names, ['IMPORTED_A', 'IMPORTED_KEY']);
    assert.equal(byKey(await admin.list(web), 'PORT').value, '3000');
    await admin.importToService(web.parentId, 'APPLICATION', [{ name: 'PORT', value: '8080', scope: 'APPLICATION', isSecret: false }], true);
    assert.equal(byKey(await admin.list(web), 'PORT').value, '8080');
  });

  it('a viewer may read but not write (403), and nothing changes', async () => {
    const before = server.state.variables().length;
    await viewer.list(web);
    await assert.rejects(viewer.create({ key: 'NOPE', value: 'x', isSecret: false, scope: 'APPLICATION', parentId: web.parentId }), (e) => errorKind(e) === 'forbidden');
    const port = byKey(await viewer.list(web), 'PORT');
    await assert.rejects(viewer.editValue(port, 'y'), (e) => errorKind(e) === 'forbidden');
    await assert.rejects(viewer.remove(port.id), (e) => errorKind(e) === 'forbidden');
    assert.equal(server.state.variables().length, before);
  });

  it('shows the 400 as the API says it, for a bad key or a key taken', async () => {
    await assert.rejects(admin.create({ key: '1BAD', value: 'x', isSecret: false, scope: 'APPLICATION', parentId: web.parentId }), (e: Error) => errorKind(e) === 'badRequest' && /not a valid environment variable name/.test(e.message));
    await assert.rejects(admin.create({ key: 'REGION', value: 'x', isSecret: false, scope: 'ENVIRONMENT', parentId: DEMO.environments.storefrontProduction }), (e: Error) => errorKind(e) === 'badRequest' && /exists already/.test(e.message));
  });

  it('never puts a secret value in an error, even when the server echoes it', async () => {
    const value = 'echoed-secret-value-987';
    server.setFault('POST /variable', { status: 400, body: problem(400, `Value ${value} is refused`, '/variable'), times: 1 });
    await assert.rejects(admin.create({ key: 'ECHO', value, isSecret: true, scope: 'APPLICATION', parentId: web.parentId }), (e: Error) => {
      assert.equal(errorKind(e), 'badRequest');
      assert.ok(!e.message.includes(value) && !String(e.stack).includes(value) && !JSON.stringify(e).includes(value), e.message);
      return true;
    });
  });

  it('never puts a multi-line or long secret in an error, whole or in part, when the server echoes it', async () => {
    const pem = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 'VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNb', '-----END PRIVATE KEY-----'].join('\n');
    const long = Array.from({ length: 40 }, (_, i) => `chunk${i.toString().padStart(2, '0')}x`).join('');
    // Each secret is echoed as sent, then again with its lines joined, inside a message longer than a notification keeps.
    for (const [value, echo] of [
      [pem, `Refused value: ${pem} (as one line: ${pem.replace(/\n/g, ' ')})`],
      [long, `Value too long: ${long}`],
      [pem, `Bad key: ${pem.slice(30, 90)}`],
    ] as const) {
      server.setFault('POST /variable', { status: 400, body: problem(400, echo, '/variable'), times: 1 });
      await assert.rejects(admin.create({ key: 'ECHO', value, isSecret: true, scope: 'APPLICATION', parentId: web.parentId }), (e: Error) => {
        assert.equal(errorKind(e), 'badRequest');
        const seen = [e.message, String(e.stack), JSON.stringify(e), (e as { detail?: string }).detail ?? ''].join('\n');
        const flat = value.replace(/\s+/g, ' ');
        for (let i = 0; i + 12 <= flat.length; i++) {
          assert.ok(!seen.includes(flat.slice(i, i + 12)), `a run of the secret from character ${i} is in the error: ${e.message}`);
        }
        assert.match(e.message, /•••/);
        return true;
      });
    }
  });

  it('every request and answer of these tests matches the spec', async function () {
    if (!spec) {
      this.skip();
    }
    // Answers again, this time checked against the response schemas.
    const answers: [string, string, unknown?][] = [
      ['GET', `/variable?parent_id=${web.parentId}&scope=APPLICATION`],
      ['GET', `/variable?parent_id=${DEMO.environments.storefrontProduction}&scope=ENVIRONMENT`],
      ['GET', `/variable?parent_id=${DEMO.projects.storefront}&scope=PROJECT`],
      ['POST', '/variable', { key: 'SPEC_A', value: 'a', is_secret: false, variable_scope: 'PROJECT', variable_parent_id: DEMO.projects.storefront }],
    ];
    const ids: Record<string, string> = {};
    for (const [method, path, body] of answers) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Token ${server.tokens.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json: unknown = await response.json();
      const result = validateResponse(spec, method, path.split('?')[0], response.status, json);
      assert.deepEqual([...result.errors, ...result.unknownProperties], [], `${method} ${path}`);
      if (method === 'POST') {
        ids.a = (json as { id: string }).id;
      }
    }
    const more: [string, string, unknown?][] = [
      ['PUT', `/variable/${ids.a}`, { key: 'SPEC_A', value: 'b' }],
      ['POST', `/variable/${ids.a}/override`, { value: 'c', override_scope: 'ENVIRONMENT', override_parent_id: DEMO.environments.storefrontProduction }],
      ['POST', `/variable/${ids.a}/alias`, { key: 'SPEC_ALIAS', alias_scope: 'APPLICATION', alias_parent_id: web.parentId }],
      ['POST', `/variable/import?service_id=${web.parentId}&service_type=APPLICATION`, { overwrite: false, vars: [{ name: 'SPEC_IMPORTED', value: 'v', scope: 'APPLICATION', is_secret: true }] }],
      ['DELETE', `/variable/${ids.a}`],
    ];
    for (const [method, path, body] of more) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Token ${server.tokens.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      const result = validateResponse(spec, method, path.split('?')[0], response.status, text ? JSON.parse(text) : undefined);
      assert.deepEqual([...result.errors, ...result.unknownProperties], [], `${method} ${path} ${response.status} ${text}`);
    }
    const checked = new Set<string>();
    for (const entry of server.requests) {
      const result = validateRequest(spec, entry);
      assert.deepEqual(result.errors, [], `${entry.method} ${entry.path} ${JSON.stringify(entry.query)}`);
      assert.deepEqual(result.unknownProperties, [], `${entry.method} ${entry.path}`);
      checked.add(`${entry.method} ${result.operation ?? '?'}`);
    }
    assert.deepEqual([...checked].filter((o) => o.includes('/variable')).sort(), [
      'DELETE DELETE /variable/{variableId}',
      'GET GET /variable',
      'POST POST /variable',
      'POST POST /variable/import',
      'POST POST /variable/{variableId}/alias',
      'POST POST /variable/{variableId}/override',
      'PUT PUT /variable/{variableId}',
    ]);
  });

  it('refusals use statuses the spec declares', async function () {
    if (!spec) {
      this.skip();
    }
    const cases: [string, string, unknown, string, number][] = [
      ['POST', '/variable', { key: 'X', value: 'x', is_secret: false, variable_scope: 'PROJECT', variable_parent_id: DEMO.projects.storefront }, server.tokens.viewer, 403],
      ['POST', '/variable', { key: '1X', value: 'x', is_secret: false, variable_scope: 'PROJECT', variable_parent_id: DEMO.projects.storefront }, server.tokens.admin, 400],
      ['GET', `/variable?parent_id=${DEMO.projects.storefront}&scope=ENVIRONMENT`, undefined, server.tokens.admin, 404],
      ['GET', `/variable?parent_id=${DEMO.projects.blog}&scope=PROJECT`, undefined, server.tokens.admin, 403],
      ['DELETE', `/variable/${DEMO.projects.storefront}`, undefined, server.tokens.admin, 404],
    ];
    for (const [method, path, body, token, status] of cases) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Token ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      assert.equal(response.status, status, `${method} ${path}`);
      const result = validateResponse(spec, method, path.split('?')[0], response.status, await response.json());
      assert.deepEqual(result.errors, [], `${method} ${path} ${status}`);
    }
  });
});
