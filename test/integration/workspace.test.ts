import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { QoveryNode } from '../../src/tree/nodes';
import type { CandidateItem, FolderLink } from '../../src/workspace/links';
import { DEMO, type QoveryServer } from '../qovery';
import { addFolder, git, makeRepository, removeAddedFolders } from './folders';
import { extensionApi, freshServer, type PromptRecord, resetExtension, ScriptedPrompter, setSetting, signInWith, waitFor } from './helpers';

describe('workspace link: the folder\'s Qovery service', function () {
  this.timeout(60_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  let prompter: ScriptedPrompter;
  const dirs: string[] = [];

  const links = () => api.workspace.links;
  const item = () => api.workspace.item.item;
  const linkOf = (folder: vscode.WorkspaceFolder): FolderLink | undefined => links().linkOf(folder);
  const waitForStatus = (folder: vscode.WorkspaceFolder, status: FolderLink['status'], timeoutMs = 20_000) =>
    waitFor(`folder ${folder.name} ${status}`, () => linkOf(folder)?.status === status && linkOf(folder), timeoutMs);
  const repository = (name: string, remote: string, branch?: string): string => {
    const dir = makeRepository(name, remote, branch);
    dirs.push(dir);
    return dir;
  };
  const scanPaths = () => server.requests.map((r) => `${r.method} ${r.path}`).filter((p) => /\/organization\/[^/]+\/(environments|services)$|\/environment\/[^/]+\/services$/.test(p));

  before(async () => {
    api = await extensionApi();
    server = await freshServer(api);
    await signInWith(api, server.tokens.admin);
  });

  beforeEach(async () => {
    prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;
    // A fresh scan per test, so each test's request log shows its own.
    await links().refresh({ rescan: true });
    server.clearLog();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await removeAddedFolders();
  });

  after(async () => {
    await resetExtension(api);
    await server?.close();
    for (const dir of dirs) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('links automatically when exactly one service builds the repository and branch, says so once, and shows it in the status bar', async () => {
    const folder = await addFolder(repository('web', 'git@github.com:Acme/storefront-web.git'));
    const link = await waitForStatus(folder, 'linked');
    assert.strictEqual(link.link?.serviceId, DEMO.services.storefrontWeb);
    assert.deepStrictEqual(
      prompter.messages('info').filter((m) => m.includes('deploys to')),
      ['Qovery: the folder "' + folder.name + '" deploys to web (production · storefront): linked.'],
    );
    await waitFor('the status bar shows the state', () => item().text.includes('running') && item().text);
    assert.strictEqual(item().text, '$(rocket) web · production: running');
    const tooltip = String(item().tooltip);
    for (const line of ['Service: web (application)', 'Environment: production (PRODUCTION)', 'Project: storefront', 'Organization: Acme Corp', 'Branch: main', 'State: running · configuration up to date']) {
      assert.ok(tooltip.includes(line), `tooltip has "${line}":\n${tooltip}`);
    }
    const head = git(folder.uri.fsPath, 'rev-parse', '--short=7', 'HEAD');
    assert.match(tooltip, new RegExp(`HEAD ${head} is not deployed; production runs [0-9a-f]{7}\\.`));
    // The scan stayed within its bound: two organization lists, then one list per environment holding a git-based service.
    const paths = scanPaths();
    assert.strictEqual(paths.filter((p) => p.includes('/organization/')).length, 2, paths.join('\n'));
    assert.ok(paths.length <= 2 + 9, `at most one services list per environment of Acme: ${paths.length}`);
    // Refreshing again uses the cached scan: no request.
    server.clearLog();
    await links().refresh();
    assert.deepStrictEqual(scanPaths(), []);
    assert.strictEqual(prompter.messages('info').filter((m) => m.includes('deploys to')).length, 1, 'said once');
  });

  it('asks once when several services match, production marked and last, and remembers the choice', async () => {
    let offered: readonly vscode.QuickPickItem[] = [];
    prompter.answer((record) => {
      offered = record.items ?? [];
      return (record.items as CandidateItem[]).find((i) => i.candidate.environmentMode === 'STAGING');
    });
    const folder = await addFolder(repository('infra', 'https://github.com/acme/infra'));
    const link = await waitForStatus(folder, 'linked');
    assert.strictEqual(link.link?.serviceId, DEMO.services.dataStagingLake);
    const production = (offered as CandidateItem[]).filter((i) => i.candidate.environmentMode === 'PRODUCTION');
    assert.ok(production.length >= 2, 'production services are offered too');
    for (const p of production) {
      assert.ok(p.label.startsWith('$(warning)') && String(p.description).includes('PRODUCTION') && String(p.detail).includes('Production'), JSON.stringify(p));
    }
    assert.strictEqual((offered[offered.length - 1] as CandidateItem).candidate.environmentMode, 'PRODUCTION', 'production is last');
    assert.strictEqual(prompter.shown.filter((s) => s.kind === 'quickPick').length, 1);
    // Remembered: another evaluation keeps it and asks nothing.
    await links().refresh({ rescan: true });
    assert.strictEqual(linkOf(folder)?.link?.serviceId, DEMO.services.dataStagingLake);
    assert.strictEqual(prompter.shown.filter((s) => s.kind === 'quickPick').length, 1);
    await waitFor('the item shows the staging service in error', () => item().text.includes('data-lake-buckets · staging: deployment error') && item().text);
    assert.ok(item().text.startsWith('$(error)'), `a DEPLOYMENT_ERROR reads as an error: ${item().text}`);
    assert.deepStrictEqual(item().backgroundColor, new vscode.ThemeColor('statusBarItem.errorBackground'));
  });

  it('offers "Create Preview…" when no service builds the branch of a repository Qovery builds; the Link pick lists the repository\'s services first', async () => {
    const folder = await addFolder(repository('hack', 'https://github.com/acme/storefront-web.git', 'no-such-branch'));
    await waitForStatus(folder, 'none');
    await waitFor('the Create Preview… item', () => item().text === '$(git-branch) Qovery: Create Preview…');
    let offered: readonly vscode.QuickPickItem[] = [];
    prompter.answer((record) => {
      offered = record.items ?? [];
      return (record.items as CandidateItem[]).find((i) => i.candidate?.serviceName === 'admin-dashboard');
    });
    await vscode.commands.executeCommand('qovery.linkWorkspace', folder);
    const labels = offered.map((i) => (i.kind === vscode.QuickPickItemKind.Separator ? `--${i.label}` : i.label));
    assert.strictEqual(labels[0], '--This repository');
    assert.ok(labels.indexOf('--Other services of the organization') > 1, labels.join(' | '));
    const repositoryItems = labels.slice(1, labels.indexOf('--Other services of the organization'));
    assert.ok(repositoryItems.every((l) => l.endsWith('web')), repositoryItems.join(' | '));
    const link = await waitForStatus(folder, 'linked');
    assert.strictEqual(link.link?.serviceId, DEMO.services.toolsAdmin);
  });

  it('relinks on a branch switch from the fresh scan, with no request', async () => {
    const dir = repository('switch', 'https://github.com/acme/storefront-web.git');
    const folder = await addFolder(dir);
    await waitFor('linked to production web', () => linkOf(folder)?.link?.serviceId === DEMO.services.storefrontWeb, 20_000);
    const scans = links().scans;
    server.clearLog();
    git(dir, 'checkout', '-q', '-b', 'develop');
    await waitFor('linked to staging web after the switch', () => linkOf(folder)?.link?.serviceId === DEMO.services.stagingWeb, 30_000);
    assert.strictEqual(links().scans, scans, 'no new scan: the scan is fresh');
    assert.deepStrictEqual(scanPaths(), []);
    assert.ok(String(item().tooltip).includes('Branch: develop'));
    await waitFor('the spinner while staging deploys', () => item().text.startsWith('$(sync~spin) web · staging') && item().text);
  });

  it('refresh right after a checkout links the new branch, before the git extension reports the switch', async () => {
    const dir = repository('checkout', 'https://github.com/acme/storefront-web.git');
    const folder = await addFolder(dir);
    await waitFor('linked to production web', () => linkOf(folder)?.link?.serviceId === DEMO.services.storefrontWeb, 20_000);
    // What Open Shell and Deploy do first: refresh, then read the link. No wait for git's file watcher.
    git(dir, 'checkout', '-q', '-b', 'develop');
    await links().refresh();
    assert.strictEqual(linkOf(folder)?.local?.branch, 'develop');
    assert.strictEqual(linkOf(folder)?.link?.serviceId, DEMO.services.stagingWeb, 'the develop branch\'s service');
    // And straight back to main.
    git(dir, 'checkout', '-q', 'main');
    await links().refresh();
    assert.strictEqual(linkOf(folder)?.link?.serviceId, DEMO.services.storefrontWeb, 'main\'s service again');
  });

  it('refresh right after a commit takes the new commit as HEAD, before the git extension reports it (Deploy sends what was just committed)', async () => {
    const dir = repository('commit-race', 'https://github.com/acme/storefront-web.git');
    const folder = await addFolder(dir);
    await waitFor('linked to production web', () => linkOf(folder)?.link?.serviceId === DEMO.services.storefrontWeb, 20_000);
    for (const message of ['one', 'two']) {
      git(dir, 'commit', '-q', '--allow-empty', '-m', message);
      const head = git(dir, 'rev-parse', 'HEAD').trim();
      await links().refresh();
      assert.strictEqual(linkOf(folder)?.head, head, `the commit "${message}" is HEAD at once`);
    }
    // Packed refs too (after git gc or a fetch): the branch's commit is read from packed-refs.
    git(dir, 'pack-refs', '--all');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'three');
    git(dir, 'pack-refs', '--all');
    await links().refresh();
    assert.strictEqual(linkOf(folder)?.head, git(dir, 'rev-parse', 'HEAD').trim());
  });

  it('links each workspace folder on its own; the status bar follows the active editor\'s folder', async () => {
    const webDir = repository('multi-web', 'https://github.com/acme/storefront-web.git');
    const ingestDir = repository('multi-ingest', 'git@github.com:acme/ingest-api.git');
    const web = await addFolder(webDir);
    const ingest = await addFolder(ingestDir);
    await waitFor('both linked', () => linkOf(web)?.status === 'linked' && linkOf(ingest)?.status === 'linked', 20_000);
    assert.strictEqual(linkOf(ingest)?.link?.serviceId, DEMO.services.dataIngest);
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(ingestDir, 'README.md')));
    await waitFor('the item shows ingest-api', () => item().text.includes('ingest-api · production') && item().text);
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(webDir, 'README.md')));
    await waitFor('the item shows web', () => item().text.includes(' web · production') && item().text);
  });

  it('shows "This Workspace" at the top of the explorer, with the linked service and its state', async () => {
    const folder = await addFolder(repository('tree', 'https://github.com/acme/storefront-web.git'));
    await waitForStatus(folder, 'linked');
    const label = (node: QoveryNode): string => {
      const l = api.view.getTreeItem(node).label;
      return typeof l === 'string' ? l : l?.label ?? '';
    };
    const roots = (await api.view.getChildren()) ?? [];
    assert.deepStrictEqual(roots.map(label).slice(0, 2), ['This Workspace', 'Acme Corp']);
    await waitFor('the row shows the state', async () => {
      const [row] = (await api.view.getChildren(roots[0])) ?? [];
      const item = row && api.view.getTreeItem(row);
      return item && item.label === 'web' && item.description === 'production · running' && item;
    });
    const [row] = (await api.view.getChildren(roots[0])) ?? [];
    assert.strictEqual(row.resource?.id, DEMO.services.storefrontWeb, 'Copy ID and Open in Qovery Console work on it');
    assert.match(String(api.view.getTreeItem(row).contextValue), /^qovery\.service\.application/);
  });

  it('unlinks: the folder stays unlinked until linked again', async () => {
    const folder = await addFolder(repository('unlink', 'https://github.com/acme/storefront-web.git'));
    await waitForStatus(folder, 'linked');
    await vscode.commands.executeCommand('qovery.unlinkWorkspace', folder);
    await waitForStatus(folder, 'unlinked');
    await links().refresh({ rescan: true });
    assert.strictEqual(linkOf(folder)?.status, 'unlinked', 'nothing links by itself after Unlink');
    await waitFor('the Link… item', () => item().text === '$(link) Qovery: Link…');
  });

  it('qovery.showStatusBar hides the service item too', async () => {
    const folder = await addFolder(repository('hide', 'https://github.com/acme/storefront-web.git'));
    await waitForStatus(folder, 'linked');
    await setSetting('showStatusBar', false);
    try {
      // A hidden item keeps its text; VS Code offers no "visible" getter, so the test reads what update() decided.
      await waitFor('the service item hides', () => !api.workspace.item.visible);
    } finally {
      await setSetting('showStatusBar', undefined);
    }
    await waitFor('the service item shows again', () => api.workspace.item.visible);
  });

  it('Show Variables from the Command Palette lists the linked service\'s variables, with no pick', async () => {
    const folder = await addFolder(repository('vars', 'git@github.com:Acme/storefront-web.git'));
    await waitForStatus(folder, 'linked');
    let listed: string[] = [];
    prompter.answer((record: PromptRecord) => {
      listed = (record.items ?? []).map((i) => `${i.label} | ${i.description ?? ''}`);
      return undefined;
    });
    await vscode.commands.executeCommand(Commands.showVariables);
    assert.ok(listed.includes('$(symbol-variable) PORT | 3000 · service'), listed.join('\n'));
    assert.strictEqual(prompter.shown.filter((s) => s.kind === 'quickPick').length, 1, 'the list itself, no project, environment or service pick');
  });

  it('Show Variables on the "This Workspace" row lists that service\'s variables, with no pick', async () => {
    const folder = await addFolder(repository('vars-row', 'https://github.com/acme/storefront-web.git'));
    await waitForStatus(folder, 'linked');
    const [top] = (await api.view.getChildren()) ?? [];
    const [row] = (await api.view.getChildren(top)) ?? [];
    assert.ok(row, 'the folder row under "This Workspace"');
    let listed: string[] = [];
    prompter.answer((record: PromptRecord) => {
      listed = (record.items ?? []).map((i) => `${i.label} | ${i.description ?? ''}`);
      return undefined;
    });
    await vscode.commands.executeCommand(Commands.showVariables, row);
    assert.ok(listed.includes('$(symbol-variable) PORT | 3000 · service'), listed.join('\n'));
    assert.strictEqual(prompter.shown.filter((s) => s.kind === 'quickPick').length, 1, 'the list itself, no project, environment or service pick');
  });
});
