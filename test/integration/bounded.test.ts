import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import { MAX_BUFFER_BYTES, MAX_LINE_CHARS } from '../../src/logs/live';
import type { LiveLogView } from '../../src/logs/liveView';
import type { QoveryNode } from '../../src/tree/nodes';
import { startQoveryServer, DEMO, type QoveryServer } from '../qovery';
import { extensionApi, freshServer, resetExtension, ScriptedPrompter, setSetting, signInWith, waitFor } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('failures stay bounded', function () {
  let api: QoveryExtensionApi;
  let server: QoveryServer;

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await freshServer(api);
  });

  afterEach(async () => {
    api.session.now = () => Date.now();
    api.tree.coalesceMs = 1000;
    await server.close();
  });

  after(async () => {
    await resetExtension(api);
  });

  const label = (node: QoveryNode): string => {
    const l = api.tree.getTreeItem(node).label;
    return typeof l === 'string' ? l : l?.label ?? '';
  };

  it('a route that answers 401 while GET /organization answers 200: an expanded row makes a handful of requests in 60 s, not a loop', async function () {
    this.timeout(60_000);
    await signInWith(api, server.tokens.admin);
    // The workbench shows the view, so VS Code itself asks for the rows of what is expanded.
    await vscode.commands.executeCommand('workbench.view.extension.qovery');
    await waitFor('the view is visible', () => api.tree.view?.visible);
    const org = await waitFor('the organization row', async () => (await api.tree.getChildren()).find((n) => label(n) === 'Acme Corp'));
    const projects = `/organization/${DEMO.organizations.acme}/project`;
    server.setFault(`GET ${projects}`, { status: 401, body: { status: 401, title: 'Unauthorized', detail: 'no access to this project list' } });
    server.clearLog();
    // A simulated clock: 60 s pass in 3 s of real time, so the 30 s cool-down elapses twice.
    let offset = 0;
    api.session.now = () => Date.now() + offset;
    await api.tree.view!.reveal(org, { expand: true, focus: false, select: false });
    for (let i = 0; i < 12; i++) {
      await sleep(250);
      offset += 5_000;
    }
    const log = server.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.ok(log.filter((l) => l.startsWith(`GET ${projects} `)).length >= 1, `the expanded row was loaded by VS Code: ${log.join(', ')}`);
    assert.ok(server.requests.length <= 5, `at most a handful of requests, got ${server.requests.length}: ${log.join(', ')}`);
    assert.strictEqual(api.session.state.status, 'signedIn', 'GET /organization works, so the token is not called invalid');
    const [error] = await api.tree.getChildren(org);
    assert.strictEqual(api.tree.getTreeItem(error).contextValue, 'qovery.error', 'the failed level is kept as an error row');
    const actions = await api.tree.getChildren(error);
    assert.deepStrictEqual(actions.map(label), ['Retry', 'Show Log']);
  });

  it('confirms at most one 401 per connection every 30 s, however many arrive', async () => {
    await signInWith(api, server.tokens.admin);
    const org = (await api.tree.getChildren()).find((n) => label(n) === 'Acme Corp')!;
    server.setFault(`GET /organization/${DEMO.organizations.acme}/project`, { status: 401 });
    let offset = 0;
    api.session.now = () => Date.now() + offset;
    server.clearLog();
    const checks = () => server.requests.filter((r) => r.path === '/organization').length;
    for (let i = 0; i < 5; i++) {
      api.tree.refreshNode(org);
      await api.tree.getChildren(org);
      await waitFor('no check in flight', () => api.session.state.status === 'signedIn');
    }
    await sleep(100);
    assert.strictEqual(checks(), 1, 'five 401s within the cool-down: one confirming check');
    offset += 31_000;
    api.tree.refreshNode(org);
    await api.tree.getChildren(org);
    await waitFor('a second confirming check after the cool-down', () => checks() === 2 && api.session.state.status === 'signedIn');
  });

  it('a field of the wrong type renders (or says the row cannot be shown), it never throws', async () => {
    await signInWith(api, server.tokens.admin);
    server.setFault('GET /organization', { status: 200, body: { results: [{ id: DEMO.organizations.acme, name: 'Acme Corp', plan: 5, created_at: { at: 1 }, description: ['x'] }] } });
    await api.tree.refresh();
    const [org] = await api.tree.getChildren();
    const item = api.tree.getTreeItem(org);
    assert.strictEqual(item.label, 'Acme Corp');
    assert.strictEqual(item.description, undefined, 'a plan that is not text is left out');
    const project = (await api.tree.getChildren(org)).find((n) => label(n) === 'storefront')!;
    server.setFault(`GET /project/${DEMO.projects.storefront}/environment/status`, {
      status: 200,
      body: { results: [{ id: DEMO.environments.storefrontProduction, state: 7, last_deployment_state: { nested: true }, last_deployment_date: 12 }] },
    });
    const environments = await api.tree.getChildren(project);
    const production = environments.find((n) => label(n) === 'production')!;
    assert.match(String(api.tree.getTreeItem(production).description), /^production · state unknown$/);
    const statuses = `/environment/${DEMO.environments.storefrontProduction}/statuses`;
    const good = (await (await fetch(server.url + statuses, { headers: { Authorization: `Token ${server.tokens.admin}` } })).json()) as { applications: Record<string, unknown>[] };
    good.applications = good.applications.map((s) => ({ ...s, last_deployment_state: 3, status_details: { action: 42, status: ['x'] }, service_deployment_status: 'UP_TO_DATE' }));
    server.setFault(`GET ${statuses}`, { status: 200, body: good });
    const services = await api.tree.getChildren(production);
    const items = services.map((n) => api.tree.getTreeItem(n));
    assert.ok(items.some((i) => i.label === 'web' && /^application · /.test(String(i.description))), JSON.stringify(items.map((i) => [i.label, i.description])));
    // The same rows kept offline still render.
    await server.close();
    api.tree.coalesceMs = 0;
    await api.tree.refresh();
    const offline = await api.tree.getChildren();
    assert.ok(offline.map((n) => api.tree.getTreeItem(n)).some((i) => i.label === 'Acme Corp'));
    server = await startQoveryServer({ port: server.port });
  });

  describe('states that say what happened', () => {
    it('a cross-origin redirect: "redirected to <origin>, not followed", never "check settings" or an empty notification', async () => {
      await signInWith(api, server.tokens.admin);
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      server.setFault('GET /organization', { redirectTo: 'http://localhost:9', status: 302 });
      await api.session.check();
      assert.strictEqual(api.session.state.status, 'apiError');
      assert.strictEqual(api.statusBar.item.text, '$(warning) Qovery: redirected to http://localhost:9');
      assert.match(String(api.statusBar.item.tooltip), /redirected to http:\/\/localhost:9, not followed: the token is not sent there/);
      const shown = await waitFor('the background notification', () => prompter.shown.find((p) => p.kind === 'error'));
      assert.match(shown.message, /redirected to http:\/\/localhost:9, not followed/);
      assert.ok(server.requests.every((r) => r.path === '/organization'), 'nothing was sent elsewhere');
    });

    it('a 404 on GET /organization: "the API URL answers 404: check qovery.apiUrl", not "unreachable"', async () => {
      await signInWith(api, server.tokens.admin);
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      // The organizations were listed once (as the view does after a sign-in): what the view keeps is known.
      await api.tree.refresh();
      const listed = (await api.tree.getChildren()).map((n) => n.key);
      assert.ok(listed.length > 0, 'the organizations were listed');
      server.setFault('GET /organization', { status: 404 });
      await api.session.check();
      assert.strictEqual(api.session.state.status, 'apiError');
      assert.strictEqual(api.statusBar.item.text, '$(warning) Qovery: API URL answers 404');
      assert.match(String(api.statusBar.item.tooltip), /The API URL answers 404: check qovery\.apiUrl/);
      assert.doesNotMatch(String(api.statusBar.item.tooltip), /cannot be reached/);
      await api.tree.refresh();
      // The rows are kept under a row that says why they are old (the 404), not replaced by "unreachable".
      const [stale, ...kept] = await api.tree.getChildren();
      assert.strictEqual(stale.key, 'stale:root');
      assert.strictEqual((stale as unknown as { error?: { kind?: string } }).error?.kind, 'notFound');
      assert.deepStrictEqual(kept.map((n) => n.key), listed);
    });

    it('unreachable only when the network fails: a server error says so', async () => {
      await signInWith(api, server.tokens.admin);
      api.ui.prompter = new ScriptedPrompter();
      server.setFault('GET /organization', { status: 500, body: { detail: 'database down' } });
      await api.session.check();
      assert.strictEqual(api.session.state.status, 'apiError');
      assert.strictEqual(api.statusBar.item.text, '$(warning) Qovery: API error');
      assert.match(String(api.statusBar.item.tooltip), /server error.*database down/i);
    });
  });

  describe('after a connection switch', () => {
    it('the old check does not clear the new one: no duplicate request, and a failed Test Authentication shows no background notification', async () => {
      await signInWith(api, server.tokens.admin);
      await signInWith(api, server.tokens.deployer, 'deployer');
      const admin = api.store.connections().find((c) => c.name !== 'deployer')!;
      const deployer = api.store.connections().find((c) => c.name === 'deployer')!;
      await api.store.setActive(admin.id);
      await waitFor('signed in as admin', () => api.session.state.status === 'signedIn' && api.session.state.connection?.id === admin.id);
      server.state.revokeApiToken(DEMO.organizations.acme, DEMO.apiTokens.deployer);
      // The newest rule first: the old connection's check answers after 300 ms, the new one's after 800 ms.
      server.setFault('GET /organization', { latencyMs: 800, times: 1 });
      server.setFault('GET /organization', { latencyMs: 300, times: 1 });
      server.clearLog();
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      const old = api.session.check();
      await sleep(50);
      await api.store.setActive(deployer.id);
      const test = vscode.commands.executeCommand('qovery.testAuthentication');
      await old;
      // Asked while the new connection's check runs: it joins it.
      const joined = api.session.check();
      await test;
      await joined;
      await sleep(200);
      assert.strictEqual(server.requests.length, 2, server.requests.map((r) => `${r.method} ${r.path} ${r.tokenName ?? ''}`).join(', '));
      assert.strictEqual(api.session.state.status, 'invalidToken');
      const errors = prompter.shown.filter((p) => p.kind === 'error');
      assert.strictEqual(errors.length, 1, `one error, from Test Authentication itself: ${JSON.stringify(prompter.shown.map((p) => p.message))}`);
    });
  });

  it('rate limited: checks again by itself once the server\'s wait is over, and says when', async function () {
    this.timeout(30_000);
    await signInWith(api, server.tokens.admin);
    api.ui.prompter = new ScriptedPrompter();
    // Every attempt of the check (the client retries a 429 itself) is refused, asking for 1 s.
    server.setFault('GET /organization', { status: 429, headers: { 'Retry-After': '1' }, times: 4 });
    server.clearLog();
    await api.session.check();
    assert.strictEqual(api.session.state.status, 'rateLimited');
    assert.ok(api.session.state.retryAt && api.session.state.retryAt > Date.now() - 1000, 'the state says when it checks again');
    assert.match(String(api.statusBar.item.tooltip), /Checking again at \d/);
    assert.match(String(api.tree.view?.message), /rate limiting this token: checking again at \d/);
    const welcome = (vscode.extensions.getExtension('qovery-community.qovery')!.packageJSON as { contributes: { viewsWelcome: { when: string; contents: string }[] } }).contributes.viewsWelcome.find((w) => w.when.includes('rateLimited'))!;
    assert.match(welcome.contents, /checks again by itself/);
    await waitFor('signed in again without any action', () => api.session.state.status === 'signedIn', 15_000);
    assert.strictEqual(server.requests.filter((r) => r.path === '/organization').length, 5, '4 refused attempts, then the one check after the wait');
    assert.strictEqual(api.tree.view?.message, undefined);
  });
});

