import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { QoveryExtensionApi } from '../../src/extension';
import type { QoveryNode } from '../../src/tree/nodes';
import { startQoveryServer, generateLargeAccount, demoAccount, DEMO, type QoveryServer, type Fault } from '../qovery';
import { extensionApi, freshServer, resetExtension, setSetting, signInWith, waitFor } from './helpers';

interface Row {
  node: QoveryNode;
  item: vscode.TreeItem;
  label: string;
}

describe('the Organizations view', function () {
  let api: QoveryExtensionApi;
  let server: QoveryServer;

  async function rows(parent?: QoveryNode): Promise<Row[]> {
    const nodes = await api.tree.getChildren(parent);
    return nodes.map((node) => {
      const item = api.tree.getTreeItem(node);
      return { node, item, label: typeof item.label === 'string' ? item.label : item.label?.label ?? '' };
    });
  }

  async function row(parent: QoveryNode | undefined, label: string, contextPrefix = 'qovery.'): Promise<Row> {
    const all = await rows(parent);
    const found = all.find((r) => r.label === label && String(r.item.contextValue).startsWith(contextPrefix));
    assert.ok(found, `a row "${label}" among ${all.map((r) => `${r.label} [${String(r.item.contextValue)}]`).join(', ')}`);
    return found;
  }

  const icon = (item: vscode.TreeItem) => item.iconPath as vscode.ThemeIcon;
  const count = (path: string | RegExp) => server.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path))).length;

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await freshServer(api);
  });

  afterEach(async () => {
    api.tree.coalesceMs = 1000;
    await server.close();
  });

  after(async () => {
    await resetExtension(api);
  });

  it('shows organizations, projects, environments of every mode and services of every type with their state', async () => {
    await signInWith(api, server.tokens.admin);
    const org = await row(undefined, 'Acme Corp');
    assert.strictEqual(org.item.contextValue, 'qovery.organization');
    assert.strictEqual(icon(org.item).id, 'organization');
    assert.strictEqual(org.item.description, 'team 2025');
    assert.strictEqual(org.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);

    const projects = (await rows(org.node)).filter((r) => r.item.contextValue === 'qovery.project');
    assert.deepStrictEqual(projects.map((p) => p.label), ['data-platform', 'internal-tools', 'sandbox', 'storefront']);
    const storefront = projects.find((p) => p.label === 'storefront')!;
    assert.strictEqual(storefront.item.description, '4 environments');
    assert.strictEqual(icon(storefront.item).id, 'project');

    const envs = await rows(storefront.node);
    assert.deepStrictEqual(
      envs.map((e) => [e.label, e.item.description, e.item.contextValue]),
      [
        ['dev-alice', 'development · stopped', 'qovery.environment.development'],
        ['pr-142-new-checkout', 'preview · building', 'qovery.environment.preview'],
        ['production', 'production · running', 'qovery.environment.production'],
        ['staging', 'staging · deployment error', 'qovery.environment.staging'],
      ],
    );
    const production = envs.find((e) => e.label === 'production')!;
    assert.deepStrictEqual(icon(production.item).color, new vscode.ThemeColor('charts.green'));

    const all = await rows(production.node);
    // Each environment ends with its "Variables" row.
    assert.deepStrictEqual([all[all.length - 1].label, all[all.length - 1].item.contextValue], ['Variables', 'qovery.variables.environment']);
    const services = all.filter((s) => String(s.item.contextValue).startsWith('qovery.service'));
    assert.deepStrictEqual(
      services.map((s) => [s.label, icon(s.item).id, s.item.description, s.item.contextValue]),
      [
        ['api', 'package', 'container · running · configuration changed', 'qovery.service.container'],
        ['cdn-and-dns', 'symbol-structure', 'terraform · running · up to date', 'qovery.service.terraform'],
        ['datadog-agent', 'layers', 'helm · running · up to date', 'qovery.service.helm'],
        ['db-migrations', 'watch', 'job · running · up to date', 'qovery.service.job'],
        ['postgres', 'database', 'database · running · up to date', 'qovery.service.database'],
        ['redis', 'database', 'database · running · up to date', 'qovery.service.database'],
        ['sitemap-nightly', 'watch', 'job · running · up to date', 'qovery.service.job'],
        ['web', 'code', 'application · running · up to date', 'qovery.service.application'],
      ],
    );
    const web = services.find((s) => s.label === 'web')!;
    // A service opens on its "Variables" row; a database has none.
    assert.strictEqual(web.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.strictEqual(services.find((s) => s.label === 'postgres')!.item.collapsibleState, vscode.TreeItemCollapsibleState.None);
    const tooltip = (web.item.tooltip as vscode.MarkdownString).value;
    assert.ok(tooltip.includes(DEMO.services.storefrontWeb.replace(/-/g, '\\-')), tooltip);
    assert.match(tooltip, /State: running/);

    const staging = (await rows(envs.find((e) => e.label === 'staging')!.node)).filter((s) => String(s.item.contextValue).startsWith('qovery.service'));
    assert.deepStrictEqual(
      staging.map((s) => s.item.description),
      ['container · deployment error · configuration changed', 'job · deployment queued · configuration changed', 'database · running · up to date', 'application · deploying · configuration changed'],
    );
    assert.deepStrictEqual(icon(staging[0].item).color, new vscode.ThemeColor('charts.red'));
    const preview = await rows(envs.find((e) => e.label === 'pr-142-new-checkout')!.node);
    assert.ok(preview.some((s) => s.item.description === 'application · building · never deployed'));

    const sandbox = await rows(projects.find((p) => p.label === 'sandbox')!.node);
    assert.deepStrictEqual(sandbox.map((r) => [r.label, r.item.contextValue]), [['No environments', 'qovery.info']]);
  });

  it('loads states with one status call per project and per environment, never one per item', async () => {
    await signInWith(api, server.tokens.admin);
    server.clearLog();
    const org = await row(undefined, 'Acme Corp');
    const storefront = await row(org.node, 'storefront');
    const envs = await rows(storefront.node);
    await Promise.all(envs.map((e) => rows(e.node)));
    assert.strictEqual(count(`/project/${DEMO.projects.storefront}/environment`), 1);
    assert.strictEqual(count(`/project/${DEMO.projects.storefront}/environment/status`), 1);
    assert.strictEqual(count(/\/statuses$/), 4);
    assert.strictEqual(count(/\/services$/), 4);
    assert.strictEqual(count(/\/(application|container|database|job|helm|terraform)\//), 0);
    assert.strictEqual(count('/organization'), 0, 'the organizations come from the sign-in check');
  });

  it('qovery.autoRefreshSeconds updates the states of expanded environments through the status polling, without listing again', async () => {
    // The demo account, with states a test can change.
    const base = demoAccount();
    const states = new Map<string, string>();
    const account = new Proxy(base, {
      get(target, key) {
        if (key === 'services') {
          return (environmentId: string) => target.services(environmentId).map((s) => (states.has(s.id) ? { ...s, state: states.get(s.id) } : s));
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await server.close();
    server = await startQoveryServer({ account });
    await setSetting('apiUrl', server.url);
    await signInWith(api, server.tokens.admin);
    const org = await row(undefined, 'Acme Corp');
    const storefront = await row(org.node, 'storefront');
    const production = await row(storefront.node, 'production');
    const web = await row(production.node, 'web');
    assert.strictEqual(web.item.description, 'application · running · up to date');
    // Auto refresh watches only what a visible view shows.
    await vscode.commands.executeCommand('workbench.view.extension.qovery');
    await waitFor('the view is visible', () => api.tree.view?.visible);
    server.clearLog();
    states.set(DEMO.services.storefrontWeb, 'DEPLOYING');
    await setSetting('autoRefreshSeconds', 1);
    try {
      await waitFor('the web row says deploying', async () => (await row(production.node, 'web')).item.description === 'application · deploying · up to date');
      assert.strictEqual(count(/\/services$/), 0, 'the services are not listed again');
      assert.ok(count(`/environment/${DEMO.environments.storefrontProduction}/statuses`) >= 1);
      // The environment row follows too: its state is in the same answer.
      await waitFor('the production row says deploying', async () => (await row(storefront.node, 'production')).item.description === 'production · deploying');
    } finally {
      await setSetting('autoRefreshSeconds', undefined);
    }
    // With the setting off, nothing polls for the tree.
    server.clearLog();
    await new Promise((r) => setTimeout(r, 2500));
    assert.strictEqual(count(/\/statuses$/), 0);
  });

  describe('a level that fails to load', () => {
    const cases: [string, Fault, string, RegExp][] = [
      ['a server error (500)', { status: 500, body: { status: 500, title: 'Internal Server Error', detail: 'database timeout' } }, 'server', /server error.*database timeout/i],
      ['a permission error (403)', { status: 403, body: { status: 403, title: 'Forbidden', detail: 'role viewer lacks PROJECT_READ' } }, 'forbidden', /not allowed.*role viewer lacks PROJECT_READ/],
      ['not found (404)', { status: 404, body: { status: 404, title: 'Not Found', detail: 'organization not found' } }, 'notFound', /not found/i],
      ['garbage from a proxy', { nonJson: true }, 'invalidResponse', /Unexpected answer/],
      ['a reset connection', { reset: true }, 'network', /Could not reach the Qovery API/],
      ['a body cut short', { truncate: true }, 'invalidResponse', /Unexpected answer/],
    ];
    for (const [name, fault, kind, message] of cases) {
      it(`shows an error node with the reason, Retry and Show Log: ${name}`, async () => {
        await signInWith(api, server.tokens.admin);
        const org = await row(undefined, 'Acme Corp');
        server.setFault(`GET /organization/${DEMO.organizations.acme}/project`, { ...fault, times: 20 });
        const [error] = await rows(org.node);
        assert.strictEqual(error.item.contextValue, 'qovery.error');
        assert.strictEqual(error.label, 'Could not load projects');
        assert.strictEqual((error.node as unknown as { kind: string }).kind, kind);
        assert.match(String(error.item.description), message);
        assert.strictEqual(icon(error.item).id, 'error');
        const actions = await rows(error.node);
        assert.deepStrictEqual(actions.map((a) => [a.label, a.item.command?.command]), [['Retry', 'qovery.retryNode'], ['Show Log', 'qovery.showLog']]);
        if (kind === 'forbidden' || kind === 'notFound' || kind === 'server') {
          assert.strictEqual(api.session.state.status, 'signedIn', 'one failing resource never signs the user out');
        }
        server.clearFaults();
        await vscode.commands.executeCommand(actions[0].item.command!.command, ...(actions[0].item.command!.arguments ?? []));
        const after = await rows(org.node);
        assert.ok(after.some((r) => r.label === 'storefront'), 'Retry loads the level again');
      });
    }

    it('times out instead of spinning forever', async () => {
      await signInWith(api, server.tokens.admin);
      await setSetting('requestTimeoutSeconds', 1);
      const org = await row(undefined, 'Acme Corp');
      server.setFault(`GET /organization/${DEMO.organizations.acme}/project`, { hang: true, times: 2 });
      const started = Date.now();
      const [error] = await rows(org.node);
      assert.strictEqual((error.node as unknown as { kind: string }).kind, 'timeout');
      assert.match(String(error.item.description), /did not answer in time/);
      assert.ok(Date.now() - started < 8000, `gave up after ${Date.now() - started} ms`);
    });

    it('confirms a 401 before calling the token invalid', async () => {
      await signInWith(api, server.tokens.admin);
      const org = await row(undefined, 'Acme Corp');
      server.setFault(`GET /organization/${DEMO.organizations.acme}/project`, { status: 401, times: 1 });
      await rows(org.node);
      await waitFor('the confirming check', () => api.session.state.status !== 'checking' && count('/organization') >= 2);
      assert.strictEqual(api.session.state.status, 'signedIn', 'the token still works, so it is not called invalid');
    });
  });

  it('sends one set of requests for ten refreshes fired together', async () => {
    await signInWith(api, server.tokens.admin);
    const org = await row(undefined, 'Acme Corp');
    const storefront = await row(org.node, 'storefront');
    await rows(storefront.node);
    server.setLatency(100);
    server.clearLog();
    await Promise.all(Array.from({ length: 10 }, () => vscode.commands.executeCommand('qovery.refresh')));
    // What VS Code does after a refresh: ask again for every expanded level.
    await Promise.all(Array.from({ length: 10 }, async () => {
      await rows();
      await rows(org.node);
      await rows(storefront.node);
    }));
    assert.deepStrictEqual(
      server.requests.map((r) => r.path).sort(),
      ['/organization', `/organization/${DEMO.organizations.acme}/project`, `/project/${DEMO.projects.storefront}/environment`, `/project/${DEMO.projects.storefront}/environment/status`].sort(),
    );
  });

  it('keeps what was loaded, marked stale with the time, when the API goes away', async () => {
    await signInWith(api, server.tokens.admin);
    const org = await row(undefined, 'Acme Corp');
    await rows(org.node);
    api.tree.coalesceMs = 0;
    await server.close();
    await api.tree.refresh();
    const root = await rows();
    assert.strictEqual(root[0].item.contextValue, 'qovery.stale');
    assert.match(root[0].label, /^Offline: showing data from \d/);
    assert.match(String(root[0].item.description), /Could not reach the Qovery API/);
    assert.strictEqual(root[1].label, 'Acme Corp');
    const projects = await rows(root[1].node);
    assert.strictEqual(projects[0].item.contextValue, 'qovery.stale');
    assert.ok(projects.some((p) => p.label === 'storefront'));
    assert.strictEqual(api.session.state.status, 'unreachable');
    server = await startQoveryServer({ port: server.port });
  });

  it('clears one account\'s rows at once when the connection changes', async () => {
    await signInWith(api, server.tokens.admin);
    const acme = await row(undefined, 'Acme Corp');
    await rows(acme.node);
    await signInWith(api, server.tokens.secondOrgAdmin, 'side');
    const root = await rows();
    assert.deepStrictEqual(root.map((r) => r.label), ['Side Projects']);
    server.clearLog();
    // A row of the old account asked for after the switch shows nothing of it.
    const stale = await rows(acme.node);
    assert.ok(!stale.some((r) => r.label === 'storefront'), JSON.stringify(stale.map((r) => r.label)));
    assert.ok(server.requests.every((r) => r.tokenId !== DEMO.apiTokens.admin), 'nothing is sent with the old token');
  });

  describe('welcome views', () => {
    const welcomes = (): { when: string; contents: string }[] =>
      (vscode.extensions.getExtension('qovery-community.qovery')!.packageJSON as { contributes: { viewsWelcome: { when: string; contents: string }[] } }).contributes.viewsWelcome;

    async function expectWelcome(status: string, command: string): Promise<void> {
      assert.strictEqual(api.session.state.status, status);
      assert.deepStrictEqual(await rows(), [], 'no rows, so the welcome view shows');
      const welcome = welcomes().find((w) => w.when.includes(`qovery.state == ${status}`));
      assert.ok(welcome, `a welcome view for ${status}`);
      assert.ok(welcome.contents.includes(`command:${command}`), `${status} offers ${command}: ${welcome.contents}`);
    }

    it('signed out', async () => {
      await expectWelcome('signedOut', 'qovery.signIn');
    });

    it('token invalid', async () => {
      await signInWith(api, server.tokens.viewer);
      server.state.revokeApiToken(DEMO.organizations.acme, DEMO.apiTokens.viewer);
      await api.tree.refresh();
      await expectWelcome('invalidToken', 'qovery.updateToken');
    });

    it('unreachable with nothing loaded yet', async () => {
      server.setFault('GET /organization', { reset: true, times: 100 });
      api.ui.prompter = { ...api.ui.prompter };
      await api.store.save({ id: 'offline', name: 'offline', source: 'pasted', addedAt: Date.now() }, server.tokens.admin);
      await waitFor('unreachable', () => api.session.state.status === 'unreachable');
      await expectWelcome('unreachable', 'qovery.refresh');
    });

    it('no organization', async () => {
      await signInWith(api, server.tokens.admin);
      server.setFault('GET /organization', { status: 200, body: { results: [] } });
      await api.tree.refresh();
      assert.strictEqual(api.session.state.status, 'signedIn');
      assert.deepStrictEqual(await rows(), []);
      const welcome = welcomes().find((w) => w.when.includes('qovery.noOrganizations'));
      assert.ok(welcome?.contents.includes('command:qovery.updateToken'));
    });

    it('a wrong qovery.apiUrl', async () => {
      await signInWith(api, server.tokens.admin);
      await setSetting('apiUrl', 'not a url');
      await api.session.check();
      await expectWelcome('misconfigured', 'workbench.action.openSettings');
    });
  });

  it('copies the ID and the name, and links to the Qovery console', async () => {
    await signInWith(api, server.tokens.admin);
    const org = await row(undefined, 'Acme Corp');
    const storefront = await row(org.node, 'storefront');
    const production = await row(storefront.node, 'production');
    const web = await row(production.node, 'web');
    await vscode.commands.executeCommand('qovery.copyId', web.node);
    assert.strictEqual(await vscode.env.clipboard.readText(), DEMO.services.storefrontWeb);
    await vscode.commands.executeCommand('qovery.copyName', storefront.node);
    assert.strictEqual(await vscode.env.clipboard.readText(), 'storefront');
    assert.strictEqual(
      web.node.resource?.consoleUrl,
      `https://console.qovery.com/organization/${DEMO.organizations.acme}/project/${DEMO.projects.storefront}/environment/${DEMO.environments.storefrontProduction}/service/${DEMO.services.storefrontWeb}`,
    );
    assert.strictEqual(org.node.resource?.consoleUrl, `https://console.qovery.com/organization/${DEMO.organizations.acme}`);
    const commands = (vscode.extensions.getExtension('qovery-community.qovery')!.packageJSON as { contributes: { menus: { commandPalette: { command: string; when: string }[] } } }).contributes.menus.commandPalette;
    for (const tool of ['qovery.copyId', 'qovery.copyName', 'qovery.openInConsole', 'qovery.refreshNode', 'qovery.retryNode']) {
      assert.ok(commands.some((c) => c.command === tool && c.when === 'false'), `${tool} stays out of the palette`);
    }
  });

  it('expands an account of 50 organizations x 500 projects without a request per project', async function () {
    this.timeout(120_000);
    await server.close();
    server = await startQoveryServer({ account: generateLargeAccount({ organizations: 50, projectsPerOrganization: 500 }) });
    await setSetting('apiUrl', server.url);
    await signInWith(api, server.tokens.userJwt);
    const organizations = await rows();
    assert.strictEqual(organizations.length, 50);
    server.clearLog();
    const started = Date.now();
    const projects = await Promise.all(organizations.map((o) => rows(o.node)));
    const elapsed = Date.now() - started;
    assert.strictEqual(projects.reduce((n, p) => n + p.filter((r) => r.item.contextValue === 'qovery.project').length, 0), 25_000);
    assert.strictEqual(server.requests.length, 50, 'one project list per organization');
    assert.strictEqual(count(/^\/project\//), 0);
    console.log(`      (50 x 500: all 25,000 projects listed in ${elapsed} ms)`);
  });
});
