import * as assert from 'node:assert/strict';
import * as util from 'node:util';
import { getServiceStatuses, listEnvironments, listEnvironmentStatuses, listProjects, listServices, QoveryApiError, QoveryClient } from '../../../src/api';
import { catchApiError, catchSync, fastClient, sendJson, startServer, TOKEN, TOKEN_MARK, type TestServer } from './helpers';

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'u1' })}.sig_nature-1`;

const STATUS = (id: string): Record<string, unknown> => ({ id, state: 'DEPLOYED', service_deployment_status: 'UP_TO_DATE' });

const ROUTES: Record<string, unknown> = {
  'GET /organization': { results: [{ id: 'o1', name: 'Acme', plan: 'TEAM', extra: 1 }] },
  'GET /organization/o1': { id: 'o1', name: 'Acme' },
  'GET /organization/o1/project': { results: [{ id: 'p1', name: 'Shop' }] },
  'GET /project/p1/environment': { results: [{ id: 'e1', name: 'prod', mode: 'PRODUCTION' }] },
  'GET /project/p1/environment/status': { results: [{ id: 'e1', state: 'RUNNING' }] },
  'GET /environment/e1/services': { results: [{ id: 's1', name: 'api', service_type: 'APPLICATION' }] },
  'GET /environment/e1/statuses': {
    environment: { id: 'e1', state: 'RUNNING' },
    applications: [STATUS('s1')],
    containers: [],
    jobs: [],
    databases: [STATUS('d1')],
    helms: [],
    terraforms: [],
  },
  'GET /organization/o1/availableRole': { results: [{ id: 'r1', name: 'Admin' }] },
  'GET /organization/o1/apiToken': { results: [{ id: 't1', created_at: '2024-01-01T00:00:00Z', name: 'ci' }] },
  'POST /organization/o1/apiToken': { id: 't2', created_at: '2024-01-02T00:00:00Z', name: 'new', token: 'qov_created' },
  'GET /account': { id: 'u1', nickname: 'me' },
};

describe('api/client', () => {
  let srv: TestServer;
  beforeEach(async () => {
    srv = await startServer((req, res) => {
      const key = `${req.method} ${req.url}`;
      if (key === 'DELETE /organization/o1/apiToken/t1') {
        res.writeHead(204);
        res.end();
      } else if (key in ROUTES) {
        sendJson(res, req.method === 'POST' ? 201 : 200, ROUTES[key]);
      } else {
        sendJson(res, 404, { detail: `no route ${key}` });
      }
    });
  });
  afterEach(async () => {
    await srv.close();
  });

  it('calls every endpoint with the right method and path, unwrapping lists', async () => {
    const c = fastClient(srv.url);
    assert.deepEqual(await c.listOrganizations(), [{ id: 'o1', name: 'Acme', plan: 'TEAM', extra: 1 }]);
    assert.equal((await c.getOrganization('o1')).name, 'Acme');
    assert.equal((await listProjects(c, 'o1'))[0].id, 'p1');
    assert.equal((await listEnvironments(c, 'p1'))[0].mode, 'PRODUCTION');
    assert.equal((await listEnvironmentStatuses(c, 'p1'))[0].state, 'RUNNING');
    assert.equal((await listServices(c, 'e1'))[0].service_type, 'APPLICATION');
    const st = await getServiceStatuses(c, 'e1');
    assert.equal(st.applications[0].id, 's1');
    assert.equal(st.databases[0].service_deployment_status, 'UP_TO_DATE');
    assert.equal((await c.listAvailableRoles('o1'))[0].name, 'Admin');
    assert.equal((await c.listApiTokens('o1'))[0].id, 't1');
    const created = await c.createApiToken('o1', { name: ' new ', description: '', role_id: 'r1' });
    assert.equal(created.token, 'qov_created');
    assert.equal(await c.deleteApiToken('o1', 't1'), undefined);
    assert.equal((await c.getAccount()).nickname, 'me');
    assert.deepEqual(
      srv.requests.map((r) => `${r.method} ${r.url}`),
      [
        'GET /organization',
        'GET /organization/o1',
        'GET /organization/o1/project',
        'GET /project/p1/environment',
        'GET /project/p1/environment/status',
        'GET /environment/e1/services',
        'GET /environment/e1/statuses',
        'GET /organization/o1/availableRole',
        'GET /organization/o1/apiToken',
        'POST /organization/o1/apiToken',
        'DELETE /organization/o1/apiToken/t1',
        'GET /account',
      ],
    );
    assert.deepEqual(JSON.parse(srv.requests[9].body), { name: 'new', role_id: 'r1' });
  });

  it('keeps a base path of the API URL', async () => {
    await catchApiError(fastClient(`${srv.url}/api/`).listOrganizations());
    assert.equal(srv.requests[0].url, '/api/organization');
  });

  it('encodes path parameters', async () => {
    await catchApiError(listProjects(fastClient(srv.url), 'a/b c?d#e'));
    assert.equal(srv.requests[0].url, '/organization/a%2Fb%20c%3Fd%23e/project');
    await catchApiError(fastClient(srv.url).deleteApiToken('o1', '../../account'));
    assert.equal(srv.requests[1].url, '/organization/o1/apiToken/..%2F..%2Faccount');
  });

  it('refuses empty and dot ids without sending anything', async () => {
    const c = fastClient(srv.url);
    for (const id of ['', '.', '..']) {
      assert.equal((await catchApiError(listProjects(c, id))).kind, 'badRequest');
      assert.equal((await catchApiError(c.deleteApiToken('o1', id))).kind, 'badRequest');
    }
    assert.equal(srv.requests.length, 0);
  });

  it('checks a create request before sending it', async () => {
    const c = fastClient(srv.url);
    assert.equal((await catchApiError(c.createApiToken('o1', { name: '  ', role_id: 'r1' }))).kind, 'badRequest');
    assert.equal((await catchApiError(c.createApiToken('o1', { name: 'x', role_id: '' }))).kind, 'badRequest');
    assert.equal(srv.requests.length, 0);
  });

  describe('response shapes', () => {
    async function shapeError(body: unknown, call: (c: QoveryClient) => Promise<unknown>): Promise<string> {
      srv.handle((_q, res) => sendJson(res, 200, body));
      const e = await catchApiError(call(fastClient(srv.url)));
      assert.equal(e.kind, 'invalidResponse');
      return e.message;
    }

    it('names what is missing', async () => {
      assert.match(await shapeError({ items: [] }, (c) => c.listOrganizations()), /organization list has no "results"/);
      assert.match(await shapeError([], (c) => c.listOrganizations()), /no "results"/);
      assert.match(await shapeError({ results: [{ id: 'o1' }] }, (c) => c.listOrganizations()), /organization #1 has no "name"/);
      assert.match(await shapeError({ results: [{ id: 'p', name: 'n' }, 'x'] }, (c) => listProjects(c, 'o')), /project #2 is not an object/);
      assert.match(await shapeError({ results: [{ id: 'e', name: 'n' }] }, (c) => listEnvironments(c, 'p')), /has no "mode"/);
      assert.match(await shapeError({ results: [{ id: 'e' }] }, (c) => listEnvironmentStatuses(c, 'p')), /has no "state"/);
      assert.match(await shapeError({ results: [{ id: 's', name: 'n' }] }, (c) => listServices(c, 'e')), /has no "service_type"/);
      assert.match(await shapeError({ results: [{ id: 42, name: 'n' }] }, (c) => c.listAvailableRoles('o')), /has no "id"/);
      assert.match(await shapeError({ results: [{ id: 't' }] }, (c) => c.listApiTokens('o')), /has no "created_at"/);
      assert.match(await shapeError({ id: 't', created_at: 'x' }, (c) => c.createApiToken('o', { name: 'n', role_id: 'r' })), /created API token has no "token"/);
      assert.match(await shapeError({ name: 'x' }, (c) => c.getOrganization('o')), /organization has no "id"/);
      assert.match(await shapeError('text', (c) => c.getAccount()), /account is not an object/);
      assert.match(await shapeError(null, (c) => getServiceStatuses(c, 'e')), /service statuses is not an object/);
    });

    it('checks service statuses group by group', async () => {
      assert.match(await shapeError({ applications: {} }, (c) => getServiceStatuses(c, 'e')), /"applications" .* is not a list/);
      assert.match(await shapeError({ helms: [{ id: 'h' }] }, (c) => getServiceStatuses(c, 'e')), /helms status #1 has no "state"/);
      assert.match(
        await shapeError({ jobs: [{ id: 'j', state: 'x', service_deployment_status: 3 }] }, (c) => getServiceStatuses(c, 'e')),
        /service_deployment_status/,
      );
    });

    it('treats a missing status group as empty and keeps unknown fields', async () => {
      srv.handle((_q, res) => sendJson(res, 200, { applications: [{ id: 'a', state: 'RUNNING', future: true }], agentic_workflows: [] }));
      const st = await getServiceStatuses(fastClient(srv.url), 'e');
      assert.deepEqual(st.terraforms, []);
      assert.deepEqual(st.helms, []);
      assert.deepEqual(st.applications, [{ id: 'a', state: 'RUNNING', future: true }]);
      assert.deepEqual(st.agentic_workflows, []);
    });
  });

  describe('construction', () => {
    it('detects the scheme, and the setting overrides it', async () => {
      assert.equal(fastClient(srv.url).scheme, 'Token');
      const bearer = new QoveryClient({ baseUrl: srv.url, token: JWT });
      assert.equal(bearer.scheme, 'Bearer');
      await bearer.listOrganizations();
      assert.equal(srv.requests[0].headers.authorization, `Bearer ${JWT}`);
      assert.equal(new QoveryClient({ baseUrl: srv.url, token: JWT, authScheme: 'token' }).scheme, 'Token');
      assert.equal(new QoveryClient({ baseUrl: srv.url, token: 'qov_x', authScheme: 'bearer' }).scheme, 'Bearer');
    });

    it('cleans the token it is given', async () => {
      await new QoveryClient({ baseUrl: srv.url, token: `  "Token ${TOKEN}"\n` }).listOrganizations();
      assert.equal(srv.requests[0].headers.authorization, `Token ${TOKEN}`);
    });

    it('normalises the base URL', () => {
      assert.equal(new QoveryClient({ baseUrl: 'https://api.qovery.com/', token: 'qov_x' }).baseUrl, 'https://api.qovery.com');
      assert.equal(new QoveryClient({ baseUrl: ' https://h.example/api// ', token: 'qov_x' }).baseUrl, 'https://h.example/api');
    });

    it('refuses a bad token or an insecure URL', () => {
      const e1 = catchSync(() => new QoveryClient({ baseUrl: srv.url, token: 'qov_a b' }));
      assert.ok(e1 instanceof QoveryApiError && e1.kind === 'invalidToken');
      const e2 = catchSync(() => new QoveryClient({ baseUrl: 'http://api.qovery.com', token: 'qov_x' }));
      assert.ok(e2 instanceof QoveryApiError && e2.kind === 'insecureUrl');
    });

    it('never shows the token when inspected or serialised', () => {
      const c = fastClient(srv.url, { onRequest: () => undefined });
      const shown = [
        util.inspect(c, { showHidden: true, depth: 10, getters: true }),
        JSON.stringify(c),
        `${Object.prototype.toString.call(c)}`,
        Object.values(c).map((v) => util.inspect(v, { showHidden: true, depth: 10 })).join(' '),
      ].join('\n');
      assert.ok(shown.includes(srv.url), 'the inspection should show something');
      assert.ok(!shown.includes(TOKEN_MARK), shown);
    });
  });
});