describe('one error path for commands, and the Accounts menu in sync', function () {
  let api: QoveryExtensionApi;
  let server: QoveryServer;

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await freshServer(api);
  });

  afterEach(async () => {
    await server.close();
  });

  after(async () => {
    await resetExtension(api);
  });

  /** Lines written to the log, as the redactor let them through. */
  function captureLog(): { lines: string[]; restore: () => void } {
    const lines: string[] = [];
    const channel = api.log.channel;
    const original = { error: channel.error.bind(channel), debug: channel.debug.bind(channel) };
    channel.error = (message: string | Error) => void lines.push(String(message));
    channel.debug = (message: string) => void lines.push(String(message));
    return {
      lines,
      restore: () => {
        channel.error = original.error;
        channel.debug = original.debug;
      },
    };
  }

  it('an unexpected error in a command is logged with its stack (redacted) and shown once with Show Log', async () => {
    await signInWith(api, server.tokens.admin);
    const prompter = new ScriptedPrompter().answer('Show Log');
    api.ui.prompter = prompter;
    const original = api.signIn.addConnection.bind(api.signIn);
    const secret = server.tokens.admin;
    api.signIn.addConnection = () => Promise.reject(new Error(`addConnection broke while holding ${secret}`));
    const log = captureLog();
    try {
      const result = await vscode.commands.executeCommand('qovery.addConnection');
      assert.strictEqual(result, undefined);
    } finally {
      api.signIn.addConnection = original;
      log.restore();
    }
    const errors = prompter.shown.filter((p) => p.kind === 'error');
    assert.strictEqual(errors.length, 1, JSON.stringify(prompter.shown));
    assert.deepStrictEqual(errors[0].actions, ['Show Log']);
    assert.match(errors[0].message, /addConnection broke/);
    const line = log.lines.find((l) => l.includes('qovery.addConnection failed'));
    assert.ok(line, `logged: ${JSON.stringify(log.lines)}`);
    assert.match(line, /addConnection broke while holding \*\*\*/);
    assert.match(line, /\n\s+at /, 'with its stack');
    assert.ok(!log.lines.some((l) => l.includes(secret)), 'the token never reaches the log');
    assert.ok(!errors[0].message.includes(secret), 'nor the notification');
  });

  it('a cancellation stays quiet', async () => {
    const prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;
    const original = api.signIn.signIn.bind(api.signIn);
    api.signIn.signIn = () => Promise.reject(new vscode.CancellationError());
    const log = captureLog();
    try {
      assert.strictEqual(await vscode.commands.executeCommand('qovery.signIn'), undefined);
    } finally {
      api.signIn.signIn = original;
      log.restore();
    }
    assert.deepStrictEqual(prompter.shown, []);
    assert.ok(!log.lines.some((l) => /failed/.test(l)), JSON.stringify(log.lines));
  });

  it('the Accounts menu hears of label changes, and removed sessions keep their label', async () => {
    await signInWith(api, server.tokens.admin);
    const id = api.store.active()!.id;
    const events: vscode.AuthenticationProviderAuthenticationSessionsChangeEvent[] = [];
    const subscription = api.authProvider.onDidChangeSessions((e) => events.push(e));
    try {
      await api.store.update(id, { name: 'production' });
      const changed = await waitFor('a change for the new label', () => events.flatMap((e) => e.changed ?? []).find((s) => s.id === id));
      assert.strictEqual(changed.account.label, 'production (Acme Corp)');
      assert.strictEqual((await api.authProvider.getSessions())[0].account.label, 'production (Acme Corp)');
      await api.store.remove(id);
      const removed = await waitFor('the removal', () => events.flatMap((e) => e.removed ?? []).find((s) => s.id === id));
      assert.strictEqual(removed.account.label, 'production (Acme Corp)', 'announced with its label, not its id');
      assert.strictEqual(removed.accessToken, '', 'and without its token');
    } finally {
      subscription.dispose();
    }
  });
});

