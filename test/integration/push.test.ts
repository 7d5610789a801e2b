// Push, not poll: a followed deployment moves the follow, the status bar, the explorer and its
// deployment log from the gateway's /deployment/status and /deployment/logs streams, with no status or
// log request while they are up; a refused or dropped stream hands over to polling, then comes back;
// the gateway's 1007/1008 run the token check and never sign out by themselves.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { DeploymentLogView } from '../../src/logs/deploymentView';
import type { QoveryNode } from '../../src/tree/nodes';
import type { FolderLink } from '../../src/workspace/links';
import { DEMO, type QoveryServer } from '../qovery';
import { isFinal } from '../qovery/deployments';
import { addFolder, git, makeRepository, removeAddedFolders } from './folders';
import { extensionApi, freshServer, resetExtension, ScriptedPrompter, signInWith, waitFor } from './helpers';

describe('push: deployments followed over the gateway streams', function () {
  this.timeout(90_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  let prompter: ScriptedPrompter;
  let dir: string;
  let folder: vscode.WorkspaceFolder;
  const service = DEMO.services.toolsAdmin;
  const environment = DEMO.environments.toolsDevelopment;

  const item = () => api.workspace.item.item;
  const linkOf = (): FolderLink | undefined => api.workspace.links.linkOf(folder);
  const statuses = () => api.chunks.get('statuses').service;
  const restOf = (kind: 'statuses' | 'logs') => server.requests.filter((r) => r.method === 'GET' && r.path === `/environment/${environment}/${kind}`).length;
  const textOf = (uri: vscode.Uri): string => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText() ?? '';
  const settled = () => waitFor('the deployments to end', () => server.deployments.all().every((d) => isFinal(d.state)), 60_000);

  async function rowDescription(...labels: string[]): Promise<string> {
    let parent: QoveryNode | undefined;
    let description = '';
    for (const label of labels) {
      const nodes = await api.tree.getChildren(parent);
      const found = nodes.map((node) => ({ node, item: api.tree.getTreeItem(node) })).find(({ item }) => (typeof item.label === 'string' ? item.label : item.label?.label) === label);
      assert.ok(found, `a row "${label}"`);
      parent = found.node;
      description = String(found.item.description ?? '');
    }
    return description;
  }
  const tree = ['Acme Corp', 'internal-tools', 'development', 'admin-dashboard'];

  before(async () => {
    api = await extensionApi();
    server = await freshServer(api);
    await signInWith(api, server.tokens.admin);
    dir = makeRepository('admin', 'git@github.com:Acme/admin-dashboard.git');
    folder = await addFolder(dir);
    await waitFor('the folder is linked to admin-dashboard', async () => {
      await api.workspace.links.refresh();
      return linkOf()?.link?.serviceId === service;
    }, 30_000);
  });

  beforeEach(() => {
    prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;
  });

  afterEach(async () => {
    await settled();
    await waitFor('every follow to end', () => api.chunks.get('deploy').commands.following === 0, 30_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('every stream closed', () => server.deploymentStreams.openSockets() === 0, 20_000);
  });

  after(async () => {
    await removeAddedFolders();
    await resetExtension(api);
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the follow, the status bar, the explorer and the deployment log move from the streams, with no status or log request while they are up', async () => {
    server.deployments.setTimings({ stepMs: 2_500 });
    const others = server.state.account.services(environment).filter((s) => s.id !== service).map((s) => s.id);
    server.deploymentStreams.setStages(environment, [
      { name: 'data', serviceIds: others },
      { name: 'backend', serviceIds: [service] },
      { name: 'frontend', serviceIds: [] },
    ]);
    const head = git(dir, 'rev-parse', 'HEAD');
    server.deployments.pushCommit(service, { sha: head, message: 'streamed' });
    void vscode.commands.executeCommand(Commands.deploy);
    await waitFor('the status stream', () => statuses().streaming(environment), 30_000);
    const deployment = await waitFor('the deployment', () => server.deployments.latest(service));
    const view = await vscode.commands.executeCommand<DeploymentLogView>(Commands.showDeploymentLogs, {
      organizationId: DEMO.organizations.acme,
      projectId: DEMO.projects.internalTools,
      environmentId: environment,
      serviceId: service,
      serviceName: 'admin-dashboard',
      executionId: deployment.executionId,
    });
    await waitFor('the log stream', () => view.streaming, 30_000);
    // From here both streams are up: every change must come from them.
    const statusesBefore = restOf('statuses');
    const logsBefore = restOf('logs');
    const whileBefore = server.deploymentStreams.restWhileStreaming(environment);
    const moving = /deploying|building|queued/i;
    await waitFor('the status bar moves', () => item().text.includes('admin-dashboard') && moving.test(item().text) && item().text, 20_000);
    await waitFor('the explorer row moves', async () => moving.test(await rowDescription(...tree)), 20_000);
    await waitFor('the log heading names the stage', () => textOf(view.uri).includes('stage 2 of 3: backend'), 20_000);
    await waitFor('the follow names the stage', () => prompter.reported.find((r) => r.includes('· stage 2 of 3: backend')), 20_000);
    await waitFor('a build line in the log', () => textOf(view.uri).includes(`Building admin-dashboard at ${head.slice(0, 7)}`), 20_000);
    await waitFor('deployed on the server', () => deployment.state === 'DEPLOYED', 30_000);
    const done = await waitFor('the outcome', () => prompter.messages('info').find((m) => m.includes('admin-dashboard is running')), 20_000);
    assert.ok(done);
    await waitFor('the status bar shows it running', () => item().text.endsWith(': running') && item().text, 10_000);
    await waitFor('the last log line', () => textOf(view.uri).includes('admin-dashboard is deployed.'), 10_000);
    await waitFor('the log says the deployment is over', () => textOf(view.uri).includes('The deployment is over.'), 10_000);
    assert.strictEqual(restOf('statuses'), statusesBefore, 'no GET /environment/{id}/statuses while the streams were up');
    assert.strictEqual(restOf('logs'), logsBefore, 'no GET /environment/{id}/logs while the streams were up');
    assert.deepStrictEqual(server.deploymentStreams.restWhileStreaming(environment), whileBefore);
    // The follow and the log ended: their streams close (the status bar goes back to its idle pace).
    await waitFor('the streams closed', () => server.deploymentStreams.openSockets() === 0, 20_000);
    assert.ok(/^application · running/.test(await rowDescription(...tree)));
    assert.strictEqual(server.deploymentStreams.connections('/deployment/status'), 1, 'one status stream for the follow and the log together');
    assert.strictEqual(server.deploymentStreams.connections('/deployment/logs'), 1);
    const upgrade = server.deploymentStreams.upgrades.find((u) => u.path === '/deployment/status');
    assert.ok(upgrade && upgrade.scheme === 'Token' && upgrade.query.organization === DEMO.organizations.acme && upgrade.query.project === DEMO.projects.internalTools && upgrade.query.cluster, JSON.stringify(upgrade));
  });

  it('a refused status stream: the follow polls until the stream connects, then stops polling', async () => {
    server.deployments.setTimings({ stepMs: 4_000 });
    server.deploymentStreams.refuse(503, 1, '/deployment/status');
    void vscode.commands.executeCommand(Commands.restartService);
    const restart = await waitFor('the restart', () => server.deployments.latest(service)?.action === 'RESTART' && !isFinal(server.deployments.latest(service)!.state) && server.deployments.latest(service));
    await waitFor('the stream connected after the refusal', () => statuses().streaming(environment), 30_000);
    assert.ok(server.deploymentStreams.upgrades.some((u) => u.path === '/deployment/status' && u.status === 503));
    const polled = restOf('statuses');
    await waitFor('restarted', () => restart.state === 'RESTARTED', 30_000);
    const outcome = await waitFor('the outcome', () => prompter.messages('info').find((m) => m.startsWith('Qovery: admin-dashboard is')), 20_000);
    assert.strictEqual(outcome, 'Qovery: admin-dashboard is restarted.');
    assert.strictEqual(restOf('statuses'), polled, 'no polling once the stream is up');
  });

  it('a dropped status stream: polling takes over within one polling period, then the stream comes back with back-off and polling stops', async () => {
    server.deployments.setTimings({ stepMs: 4_000 });
    const connections = server.deploymentStreams.connections('/deployment/status');
    void vscode.commands.executeCommand(Commands.restartService);
    const restart = await waitFor('the restart', () => server.deployments.latest(service)?.action === 'RESTART' && !isFinal(server.deployments.latest(service)!.state) && server.deployments.latest(service));
    await waitFor('the stream', () => statuses().streaming(environment), 30_000);
    const polledBefore = restOf('statuses');
    // Dropped, and its first reconnection refused: the stream is down for a few seconds (1 s, then 2 s of back-off).
    server.deploymentStreams.refuse(503, 1, '/deployment/status');
    server.deploymentStreams.drop('/deployment/status');
    const dropped = Date.now();
    await waitFor('a poll within one period of the drop', () => restOf('statuses') > polledBefore, 3_000 + 1_500);
    assert.ok(Date.now() - dropped <= 3_000 + 1_500);
    await waitFor('the stream reconnected', () => statuses().streaming(environment) && server.deploymentStreams.connections('/deployment/status') >= connections + 2, 30_000);
    const polled = restOf('statuses');
    await waitFor('restarted', () => restart.state === 'RESTARTED', 30_000);
    const outcome = await waitFor('the outcome', () => prompter.messages('info').find((m) => m.startsWith('Qovery: admin-dashboard is')), 20_000);
    assert.strictEqual(outcome, 'Qovery: admin-dashboard is restarted.');
    assert.strictEqual(restOf('statuses'), polled, 'no polling once the stream is back');
  });

  it('close code 1008 from the gateway runs the token check, and a valid token stays signed in; the follow ends by polling', async () => {
    server.deployments.setTimings({ stepMs: 1_500 });
    server.deploymentStreams.closeAfterUpgrade(1008, { times: 10, path: '/deployment/status' });
    const checks = () => server.requests.filter((r) => r.method === 'GET' && r.path === '/organization').length;
    const before = checks();
    void vscode.commands.executeCommand(Commands.restartService);
    await waitFor('the token check', () => checks() > before, 30_000);
    const outcome = await waitFor('the outcome', () => prompter.messages('info').find((m) => m.startsWith('Qovery: admin-dashboard is')), 40_000);
    assert.strictEqual(outcome, 'Qovery: admin-dashboard is restarted.');
    assert.strictEqual(api.session.state.status, 'signedIn', 'a close code alone never signs out');
    assert.strictEqual(server.deploymentStreams.connections('/deployment/status') >= 1, true);
    server.deploymentStreams.closeAfterUpgrade(1008, { times: 0 });
  });
});
