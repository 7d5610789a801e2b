import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { QoveryExtensionApi } from '../../src/extension';
import { TokenStore } from '../../src/auth/tokenStore';
import { SessionManager } from '../../src/auth/session';
import { QoveryClient } from '../../src/api/client';
import { SignInFlow } from '../../src/auth/signIn';
import { Logger } from '../../src/logger';
import { Ui } from '../../src/ui';
import { DEMO, type QoveryServer } from '../qovery';
import { extensionApi, freshServer, resetExtension, ScriptedPrompter, setSetting, signInWith, usedTokens, waitFor } from './helpers';

describe('signing in', function () {
  let api: QoveryExtensionApi;
  let server: QoveryServer;

  before(async () => {
    api = await extensionApi();
  });

  after(async () => {
    await resetExtension(api);
  });

  // A fresh server per test: revocations and faults of one test never leak into the next.
  const clearTokenVariables = (): void => {
    for (const name of ['QOVERY_API_TOKEN', 'QOVERY_CLI_ACCESS_TOKEN', 'Q_CLI_ACCESS_TOKEN']) {
      delete process.env[name];
    }
  };

  beforeEach(async () => {
    server = await freshServer(api);
    server.clearLog();
    clearTokenVariables();
  });

  // A token a test put in the environment would be offered to the next suites' sign-ins.
  afterEach(async () => {
    clearTokenVariables();
    await server.close();
  });

  describe('the status bar', () => {
    it('says "signed out" and offers Sign In', async () => {
      const item = api.statusBar.item;
      assert.match(item.text, /Qovery/);
      assert.match(item.text, /Sign In/);
      assert.strictEqual(item.backgroundColor, undefined);
      assert.match(String(item.tooltip), /Signed out/);
      assert.match(String(item.tooltip), new RegExp(`API: ${server.url.replace(/[.]/g, '\\.')}`));
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.statusBarActions');
      assert.ok(prompter.shown[0].actions.some((a) => a.includes('Sign In')), prompter.shown[0].actions.join());
    });

    it('shows the organization when signed in, with the facts in the tooltip', async () => {
      await signInWith(api, server.tokens.admin);
      const item = api.statusBar.item;
      assert.strictEqual(item.text, '$(cloud) Qovery: Acme Corp');
      assert.strictEqual(item.backgroundColor, undefined);
      const tooltip = String(item.tooltip);
      for (const part of ['Signed in.', 'Connection: Acme Corp', 'Organization: Acme Corp', 'Token role: unknown', 'Token age: 0 minutes (pasted)', 'Last verified:', `API: ${server.url}`]) {
        assert.ok(tooltip.includes(part), `tooltip has "${part}":\n${tooltip}`);
      }
      assert.ok(!tooltip.includes(server.tokens.admin));
    });

    it('shows "checking" while the token is being verified', async () => {
      await signInWith(api, server.tokens.admin);
      const removeFault = server.setFault('GET /organization', { latencyMs: 1500 });
      const check = api.session.check();
      await waitFor('checking state', () => api.session.state.status === 'checking');
      assert.match(api.statusBar.item.text, /sync~spin.*Qovery/);
      await check;
      removeFault();
      assert.strictEqual(api.session.state.status, 'signedIn');
    });

    it('turns red for a token the API rejects (401), and prompts once however many requests fail', async () => {
      await signInWith(api, server.tokens.viewer);
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      assert.ok(server.state.revokeApiToken(DEMO.organizations.acme, DEMO.apiTokens.viewer));
      await Promise.all([api.session.check(), api.session.check(), api.session.check()]);
      await api.session.check();
      await api.session.check();
      assert.strictEqual(api.session.state.status, 'invalidToken');
      const item = api.statusBar.item;
      assert.strictEqual(item.text, '$(error) Qovery: invalid token');
      assert.deepStrictEqual(item.backgroundColor, new vscode.ThemeColor('statusBarItem.errorBackground'));
      assert.match(String(item.tooltip), /rejected \(401\)/);
      const errors = prompter.shown.filter((p) => p.kind === 'error');
      assert.strictEqual(errors.length, 1, `one prompt, not a storm: ${JSON.stringify(errors)}`);
      assert.match(errors[0].message, /rejected this token \(401\)/);
      assert.ok(errors[0].actions.includes('Update Token'));
    });

    it('turns yellow when the role lacks a permission (403), without signing out', async () => {
      await signInWith(api, server.tokens.admin);
      server.setFault('GET /organization', { status: 403, body: { status: 403, title: 'Forbidden', detail: 'Role viewer cannot list organizations' } });
      await api.session.check();
      assert.strictEqual(api.session.state.status, 'forbidden');
      assert.strictEqual(api.statusBar.item.text, '$(warning) Qovery: no permission');
      assert.deepStrictEqual(api.statusBar.item.backgroundColor, new vscode.ThemeColor('statusBarItem.warningBackground'));
      assert.strictEqual(api.store.connections().length, 1, 'the connection is kept');
      assert.ok(await api.store.getToken(api.store.connections()[0].id));
    });

    it('shows "unreachable" when the network fails, and never calls the token invalid', async () => {
      await signInWith(api, server.tokens.admin);
      server.setFault('GET /organization', { reset: true });
      await api.session.check();
      assert.strictEqual(api.session.state.status, 'unreachable');
      assert.strictEqual(api.statusBar.item.text, '$(cloud-offline) Qovery: unreachable');
      assert.match(String(api.statusBar.item.tooltip), /cannot be reached/);
      assert.doesNotMatch(String(api.statusBar.item.tooltip), /invalid|rejected/i);
    });

    it('shows "rate limited" with the wait', async () => {
      await signInWith(api, server.tokens.admin);
      server.setFault('GET /organization', { status: 429, headers: { 'Retry-After': '3600' } });
      await api.session.check();
      assert.strictEqual(api.session.state.status, 'rateLimited');
      assert.strictEqual(api.statusBar.item.text, '$(watch) Qovery: rate limited');
      assert.match(String(api.statusBar.item.tooltip), /Try again in 3600 s/);
    });

    it('says which setting is wrong, and sends nothing, when qovery.apiUrl is not https', async () => {
      await signInWith(api, server.tokens.admin);
      server.clearLog();
      await setSetting('apiUrl', 'http://api.example.com');
      await api.session.check();
      assert.strictEqual(api.session.state.status, 'misconfigured');
      assert.strictEqual(api.statusBar.item.text, '$(gear) Qovery: check settings');
      assert.match(String(api.statusBar.item.tooltip), /qovery\.apiUrl must use https/);
      assert.strictEqual(server.requests.length, 0);
    });

    it('can be hidden by a setting', async () => {
      await setSetting('showStatusBar', false);
      // Hidden items keep their text; VS Code offers no getter for visibility, so check through a re-show.
      await setSetting('showStatusBar', true);
      assert.match(api.statusBar.item.text, /Qovery/);
    });
  });

  describe('Qovery: Sign In', () => {
    it('checks the format as the user types, in a password box kept open on focus loss', async () => {
      const prompter = new ScriptedPrompter().answer(undefined);
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.signIn');
      const box = prompter.shown[0].options as vscode.InputBoxOptions;
      assert.strictEqual(box.password, true);
      assert.strictEqual(box.ignoreFocusOut, true);
      const validate = (v: string) => box.validateInput!(v) as string | undefined;
      assert.match(String(validate('qov_abc def')), /space|whitespace/i);
      assert.strictEqual(validate('qov_abcdef'), undefined);
      assert.strictEqual(validate('  "Token qov_abcdef"  '), undefined);
      assert.match(String(validate('x'.repeat(5000))), /long/i);
      assert.strictEqual(api.store.connections().length, 0);
    });

    it('stores nothing when the API rejects the token (401), and says so', async () => {
      const prompter = new ScriptedPrompter().answer('qov_this-token-does-not-exist', undefined);
      usedTokens.add('qov_this-token-does-not-exist');
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.signIn');
      assert.strictEqual(api.store.connections().length, 0);
      const error = prompter.shown.find((p) => p.kind === 'error');
      assert.ok(error, JSON.stringify(prompter.shown));
      assert.match(error.message, /rejected this token \(401\)/);
      assert.ok(error.actions.includes('Try Another Token'));
      assert.ok(prompter.shown.some((p) => p.kind === 'progress'), 'progress is shown while checking');
      assert.strictEqual(api.session.state.status, 'signedOut');
    });

    it('says what the role lacks on a 403', async () => {
      server.setFault('GET /organization', { status: 403, body: { status: 403, title: 'Forbidden', detail: 'Missing permission ORGANIZATION_READ' } });
      const prompter = new ScriptedPrompter().answer(server.tokens.viewer, undefined);
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.signIn');
      const error = prompter.shown.find((p) => p.kind === 'error');
      assert.ok(error);
      assert.match(error.message, /role may not list organizations \(403: Missing permission ORGANIZATION_READ\)/);
      assert.strictEqual(api.store.connections().length, 0);
    });

    it('offers Retry and Save Anyway on a network failure, and does not call the token wrong', async () => {
      server.setFault('GET /organization', { reset: true, times: 8 }); // two checks of four attempts each (GETs are retried)
      const prompter = new ScriptedPrompter().answer(server.tokens.admin, 'Retry', 'Save Anyway');
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.signIn');
      const warnings = prompter.shown.filter((p) => p.kind === 'warn');
      assert.strictEqual(warnings.length, 2, JSON.stringify(prompter.shown));
      assert.match(warnings[0].message, /not checked: this does not mean it is wrong/);
      assert.deepStrictEqual(warnings[0].actions, ['Retry', 'Save Anyway', 'Show Log']);
      assert.strictEqual(api.store.connections().length, 1);
      const saved = api.store.connections()[0];
      assert.strictEqual(await api.store.getToken(saved.id), server.tokens.admin);
      assert.strictEqual(saved.verifiedAt, undefined);
    });

    it('signs in with a pasted token (quotes, "Token " prefix and spaces cleaned) and uses the Token scheme', async () => {
      const prompter = new ScriptedPrompter().answer(`  "Token ${server.tokens.admin}" `);
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.signIn');
      assert.strictEqual(api.session.state.status, 'signedIn');
      const [connection] = api.store.connections();
      assert.strictEqual(connection.name, 'Acme Corp');
      assert.strictEqual(connection.organizationId, DEMO.organizations.acme);
      assert.strictEqual(connection.source, 'pasted');
      assert.strictEqual(await api.store.getToken(connection.id), server.tokens.admin);
      const calls = server.requests.filter((r) => r.path === '/organization');
      assert.strictEqual(calls.length, 1, 'the token is verified once, not again by the status check');
      assert.strictEqual(calls[0].authScheme, 'Token');
    });

    it('sends a JWT as Bearer', async () => {
      await signInWith(api, server.tokens.userJwt);
      assert.strictEqual(api.session.state.scheme, 'Bearer');
      assert.strictEqual(server.requests.find((r) => r.path === '/organization')?.authScheme, 'Bearer');
      assert.strictEqual(api.session.state.organizations?.length, 2);
    });

    it('offers a token found in QOVERY_API_TOKEN and the CLI variables', async () => {
      process.env.QOVERY_CLI_ACCESS_TOKEN = server.tokens.viewer;
      process.env.QOVERY_API_TOKEN = server.tokens.admin;
      const prompter = new ScriptedPrompter().answer('QOVERY_API_TOKEN');
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.signIn');
      const pick = prompter.shown[0];
      assert.strictEqual(pick.kind, 'quickPick');
      assert.deepStrictEqual(pick.actions, ['$(key) Use the token in QOVERY_API_TOKEN', '$(key) Use the token in QOVERY_CLI_ACCESS_TOKEN', '$(edit) Paste a token']);
      const [connection] = api.store.connections();
      assert.strictEqual(connection.source, 'environment');
      assert.strictEqual(connection.sourceVariable, 'QOVERY_API_TOKEN');
      assert.strictEqual(await api.store.getToken(connection.id), server.tokens.admin);
      assert.match(String(api.statusBar.item.tooltip), /from the environment variable QOVERY_API_TOKEN/);
    });
  });

  describe('connections', () => {
    it('adds a second connection and switches between them', async () => {
      await signInWith(api, server.tokens.admin);
      await signInWith(api, server.tokens.secondOrgAdmin, 'side');
      assert.strictEqual(api.store.connections().length, 2);
      assert.strictEqual(api.store.active()?.name, 'side');
      assert.strictEqual(api.statusBar.item.text, '$(cloud) Qovery: Side Projects');
      const prompter = new ScriptedPrompter().answer('Acme Corp');
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.switchConnection');
      assert.deepStrictEqual(prompter.shown[0].actions, ['Acme Corp', '$(check) side', '$(add) Add Connection…']);
      await waitFor('the switch', () => api.session.state.status === 'signedIn' && api.session.state.connection?.name === 'Acme Corp');
      assert.strictEqual(api.statusBar.item.text, '$(cloud) Qovery: Acme Corp');
    });

    it('refuses a connection name that exists already', async () => {
      await signInWith(api, server.tokens.admin);
      const prompter = new ScriptedPrompter().answer(server.tokens.viewer, undefined);
      api.ui.prompter = prompter;
      await api.signIn.addConnection();
      const nameBox = prompter.shown.filter((p) => p.kind === 'inputBox')[1].options as vscode.InputBoxOptions;
      assert.strictEqual(nameBox.value, 'Acme Corp (2)');
      assert.match(String(nameBox.validateInput!('Acme Corp')), /exists already/);
    });
  });

  describe('Qovery: Test Authentication', () => {
    it('reports the organizations, scheme, API URL and round trip', async () => {
      await signInWith(api, server.tokens.admin);
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.testAuthentication');
      const [info] = prompter.messages('info');
      assert.match(info, /authenticated as "Acme Corp"/);
      assert.match(info, /Organizations: Acme Corp\./);
      assert.match(info, /Scheme: Token\./);
      assert.ok(info.includes(`API: ${server.url}.`), info);
      assert.match(info, /Round trip: \d+ ms\./);
    });

    it('offers Update Token after a revocation, and replaces the token', async () => {
      await signInWith(api, server.tokens.deployer);
      server.state.revokeApiToken(DEMO.organizations.acme, DEMO.apiTokens.deployer);
      const prompter = new ScriptedPrompter().answer('Update Token', server.tokens.admin);
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.testAuthentication');
      const error = prompter.shown.find((p) => p.kind === 'error');
      assert.ok(error);
      assert.match(error.message, /rejected this token \(401\)/);
      assert.deepStrictEqual(error.actions, ['Update Token', 'Show Log', 'Retry'], JSON.stringify(prompter.shown));
      await waitFor('signed in again', () => api.session.state.status === 'signedIn');
      assert.strictEqual(await api.store.getToken(api.store.active()!.id), server.tokens.admin);
      assert.strictEqual(api.store.connections().length, 1);
    });

    it('offers Retry and Open Settings when unreachable', async () => {
      await signInWith(api, server.tokens.admin);
      server.setFault('GET /organization', { status: 503, times: 10 });
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand('qovery.testAuthentication');
      const warning = prompter.shown.find((p) => p.kind === 'warn');
      assert.ok(warning, JSON.stringify(prompter.shown));
      assert.deepStrictEqual(warning.actions, ['Retry', 'Open Settings', 'Show Log']);
      assert.match(warning.message, /server error/i);
    });
  });

  describe('Qovery: Sign Out', () => {
    it('asks first, then removes the token and returns to signed out', async () => {
      await signInWith(api, server.tokens.admin);
      const id = api.store.active()!.id;
      const cancel = new ScriptedPrompter().answer(undefined);
      api.ui.prompter = cancel;
      await vscode.commands.executeCommand('qovery.signOut');
      assert.strictEqual((cancel.shown[0].options as vscode.MessageOptions).modal, true);
      assert.strictEqual(api.store.connections().length, 1, 'nothing removed without confirmation');
      api.ui.prompter = new ScriptedPrompter().answer('Sign Out');
      await vscode.commands.executeCommand('qovery.signOut');
      await waitFor('signed out', () => api.session.state.status === 'signedOut');
      assert.strictEqual(api.store.connections().length, 0);
      assert.strictEqual(await api.store.getToken(id), undefined);
      assert.match(api.statusBar.item.text, /Sign In/);
      assert.deepStrictEqual(await api.tree.getChildren(), []);
    });
  });

  describe('the Accounts menu (AuthenticationProvider "qovery")', () => {
    it('gives other extensions the token and tells them about every change', async () => {
      const events: string[] = [];
      const listener = vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === 'qovery') {
          events.push(e.provider.label);
        }
      });
      try {
        assert.strictEqual(await vscode.authentication.getSession('qovery', [], { createIfNone: false, silent: true }), undefined);
        await signInWith(api, server.tokens.admin);
        await waitFor('a sessions change event', () => events.length >= 1);
        // VS Code's consent dialog for getSession is refused in test mode; the provider answers what VS Code asks it.
        const [session] = await api.authProvider.getSessions();
        assert.ok(session);
        assert.strictEqual(session.accessToken, server.tokens.admin);
        assert.strictEqual(session.account.label, 'Acme Corp');
        const before = events.length;
        api.ui.prompter = new ScriptedPrompter().answer('Sign Out');
        await vscode.commands.executeCommand('qovery.signOut');
        await waitFor('a removal event', () => events.length > before);
        assert.strictEqual(await vscode.authentication.getSession('qovery', [], { silent: true }), undefined);
      } finally {
        listener.dispose();
      }
    });

    it('creates a session through the sign-in flow when asked with createIfNone', async () => {
      api.ui.prompter = new ScriptedPrompter().answer(server.tokens.admin);
      // createIfNone shows VS Code's own consent dialog first; the provider's createSession is what it then calls.
      const session = await api.authProvider.createSession();
      assert.strictEqual(session.accessToken, server.tokens.admin);
      assert.strictEqual(api.store.connections().length, 1);
      assert.deepStrictEqual((await api.authProvider.getSessions()).map((s) => s.id), [session.id]);
      await api.authProvider.removeSession(session.id);
      assert.strictEqual(api.store.connections().length, 0, 'removing the session signs out');
    });
  });

  describe('SecretStorage', () => {
    it('follows a token changed in another window', async () => {
      await signInWith(api, server.tokens.admin);
      const connection = api.store.active()!;
      // What another window does: write the shared secret directly, behind this window's back.
      await api.secrets.store(`qovery.token.${connection.id}`, server.tokens.secondOrgAdmin);
      await waitFor('the re-check with the new token', () => server.requests.some((r) => r.path === '/organization' && r.tokenId === DEMO.apiTokens.secondOrgAdmin)).catch((e: Error) => {
        throw new Error(`${e.message}; requests: ${JSON.stringify(server.requests.map((r) => [r.path, r.tokenName]))}`);
      });
      assert.strictEqual(await api.store.getToken(connection.id), server.tokens.secondOrgAdmin);
      await waitFor('signed in to the other organization', () => api.session.state.status === 'signedIn' && api.statusBar.item.text === '$(cloud) Qovery: Side Projects');
      await api.secrets.delete(`qovery.token.${connection.id}`);
      await waitFor('signed out after the removal in another window', () => api.session.state.status === 'signedOut');
      assert.match(String(api.session.state.problem), /no longer in VS Code's secret storage/);
    });

    it('keeps the token in memory only, and says how to fix it, when SecretStorage fails', async () => {
      const failing: vscode.SecretStorage = {
        get: () => Promise.reject(new Error('An OS keyring couldn\'t be identified')),
        store: () => Promise.reject(new Error('An OS keyring couldn\'t be identified')),
        delete: () => Promise.reject(new Error('An OS keyring couldn\'t be identified')),
        onDidChange: new vscode.EventEmitter<vscode.SecretStorageChangeEvent>().event,
      };
      const memento = new Map<string, unknown>();
      const state = { get: (k: string, d?: unknown) => (memento.has(k) ? memento.get(k) : d), update: (k: string, v: unknown) => Promise.resolve(void memento.set(k, v)), keys: () => [...memento.keys()] } as vscode.Memento;
      const log = new Logger(vscode.window.createOutputChannel('Qovery test', { log: true }));
      const store = new TokenStore(failing, state, log);
      const session = new SessionManager(store, log, (options) => new QoveryClient(options));
      const ui = new Ui();
      const prompter = new ScriptedPrompter().answer(server.tokens.admin);
      ui.prompter = prompter;
      const flow = new SignInFlow(session, ui, log, {});
      try {
        const connection = await flow.addConnection();
        assert.ok(connection);
        assert.strictEqual(await store.getToken(connection.id), server.tokens.admin, 'kept for this session');
        const warning = await waitFor('the storage warning', () => prompter.shown.find((p) => p.kind === 'warn'));
        assert.match(warning.message, /could not use its secret storage/);
        assert.match(warning.message, /password-store/);
        assert.ok(!JSON.stringify([...memento.values()]).includes(server.tokens.admin), 'the token is not written to state');
        assert.strictEqual((await session.check()).status, 'signedIn');
      } finally {
        session.dispose();
        store.dispose();
        log.dispose();
      }
    });
  });
});
