import * as assert from 'node:assert/strict';
import { parseAuthorization } from '../../qovery/auth';
import {
  DEMO,
  DEMO_ADMIN_TOKEN,
  DEMO_DEPLOYER_TOKEN,
  DEMO_SECOND_ORG_ADMIN_TOKEN,
  DEMO_USER_JWT,
  DEMO_VIEWER_TOKEN,
  startQoveryServer,
  type QoveryServer,
} from '../../qovery';
import { call, results, type CallResult } from './http';

function assertProblem(result: CallResult, status: number, path: string): void {
  assert.equal(result.status, status);
  assert.match(result.headers.get('content-type') ?? '', /application\/json/);
  const body = result.json as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['detail', 'instance', 'message', 'status', 'title', 'type']);
  assert.equal(body.status, status);
  assert.equal(body.instance, path);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.detail, 'string');
  assert.equal(body.message, body.detail);
}

describe('fake server authentication', () => {
  let server: QoveryServer;
  before(async () => {
    server = await startQoveryServer();
  });
  after(async () => {
    await server.close();
  });

  describe('parseAuthorization', () => {
    it('recognises Token and Bearer case-insensitively and reports the rest', () => {
      assert.deepEqual(parseAuthorization(undefined), { scheme: 'none' });
      assert.deepEqual(parseAuthorization('  '), { scheme: 'none' });
      assert.deepEqual(parseAuthorization('Token abc'), { scheme: 'Token', value: 'abc' });
      assert.deepEqual(parseAuthorization('token abc'), { scheme: 'Token', value: 'abc' });
      assert.deepEqual(parseAuthorization('BEARER x.y.z'), { scheme: 'Bearer', value: 'x.y.z' });
      assert.deepEqual(parseAuthorization('Basic dXNlcjpwYXNz'), { scheme: 'other' });
      assert.deepEqual(parseAuthorization('qov_only'), { scheme: 'other' });
      assert.deepEqual(parseAuthorization('Token a b'), { scheme: 'other' });
    });
  });

  it('seeds API tokens that look like Qovery tokens and a JWT that decodes as one', () => {
    for (const token of [DEMO_ADMIN_TOKEN, DEMO_VIEWER_TOKEN, DEMO_DEPLOYER_TOKEN, DEMO_SECOND_ORG_ADMIN_TOKEN]) {
      assert.match(token, /^qov_[A-Za-z0-9]{40}$/);
    }
    const [header, payload, signature] = DEMO_USER_JWT.split('.');
    assert.equal(JSON.parse(Buffer.from(header, 'base64').toString('utf8')).typ, 'JWT');
    assert.equal(typeof JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).exp, 'number');
    assert.ok(signature.length > 300);
    assert.deepEqual(server.tokens, {
      admin: DEMO_ADMIN_TOKEN,
      viewer: DEMO_VIEWER_TOKEN,
      deployer: DEMO_DEPLOYER_TOKEN,
      secondOrgAdmin: DEMO_SECOND_ORG_ADMIN_TOKEN,
      userJwt: DEMO_USER_JWT,
    });
  });

  it('answers 401 with a problem body when the token is missing', async () => {
    assertProblem(await call(server, 'GET', '/organization'), 401, '/organization');
  });

  it('answers 401 for an unknown token, an unknown JWT and another scheme', async () => {
    assertProblem(await call(server, 'GET', '/organization', { token: 'qov_unknown' }), 401, '/organization');
    assertProblem(await call(server, 'GET', '/organization', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln' }), 401, '/organization');
    assertProblem(await call(server, 'GET', '/organization', { authorization: `Basic ${DEMO_ADMIN_TOKEN}` }), 401, '/organization');
    assertProblem(await call(server, 'GET', '/organization', { authorization: DEMO_ADMIN_TOKEN }), 401, '/organization');
  });

  it('accepts API tokens only with Token and the JWT only with Bearer', async () => {
    assert.equal((await call(server, 'GET', '/organization', { token: DEMO_ADMIN_TOKEN })).status, 200);
    assert.equal((await call(server, 'GET', '/organization', { authorization: `token ${DEMO_ADMIN_TOKEN}` })).status, 200);
    assert.equal((await call(server, 'GET', '/organization', { authorization: `Bearer ${DEMO_USER_JWT}` })).status, 200);
    assertProblem(await call(server, 'GET', '/organization', { authorization: `Bearer ${DEMO_ADMIN_TOKEN}` }), 401, '/organization');
    assertProblem(await call(server, 'GET', '/organization', { token: DEMO_USER_JWT }), 401, '/organization');
  });

  it('shows an API token its own organization only, and the user JWT both', async () => {
    const names = async (authorization: string): Promise<string[]> =>
      results(await call(server, 'GET', '/organization', { authorization })).map((org) => String(org.name));
    assert.deepEqual(await names(`Token ${DEMO_ADMIN_TOKEN}`), ['Acme Corp']);
    assert.deepEqual(await names(`Token ${DEMO_VIEWER_TOKEN}`), ['Acme Corp']);
    assert.deepEqual(await names(`Token ${DEMO_SECOND_ORG_ADMIN_TOKEN}`), ['Side Projects']);
    assert.deepEqual(await names(`Bearer ${DEMO_USER_JWT}`), ['Acme Corp', 'Side Projects']);
  });

  it("answers 403 with a problem body when a token reaches into another organization's data", async () => {
    const paths = [
      `/organization/${DEMO.organizations.side}`,
      `/organization/${DEMO.organizations.side}/project`,
      `/organization/${DEMO.organizations.side}/availableRole`,
      `/organization/${DEMO.organizations.side}/apiToken`,
      `/project/${DEMO.projects.blog}/environment`,
      `/project/${DEMO.projects.blog}/environment/status`,
      `/environment/${DEMO.environments.blogProduction}/services`,
      `/environment/${DEMO.environments.blogProduction}/statuses`,
    ];
    for (const path of paths) {
      assertProblem(await call(server, 'GET', path, { token: DEMO_ADMIN_TOKEN }), 403, path);
      assert.equal((await call(server, 'GET', path, { authorization: `Bearer ${DEMO_USER_JWT}` })).status, 200, path);
    }
  });

  it('lets every role read its organization', async () => {
    for (const token of [DEMO_ADMIN_TOKEN, DEMO_VIEWER_TOKEN, DEMO_DEPLOYER_TOKEN]) {
      assert.equal((await call(server, 'GET', `/organization/${DEMO.organizations.acme}/project`, { token })).status, 200);
      assert.equal((await call(server, 'GET', `/organization/${DEMO.organizations.acme}/apiToken`, { token })).status, 200);
    }
  });

  it('answers GET /account for the user JWT and 403 for API tokens', async () => {
    const user = await call(server, 'GET', '/account', { authorization: `Bearer ${DEMO_USER_JWT}` });
    assert.equal(user.status, 200);
    assert.deepEqual(user.json, {
      id: DEMO.userId,
      created_at: '2023-02-14T08:30:00.000Z',
      nickname: 'alex-martin',
      first_name: 'Alex',
      last_name: 'Martin',
      profile_picture_url: 'https://avatars.githubusercontent.com/u/4242424?v=4',
      communication_email: 'alex.martin@acme.example',
    });
    assertProblem(await call(server, 'GET', '/account', { token: DEMO_ADMIN_TOKEN }), 403, '/account');
    assertProblem(await call(server, 'GET', '/account'), 401, '/account');
  });

  it('answers 404 for unknown routes before checking credentials, and 405 for a wrong method', async () => {
    assertProblem(await call(server, 'GET', '/nope'), 404, '/nope');
    assertProblem(await call(server, 'GET', '/organization/'), 404, '/organization/');
    const wrong = await call(server, 'PATCH', '/organization', { token: DEMO_ADMIN_TOKEN });
    assertProblem(wrong, 405, '/organization');
    assert.equal(wrong.headers.get('allow'), 'GET');
  });
});
