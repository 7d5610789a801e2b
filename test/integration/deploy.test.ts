import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { QoveryNode } from '../../src/tree/nodes';
import type { FolderLink } from '../../src/workspace/links';
import { DEMO, type QoveryServer, type RequestLogEntry } from '../qovery';
import { isFinal } from '../qovery/deployments';
import { addFolder, git, makeRepository, removeAddedFolders } from './folders';
import { extensionApi, freshServer, type PromptRecord, resetExtension, ScriptedPrompter, signInWith, waitFor } from './helpers';

/** A repository of admin-dashboard (internal-tools · development) with a branch that looks pushed. */
const adminRepository = (): string => makeRepository('admin', 'git@github.com:Acme/admin-dashboard.git');

describe('deploy from the editor', function () {
  this.timeout(60_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  let prompter: ScriptedPrompter;
  let dir: string;
  let folder: vscode.WorkspaceFolder;
  const service = DEMO.services.toolsAdmin;
  const environment = DEMO.environments.toolsDevelopment;

  const item = () => api.workspace.item.item;
  const linkOf = (): FolderLink | undefined => api.workspace.links.linkOf(folder);
  const posts = (pattern: RegExp): RequestLogEntry[] => server.requests.filter((r) => r.method === 'POST' && pattern.test(r.path));
  const head = (): string => git(dir, 'rev-parse', 'HEAD');
  /** The variables feature's target for a service: the argument its Redeploy passes. */
  const variableTarget = (serviceId: string, name: string, environmentId: string, projectId: string) => ({
    scope: 'APPLICATION',
    parentId: serviceId,
    name,
    organizationId: DEMO.organizations.acme,
    projectId,
    environmentId,
    serviceId,
  });
  const web = () => variableTarget(DEMO.services.storefrontWeb, 'web', DEMO.environments.storefrontProduction, DEMO.projects.storefront);
  /** Waits until the extension saw HEAD move (the git extension reads the repository again). */
  const headSeen = (sha: string) => waitFor(`the link sees HEAD ${sha}`, async () => {
    await api.workspace.links.refresh();
    return linkOf()?.head === sha;
  }, 20_000);
  /** Waits until nothing this suite started still runs on the server, and the last follow ended. */
  const settled = () => waitFor('the deployments to end', () => server.deployments.all().every((d) => isFinal(d.state)), 30_000);
  const lastOf = (serviceId: string) => server.deployments.latest(serviceId);

  before(async () => {
    api = await extensionApi();
    server = await freshServer(api);
    server.deployments.setTimings({ stepMs: 300 });
    await signInWith(api, server.tokens.admin);
    dir = adminRepository();
    folder = await addFolder(dir);
    await waitFor('the folder is linked to admin-dashboard', async () => {
      await api.workspace.links.refresh();
      return linkOf()?.link?.serviceId === service;
    }, 30_000);
  });

  beforeEach(() => {
    prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;
    server.clearLog();
    server.clearFaults();
    server.setLatency(0);
  });

  afterEach(async () => {
    await settled();
    await waitFor('every follow to end', () => api.chunks.get('deploy').commands.following === 0, 20_000);
  });

  after(async () => {
    await removeAddedFolders();
    await resetExtension(api);
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The description of a row of the explorer, by labels from the top. */
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

  it('deploys the linked service from the palette with the workspace HEAD, and follows it to DEPLOYED in the status bar and the tree', async () => {
    const tree = ['Acme Corp', 'internal-tools', 'development', 'admin-dashboard'];
    assert.match(await rowDescription(...tree), /^application · ready/);
    server.deployments.pushCommit(service, { sha: head(), message: 'first' });
    await executeDeploy();
    const [request] = posts(/\/deploy$/);
    assert.strictEqual(request?.path, `/application/${service}/deploy`);
    assert.deepStrictEqual(request.body, { git_commit_id: head() });
    await waitFor('deployed on the server', () => lastOf(service)?.state === 'DEPLOYED', 20_000);
    await waitFor('the status bar shows it running', () => item().text.includes('admin-dashboard') && item().text.endsWith(': running') && item().text, 20_000);
    await waitFor('the tree row shows it running', async () => /^application · running/.test(await rowDescription(...tree)), 10_000);
    const done = await waitFor('the outcome', () => prompter.messages('info').find((m) => m.includes('is running')), 20_000);
    assert.strictEqual(done, `Qovery: admin-dashboard is running (${head().slice(0, 7)} first).`);
    assert.ok(prompter.shown.some((r) => r.kind === 'progress' && r.message.startsWith('Qovery: Deploy admin-dashboard') && r.options && (r.options as { cancellable?: boolean }).cancellable), 'one cancellable progress');
    assert.ok(prompter.reported.includes('deployment queued'), prompter.reported.join(', '));
  });

  async function executeDeploy(): Promise<void> {
    await vscode.commands.executeCommand(Commands.deploy);
  }

  it('says so when the tree has uncommitted changes, and sends nothing when the user declines', async () => {
    fs.writeFileSync(path.join(dir, 'README.md'), '# admin, changed\n');
    try {
      await executeDeploy();
      const warning = prompter.shown.find((r) => r.kind === 'warn');
      assert.ok(warning, JSON.stringify(prompter.shown));
      assert.ok(warning.message.includes('uncommitted changes'), warning.message);
      assert.ok(warning.actions.includes(`Deploy HEAD ${head().slice(0, 7)}`), warning.actions.join(', '));
      assert.deepStrictEqual(posts(/\/deploy$/), []);
    } finally {
      git(dir, 'checkout', '--', 'README.md');
    }
  });

  it('a HEAD Qovery cannot see: says to push it and offers the latest commit Qovery sees instead', async () => {
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'not pushed');
    await headSeen(head());
    const latest = server.deployments.commits(service)[0];
    prompter.answer((r: PromptRecord) => r.actions.find((a) => a.startsWith('Deploy ')));
    await executeDeploy();
    const warning = prompter.shown.find((r) => r.kind === 'warn');
    assert.strictEqual(warning?.message, `Qovery: HEAD ${head().slice(0, 7)} is not among the commits Qovery sees on branch main: push it first.`);
    assert.deepStrictEqual(posts(/\/deploy$/).map((r) => r.body), [{ git_commit_id: latest.git_commit_id }]);
  });

  it('production: a modal names the service, environment and commit; cancelled, nothing is sent', async () => {
    const commits = server.deployments.commits(DEMO.services.storefrontWeb);
    prompter.answer(commits[0].message, undefined);
    await vscode.commands.executeCommand(Commands.deploy, web());
    const confirm = prompter.shown.find((r) => r.kind === 'warn');
    assert.ok(confirm, JSON.stringify(prompter.shown));
    assert.strictEqual((confirm.options as vscode.MessageOptions).modal, true);
    for (const part of ['web', 'production', 'PRODUCTION', commits[0].git_commit_id.slice(0, 7)]) {
      assert.ok(confirm.message.includes(part), `"${part}" in ${confirm.message}`);
    }
    assert.deepStrictEqual(posts(/./), []);
  });

  it('409: says a deployment is already running, with Follow and Cancel Deployment', async () => {
    const staging = variableTarget(DEMO.services.stagingWeb, 'web', DEMO.environments.storefrontStaging, DEMO.projects.storefront);
    await vscode.commands.executeCommand(Commands.redeploy, staging);
    const warning = await waitFor('the conflict', () => prompter.shown.find((r) => r.kind === 'warn'));
    assert.strictEqual(warning.message, 'Qovery: a deployment is already running in staging.');
    assert.deepStrictEqual(warning.actions, ['Follow', 'Cancel Deployment']);
    assert.deepStrictEqual(posts(/\/deploy$/).map((r) => [r.path, r.body]), [[`/application/${DEMO.services.stagingWeb}/deploy`, undefined]], 'sent once, never retried, as a deploy with no body');
    assert.strictEqual(api.session.state.status, 'signedIn');
  });

  it("403: says the token's role may not deploy; the auth state does not change", async () => {
    const before = api.session.state.status;
    server.setFault(/^POST \/application\/[^/]+\/restart-service$/, { status: 403, times: 1 });
    await vscode.commands.executeCommand(Commands.restartService);
    const error = await waitFor('the refusal', () => prompter.messages('error')[0]);
    assert.strictEqual(error, "Qovery: the token's role may not deploy in development (403).");
    assert.strictEqual(posts(/restart-service$/).length, 1);
    assert.strictEqual(api.session.state.status, before);
    assert.strictEqual(api.session.state.status, 'signedIn');
  });

  it("a deployment that fails: the error quotes Qovery's explanation, and Show Deployment Logs opens that execution's log", async () => {
    server.deployments.pushCommit(service, { sha: head(), message: 'breaks the build', failsBuild: true });
    prompter.answer('Show Deployment Logs');
    await executeDeploy();
    const failed = await waitFor('the build error', () => (lastOf(service)?.state === 'BUILD_ERROR' ? lastOf(service) : undefined), 20_000);
    const error = await waitFor('the failure notification', () => prompter.messages('error')[0], 20_000);
    assert.ok(error.startsWith('Qovery: the deployment of admin-dashboard failed: build error.'), error);
    // Qovery's own words, from the execution's log (the test server writes it as the deployment moves).
    assert.ok(error.includes(`The build of admin-dashboard at ${head().slice(0, 7)} failed`), error);
    assert.ok(error.includes('Hint: Run the build locally'), error);
    const shown = prompter.shown.find((s) => s.message === error);
    assert.deepStrictEqual(shown?.actions, ['Show Deployment Logs', 'Open Documentation'], 'the documentation link is on qovery.com, so it is offered');
    // The log of that execution opens in the editor, the service's lines with Qovery's explanation.
    const text = await waitFor(
      "the execution's log in the editor",
      () => {
        const doc = vscode.window.activeTextEditor?.document;
        return doc?.uri.scheme === 'qovery-logs' && doc.getText().includes('npm ERR! Missing script') ? doc.getText() : undefined;
      },
      20_000,
    );
    assert.ok(text.includes('## Build'), text);
    const asked = server.requests.filter((r) => r.path === `/environment/${environment}/logs`).map((r) => r.query.version);
    assert.ok(asked.length >= 2 && asked.every((v) => v === failed.executionId), `every log request names the execution: ${JSON.stringify(asked)}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a 202 naming the previous deployment and 3 s of statuses that still show it: the follow waits for the new one, then the tooltip names the commit deployed', async () => {
    // The previous deployment (the test before) ended in BUILD_ERROR: neither its state nor its execution id is this one's outcome.
    const previous = lastOf(service);
    assert.strictEqual(previous?.state, 'BUILD_ERROR');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'fix the build');
    await headSeen(head());
    server.deployments.pushCommit(service, { sha: head(), message: 'fix the build' });
    server.deployments.setTimings({ statusLagMs: 3_000, answerShowsPrevious: true });
    try {
      await executeDeploy();
      const done = await waitFor('the outcome', () => prompter.messages().find((m) => m.startsWith('Qovery: admin-dashboard is') || m.startsWith('Qovery: the deployment of admin-dashboard')), 30_000);
      assert.strictEqual(done, `Qovery: admin-dashboard is running (${head().slice(0, 7)} fix the build).`);
      assert.notStrictEqual(lastOf(service)?.executionId, previous.executionId);
      assert.deepStrictEqual(prompter.messages('error'), []);
    } finally {
      server.deployments.setTimings({ statusLagMs: 0, answerShowsPrevious: false });
    }
    // The follow's end read the services again: the tooltip compares HEAD with what runs now.
    const tooltip = await waitFor('the tooltip names the deployed commit', () => (String(item().tooltip).includes(`HEAD ${head().slice(0, 7)} is what development runs.`) ? String(item().tooltip) : undefined), 20_000);
    assert.ok(!tooltip.includes('is not deployed'), tooltip);
  });

  it('a deployment made elsewhere: once the linked service settles, the tooltip names the commit it runs', async () => {
    const other = server.deployments.commits(service).find((c) => c.message === 'Tune the cache headers');
    assert.ok(other);
    const response = await fetch(`${server.url}/application/${service}/deploy`, {
      method: 'POST',
      headers: { authorization: `Token ${server.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ git_commit_id: other.git_commit_id }),
    });
    assert.strictEqual(response.status, 202);
    // Seen at the next read of the linked environment (a refresh here, the 2-minute poll otherwise).
    await api.workspace.links.statuses.refresh(environment);
    await waitFor('deployed on the server', () => lastOf(service)?.state === 'DEPLOYED', 20_000);
    await waitFor(
      'the tooltip names the commit deployed elsewhere',
      () => String(item().tooltip).includes(`HEAD ${head().slice(0, 7)} is not deployed; development runs ${other.git_commit_id.slice(0, 7)}.`),
      20_000,
    );
  });

  it('a 5xx after Qovery acted: the statuses are read again, the deployment that started is followed, nothing is sent twice', async () => {
    server.setFault(/^POST \/application\/[^/]+\/restart-service$/, { status: 502, times: 1, afterAction: true });
    await vscode.commands.executeCommand(Commands.restartService);
    const told = await waitFor('told', () => prompter.messages('info').find((m) => m.includes('A deployment started all the same')), 20_000);
    assert.match(told, /^Qovery: Restart admin-dashboard: /);
    await waitFor('the outcome', () => prompter.messages('info').find((m) => m === 'Qovery: admin-dashboard is restarted.'), 20_000);
    assert.strictEqual(posts(/restart-service$/).length, 1);
    assert.deepStrictEqual(prompter.messages('error'), []);
  });

  it('a 5xx before Qovery acted: says no deployment started and offers Retry, which sends it again and follows it', async () => {
    server.setFault(/^POST \/application\/[^/]+\/restart-service$/, { status: 503, times: 1 });
    prompter.answer('Retry');
    await vscode.commands.executeCommand(Commands.restartService);
    const error = await waitFor('the failure', () => prompter.messages('error')[0], 20_000);
    assert.match(error, /^Qovery: Restart admin-dashboard: .* No deployment started in Qovery\.$/);
    assert.deepStrictEqual(prompter.shown.find((r) => r.message === error)?.actions, ['Retry']);
    await waitFor('the outcome after the retry', () => prompter.messages('info').find((m) => m === 'Qovery: admin-dashboard is restarted.'), 20_000);
    assert.strictEqual(posts(/restart-service$/).length, 2, 'the first POST and the retry');
  });

  it('Cancel Deployment: a queued request through the queue, a running one through the environment (not forced)', async () => {
    server.deployments.setTimings({ stepMs: 1_500 });
    try {
      await vscode.commands.executeCommand(Commands.redeploy);
      prompter.answer('Cancel Deployment');
      await vscode.commands.executeCommand(Commands.cancelDeployment);
      assert.strictEqual(posts(/\/deploymentQueue\/[^/]+\/cancelDeployment$/).length, 1, server.requests.map((r) => `${r.method} ${r.path}`).join('\n'));
      await waitFor('cancelled', () => lastOf(service)?.state === 'CANCELED');
      await waitFor('the follow ends', () => prompter.messages('warn').find((m) => m.includes('was cancelled')), 20_000);

      await vscode.commands.executeCommand(Commands.redeploy);
      await waitFor('building', () => lastOf(service)?.state === 'BUILDING', 10_000);
      // Asked twice at once (the tree and a 409's button): one confirmation, one POST.
      prompter.answer('Cancel Deployment');
      prompter.answer('Cancel Deployment');
      await Promise.all([vscode.commands.executeCommand(Commands.cancelDeployment), vscode.commands.executeCommand(Commands.cancelDeployment)]);
      assert.strictEqual(posts(/\/environment\/[^/]+\/cancelDeployment$/).length, 1, 'one cancel sent');
      const [cancel] = posts(/\/environment\/[^/]+\/cancelDeployment$/);
      assert.strictEqual(cancel?.path, `/environment/${environment}/cancelDeployment`);
      assert.deepStrictEqual(cancel.body, {});
      await waitFor('cancelled', () => lastOf(service)?.state === 'CANCELED', 10_000);
    } finally {
      server.deployments.setTimings({ stepMs: 300 });
    }
  });

  it('a follow ends when the statuses fail for good (404), says so, and leaves the sign-in alone', async () => {
    server.deployments.setTimings({ stepMs: 5_000 });
    try {
      await vscode.commands.executeCommand(Commands.restartService);
      await waitFor('following', () => api.chunks.get('deploy').commands.following === 1, 10_000);
      server.setFault(/^GET \/environment\/[^/]+\/statuses$/, { status: 404 });
      const warning = await waitFor('the follow gives up', () => prompter.messages('warn').find((m) => m.startsWith('Qovery: stopped following admin-dashboard')), 20_000);
      assert.match(warning, /The deployment goes on in Qovery\.$/);
      assert.strictEqual(api.chunks.get('deploy').commands.following, 0);
      assert.strictEqual(api.session.state.status, 'signedIn');
    } finally {
      server.clearFaults();
      server.deployments.setTimings({ stepMs: 300 });
    }
  });

  it('restarts the linked service and follows it to RESTARTED', async () => {
    await vscode.commands.executeCommand(Commands.restartService);
    assert.strictEqual(posts(/restart-service$/)[0]?.path, `/application/${service}/restart-service`);
    await waitFor('the outcome', () => prompter.messages('info').find((m) => m === 'Qovery: admin-dashboard is restarted.'), 20_000);
    await waitFor('the status bar', () => item().text.endsWith(': restarted'), 10_000);
  });

  it('stops only after a confirmation, and follows it to STOPPED', async () => {
    await vscode.commands.executeCommand(Commands.stopService);
    assert.deepStrictEqual(posts(/\/stop$/), [], 'no answer to the confirmation: nothing sent');
    prompter.answer('Stop');
    await vscode.commands.executeCommand(Commands.stopService);
    const confirm = prompter.shown.filter((r) => r.kind === 'warn');
    assert.strictEqual(confirm.length, 2);
    assert.strictEqual((confirm[1].options as vscode.MessageOptions).modal, true);
    assert.strictEqual(posts(/\/stop$/)[0]?.path, `/application/${service}/stop`);
    await waitFor('the status bar', () => item().text.endsWith(': stopped'), 20_000);
  });

  it('a service never deployed that shows READY as its deployment begins: READY is not taken for the outcome', async () => {
    const mysql = DEMO.services.toolsMysql;
    assert.strictEqual(lastOf(mysql), undefined, 'mysql was never deployed');
    server.deployments.setTimings({ neverDeployedReadyMs: 4_000 });
    try {
      const row = { key: `service:${mysql}`, organizationId: DEMO.organizations.acme, projectId: DEMO.projects.internalTools, environmentId: environment, service: { id: mysql, name: 'mysql', service_type: 'DATABASE' } };
      await vscode.commands.executeCommand(Commands.deploy, row);
      const done = await waitFor('the outcome', () => prompter.messages().find((m) => m.startsWith('Qovery: mysql is')), 30_000);
      assert.strictEqual(done, 'Qovery: mysql is running.');
      assert.ok(prompter.reported.includes('ready'), `READY was seen under way: ${prompter.reported.join(', ')}`);
    } finally {
      server.deployments.setTimings({ neverDeployedReadyMs: 0 });
    }
  });

  it('an environment deployment: a service left out with an old error is not its failure; a failure names only the services part of it', async () => {
    const mysql = DEMO.services.toolsMysql;
    const row = { key: `env:${environment}`, organizationId: DEMO.organizations.acme, projectId: DEMO.projects.internalTools, environment: { id: environment, name: 'development', mode: 'DEVELOPMENT' } };
    server.deployments.leaveOut(mysql, 'DEPLOYMENT_ERROR');
    try {
      await vscode.commands.executeCommand(Commands.deployEnvironment, row);
      const done = await waitFor('the outcome', () => prompter.messages().find((m) => m.includes('development')), 30_000);
      assert.strictEqual(done, 'Qovery: development is done.');
      assert.deepStrictEqual(prompter.messages('error'), []);
      await settled();
      await waitFor('the follow ends', () => api.chunks.get('deploy').commands.following === 0, 20_000);

      server.deployments.failNext(service, 'DEPLOYMENT_ERROR');
      await vscode.commands.executeCommand(Commands.deployEnvironment, row);
      const failed = await waitFor('the failure', () => prompter.messages('error').find((m) => m.includes('development')), 30_000);
      assert.strictEqual(failed, 'Qovery: the deployment of development failed (deployment error): admin-dashboard.');
    } finally {
      server.deployments.leaveOut(mysql, false);
    }
  });

  it('Redeploy (as the variables feature offers it) and Redeploy Environment: POST .../deploy with no body, never a /redeploy route', async () => {
    await vscode.commands.executeCommand(Commands.redeploy, variableTarget(service, 'admin-dashboard', environment, DEMO.projects.internalTools));
    assert.deepStrictEqual(posts(/./).map((r) => [r.path, r.body]), [[`/application/${service}/deploy`, undefined]]);
    await waitFor('the redeploy outcome', () => prompter.messages('info').find((m) => m.startsWith('Qovery: admin-dashboard is')), 20_000);
    await settled();
    server.clearLog();
    const row = { key: `env:${environment}`, organizationId: DEMO.organizations.acme, projectId: DEMO.projects.internalTools, environment: { id: environment, name: 'development', mode: 'DEVELOPMENT' } };
    await vscode.commands.executeCommand(Commands.redeployEnvironment, row);
    assert.deepStrictEqual(posts(/./).map((r) => r.path), [`/environment/${environment}/deploy`]);
    await waitFor('the environment outcome', () => prompter.messages().find((m) => m.startsWith('Qovery: development')), 20_000);
    assert.deepStrictEqual(server.deployments.redeployCalls(), []);
  });

  it('an environment row that says DEVELOPMENT while Qovery now says PRODUCTION: the mode is read again and the modal asks; declined, nothing is sent', async () => {
    const production = DEMO.environments.storefrontProduction;
    const stale = { key: `env:${production}`, organizationId: DEMO.organizations.acme, projectId: DEMO.projects.storefront, environment: { id: production, name: 'production', mode: 'DEVELOPMENT' } };
    await vscode.commands.executeCommand(Commands.deployEnvironment, stale);
    const confirm = prompter.shown.find((r) => r.kind === 'warn');
    assert.ok(confirm, JSON.stringify(prompter.shown));
    assert.strictEqual((confirm.options as vscode.MessageOptions).modal, true);
    assert.ok(confirm.message.includes('PRODUCTION'), confirm.message);
    assert.deepStrictEqual(posts(/./), []);
  });

  it('deploys an environment from its row and follows every service', async () => {
    const row = { key: `env:${environment}`, organizationId: DEMO.organizations.acme, projectId: DEMO.projects.internalTools, environment: { id: environment, name: 'development', mode: 'DEVELOPMENT' } };
    await vscode.commands.executeCommand(Commands.deployEnvironment, row);
    assert.strictEqual(posts(/./)[0]?.path, `/environment/${environment}/deploy`);
    await waitFor('the outcome', () => prompter.messages().find((m) => m.startsWith('Qovery: development')), 20_000);
    assert.ok(server.deployments.all().filter((d) => d.environmentId === environment && d.action === 'DEPLOY').length >= 2);
  });

  it('follows a deployment that Qovery shows late: the old state is not taken for its end', async () => {
    // The first two statuses answers after the restart still show the state from before it.
    server.deployments.setTimings({ statusLagReads: 2 });
    try {
      await vscode.commands.executeCommand(Commands.restartService);
    } finally {
      server.deployments.setTimings({ statusLagReads: 0 });
    }
    const outcome = await waitFor('the outcome', () => prompter.messages('info').find((m) => m.startsWith('Qovery: admin-dashboard is')), 30_000);
    assert.strictEqual(outcome, 'Qovery: admin-dashboard is restarted.');
    assert.strictEqual(lastOf(service)?.state, 'RESTARTED');
  });

  it('a deployment that never shows in the statuses: after 30 s the follow says so, and takes no old state for its outcome', async function () {
    this.timeout(120_000);
    // For 45 s the statuses show the service as before the restart: longer than a follow waits for it.
    server.deployments.setTimings({ statusLagMs: 45_000 });
    try {
      await vscode.commands.executeCommand(Commands.restartService);
    } finally {
      server.deployments.setTimings({ statusLagMs: 0 });
    }
    const warning = await waitFor('the follow gives up', () => prompter.messages('warn').find((m) => m.startsWith('Qovery: no deployment of admin-dashboard')), 60_000);
    assert.strictEqual(warning, 'Qovery: no deployment of admin-dashboard shows in Qovery yet. It may still be waiting to start: look at its Deployment History or the Qovery view.');
    assert.deepStrictEqual(prompter.messages('info'), [], 'no outcome taken from the state before the restart');
    assert.deepStrictEqual(prompter.messages('error'), []);
  });

  it('shows the deployment history, with Deploy This Commit', async () => {
    let entries: readonly vscode.QuickPickItem[] = [];
    let actions: readonly string[] = [];
    prompter.answer(
      (r: PromptRecord) => {
        entries = r.items ?? [];
        return entries.find((e) => e.label.startsWith('$(pass) running · '));
      },
      (r: PromptRecord) => {
        actions = r.actions;
        return undefined;
      },
    );
    await vscode.commands.executeCommand(Commands.showDeploymentHistory);
    const [request] = server.requests.filter((r) => r.path.endsWith('/deploymentHistoryV2'));
    assert.strictEqual(request?.path, `/application/${service}/deploymentHistoryV2`);
    assert.deepStrictEqual(request.query, { pageSize: '20' });
    assert.ok(entries.length >= 5, `${entries.length} entries`);
    assert.strictEqual(entries[0].label, '$(pass) restarted', 'newest first');
    assert.ok(entries.some((e) => /^\$\(pass\) running · [0-9a-f]{7} /.test(e.label)), entries.map((e) => e.label).join(' | '));
    assert.ok(entries.some((e) => /^\$\(error\) build error · [0-9a-f]{7} breaks the build/.test(e.label)), entries.map((e) => e.label).join(' | '));
    assert.ok(actions.some((a) => a.includes('Deploy This Commit')), actions.join(', '));
  });

  it('a service row has "Deployment History"; clicking a deployment offers its actions', async () => {
    const tree = ['Acme Corp', 'internal-tools', 'development', 'admin-dashboard', 'Deployment History'];
    let parent: QoveryNode | undefined;
    for (const label of tree) {
      const nodes = await api.tree.getChildren(parent);
      parent = nodes.find((n) => {
        const item = api.tree.getTreeItem(n);
        return (typeof item.label === 'string' ? item.label : item.label?.label) === label;
      });
      assert.ok(parent, `a row "${label}"`);
    }
    const entries = (await api.tree.getChildren(parent)).map((n) => api.tree.getTreeItem(n));
    assert.ok(entries.length >= 5, `${entries.length} deployments`);
    assert.strictEqual(entries[0].contextValue, 'qovery.deployment');
    assert.match(String(entries[0].description), /^by /);
    const click = entries.find((e) => String(e.label).startsWith('running'))?.command;
    assert.strictEqual(click?.command, Commands.showDeploymentHistory);
    let actions: readonly string[] = [];
    prompter.answer((r: PromptRecord) => {
      actions = r.actions;
      return undefined;
    });
    await vscode.commands.executeCommand(click.command, ...(click.arguments ?? []));
    assert.ok(actions.some((a) => a.includes('Deploy This Commit')), actions.join(', '));
  });

  it('Open Service URL: picks among the links and copies one', async () => {
    let offered: readonly string[] = [];
    prompter.answer((r: PromptRecord) => {
      offered = r.actions;
      return r.items?.find((i) => i.label.includes('Copy https://web.acme.example'));
    });
    await vscode.commands.executeCommand(Commands.openServiceUrl, web());
    assert.strictEqual(offered.length, 4, offered.join(', '));
    assert.strictEqual(await vscode.env.clipboard.readText(), 'https://web.acme.example');
  });

  it('the service item in the status bar offers Deploy, Show Deployment History and Open Service URL', async () => {
    let offered: readonly string[] = [];
    prompter.answer((r: PromptRecord) => {
      offered = r.actions;
      return undefined;
    });
    await vscode.commands.executeCommand(Commands.workspaceActions);
    for (const label of ['$(rocket) Deploy', '$(history) Show Deployment History', '$(globe) Open Service URL']) {
      assert.ok(offered.includes(label), `${label} among ${offered.join(', ')}`);
    }
  });

  it('a double click sends one POST', async () => {
    server.setLatency(300);
    await Promise.all([vscode.commands.executeCommand(Commands.restartService), vscode.commands.executeCommand(Commands.restartService)]);
    assert.strictEqual(posts(/restart-service$/).length, 1);
  });

  it('Deploy on a "This Workspace" row deploys that folder\'s service with its HEAD, whichever editor is active', async () => {
    const webDir = makeRepository('row-web', 'https://github.com/acme/storefront-web.git');
    const webService = DEMO.services.storefrontWeb;
    try {
      const webFolder = await addFolder(webDir);
      await waitFor('the second folder is linked to web', async () => {
        await api.workspace.links.refresh();
        return api.workspace.links.linkOf(webFolder)?.link?.serviceId === webService;
      }, 30_000);
      // The active editor is in the admin-dashboard folder.
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(dir, 'README.md')));
      await waitFor('the active link is admin-dashboard', () => api.workspace.links.activeLink()?.link?.serviceId === service);
      const webHead = git(webDir, 'rev-parse', 'HEAD');
      server.deployments.pushCommit(webService, { sha: webHead, message: 'row' });
      const row = await waitFor('the web row under "This Workspace"', async () => {
        const [top] = (await api.view.getChildren()) ?? [];
        const rows = top ? ((await api.view.getChildren(top)) ?? []) : [];
        return rows.find((r) => api.view.getTreeItem(r).label === 'web');
      });
      prompter.answer('Deploy');
      await vscode.commands.executeCommand(Commands.deploy, row);
      const [request] = posts(/\/deploy$/);
      assert.strictEqual(request?.path, `/application/${webService}/deploy`, JSON.stringify(prompter.shown.map((s) => s.message)));
      assert.deepStrictEqual(request.body, { git_commit_id: webHead });
    } finally {
      const index = (vscode.workspace.workspaceFolders ?? []).findIndex((f) => f.uri.fsPath === webDir);
      if (index >= 0) {
        vscode.workspace.updateWorkspaceFolders(index, 1);
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(webDir, { recursive: true, force: true });
    }
  });
});
