import * as assert from 'node:assert';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { QoveryExtensionApi } from '../../src/extension';
import { TokenRotation, type RotationJournal, type RotationReport } from '../../src/auth/rotation';
import { fingerprint, readTokenRecord, recordKey, reminderKey } from '../../src/auth/rotation/records';
import { FileLeases } from '../../src/auth/rotation/storage';
import { SessionManager } from '../../src/auth/session';
import { QoveryClient } from '../../src/api/client';
import { TokenStore, type ConnectionInfo } from '../../src/auth/tokenStore';
import { Logger } from '../../src/logger';
import type { QoveryNode } from '../../src/tree/nodes';
import { Ui } from '../../src/ui';
import { DEMO, startQoveryServer, type ApiTokenState, type Fault, type QoveryServer } from '../qovery';
import { extensionApi, resetExtension, ScriptedPrompter, setSetting, signInWith, usedTokens, waitFor } from './helpers';

const ACME = DEMO.organizations.acme;
const JOURNAL_KEY = 'qovery.rotations';
const tokenKey = (id: string): string => `qovery.token.${id}`;
const pendingKey = (id: string): string => `qovery.pending.${id}`;

/** SecretStorage in memory, shared by the "before" and "after" of a simulated restart; can refuse writes. */
class MemorySecrets {
  readonly values = new Map<string, string>();
  readonly #changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.#changed.event;
  /** store() fails for keys that start with this. */
  failStoreFor: string | undefined;
  /** The next N delete() calls fail. */
  failDeletes = 0;

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  store(key: string, value: string): Promise<void> {
    if (this.failStoreFor !== undefined && key.startsWith(this.failStoreFor)) {
      return Promise.reject(new Error('An OS keyring couldn\'t be identified'));
    }
    this.values.set(key, value);
    this.#changed.fire({ key });
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    if (this.failDeletes > 0) {
      this.failDeletes--;
      return Promise.reject(new Error('The keyring is locked'));
    }
    this.values.delete(key);
    this.#changed.fire({ key });
    return Promise.resolve();
  }
}

function memoryMemento(): vscode.Memento {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback),
    update: (key: string, value: unknown) => Promise.resolve(void (value === undefined ? values.delete(key) : values.set(key, structuredClone(value)))),
  } as vscode.Memento;
}

/** One "run" of the extension's auth services over given storage: what an activation builds. */
interface Stack {
  store: TokenStore;
  session: SessionManager;
  rotation: TokenRotation;
  prompter: ScriptedPrompter;
  dispose(): void;
}

function startStack(secrets: MemorySecrets, memento: vscode.Memento, storageDir = mkdtempSync(join(tmpdir(), 'qovery-rotation-'))): Stack {
  const log = new Logger(vscode.window.createOutputChannel('Qovery rotation test', { log: true }));
  const store = new TokenStore(secrets, memento, log);
  const session = new SessionManager(store, log, (options) => new QoveryClient(options));
  const ui = new Ui();
  const prompter = new ScriptedPrompter();
  ui.prompter = prompter;
  const rotation = new TokenRotation({ session, ui, log, globalState: memento, storageDir });
  return {
    store,
    session,
    rotation,
    prompter,
    dispose: () => {
      rotation.dispose();
      session.dispose();
      store.dispose();
      log.dispose();
    },
  };
}