describe('live logs bounded by bytes', function () {
  this.timeout(300_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;

  const textOf = (uri: vscode.Uri): string => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText() ?? '';

  before(async () => {
    api = await extensionApi();
    server = await freshServer(api);
    await setSetting('websocketUrl', server.url.replace('http:', 'ws:'));
    await signInWith(api, server.tokens.admin);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no log socket left open', () => server.logs.openSockets === 0 || undefined).catch(() => undefined);
    await setSetting('websocketUrl', undefined);
    await resetExtension(api);
    await server.close();
  });

  it('frames of 1 MiB: each line is cut at 16 KB (and says so), the view keeps under 32 MB and lives on', async () => {
    const environment = server.state.account.environment(DEMO.environments.storefrontStaging)!;
    const serviceId = DEMO.services.stagingApi;
    const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, {
      organizationId: environment.organizationId,
      projectId: environment.projectId,
      environmentId: environment.id,
      serviceId,
      serviceName: 'api',
    });
    await waitFor('the stream connected', () => view.stream.state.kind === 'connected' && textOf(view.uri).includes('recent line 3'), 30_000);
    // About 560 MiB of messages: kept whole and joined into one text, they were past what one string can hold.
    const frames = 560;
    const chars = 1_048_000;
    await server.logs.flood(frames, { serviceId, chars });
    await waitFor('every frame received', () => view.buffer.received >= frames + 3, 240_000);
    server.logs.send(1, { serviceId, text: 'a short line after the huge ones' });
    const text = await waitFor('the line after them, in the document', () => textOf(view.uri).includes('a short line after the huge ones') && textOf(view.uri), 120_000);
    assert.ok(view.buffer.bytes <= MAX_BUFFER_BYTES, `${view.buffer.bytes} bytes kept`);
    assert.ok(text.length < MAX_BUFFER_BYTES + 1024 * 1024, `the document holds ${text.length} characters`);
    const cut = text.split('\n').filter((l) => l.includes('flood line'));
    assert.ok(cut.length > 0, 'the huge lines are shown');
    for (const line of cut) {
      assert.match(line, new RegExp(`\\[… cut: ${chars} characters in all, the first ${MAX_LINE_CHARS} shown\\]$`), line.slice(-120));
      assert.ok(line.length < MAX_LINE_CHARS + 200, String(line.length));
    }
    assert.strictEqual(view.stream.state.kind, 'connected', 'the stream is still up');
  });
});
