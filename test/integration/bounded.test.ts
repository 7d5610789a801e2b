import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { QoveryExtensionApi } from '../../src/extension';
import type { QoveryNode } from '../../src/tree/nodes';
import { startQoveryServer, DEMO, type QoveryServer } from '../qovery';
import { extensionApi, resetExtension, setSetting, signInWith, usedTokens, waitFor } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('failures stay bounded', function () {
  let api: QoveryExtensionApi;
  let server: QoveryServer;

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await startQoveryServer();
    Object.values(server.tokens).forEach((t) => usedTokens.add(t));
    await resetExtension(api);
    await setSetting('apiUrl', server.url);
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
});
