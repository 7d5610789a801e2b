import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { FolderLink } from '../../src/workspace/links';
import { DEMO, type QoveryServer } from '../qovery';
import { addFolder, git, makeRepository, removeAddedFolders } from './folders';
import { extensionApi, freshServer, type PromptRecord, resetExtension, ScriptedPrompter, signInWith, waitFor } from './helpers';

const BRANCH = 'feat/login';

// Create Preview Environment for This Branch and Delete Preview Environment in real VS Code, for a
// temporary git repository's branch, against the test server: the creation, its follow, the folder
// linked to the preview, a second run, a fault after each step of the creation, and the delete.
describe('preview environments: create, follow and delete a branch\'s preview', function () {
  this.timeout(120_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  let prompter: ScriptedPrompter;
  let dir: string;
  let folder: vscode.WorkspaceFolder;
  let head: string;

  const linkOf = (): FolderLink | undefined => api.workspace.links.linkOf(folder);
  const previews = () => server.state.account.environments(DEMO.projects.storefront).filter((e) => e.mode === 'PREVIEW' && e.name.startsWith('feat-login'));
  const deleteAllPreviews = async (): Promise<void> => {
    for (const e of previews()) {
      await fetch(`${server.url}/environment/${e.id}`, { method: 'DELETE', headers: { authorization: `Token ${server.tokens.admin}` } });
    }
    await api.workspace.links.refresh({ rescan: true });
  };

  /** Answers the blueprint pick with staging, the nightly stop with `nightly`, anything else with nothing. */
  const script = (nightly: 'Stop Nightly' | 'Keep Running' | undefined = 'Keep Running'): void => {
    const answer = (record: PromptRecord): unknown => {
      prompter.answer(answer);
      if (record.kind === 'quickPick') {
        return record.items?.find((i) => i.label.includes('staging'));
      }
      if (record.actions.includes('Stop Nightly')) {
        return nightly;
      }
      return undefined;
    };
    prompter.answer(answer);
  };

  before(async () => {
    api = await extensionApi();
    server = await freshServer(api);
    server.deployments.setTimings({ stepMs: 200 });
    await signInWith(api, server.tokens.admin);
    dir = makeRepository('preview', 'git@github.com:acme/storefront-web.git', BRANCH);
    head = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    // Qovery sees the branch's pushed commit.
    server.deployments.pushBranchCommit('acme/storefront-web', BRANCH, { sha: head });
    folder = await addFolder(dir);
    await waitFor('no service builds the branch yet', () => linkOf()?.status === 'none', 30_000);
    await waitFor('the item offers Create Preview…', () => api.workspace.item.item.text === '$(git-branch) Qovery: Create Preview…');
  });

  beforeEach(() => {
    prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;
    server.clearFaults();
    server.clearLog();
  });

  after(async () => {
    await removeAddedFolders();
    await resetExtension(api);
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the preview: staging preselected, production last, one clone in PREVIEW mode, web on the branch at the pushed HEAD, followed, at most 20 requests before the follow; the folder links to it', async () => {
    script('Stop Nightly');
    await vscode.commands.executeCommand(Commands.createPreview);
    const pick = prompter.shown.find((s) => s.kind === 'quickPick');
    assert.ok(pick, 'the blueprint is asked');
    const labels = pick.items!.map((i) => i.label);
    assert.ok(labels[0].includes('staging') && labels[0].startsWith('$(star-full)'), labels.join(' | '));
    assert.ok(labels[labels.length - 1].startsWith('$(warning)') && labels[labels.length - 1].includes('production'), labels.join(' | '));
    assert.strictEqual(previews().length, 1);
    const preview = previews()[0];
    assert.strictEqual(preview.name, 'feat-login');
    const web = server.state.account.services(preview.id).find((s) => s.name === 'web')!;
    assert.strictEqual(web.source.type === 'APPLICATION' && web.source.branch, BRANCH);
    assert.strictEqual(server.deployments.latest(web.id)?.commit?.git_commit_id, head);
    assert.strictEqual(server.deployments.latest(web.id)?.state, 'DEPLOYED', 'followed to its end');
    // The blueprint is never changed.
    const blueprintWeb = server.state.account.services(DEMO.environments.storefrontStaging).find((s) => s.name === 'web')!;
    assert.strictEqual(blueprintWeb.source.type === 'APPLICATION' && blueprintWeb.source.branch, 'develop');
    // Cost: the requests up to the deploy.
    const paths = server.requests.map((r) => `${r.method} ${r.path}`);
    const deployAt = paths.findIndex((p) => p.endsWith('/service/deploy'));
    assert.ok(deployAt >= 0, paths.join('\n'));
    console.log(`      requests up to the deploy: ${deployAt + 1}`);
    assert.ok(deployAt + 1 <= 20, paths.slice(0, deployAt + 1).join('\n'));
    // The nightly stop was offered and set.
    await waitFor('the nightly stop is set', () => server.requests.some((r) => r.method === 'PUT' && r.path.includes('/deploymentRule/')));
    const rule = await fetch(`${server.url}/environment/${preview.id}/deploymentRule`, { headers: { authorization: `Token ${server.tokens.admin}` } }).then((r) => r.json() as Promise<{ auto_stop: boolean }>);
    assert.strictEqual(rule.auto_stop, true);
    assert.ok(prompter.messages('info').some((m) => m.includes('is running')), prompter.messages().join('\n'));
    const link = await waitFor('the folder links to the preview', () => linkOf()?.status === 'linked' && linkOf(), 30_000);
    assert.strictEqual(link.link?.environmentId, preview.id);
    assert.strictEqual(link.link?.environmentMode, 'PREVIEW');
    await waitFor('the item names the preview by its branch', () => /^\$\((rocket|sync~spin)\) web · preview feat\/login: /.test(api.workspace.item.item.text) && api.workspace.item.item.text);
  });

  it('run twice for one branch: the existing preview is linked, nothing is cloned', async () => {
    script();
    await vscode.commands.executeCommand(Commands.createPreview);
    assert.strictEqual(previews().length, 1);
    assert.ok(!server.requests.some((r) => r.path.endsWith('/clone')), 'no clone');
    assert.ok(prompter.messages('info').some((m) => m.includes('already builds')), prompter.messages().join('\n'));
  });

  it('Delete Preview Environment: a modal names the environment and its services, then it is gone', async () => {
    const preview = previews()[0];
    assert.ok(preview);
    prompter.answer('Delete');
    await vscode.commands.executeCommand(Commands.deletePreview);
    const modal = prompter.shown.find((s) => s.kind === 'warn');
    assert.ok(modal, prompter.messages().join('\n'));
    assert.ok(modal.message.includes('feat-login'));
    const detail = String((modal.options as vscode.MessageOptions).detail);
    for (const name of ['web', 'api', 'postgres', 'db-migrations']) {
      assert.ok(detail.includes(name), detail);
    }
    assert.strictEqual((modal.options as vscode.MessageOptions).modal, true);
    assert.strictEqual(server.state.account.environment(preview.id), undefined);
    await waitFor('the folder has no link again', () => linkOf()?.status === 'none', 30_000);
  });

  it('never offers to delete an environment that is not a preview', async () => {
    await vscode.commands.executeCommand(Commands.deletePreview, {
      organizationId: DEMO.organizations.acme,
      projectId: DEMO.projects.storefront,
      environmentId: DEMO.environments.storefrontStaging,
    });
    assert.ok(server.state.account.environment(DEMO.environments.storefrontStaging));
    assert.ok(!server.requests.some((r) => r.method === 'DELETE'));
    assert.ok(prompter.messages('warn').some((m) => m.includes('not a preview')), prompter.messages().join('\n'));
  });

  for (const route of ['POST /environment/{id}/clone', 'PUT /application/{id}', 'POST /environment/{id}/service/deploy']) {
    it(`a fault after ${route} (the server acted, the answer lost): one preview, finished and linked`, async () => {
      await deleteAllPreviews();
      server.setFault(route, { status: 502, afterAction: true, times: 1 });
      script();
      await vscode.commands.executeCommand(Commands.createPreview);
      assert.strictEqual(previews().length, 1, prompter.messages().join('\n'));
      const web = server.state.account.services(previews()[0].id).find((s) => s.name === 'web')!;
      assert.strictEqual(server.deployments.latest(web.id)?.commit?.git_commit_id, head);
      assert.ok(server.requests.some((r) => r.fault === 'status'), 'the fault was hit');
      await waitFor('the folder links to the preview', () => linkOf()?.status === 'linked' && linkOf()?.link?.environmentMode === 'PREVIEW', 30_000);
    });
  }

  it('the branch merged and deleted (gone from the remote): leaving it offers to delete its preview', async () => {
    await deleteAllPreviews();
    script();
    await vscode.commands.executeCommand(Commands.createPreview);
    assert.strictEqual(previews().length, 1);
    await waitFor('the folder links to the preview', () => linkOf()?.link?.environmentMode === 'PREVIEW', 30_000);
    // As after `gh pr merge --delete-branch`: the remote branch is gone, the folder switches to main.
    prompter = new ScriptedPrompter().answer('Delete Preview…', 'Delete');
    api.ui.prompter = prompter;
    git(dir, 'update-ref', '-d', `refs/remotes/origin/${BRANCH}`);
    git(dir, 'checkout', '-q', '-b', 'main');
    await waitFor('the preview is deleted', () => previews().length === 0, 30_000);
    const offer = prompter.shown.find((s) => s.actions.includes('Delete Preview…'));
    assert.ok(offer?.message.includes('feat/login') && offer.message.includes('feat-login'), prompter.messages().join('\n'));
    assert.ok(prompter.shown.some((s) => s.kind === 'warn' && (s.options as vscode.MessageOptions).modal === true), 'the modal was shown');
    // Back on the branch for the next test.
    git(dir, 'checkout', '-q', BRANCH);
    git(dir, 'update-ref', `refs/remotes/origin/${BRANCH}`, 'HEAD');
    await waitFor('back on the branch', () => linkOf()?.local?.branch === BRANCH && linkOf()?.status === 'none', 30_000);
  });

  it('an edit refused: the half-made environment is deleted and the message says so', async () => {
    await deleteAllPreviews();
    server.setFault('PUT /application/{id}', { status: 400, times: 1 });
    script();
    await vscode.commands.executeCommand(Commands.createPreview);
    assert.strictEqual(previews().length, 0);
    assert.ok(prompter.messages('error').some((m) => m.includes('was deleted') && m.includes('feat-login')), prompter.messages().join('\n'));
  });
});