describe('token rotation', function () {
  this.timeout(60_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  let prompter: ScriptedPrompter;
  const stacks: Stack[] = [];

  const tokens = (): ApiTokenState[] => server.state.apiTokens(ACME);
  const token = (id: string | undefined): ApiTokenState => {
    const found = tokens().find((t) => t.id === id);
    assert.ok(found, `token ${String(id)} exists on the server`);
    return found;
  };
  const createdTokens = (): ApiTokenState[] => tokens().filter((t) => !t.seeded);
  const activeCreated = (): ApiTokenState[] => createdTokens().filter((t) => !t.revoked);
  const seeded = (id: string): ApiTokenState => token(id);

  /** Journals and leases live in SecretStorage, lease files (and older journals) under the global storage. */
  async function clearJournals(): Promise<void> {
    rmSync(join(api.storageDir, 'rotation'), { recursive: true, force: true });
    const ids = new Set([...api.store.connections().map((c) => c.id), ...(JSON.parse((await api.secrets.get('qovery.rotation.journals')) ?? '[]') as string[])]);
    for (const id of ids) {
      await api.secrets.delete(`qovery.rotation.journal.${id}`);
      await api.secrets.delete(`qovery.rotation.lease.rotation-${id}`);
    }
    await api.secrets.delete('qovery.rotation.journals');
  }

  async function works(secret: string | undefined): Promise<boolean> {
    assert.ok(secret, 'a token is stored');
    const res = await fetch(`${server.url}/organization`, { headers: { Authorization: `Token ${secret}` } });
    await res.arrayBuffer();
    return res.status === 200;
  }

  /** Lets the checks that follow a sign-in finish, so a fault set next is met by the step under test. */
  async function settle(session: { check(): Promise<unknown> }): Promise<void> {
    await new Promise((r) => setTimeout(r, 150));
    await session.check();
    server.clearLog();
  }

  async function signIn(secret = server.tokens.admin): Promise<ConnectionInfo> {
    await signInWith(api, secret);
    await settle(api.session);
    prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;
    return api.store.active()!;
  }

  function rotate(...answers: (string | undefined)[]): Promise<RotationReport> {
    prompter.answer(...answers);
    return Promise.resolve(vscode.commands.executeCommand<RotationReport>('qovery.rotateToken'));
  }

  /** The old token is untouched and still the connection's, nothing the rotation made is left, it still works. */
  async function expectUnchanged(connectionId: string, oldId = DEMO.apiTokens.admin, read = (key: string) => api.secrets.get(key), journals: () => Promise<RotationJournal[]> = () => api.rotation.journals()): Promise<void> {
    const old = seeded(oldId);
    assert.strictEqual(old.revoked, false, 'the old token is not revoked');
    assert.deepStrictEqual(activeCreated().map((t) => t.name), [], 'no token made by the rotation is left');
    assert.strictEqual(await read(tokenKey(connectionId)), old.secret, 'the connection keeps its token');
    assert.strictEqual(await read(pendingKey(connectionId)), undefined, 'no pending token is left');
    assert.ok(await works(old.secret), 'the token still works');
    assert.deepStrictEqual(await journals(), [], 'the journal is closed');
  }

  /** The new token is the connection's only token and works; the old one is revoked (or kept, when asked). */
  async function expectRotated(
    connectionId: string,
    options: { oldId?: string; oldRevoked?: boolean; read?: (key: string) => Promise<string | undefined>; journals?: () => Promise<RotationJournal[]> } = {},
  ): Promise<ApiTokenState> {
    const { oldId = DEMO.apiTokens.admin, oldRevoked = true, read = (key: string) => api.secrets.get(key), journals = () => api.rotation.journals() } = options;
    const active = activeCreated();
    assert.strictEqual(active.length, 1, `one new token is active: ${JSON.stringify(createdTokens().map((t) => [t.name, t.revoked]))}`);
    const fresh = active[0];
    assert.strictEqual(fresh.roleId, seeded(oldId).roleId, 'the new token has the role of the old one');
    assert.match(fresh.name, /^vscode-/);
    assert.strictEqual(await read(tokenKey(connectionId)), fresh.secret, 'the connection uses the new token');
    assert.strictEqual(await read(pendingKey(connectionId)), undefined, 'no pending token is left');
    assert.ok(await works(fresh.secret), 'the new token works');
    assert.strictEqual(seeded(oldId).revoked, oldRevoked, oldRevoked ? 'the old token is revoked' : 'the old token is kept');
    if (oldRevoked) {
      assert.strictEqual(await works(seeded(oldId).secret), false, 'the old token no longer works');
    }
    assert.deepStrictEqual(await journals(), [], 'the journal is closed');
    return fresh;
  }

  function noSecretShown(shown: ScriptedPrompter): void {
    const text = JSON.stringify(shown.shown.map((s) => [s.message, (s.options as { detail?: string }).detail, s.items?.map((i) => [i.label, i.description, i.detail])]));
    for (const t of tokens()) {
      assert.ok(!text.includes(t.secret), `the secret of ${t.name} is never shown`);
    }
  }

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await startQoveryServer();
    Object.values(server.tokens).forEach((t) => usedTokens.add(t));
    for (const c of api.store.connections()) {
      await api.store.deletePending(c.id);
    }
    await clearJournals();
    await api.globalState.update(JOURNAL_KEY, undefined);
    await resetExtension(api);
    await setSetting('apiUrl', server.url);
    prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;
  });

  afterEach(async () => {
    tokens().forEach((t) => usedTokens.add(t.secret));
    noSecretShown(prompter);
    stacks.forEach((s) => noSecretShown(s.prompter));
    while (stacks.length > 0) {
      stacks.pop()!.dispose();
    }
    await server.close();
  });

  after(async () => {
    for (const c of api.store.connections()) {
      await api.store.deletePending(c.id);
    }
    await api.globalState.update(JOURNAL_KEY, undefined);
    await resetExtension(api);
  });

  describe('Qovery: Rotate Token', () => {
    it('rotates a pasted token: asks which token is in use, keeps its role, verifies, swaps, revokes, and says so', async () => {
      const connection = await signIn();
      const report = await rotate('vscode-demo-admin', 'Rotate');
      assert.strictEqual(report.outcome, 'rotated', JSON.stringify(report));
      assert.strictEqual(report.revoked, true);
      const fresh = await expectRotated(connection.id);
      assert.deepStrictEqual(report.newToken, { id: fresh.id, name: fresh.name });
      assert.deepStrictEqual(report.oldToken, { id: DEMO.apiTokens.admin, name: 'vscode-demo-admin' });

      const pick = prompter.shown.find((s) => s.kind === 'quickPick')!;
      assert.match(pick.message, /Which token does "Acme Corp" use/);
      assert.ok(pick.actions.some((a) => a.includes('None of these')));
      const confirm = prompter.shown.find((s) => s.kind === 'warn')!;
      assert.strictEqual((confirm.options as vscode.MessageOptions).modal, true);
      assert.match(String((confirm.options as vscode.MessageOptions).detail), /role Admin.*\n\nThe old token "vscode-demo-admin" is then revoked/s);
      const done = prompter.messages('info').at(-1)!;
      assert.ok(done.includes(`"${fresh.name}" (${fresh.id}) is in use`), done);
      assert.ok(done.includes(`old token "vscode-demo-admin" (${DEMO.apiTokens.admin}) was revoked`), done);

      // Create with the old token, check and revoke with the new one, in that order.
      const calls = server.requests.map((r) => `${r.method} ${r.path} ${r.tokenId ?? ''}`);
      const create = calls.indexOf(`POST /organization/${ACME}/apiToken ${DEMO.apiTokens.admin}`);
      const check = calls.indexOf(`GET /organization ${fresh.id}`);
      const revoke = calls.indexOf(`DELETE /organization/${ACME}/apiToken/${DEMO.apiTokens.admin} ${fresh.id}`);
      assert.ok(create >= 0 && create < check && check < revoke, calls.join('\n'));
      assert.strictEqual(calls.filter((c) => c.startsWith('POST') || c.startsWith('DELETE')).length, 2);
      const info = api.store.get(connection.id)!;
      assert.strictEqual(info.source, 'rotated');
      assert.strictEqual(info.tokenId, fresh.id);
      assert.strictEqual(info.tokenName, fresh.name);
      assert.strictEqual(info.roleName, 'Admin');
      assert.strictEqual(info.tokenCreatedAt, fresh.createdAt);
      await waitFor('signed in with the new token', () => api.session.state.status === 'signedIn');
      assert.strictEqual((await api.session.check()).status, 'signedIn');
    });

    it('ends with one working token and two revoked ones after rotating twice in a row', async () => {
      const connection = await signIn();
      const first = await rotate('vscode-demo-admin', 'Rotate');
      assert.strictEqual(first.outcome, 'rotated');
      // The second time the token's id is known: no question about which one is in use.
      const second = await rotate('Rotate');
      assert.strictEqual(second.outcome, 'rotated', JSON.stringify(second));
      assert.strictEqual(prompter.shown.filter((s) => s.kind === 'quickPick').length, 1);
      assert.deepStrictEqual(second.oldToken, { id: first.newToken!.id, name: first.newToken!.name });
      const fresh = await expectRotated(connection.id);
      assert.strictEqual(fresh.id, second.newToken!.id);
      assert.notStrictEqual(first.newToken!.name, second.newToken!.name, 'each rotation gets its own name');
      const revoked = tokens().filter((t) => t.revoked).map((t) => t.id).sort();
      assert.deepStrictEqual(revoked, [DEMO.apiTokens.admin, first.newToken!.id].sort());
    });

    it('a token record of another secret is stale: the planner goes by the connection\'s facts, with no question', async () => {
      const connection = await signIn();
      const first = await rotate('vscode-demo-admin', 'Rotate');
      assert.strictEqual(first.outcome, 'rotated', JSON.stringify(first));
      // A record left by another secret (an older version, a failed write): it names nothing.
      await api.secrets.store(recordKey(connection.id), JSON.stringify({ fingerprint: fingerprint('another secret'), tokenId: DEMO.apiTokens.viewer }));
      const second = await rotate('Rotate');
      assert.strictEqual(second.outcome, 'rotated', JSON.stringify(second));
      assert.strictEqual(prompter.shown.filter((s) => s.kind === 'quickPick').length, 1, 'no question about which token is in use the second time');
      assert.deepStrictEqual(second.oldToken, { id: first.newToken!.id, name: first.newToken!.name });
      await expectRotated(connection.id);
    });

    it('rotates without revoking when the user picks "None of these", asking for the role', async () => {
      const connection = await signIn();
      const report = await rotate('None of these', 'Admin', 'Rotate');
      assert.strictEqual(report.outcome, 'rotated');
      assert.strictEqual(report.revoked, false);
      await expectRotated(connection.id, { oldRevoked: false });
      assert.match(prompter.messages('info').at(-1)!, /old token was not revoked: you chose not to revoke the old token/);
      assert.ok(!server.requests.some((r) => r.method === 'DELETE'));
    });

    it('a connection whose token is a policy API token (never in the API token list): picking it says why it cannot be rotated, and nothing changes', async () => {
      const connection = await signIn();
      const report = await rotate('ci-deploy-policy');
      const pick = prompter.shown.find((s) => s.kind === 'quickPick')!;
      assert.ok(pick.actions.some((a) => a === '$(shield) ci-deploy-policy'), pick.actions.join(' | '));
      assert.strictEqual(report.outcome, 'failed', JSON.stringify(report));
      assert.match(String(report.detail), /uses the policy API token "ci-deploy-policy"\. Qovery lists policy tokens apart/);
      assert.ok(server.requests.some((r) => r.method === 'GET' && r.path === `/organization/${ACME}/policyApiToken`));
      assert.ok(!server.requests.some((r) => r.method !== 'GET'));
      await expectUnchanged(connection.id);
    });

    it('changes nothing when the confirmation is cancelled', async () => {
      const connection = await signIn();
      const report = await rotate('vscode-demo-admin', undefined);
      assert.strictEqual(report.outcome, 'cancelled');
      await expectUnchanged(connection.id);
      assert.ok(!server.requests.some((r) => r.method !== 'GET'));
    });

    it('tries another name when the name is taken (409)', async () => {
      const connection = await signIn();
      server.setFault(`POST /organization/${ACME}/apiToken`, { status: 409, times: 1 });
      const report = await rotate('vscode-demo-admin', 'Rotate');
      assert.strictEqual(report.outcome, 'rotated');
      const fresh = await expectRotated(connection.id);
      const posts = server.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { name: string }).name);
      assert.strictEqual(posts.length, 2);
      assert.notStrictEqual(posts[0], posts[1]);
      assert.strictEqual(fresh.name, posts[1]);
    });

    it('refuses a user session (JWT): only organization API tokens rotate', async () => {
      const connection = await signIn(server.tokens.userJwt);
      const report = await rotate();
      assert.strictEqual(report.outcome, 'failed');
      assert.match(prompter.messages('error')[0], /user session \(JWT\)/);
      assert.ok(!server.requests.some((r) => r.method !== 'GET'));
      assert.strictEqual(await api.secrets.get(tokenKey(connection.id)), server.tokens.userJwt);
    });
  });

  describe('when creating the new token fails, the old token is untouched', () => {
    const cases: { name: string; fault?: Fault; viewer?: boolean; kind: string; message: RegExp; timeoutSeconds?: number }[] = [
      { name: '400', fault: { status: 400, body: { status: 400, title: 'Bad Request', detail: 'role_id is not valid' } }, kind: 'badRequest', message: /role_id is not valid/ },
      { name: '403 (a viewer token may not manage tokens)', viewer: true, kind: 'forbidden', message: /role of the token may not manage API tokens/ },
      { name: '409 for every name', fault: { status: 409 }, kind: 'conflict', message: /taken \(409\)/ },
      { name: '500', fault: { status: 500 }, kind: 'server', message: /server error/ },
      { name: '503', fault: { status: 503 }, kind: 'server', message: /server error/ },
      { name: 'a network failure', fault: { reset: true }, kind: 'network', message: /Could not reach the Qovery API/ },
      { name: 'a timeout', fault: { hang: true }, kind: 'timeout', message: /did not answer in time/, timeoutSeconds: 2 },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const connection = await signIn(c.viewer ? server.tokens.viewer : server.tokens.admin);
        if (c.timeoutSeconds) {
          await setSetting('requestTimeoutSeconds', c.timeoutSeconds);
        }
        if (c.fault) {
          server.setFault(`POST /organization/${ACME}/apiToken`, c.fault);
        }
        const report = await rotate(c.viewer ? 'vscode-demo-viewer' : 'vscode-demo-admin', 'Rotate');
        assert.strictEqual(report.outcome, 'failed', JSON.stringify(report));
        assert.strictEqual(report.stage, 'create');
        assert.strictEqual(report.errorKind, c.kind);
        if (['server', 'network', 'timeout'].includes(c.kind)) {
          // No clear answer: the token may exist; the journal stays for one more look at the next start.
          assert.strictEqual(report.maybeCreated, true);
          assert.strictEqual(report.journalKept, true);
          server.clearFaults();
          await api.rotation.recover();
        }
        await expectUnchanged(connection.id, c.viewer ? DEMO.apiTokens.viewer : DEMO.apiTokens.admin);
        assert.deepStrictEqual(createdTokens(), [], 'nothing was created');
        const error = prompter.messages('error').at(-1)!;
        assert.match(error, /was not rotated/);
        assert.match(error, c.message);
        assert.match(error, /current token is unchanged/);
        assert.ok(!server.requests.some((r) => r.method === 'DELETE'));
      });
    }

    it('an answer lost after Qovery created the token: it is found by its name and deleted', async () => {
      const connection = await signIn();
      server.setFault(`POST /organization/${ACME}/apiToken`, { truncate: true, times: 1 });
      const report = await rotate('vscode-demo-admin', 'Rotate');
      assert.strictEqual(report.outcome, 'failed', JSON.stringify(report));
      assert.strictEqual(report.stage, 'create');
      const orphan = createdTokens();
      assert.strictEqual(orphan.length, 1, 'Qovery did create it');
      assert.strictEqual(orphan[0].revoked, true, 'and the rotation deleted it');
      assert.strictEqual(report.newToken?.id, orphan[0].id);
      assert.strictEqual(report.orphan, undefined);
      await expectUnchanged(connection.id);
      assert.match(prompter.messages('error').at(-1)!, new RegExp(`new token "${orphan[0].name}" \\(${orphan[0].id}\\) was deleted`));
    });
  });

  describe('when the new token fails its check, it is deleted with the old one and the old one stays', () => {
    const cases: { name: string; fault: Fault; kind: string }[] = [
      { name: '401', fault: { status: 401, times: 1 }, kind: 'unauthorized' },
      { name: '403', fault: { status: 403, times: 1 }, kind: 'forbidden' },
      { name: '500', fault: { status: 500, times: 1 }, kind: 'server' },
      { name: 'a network failure', fault: { reset: true, times: 4 }, kind: 'network' },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const connection = await signIn();
        server.setFault('GET /organization', c.fault);
        const report = await rotate('vscode-demo-admin', 'Rotate');
        assert.strictEqual(report.outcome, 'failed', JSON.stringify(report));
        assert.strictEqual(report.stage, 'verify');
        assert.strictEqual(report.errorKind, c.kind);
        const made = createdTokens();
        assert.strictEqual(made.length, 1);
        assert.strictEqual(made[0].revoked, true, 'the new token is deleted');
        const deletion = server.requests.find((r) => r.method === 'DELETE')!;
        assert.strictEqual(deletion.path, `/organization/${ACME}/apiToken/${made[0].id}`);
        assert.strictEqual(deletion.tokenId, DEMO.apiTokens.admin, 'deleted with the old token');
        await expectUnchanged(connection.id);
        const error = prompter.messages('error').at(-1)!;
        assert.match(error, /did not pass the check/);
        assert.match(error, /was deleted/);
      });
    }
  });

  describe('when storing the new token fails, it is deleted with the old one and the old one stays', () => {
    for (const [name, prefix] of [
      ['keeping the pending token', 'qovery.pending.'],
      ['making it the connection\'s token', 'qovery.token.'],
    ] as const) {
      it(name, async () => {
        const secrets = new MemorySecrets();
        const memento = memoryMemento();
        const stack = startStack(secrets, memento);
        stacks.push(stack);
        const connection = await addConnection(stack);
        secrets.failStoreFor = prefix;
        stack.prompter.answer('vscode-demo-admin', 'Rotate');
        const report = await stack.rotation.rotate();
        assert.strictEqual(report.outcome, 'failed', JSON.stringify(report));
        assert.strictEqual(report.stage, 'store');
        const made = createdTokens();
        assert.strictEqual(made.length, 1);
        assert.strictEqual(made[0].revoked, true, 'the new token is deleted');
        await expectUnchanged(connection.id, DEMO.apiTokens.admin, (key) => secrets.get(key), () => stack.rotation.journals());
        assert.match(stack.prompter.messages('error').at(-1)!, /secret storage failed/);
      });
    }
  });

  describe('when revoking the old token fails, the new token is in use and the user is told the old one still exists', () => {
    const route = () => `DELETE /organization/${ACME}/apiToken/${DEMO.apiTokens.admin}`;
    const cases: { name: string; fault: Fault; kind: string; message: RegExp }[] = [
      { name: '403', fault: { status: 403, times: 1 }, kind: 'forbidden', message: /role of the token may not manage API tokens/ },
      { name: '404', fault: { status: 404, times: 1 }, kind: 'notFound', message: /Not found/ },
      { name: '500', fault: { status: 500, times: 1 }, kind: 'server', message: /server error/ },
      { name: 'a network failure', fault: { reset: true, times: 1 }, kind: 'network', message: /Could not reach/ },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const connection = await signIn();
        server.setFault(route(), c.fault);
        const report = await rotate('vscode-demo-admin', 'Rotate', undefined);
        assert.strictEqual(report.outcome, 'rotated', JSON.stringify(report));
        assert.strictEqual(report.revoked, false);
        assert.strictEqual(report.stage, 'revoke');
        assert.strictEqual(report.errorKind, c.kind);
        const journals = await api.rotation.journals();
        assert.strictEqual(journals.length, 1, `kept to retry the revocation: ${JSON.stringify(journals.map((j) => [j.connectionId, j.step, j.id]))} ${connection.id}`);
        assert.strictEqual(journals[0].step, 'swapped');
        await expectRotated(connection.id, { oldRevoked: false, journals: () => Promise.resolve([]) });
        assert.ok(await works(server.tokens.admin), 'the old token still works');
        const warning = prompter.shown.filter((s) => s.kind === 'warn').at(-1)!;
        assert.match(warning.message, /still exists on Qovery/);
        assert.match(warning.message, c.message);
        assert.deepStrictEqual(warning.actions, ['Retry Revocation', 'Keep Old Token', 'Show Log']);
      });
    }

    it('"Retry Revocation" revokes it', async () => {
      const connection = await signIn();
      server.setFault(route(), { status: 503, times: 1 });
      const report = await rotate('vscode-demo-admin', 'Rotate', 'Retry Revocation');
      assert.strictEqual(report.revoked, false);
      await waitFor('the old token revoked', () => seeded(DEMO.apiTokens.admin).revoked);
      await waitFor('the journal closed', async () => (await api.rotation.journals()).length === 0);
      await expectRotated(connection.id);
      assert.match(prompter.messages('info').at(-1)!, /was revoked/);
    });

    it('"Keep Old Token" ends the rotation with both tokens valid', async () => {
      const connection = await signIn();
      server.setFault(route(), { status: 403, times: 1 });
      await rotate('vscode-demo-admin', 'Rotate', 'Keep Old Token');
      await waitFor('the journal closed', async () => (await api.rotation.journals()).length === 0);
      await expectRotated(connection.id, { oldRevoked: false });
      assert.ok(await works(server.tokens.admin));
    });
  });

  async function addConnection(stack: Stack, secret = server.tokens.admin): Promise<ConnectionInfo> {
    const info: ConnectionInfo = { id: randomUUID(), name: 'Acme Corp', source: 'pasted', addedAt: Date.now(), organizationId: ACME, organizationName: 'Acme Corp', organizationCount: 1 };
    await stack.store.save(info, secret);
    await settle(stack.session);
    return info;
  }

  describe('an unfinished rotation', () => {
    it('a failed revocation is retried at the next start', async () => {
      const connection = await signIn();
      server.setFault(`DELETE /organization/${ACME}/apiToken/${DEMO.apiTokens.admin}`, { status: 503, times: 1 });
      await rotate('vscode-demo-admin', 'Rotate', undefined);
      assert.strictEqual((await api.rotation.journals())[0]?.step, 'swapped');
      const reports = await api.rotation.recover();
      assert.strictEqual(reports[0]?.outcome, 'rotated');
      assert.strictEqual(reports[0]?.revoked, true);
      await expectRotated(connection.id);
    });

    it('is finished first when the user rotates again', async () => {
      const connection = await signIn();
      server.setFault(`DELETE /organization/${ACME}/apiToken/${DEMO.apiTokens.admin}`, { status: 503, times: 1 });
      await rotate('vscode-demo-admin', 'Rotate', undefined);
      const report = await rotate();
      assert.strictEqual(report.outcome, 'rotated');
      assert.strictEqual(report.resumed, true);
      await expectRotated(connection.id);
    });

    it('a create with no clear answer keeps the journal, tells of a possible leftover, and the next start settles it', async () => {
      const connection = await signIn();
      server.setFault(`POST /organization/${ACME}/apiToken`, { status: 502, afterAction: true, times: 1 });
      server.setFault(`GET /organization/${ACME}/apiToken`, { status: 503, times: 8, skip: 1 });
      const report = await rotate('vscode-demo-admin', 'Rotate', undefined);
      server.clearFaults();
      assert.strictEqual(report.maybeCreated, true);
      assert.strictEqual(report.journalKept, true);
      const error = prompter.shown.filter((s) => s.kind === 'error').at(-1)!;
      assert.match(error.message, /may exist on Qovery/);
      assert.deepStrictEqual(error.actions, ['Show API Tokens', 'Show Log']);
      await api.rotation.recover();
      await expectUnchanged(connection.id);
    });

    it('is left alone while another window holds its lease: "being rotated in another window"', async () => {
      await signIn();
      const connection = api.store.active()!;
      const lease = await new FileLeases(join(api.storageDir, 'rotation'), { now: () => Date.now() }).tryAcquire(`rotation-${connection.id}`);
      assert.ok(lease);
      try {
        const report = await rotate();
        assert.strictEqual(report.outcome, 'busy');
        assert.match(prompter.messages('info').at(-1)!, /being rotated in another window/);
        assert.deepStrictEqual(createdTokens(), []);
      } finally {
        await lease.release();
      }
    });

    it('Cancel after the new token was made rolls back: the old token stays', async () => {
      const connection = await signIn();
      prompter.cancelWhen = /checking the new token/;
      const report = await rotate('vscode-demo-admin', 'Rotate');
      assert.strictEqual(report.outcome, 'cancelled');
      assert.strictEqual(createdTokens().length, 1);
      assert.strictEqual(createdTokens()[0].revoked, true, 'the new token is deleted');
      await expectUnchanged(connection.id);
      const progress = prompter.shown.filter((s) => s.kind === 'progress' && /rotating the token/.test(s.message));
      assert.strictEqual(progress.length, 1, 'one progress notification for the whole rotation');
      assert.deepStrictEqual(progress[0].options, { cancellable: true });
    });
  });

  describe('Sign Out', () => {
    it('removes every secret of the connection, the pending one included, retrying a failed delete', async () => {
      const secrets = new MemorySecrets();
      const stack = startStack(secrets, memoryMemento());
      stacks.push(stack);
      const connection = await addConnection(stack);
      await stack.store.storePending(connection.id, 'pending-secret-of-a-rotation');
      secrets.failDeletes = 2;
      const { left } = await stack.store.remove(connection.id);
      assert.deepStrictEqual(left, []);
      assert.strictEqual(secrets.values.get(tokenKey(connection.id)), undefined);
      assert.strictEqual(secrets.values.get(pendingKey(connection.id)), undefined);
    });

    it('the record of which token a connection uses follows each save, replace and Sign Out', async () => {
      const secrets = new MemorySecrets();
      const stack = startStack(secrets, memoryMemento());
      stacks.push(stack);
      const connection = await addConnection(stack);
      const record = () => readTokenRecord(stack.store.rotationStore, connection.id);
      await stack.store.save({ ...connection, tokenId: 'token-1' }, 'secret-1');
      assert.deepStrictEqual(await record(), { fingerprint: fingerprint('secret-1'), tokenId: 'token-1' }, 'a token saved with its id');
      // Update Token: the id of the new token is not known.
      await stack.store.save({ ...connection, tokenId: undefined }, 'secret-2');
      assert.strictEqual(await record(), undefined, 'a token saved without its id leaves no record of the one before');
      await stack.store.replaceToken({ ...connection, tokenId: 'token-3' }, 'secret-3');
      assert.deepStrictEqual(await record(), { fingerprint: fingerprint('secret-3'), tokenId: 'token-3' }, 'a token replaced with its id');
      await stack.store.remove(connection.id);
      assert.strictEqual(secrets.values.get(recordKey(connection.id)), undefined, 'Sign Out deletes the record');
    });

    it('Sign Out deletes the daily reminder\'s claim of the connection, and only that connection\'s', async () => {
      const secrets = new MemorySecrets();
      const stack = startStack(secrets, memoryMemento());
      stacks.push(stack);
      const connection = await addConnection(stack);
      const other = await addConnection(stack);
      assert.notStrictEqual(other.id, connection.id);
      for (const c of [connection, other]) {
        await stack.store.rotationStore.store(reminderKey(c.id), JSON.stringify({ day: '2026-12-07', owner: 'window-1' }));
      }
      const { left } = await stack.store.remove(connection.id);
      assert.deepStrictEqual(left, []);
      assert.strictEqual(secrets.values.get(reminderKey(connection.id)), undefined, 'Sign Out deletes the claim');
      assert.ok(secrets.values.get(reminderKey(other.id)), 'the other connection keeps its claim');
    });

    it('says which secrets stayed when the keyring keeps refusing', async () => {
      const secrets = new MemorySecrets();
      const stack = startStack(secrets, memoryMemento());
      stacks.push(stack);
      const connection = await addConnection(stack);
      secrets.failDeletes = 3;
      const { left } = await stack.store.remove(connection.id);
      assert.deepStrictEqual(left, [tokenKey(connection.id)]);
      assert.strictEqual(stack.store.get(connection.id), undefined, 'the connection is gone all the same');
    });
  });

  describe('the rotation reminder', () => {
    const backdate = async (connectionId: string, days: number): Promise<void> => {
      await api.store.update(connectionId, { addedAt: Date.now() - days * 86_400_000 });
    };

    it('says so in the status bar and asks at most once a day; 0 turns it off', async () => {
      const connection = await signIn();
      await backdate(connection.id, 100);
      const state = await api.reminder.evaluate();
      assert.deepStrictEqual(state, { due: true, ageDays: 100, prompted: true });
      assert.match(api.statusBar.item.text, /\$\(history\)/);
      assert.match(String(api.statusBar.item.tooltip), /Token rotation due: the token is 100 days old \(qovery\.tokenRotationDays is 90\)/);
      const ask = prompter.shown.find((s) => s.kind === 'info' && /100 days old/.test(s.message))!;
      assert.deepStrictEqual(ask.actions, ['Rotate Now', 'Remind Me Later']);
      assert.strictEqual((await api.reminder.evaluate()).prompted, false, 'not twice the same day');
      await api.session.check();
      await api.reminder.evaluate();
      assert.strictEqual(prompter.shown.filter((s) => /days old\. Rotate it now/.test(s.message)).length, 1);
      // Another window asked today: its marker file keeps this one quiet even when globalState lags.
      await api.globalState.update('qovery.rotationReminder.lastPrompt', { [connection.id]: '2000-01-01' });
      assert.strictEqual((await api.reminder.evaluate()).prompted, false, 'one window of many asks each day');
      rmSync(join(api.storageDir, 'reminder'), { recursive: true, force: true });
      await api.secrets.delete(`qovery.rotation.reminder.${connection.id}`);
      await api.globalState.update('qovery.rotationReminder.lastPrompt', { [connection.id]: '2000-01-01' });
      assert.strictEqual((await api.reminder.evaluate()).prompted, true, 'again the next day');

      await setSetting('tokenRotationDays', 0);
      await waitFor('the note gone', () => !api.statusBar.item.text.includes('$(history)'));
      assert.strictEqual((await api.reminder.evaluate()).due, false);
      await setSetting('tokenRotationDays', 101);
      assert.strictEqual((await api.reminder.evaluate()).due, false);
    });

    it('counts from the token\'s creation date when its id is known', async () => {
      const connection = await signIn();
      await api.store.update(connection.id, { tokenId: DEMO.apiTokens.admin });
      const state = await api.reminder.evaluate();
      const expected = Math.floor((Date.now() - Date.parse(seeded(DEMO.apiTokens.admin).createdAt)) / 86_400_000);
      assert.strictEqual(state.ageDays, expected);
      assert.strictEqual(state.due, expected >= 90);
      assert.strictEqual(api.store.get(connection.id)?.tokenCreatedAt, seeded(DEMO.apiTokens.admin).createdAt);
      assert.strictEqual(api.store.get(connection.id)?.roleName, 'Admin');
    });

    it('"Rotate Now" rotates, and a fresh token is not due', async () => {
      const connection = await signIn();
      await backdate(connection.id, 365);
      prompter.answer('Rotate Now', 'vscode-demo-admin', 'Rotate');
      await api.reminder.evaluate();
      await waitFor('the rotation', async () => (await api.rotation.journals()).length === 0 && activeCreated().length === 1 && seeded(DEMO.apiTokens.admin).revoked, 20_000);
      await expectRotated(connection.id);
      const state = await api.reminder.evaluate();
      assert.deepStrictEqual(state, { due: false, ageDays: 0, prompted: false });
      assert.doesNotMatch(api.statusBar.item.text, /history/);
    });
  });

  describe('the API Tokens view', () => {
    interface Row {
      node: QoveryNode;
      item: vscode.TreeItem;
      label: string;
    }
    async function rows(parent?: QoveryNode): Promise<Row[]> {
      const nodes = await api.tree.getChildren(parent);
      return nodes.map((node) => {
        const item = api.tree.getTreeItem(node);
        return { node, item, label: typeof item.label === 'string' ? item.label : item.label?.label ?? '' };
      });
    }
    async function tokenRows(): Promise<Row[]> {
      const [acme] = await rows();
      const children = await rows(acme.node);
      const node = children.at(-1)!;
      assert.strictEqual(node.label, 'API Tokens', 'the last row under the organization');
      assert.strictEqual(node.item.contextValue, 'qovery.apiTokens');
      return rows(node.node);
    }

    it('lists the organization\'s tokens with role and age, and marks the one in use', async () => {
      await signIn();
      let list = await tokenRows();
      assert.deepStrictEqual(list.map((r) => r.label), ['ci-deployer', 'terraform-provider', 'vscode-demo-admin', 'vscode-demo-viewer']);
      assert.ok(list.every((r) => r.item.contextValue === 'qovery.apiToken'), 'a pasted token is not known, so none is marked');
      assert.match(String(list[0].item.description), /^deployer · \d+ days?$/);
      assert.match(String(list[0].item.tooltip), new RegExp(`Token ID: ${DEMO.apiTokens.deployer}`));

      const report = await rotate('vscode-demo-admin', 'Rotate');
      list = await tokenRows();
      const inUse = list.filter((r) => r.item.contextValue === 'qovery.apiToken.inUse');
      assert.deepStrictEqual(inUse.map((r) => r.label), [report.newToken!.name]);
      assert.match(String(inUse[0].item.description), /^Admin · 0 minutes? · in use$/);
      assert.ok(!list.some((r) => r.label === 'vscode-demo-admin'), 'the revoked token is gone');
    });

    it('"Delete Token" refuses the token in use and offers Rotate or Sign Out', async () => {
      await signIn();
      await rotate('vscode-demo-admin', 'Rotate');
      const inUse = (await tokenRows()).find((r) => r.item.contextValue === 'qovery.apiToken.inUse')!;
      server.clearLog();
      const deleted = await vscode.commands.executeCommand<boolean>('qovery.deleteApiToken', inUse.node);
      assert.strictEqual(deleted, false);
      const warning = prompter.shown.at(-1)!;
      assert.match(warning.message, /is the token that "Acme Corp" uses: deleting it would lock you out/);
      assert.deepStrictEqual(warning.actions, ['Rotate Token', 'Sign Out']);
      assert.ok(!server.requests.some((r) => r.method === 'DELETE'));
    });

    it('"Delete Token" asks in a modal dialog, then deletes', async () => {
      await signIn();
      const legacy = (await tokenRows()).find((r) => r.label === 'terraform-provider')!;
      prompter.answer(undefined);
      assert.strictEqual(await vscode.commands.executeCommand<boolean>('qovery.deleteApiToken', legacy.node), false);
      assert.strictEqual(seeded(DEMO.apiTokens.legacy).revoked, false, 'cancel deletes nothing');
      const confirm = prompter.shown.at(-1)!;
      assert.strictEqual((confirm.options as vscode.MessageOptions).modal, true);
      assert.match(String((confirm.options as vscode.MessageOptions).detail), /stops working at once/);
      assert.match(String((confirm.options as vscode.MessageOptions).detail), /does not know which token "Acme Corp" uses/);
      prompter.answer('Delete');
      assert.strictEqual(await vscode.commands.executeCommand<boolean>('qovery.deleteApiToken', legacy.node), true);
      assert.strictEqual(seeded(DEMO.apiTokens.legacy).revoked, true);
      const list = await tokenRows();
      assert.ok(!list.some((r) => r.label === 'terraform-provider'), 'the list is reloaded');
    });

    it('"Delete Token" says why when the role may not (403)', async () => {
      await signIn(server.tokens.viewer);
      const legacy = (await tokenRows()).find((r) => r.label === 'terraform-provider')!;
      prompter.answer('Delete');
      assert.strictEqual(await vscode.commands.executeCommand<boolean>('qovery.deleteApiToken', legacy.node), false);
      assert.match(prompter.messages('error').at(-1)!, /was not deleted: the role of the current token may not delete API tokens/);
      assert.strictEqual(seeded(DEMO.apiTokens.legacy).revoked, false);
    });
  });

  describe('Qovery: Create API Token', () => {
    it('asks name, description and role, offers the secret once (Copy), and saves it as a connection', async () => {
      await signIn();
      prompter.answer('ci-preview', 'Preview deployments', 'Viewer', 'Copy', 'Save as Connection', 'preview bot', undefined);
      const created = await vscode.commands.executeCommand<{ id: string; token: string }>('qovery.createApiToken');
      const fresh = token(created.id);
      assert.strictEqual(created.token, '', 'the command never hands the secret out');
      assert.strictEqual(fresh.name, 'ci-preview');
      assert.strictEqual(fresh.description, 'Preview deployments');
      assert.strictEqual(fresh.roleName, 'Viewer');
      const offers = prompter.shown.filter((s) => s.kind === 'info' && (s.options as vscode.MessageOptions).modal);
      assert.deepStrictEqual(offers[0].actions, ['Copy', 'Save as Connection']);
      assert.match(String((offers[0].options as vscode.MessageOptions).detail), /only this once/);
      assert.match(offers[1].message, /is in the clipboard/);
      assert.strictEqual(await vscode.env.clipboard.readText(), fresh.secret);
      await vscode.env.clipboard.writeText('');
      const saved = api.store.connections().find((c) => c.name === 'preview bot')!;
      assert.ok(saved, 'saved as a connection');
      assert.strictEqual(saved.source, 'created');
      assert.strictEqual(saved.tokenId, fresh.id);
      assert.strictEqual(saved.roleName, 'Viewer');
      assert.strictEqual(await api.store.getToken(saved.id), fresh.secret);
      assert.notStrictEqual(api.store.active()?.id, saved.id, 'the active connection stays');
    });

    it('says why when the role may not create tokens (403)', async () => {
      await signIn(server.tokens.viewer);
      prompter.answer('ci', '', 'Viewer');
      assert.strictEqual(await vscode.commands.executeCommand('qovery.createApiToken'), undefined);
      assert.match(prompter.messages('error').at(-1)!, /may not create API tokens/);
      assert.deepStrictEqual(createdTokens(), []);
    });

    it('says the name is taken (409)', async () => {
      await signIn();
      prompter.answer('ci-deployer', '', 'Viewer');
      assert.strictEqual(await vscode.commands.executeCommand('qovery.createApiToken'), undefined);
      assert.match(prompter.messages('error').at(-1)!, /named "ci-deployer" exists already/);
    });
  });
});
