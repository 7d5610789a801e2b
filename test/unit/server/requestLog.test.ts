import * as assert from 'node:assert/strict';
import { DEMO, DEMO_ADMIN_TOKEN, DEMO_USER_JWT, DEMO_VIEWER_TOKEN, startQoveryServer, type QoveryServer } from '../../qovery';
import { call, field } from './http';

describe('fake server request log', () => {
  let server: QoveryServer;
  beforeEach(async () => {
    server = await startQoveryServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('records method, path, query, scheme, token name, status, body and time', async () => {
    const before = Date.now();
    await call(server, 'GET', `/organization/${DEMO.organizations.acme}/apiToken?name=demo&creatorName=alex`, { token: DEMO_ADMIN_TOKEN, headers: { 'user-agent': 'qovery-vscode/0.1.0' } });
    await call(server, 'POST', `/organization/${DEMO.organizations.acme}/apiToken`, {
      token: DEMO_ADMIN_TOKEN,
      body: { name: 'logged', role_id: DEMO.roles.acme.viewer },
    });
    await call(server, 'GET', '/account', { authorization: `Bearer ${DEMO_USER_JWT}` });
    await call(server, 'GET', '/organization');
    await call(server, 'GET', '/organization', { authorization: 'Basic abc' });
    await call(server, 'GET', '/organization', { token: 'qov_wrong' });
    const [list, create, account, anonymous, other, unknown] = server.requests;
    assert.deepEqual(
      { ...list, at: undefined },
      {
        method: 'GET',
        path: `/organization/${DEMO.organizations.acme}/apiToken`,
        query: { name: 'demo', creatorName: 'alex' },
        authScheme: 'Token',
        tokenName: 'vscode-demo-admin',
        tokenId: DEMO.apiTokens.admin,
        status: 200,
        at: undefined,
        userAgent: 'qovery-vscode/0.1.0',
      },
    );
    assert.ok(list.at >= before && list.at <= Date.now());
    assert.equal(create.method, 'POST');
    assert.equal(create.status, 201);
    assert.deepEqual(create.body, { name: 'logged', role_id: DEMO.roles.acme.viewer });
    assert.equal(account.authScheme, 'Bearer');
    assert.equal(account.tokenName, 'alex-martin (user JWT)');
    assert.equal(anonymous.authScheme, 'none');
    assert.equal(anonymous.status, 401);
    assert.equal(other.authScheme, 'other');
    assert.equal(unknown.authScheme, 'Token');
    assert.equal(unknown.tokenName, undefined);
  });

  it('never records a secret, not even the one of a token it just created', async () => {
    const created = await call(server, 'POST', `/organization/${DEMO.organizations.acme}/apiToken`, {
      token: DEMO_ADMIN_TOKEN,
      body: { name: 'secretive', role_id: DEMO.roles.acme.admin },
    });
    const secret = String(field(created, 'token'));
    await call(server, 'GET', '/organization', { token: secret });
    await call(server, 'GET', '/organization', { token: DEMO_VIEWER_TOKEN });
    await call(server, 'GET', '/account', { authorization: `Bearer ${DEMO_USER_JWT}` });
    const text = JSON.stringify(server.requests);
    for (const credential of [secret, DEMO_ADMIN_TOKEN, DEMO_VIEWER_TOKEN, DEMO_USER_JWT]) {
      assert.ok(!text.includes(credential));
    }
    assert.equal(server.requests[1].tokenName, 'secretive');
  });

  it('keeps the name of a token that deletes itself in its own entry', async () => {
    const created = await call(server, 'POST', `/organization/${DEMO.organizations.acme}/apiToken`, {
      token: DEMO_ADMIN_TOKEN,
      body: { name: 'ephemeral', role_id: DEMO.roles.acme.admin },
    });
    await call(server, 'DELETE', `/organization/${DEMO.organizations.acme}/apiToken/${String(field(created, 'id'))}`, { token: String(field(created, 'token')) });
    assert.equal(server.requests.at(-1)?.tokenName, 'ephemeral');
    assert.equal(server.requests.at(-1)?.status, 204);
  });

  it('records a non-JSON body as text', async () => {
    await call(server, 'POST', `/organization/${DEMO.organizations.acme}/apiToken`, { token: DEMO_ADMIN_TOKEN, rawBody: 'name=x' });
    assert.equal(server.requests[0].body, 'name=x');
    assert.equal(server.requests[0].status, 400);
  });

  it('clears, and keeps only the newest entries beyond logLimit', async () => {
    await call(server, 'GET', '/organization', { token: DEMO_ADMIN_TOKEN });
    server.clearLog();
    assert.equal(server.requests.length, 0);
    const small = await startQoveryServer({ logLimit: 3 });
    try {
      for (let i = 0; i < 5; i++) {
        await call(small, 'GET', `/organization?i=${i}`, { token: DEMO_ADMIN_TOKEN });
      }
      assert.deepEqual(
        small.requests.map((entry) => entry.query.i),
        ['2', '3', '4'],
      );
    } finally {
      await small.close();
    }
  });
});
