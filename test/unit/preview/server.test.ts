import * as assert from 'node:assert/strict';
import { loadSpec, validateRequestBody, validateResponse, type Spec } from '../../qovery/contract';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';
import { deployBody, editBody, KIND_SEGMENT, nightlyRuleBody, nightlyStop } from '../../../src/preview/model';

type Obj = Record<string, unknown>;

// Clone, service edits, deployment rules and delete on the test server, over real sockets, every answer
// and every body the extension builds checked against Qovery's official spec.
describe('preview: the test server clones, edits and deletes as Qovery does', function () {
  this.timeout(20_000);
  let spec: Spec | undefined;
  let server: QoveryServer;

  beforeEach(async () => {
    spec = loadSpec();
    server = await startQoveryServer();
    server.deployments.setTimings({ stepMs: 20 });
  });
  afterEach(async () => {
    await server?.close();
  });

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    if (spec && body !== undefined) {
      const checked = validateRequestBody(spec, method, path, body);
      assert.deepEqual(checked.errors, [], `request ${method} ${path}`);
      // ApplicationGitRepositoryRequest and HelmGitRepositoryRequest require owner and name (the helm one provider too) without describing them.
      const undeclared = checked.unknownProperties.filter((p) => !/git_repository\/(owner|name|provider)$/.test(p));
      assert.deepEqual(undeclared, [], `request ${method} ${path}: fields the spec does not declare`);
    }
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.tokens.userJwt}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (spec && response.status < 300) {
      assert.deepEqual(validateResponse(spec, method, path.split('?')[0], response.status, json).errors, [], `answer of ${method} ${path}`);
    }
    return { status: response.status, json };
  }
  const results = async (path: string): Promise<Obj[]> => ((await call('GET', path)).json as { results: Obj[] }).results;

  it('clone: a PREVIEW environment with a never-deployed copy of each service; a taken name is refused (409)', async () => {
    const clone = await call('POST', `/environment/${DEMO.environments.storefrontProduction}/clone`, { name: 'feat-login', mode: 'PREVIEW' });
    assert.equal(clone.status, 202);
    const environment = clone.json as Obj;
    assert.equal(environment.mode, 'PREVIEW');
    assert.equal(environment.name, 'feat-login');
    const listed = await results(`/project/${DEMO.projects.storefront}/environment`);
    assert.ok(listed.some((e) => e.id === environment.id));
    const original = await results(`/environment/${DEMO.environments.storefrontProduction}/services`);
    const copies = await results(`/environment/${String(environment.id)}/services`);
    assert.deepEqual(copies.map((s) => s.name), original.map((s) => s.name));
    assert.ok(copies.every((s) => !original.some((o) => o.id === s.id)), 'new ids');
    const statuses = (await call('GET', `/environment/${String(environment.id)}/statuses`)).json as { applications: { state: string }[] };
    assert.ok(statuses.applications.every((s) => s.state === 'READY'));
    assert.equal((await call('POST', `/environment/${DEMO.environments.storefrontProduction}/clone`, { name: 'Feat-Login', mode: 'PREVIEW' })).status, 409);
  });

  it('a fault after the clone: the environment exists although the answer was lost', async () => {
    server.setFault('POST /environment/{id}/clone', { status: 502, afterAction: true, times: 1 });
    assert.equal((await call('POST', `/environment/${DEMO.environments.storefrontStaging}/clone`, { name: 'feat-lost', mode: 'PREVIEW' })).status, 502);
    const listed = await results(`/project/${DEMO.projects.storefront}/environment`);
    assert.ok(listed.some((e) => e.name === 'feat-lost' && e.mode === 'PREVIEW'));
  });

  const gitBuilt = [
    ['application', DEMO.services.storefrontWeb],
    ['application', DEMO.services.hackBot],
    ['job', DEMO.services.hackDigest],
    ['helm', DEMO.services.hackCharts],
    ['terraform', DEMO.services.storefrontCdn],
  ] as const;

  for (const [segment, id] of gitBuilt) {
    it(`edit of a ${segment}: the body the extension builds is valid, keeps every field, and only the branch changes`, async () => {
      const before = (await call('GET', `/${segment}/${id}`)).json as Obj;
      const plan = editBody(before, 'feat/login');
      assert.equal(plan.kind, 'edit');
      assert.ok(plan.kind === 'edit');
      assert.equal(KIND_SEGMENT[plan.serviceKind], segment);
      const put = await call('PUT', `/${segment}/${id}`, plan.body);
      assert.equal(put.status, 200);
      const after = (await call('GET', `/${segment}/${id}`)).json as Obj;
      // Every field the service had is still there, unchanged but for the branch (an edit may only add defaults).
      const kept = Object.fromEntries(Object.keys(before).map((key) => [key, after[key]]));
      const withoutBranch = (json: Obj): string => JSON.stringify(json, (key, value: unknown) => (key === 'branch' || key === 'updated_at' ? undefined : value));
      assert.equal(withoutBranch(kept), withoutBranch(before), 'no field dropped or changed besides the branch');
      assert.match(JSON.stringify(after), /"branch":"feat\/login"/);
    });
  }

  it('an edit that leaves a field out resets it, as Qovery replaces the whole service', async () => {
    const before = (await call('GET', `/application/${DEMO.services.hackBot}`)).json as Obj;
    const plan = editBody(before, 'main');
    assert.ok(plan.kind === 'edit');
    const { auto_deploy: _dropped, ...partial } = plan.body;
    assert.equal((await call('PUT', `/application/${DEMO.services.hackBot}`, partial)).status, 200);
    const after = (await call('GET', `/application/${DEMO.services.hackBot}`)).json as Obj;
    assert.equal(after.auto_deploy, undefined);
    assert.equal(before.auto_deploy, true);
  });

  it('deployment rule: read, then the nightly stop written and read back', async () => {
    const environment = DEMO.environments.storefrontStaging;
    const rule = (await call('GET', `/environment/${environment}/deploymentRule`)).json as Obj;
    assert.equal(rule.auto_stop, false);
    const put = await call('PUT', `/environment/${environment}/deploymentRule/${String(rule.id)}`, nightlyRuleBody(rule, nightlyStop('Europe/Paris')));
    assert.equal(put.status, 200);
    const again = (await call('GET', `/environment/${environment}/deploymentRule`)).json as Obj;
    assert.equal(again.auto_stop, true);
    assert.equal(again.timezone, 'Europe/Paris');
    assert.equal((await call('PUT', `/environment/${environment}/deploymentRule/${DEMO.environments.storefrontDev}`, nightlyRuleBody(rule, nightlyStop('UTC')))).status, 404);
  });

  it('deploy chosen services at a pushed commit of the branch, then delete the environment', async () => {
    const clone = (await call('POST', `/environment/${DEMO.environments.storefrontProduction}/clone`, { name: 'feat-deploy', mode: 'PREVIEW' })).json as Obj;
    const environmentId = String(clone.id);
    const services = await results(`/environment/${environmentId}/services`);
    const web = services.find((s) => s.name === 'web')!;
    const plan = editBody(web, 'feat/deploy');
    assert.ok(plan.kind === 'edit');
    await call('PUT', `/application/${String(web.id)}`, plan.body);
    server.deployments.pushBranchCommit('acme/storefront-web', 'feat/deploy', { sha: 'f'.repeat(40) });
    const body = deployBody(await results(`/environment/${environmentId}/services`), new Set([String(web.id)]), 'f'.repeat(40));
    const deploy = await call('POST', `/environment/${environmentId}/service/deploy`, body);
    assert.equal(deploy.status, 202);
    assert.equal(server.deployments.latest(String(web.id))?.commit?.git_commit_id, 'f'.repeat(40));
    assert.equal(server.deployments.all().filter((d) => d.environmentId === environmentId).length, services.length);
    const bad = await call('POST', `/environment/${environmentId}/service/deploy`, { applications: [{ application_id: String(web.id), git_commit_id: 'e'.repeat(40) }] });
    assert.equal(bad.status, 409, 'busy while it deploys');
    assert.equal((await call('DELETE', `/environment/${environmentId}`)).status, 204);
    assert.equal((await call('GET', `/environment/${environmentId}`)).status, 404);
    assert.ok(!(await results(`/project/${DEMO.projects.storefront}/environment`)).some((e) => e.id === environmentId));
  });

  it('a viewer may not clone, edit or delete', async () => {
    const response = await fetch(`${server.url}/environment/${DEMO.environments.storefrontStaging}/clone`, {
      method: 'POST',
      headers: { authorization: `Token ${server.tokens.viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'nope' }),
    });
    assert.equal(response.status, 403);
  });
});
