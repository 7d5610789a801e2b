import * as assert from 'node:assert/strict';
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
import { call, field, results } from './http';

type Item = Record<string, unknown>;
const acme = DEMO.organizations.acme;
const tokensPath = `/organization/${acme}/apiToken`;

describe('fake server API tokens', () => {
  let server: QoveryServer;
  const fixedNow = new Date('2025-07-01T12:00:00.000Z');

  beforeEach(async () => {
    server = await startQoveryServer({ now: () => fixedNow });
  });
  afterEach(async () => {
    await server.close();
  });

  const create = (body: unknown, token = DEMO_ADMIN_TOKEN, organizationId: string = acme) =>
    call(server, 'POST', `/organization/${organizationId}/apiToken`, { token, body });

  it('lists available roles: built-in ones and the custom deployer', async () => {
    const roles = results(await call(server, 'GET', `/organization/${acme}/availableRole`, { token: DEMO_VIEWER_TOKEN }));
    assert.deepEqual(
      roles.map((role) => role.name),
      ['Admin', 'DevOps', 'Billing Manager', 'Viewer', 'deployer'],
    );
    assert.deepEqual(
      roles.map((role) => role.id),
      [DEMO.roles.acme.admin, DEMO.roles.acme.devops, DEMO.roles.acme.billingManager, DEMO.roles.acme.viewer, DEMO.roles.acme.deployer],
    );
    const sideRoles = results(await call(server, 'GET', `/organization/${DEMO.organizations.side}/availableRole`, { token: DEMO_SECOND_ORG_ADMIN_TOKEN }));
    assert.notEqual(sideRoles[0].id, roles[0].id);
  });

  it('lists the seeded tokens with their roles and never a secret', async () => {
    const listed = await call(server, 'GET', tokensPath, { token: DEMO_ADMIN_TOKEN });
    const tokens = results(listed);
    assert.deepEqual(
      tokens.map((token) => [token.id, token.name, token.role_name, token.role_id]),
      [
        [DEMO.apiTokens.admin, 'vscode-demo-admin', 'Admin', DEMO.roles.acme.admin],
        [DEMO.apiTokens.viewer, 'vscode-demo-viewer', 'Viewer', DEMO.roles.acme.viewer],
        [DEMO.apiTokens.deployer, 'ci-deployer', 'deployer', DEMO.roles.acme.deployer],
        [DEMO.apiTokens.legacy, 'terraform-provider', 'Admin', DEMO.roles.acme.admin],
      ],
    );
    assert.ok(tokens.every((token) => !('token' in token)));
    assert.ok(!listed.text.includes('qov_'));
  });

  it('filters the list by name', async () => {
    const tokens = results(await call(server, 'GET', `${tokensPath}?name=DEMO`, { token: DEMO_ADMIN_TOKEN }));
    assert.deepEqual(
      tokens.map((token) => token.name),
      ['vscode-demo-admin', 'vscode-demo-viewer'],
    );
  });

  it('creates a token whose secret works at once, with its role and organization', async () => {
    const created = await create({ name: 'vscode', description: 'VS Code extension', role_id: DEMO.roles.acme.viewer });
    assert.equal(created.status, 201);
    const body = created.json as Item;
    assert.match(String(body.token), /^qov_[A-Za-z0-9]{40}$/);
    assert.deepEqual(
      { ...body, id: undefined, token: undefined },
      {
        id: undefined,
        token: undefined,
        created_at: fixedNow.toISOString(),
        name: 'vscode',
        description: 'VS Code extension',
        role_name: 'Viewer',
        role_id: DEMO.roles.acme.viewer,
      },
    );
    const secret = String(body.token);
    const orgs = results(await call(server, 'GET', '/organization', { token: secret }));
    assert.deepEqual(
      orgs.map((org) => org.id),
      [acme],
    );
    // A viewer token cannot manage tokens.
    assert.equal((await create({ name: 'escalate', role_id: DEMO.roles.acme.admin }, secret)).status, 403);
    // Listed from now on, still without the secret.
    const listed = results(await call(server, 'GET', tokensPath, { token: DEMO_ADMIN_TOKEN }));
    assert.deepEqual(listed.at(-1), {
      id: body.id,
      created_at: fixedNow.toISOString(),
      name: 'vscode',
      description: 'VS Code extension',
      role_name: 'Viewer',
      role_id: DEMO.roles.acme.viewer,
    });
    const state = server.state.apiTokens(acme).find((token) => token.id === body.id);
    assert.equal(state?.secret, secret);
    assert.equal(state?.revoked, false);
    assert.equal(state?.seeded, false);
  });

  it('gives new tokens distinct ids and secrets, reproducible across runs', async () => {
    const first = await create({ name: 'one', role_id: DEMO.roles.acme.admin });
    const second = await create({ name: 'two', role_id: DEMO.roles.acme.admin });
    assert.notEqual(field(first, 'id'), field(second, 'id'));
    assert.notEqual(field(first, 'token'), field(second, 'token'));
    const other = await startQoveryServer();
    try {
      const again = await call(other, 'POST', tokensPath, { token: DEMO_ADMIN_TOKEN, body: { name: 'one', role_id: DEMO.roles.acme.admin } });
      assert.equal(field(again, 'id'), field(first, 'id'));
      assert.equal(field(again, 'token'), field(first, 'token'));
    } finally {
      await other.close();
    }
  });

  it('answers 409 when the name is taken (case-insensitively) by an active token', async () => {
    assert.equal((await create({ name: 'ci-deployer', role_id: DEMO.roles.acme.deployer })).status, 409);
    const conflict = await create({ name: 'CI-Deployer', role_id: DEMO.roles.acme.deployer });
    assert.equal(conflict.status, 409);
    assert.equal(field(conflict, 'status'), 409);
    // The same name is free in the other organization and once the token is deleted.
    assert.equal((await create({ name: 'ci-deployer', role_id: DEMO.roles.side.deployer }, DEMO_SECOND_ORG_ADMIN_TOKEN, DEMO.organizations.side)).status, 201);
    assert.equal((await call(server, 'DELETE', `${tokensPath}/${DEMO.apiTokens.deployer}`, { token: DEMO_ADMIN_TOKEN })).status, 204);
    assert.equal((await create({ name: 'ci-deployer', role_id: DEMO.roles.acme.deployer })).status, 201);
  });

  it('answers 400 for a missing name, a missing or unknown role and a malformed body', async () => {
    const bad: unknown[] = [
      { role_id: DEMO.roles.acme.admin },
      { name: '   ', role_id: DEMO.roles.acme.admin },
      { name: 42, role_id: DEMO.roles.acme.admin },
      { name: 'no-role' },
      { name: 'null-role', role_id: null },
      { name: 'unknown-role', role_id: '8d7f6e5d-4c3b-4a29-8817-263544536271' },
      { name: 'other-org-role', role_id: DEMO.roles.side.admin },
      { name: 'bad-description', role_id: DEMO.roles.acme.admin, description: 7 },
      { name: 'bad-scope', role_id: DEMO.roles.acme.admin, scope: 'READ' },
      ['name', 'role_id'],
      'name',
    ];
    for (const body of bad) {
      const result = await create(body);
      assert.equal(result.status, 400, JSON.stringify(body));
      assert.equal(field(result, 'status'), 400);
    }
    const notJson = await call(server, 'POST', tokensPath, { token: DEMO_ADMIN_TOKEN, rawBody: '{"name":', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    const empty = await call(server, 'POST', tokensPath, { token: DEMO_ADMIN_TOKEN });
    assert.equal(empty.status, 400);
    assert.equal(server.state.apiTokens(acme).length, 4);
  });

  it('accepts the deprecated ADMIN scope alongside a role', async () => {
    assert.equal((await create({ name: 'scoped', role_id: DEMO.roles.acme.admin, scope: 'ADMIN' })).status, 201);
  });

  it('refuses token management to viewer and deployer tokens (403) but lets them list', async () => {
    for (const token of [DEMO_VIEWER_TOKEN, DEMO_DEPLOYER_TOKEN]) {
      const created = await create({ name: `from-${token.slice(4, 8)}`, role_id: DEMO.roles.acme.viewer }, token);
      assert.equal(created.status, 403);
      assert.deepEqual(Object.keys(created.json as Item).sort(), ['detail', 'instance', 'message', 'status', 'title', 'type']);
      const deleted = await call(server, 'DELETE', `${tokensPath}/${DEMO.apiTokens.legacy}`, { token });
      assert.equal(deleted.status, 403);
      assert.equal((await call(server, 'GET', tokensPath, { token })).status, 200);
    }
    assert.equal(server.state.apiTokens(acme).filter((token) => token.revoked).length, 0);
  });

  it("refuses an admin token of one organization on another organization's tokens", async () => {
    assert.equal((await create({ name: 'cross', role_id: DEMO.roles.acme.admin }, DEMO_SECOND_ORG_ADMIN_TOKEN)).status, 403);
    assert.equal((await call(server, 'DELETE', `${tokensPath}/${DEMO.apiTokens.legacy}`, { token: DEMO_SECOND_ORG_ADMIN_TOKEN })).status, 403);
  });

  it('lets the user JWT manage tokens of both organizations', async () => {
    const authorization = `Bearer ${DEMO_USER_JWT}`;
    for (const [orgId, roleId] of [
      [acme, DEMO.roles.acme.deployer],
      [DEMO.organizations.side, DEMO.roles.side.viewer],
    ] as const) {
      const created = await call(server, 'POST', `/organization/${orgId}/apiToken`, { authorization, body: { name: 'from-jwt', role_id: roleId } });
      assert.equal(created.status, 201);
      assert.equal((await call(server, 'DELETE', `/organization/${orgId}/apiToken/${String(field(created, 'id'))}`, { authorization })).status, 204);
    }
  });

  it('revokes on DELETE at once: 204, then 401 for the token and 404 for a second delete', async () => {
    const created = await create({ name: 'short-lived', role_id: DEMO.roles.acme.admin });
    const secret = String(field(created, 'token'));
    const id = String(field(created, 'id'));
    assert.equal((await call(server, 'GET', '/organization', { token: secret })).status, 200);
    const deleted = await call(server, 'DELETE', `${tokensPath}/${id}`, { token: DEMO_ADMIN_TOKEN });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assert.equal((await call(server, 'GET', '/organization', { token: secret })).status, 401);
    assert.equal((await call(server, 'DELETE', `${tokensPath}/${id}`, { token: DEMO_ADMIN_TOKEN })).status, 404);
    assert.ok(!results(await call(server, 'GET', tokensPath, { token: DEMO_ADMIN_TOKEN })).some((token) => token.id === id));
    const state = server.state.apiTokens(acme).find((token) => token.id === id);
    assert.equal(state?.revoked, true);
    assert.equal(state?.revokedAt, fixedNow.toISOString());
  });

  it('lets a token delete itself', async () => {
    const created = await create({ name: 'self-destruct', role_id: DEMO.roles.acme.admin });
    const secret = String(field(created, 'token'));
    assert.equal((await call(server, 'DELETE', `${tokensPath}/${String(field(created, 'id'))}`, { token: secret })).status, 204);
    assert.equal((await call(server, 'GET', '/organization', { token: secret })).status, 401);
  });

  it('answers 404 when deleting an unknown token or one of another organization', async () => {
    assert.equal((await call(server, 'DELETE', `${tokensPath}/0b0e5a54-6b8e-4f0e-9a51-1f2d3c4b5a69`, { token: DEMO_ADMIN_TOKEN })).status, 404);
    assert.equal((await call(server, 'DELETE', `${tokensPath}/${DEMO.apiTokens.secondOrgAdmin}`, { token: DEMO_ADMIN_TOKEN })).status, 404);
    assert.equal((await call(server, 'GET', '/organization', { token: DEMO_SECOND_ORG_ADMIN_TOKEN })).status, 200);
  });

  it("lets tests revoke a token behind the client's back", async () => {
    assert.equal(server.state.revokeApiToken(acme, DEMO.apiTokens.viewer), true);
    assert.equal(server.state.revokeApiToken(acme, DEMO.apiTokens.viewer), false);
    assert.equal((await call(server, 'GET', '/organization', { token: DEMO_VIEWER_TOKEN })).status, 401);
    assert.equal((await call(server, 'GET', '/organization', { token: DEMO_ADMIN_TOKEN })).status, 200);
  });
});
