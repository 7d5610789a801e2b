import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { DeploymentLogView } from '../../src/logs/deploymentView';
import type { LiveLogView } from '../../src/logs/liveView';
import { DEMO, DEMO_ADMIN_TOKEN, failedExecutionId, type QoveryServer } from '../qovery';
import { extensionApi, freshServer, resetExtension, ScriptedPrompter, setSetting, signInWith, waitFor } from './helpers';

describe('logs: deployment logs and live service logs', function () {
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  const env = DEMO.environments.storefrontStaging;

  /** The ids of a staging service, as the deploy feature and the workspace link pass them. */
  function target(service: 'stagingApi' | 'stagingWeb', name: string) {
    const environment = server.state.account.environment(env)!;
    return { organizationId: environment.organizationId, projectId: environment.projectId, environmentId: env, serviceId: DEMO.services[service], serviceName: name };
  }

  const textOf = (uri: vscode.Uri): string => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText() ?? '';

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await freshServer(api);
    await setSetting('websocketUrl', server.url.replace('http:', 'ws:'));
    await signInWith(api, DEMO_ADMIN_TOKEN);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no log socket left open', () => server.logs.openSockets === 0 || undefined).catch(() => undefined);
    await server.close();
    await setSetting('websocketUrl', undefined);
    await resetExtension(api);
  });

  it("explains a failed deployment with Qovery's own words and shows its log, the service's lines only", async () => {
    const logs = api.chunks.get('logs');
    const explanation = await logs.explainFailure({ environmentId: env, serviceId: DEMO.services.stagingApi });
    assert.ok(explanation, 'the failed deployment has an explanation');
    assert.ok(explanation.message.includes('crashed at start'), explanation.message);
    assert.ok(!/https?:|command:/.test(`${explanation.message} ${explanation.hint}`), 'server text carries no link');
    assert.ok(explanation.hint?.includes('listens on the port'), explanation.hint);
    assert.strictEqual(explanation.link, 'https://hub.qovery.com/docs/using-qovery/troubleshoot/');

    const view = await vscode.commands.executeCommand<DeploymentLogView>(Commands.showDeploymentLogs, { ...target('stagingApi', 'api'), executionId: failedExecutionId(env) });
    assert.ok(view, 'the command gives its view');
    const text = await waitFor('the log in the editor', () => textOf(view.uri).includes('ERROR') && textOf(view.uri));
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), view.uri.toString(), 'the log is in the active editor');
    assert.ok(text.includes('## Build') && text.includes('## Deploy'), text);
    assert.ok(text.includes('ERROR Your application crashed at start'), text);
    assert.ok(text.includes('Hint: Check that the application listens'), text);
    assert.ok(text.includes('Documentation: https://hub.qovery.com/docs/using-qovery/troubleshoot/'), text);
    assert.ok(!text.includes('unrelated line of another service'), 'only the lines of the service');
    const explained = text.split('\n').filter((l) => /ERROR|Hint:|Documentation:/.test(l));
    assert.ok(!explained.some((l) => l.includes('evil.example.com') || l.includes('command:')), `Qovery's explanation carries no other link: ${explained.join(' | ')}`);
    assert.ok(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} api/.test(text), 'lines carry their time');
    const asked = server.requests.filter((r) => r.path === `/environment/${env}/logs`).map((r) => r.query);
    assert.deepStrictEqual(asked, [{}, { version: failedExecutionId(env) }], 'the explanation asks for the latest deployment, the view for the execution it was given');
  });

  it('a running deployment: new entries come over the deployment log stream while the environment moves, each once, with no log request', async () => {
    const web = target('stagingWeb', 'web');
    const add = (message: string) => server.state.appendDeploymentLogs([{ environmentId: env, executionId: 'run-1', service: { id: web.serviceId, name: 'web' }, stage: 'Build', message }]);
    add('first step of the running deployment');
    const view = await vscode.commands.executeCommand<DeploymentLogView>(Commands.showDeploymentLogs, { ...web, executionId: 'run-1' });
    await waitFor('the first entry', () => textOf(view.uri).includes('first step'));
    // Staging web is DEPLOYING: the first status answer opens the log stream.
    await waitFor('the log stream', () => view.streaming, 20_000);
    const loads = view.loads;
    const rest = server.requests.filter((r) => r.path === `/environment/${env}/logs`).length;
    add('second step, later');
    await waitFor('the later entry', () => textOf(view.uri).includes('second step, later'), 20_000);
    assert.strictEqual(view.loads, loads, 'no fetch while the stream is up');
    assert.strictEqual(server.requests.filter((r) => r.path === `/environment/${env}/logs`).length, rest, 'no log request while the stream is up');
    assert.strictEqual(textOf(view.uri).split('first step of the running deployment').length, 2, 'the entry fetched and streamed is shown once');
    const upgrade = server.deploymentStreams.upgrades.find((u) => u.path === '/deployment/logs');
    assert.ok(upgrade && upgrade.scheme === 'Token' && upgrade.query.cluster && !('version' in upgrade.query), JSON.stringify(upgrade));
  });

  it("a deployment that fails in the precheck: the explanation comes from the environment's lines, and the log shows the precheck apart", async () => {
    const postgres = DEMO.services.stagingPostgres;
    server.deployments.setTimings({ stepMs: 200 });
    server.state.deploymentLogs.failPrecheckNext(postgres);
    server.deployments.failNext(postgres);
    const answer = await fetch(`${server.url}/database/${postgres}/deploy`, { method: 'POST', headers: { Authorization: `Token ${DEMO_ADMIN_TOKEN}` } });
    assert.strictEqual(answer.status, 202);
    const failed = await waitFor('the failed deployment', () => (server.deployments.latest(postgres)?.state === 'DEPLOYMENT_ERROR' ? server.deployments.latest(postgres) : undefined), 20_000);
    // What the deploy feature's failure notification quotes (it asks the logs chunk for the explanation).
    const explanation = await api.chunks.get('logs').explainFailure({ environmentId: env, serviceId: postgres, executionId: failed.executionId });
    assert.ok(explanation, 'the precheck failure is explained');
    assert.ok(explanation.message.startsWith('The precheck failed: The cluster does not have enough CPU left to run postgres'), explanation.message);
    assert.strictEqual(explanation.hint, 'Lower the CPU of the service or add nodes to the cluster.');
    assert.strictEqual(explanation.origin, 'precheck');

    const environment = server.state.account.environment(env)!;
    const view = await vscode.commands.executeCommand<DeploymentLogView>(Commands.showDeploymentLogs, {
      organizationId: environment.organizationId,
      projectId: environment.projectId,
      environmentId: env,
      serviceId: postgres,
      serviceName: 'postgres',
      executionId: failed.executionId,
    });
    const text = await waitFor('the log in the editor', () => textOf(view.uri).includes('## Precheck') && textOf(view.uri));
    const lines = text.split('\n');
    const precheck = lines.indexOf('## Precheck');
    const next = lines.findIndex((l, i) => i > precheck && l.startsWith('## '));
    const section = lines.slice(precheck, next < 0 ? undefined : next);
    assert.ok(section.some((l) => l.includes('staging (environment)') && l.includes('ERROR The cluster does not have enough CPU')), text);
    assert.ok(section.some((l) => l.includes('Hint: Lower the CPU')), text);
    assert.ok(text.includes("The lines of this service and the environment's own (marked)"), text);
  });

  it('streams live logs: lines arrive, pause holds them, the pod filter and clear work', async () => {
    const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, target('stagingApi', 'api'));
    assert.ok(view);
    await waitFor('the first lines', () => textOf(view.uri).includes('recent line 3'));
    assert.ok(textOf(view.uri).includes('· live'), textOf(view.uri));
    const upgrade = server.logs.upgrades[0];
    assert.strictEqual(upgrade.scheme, 'Token', 'the token goes in the Authorization header');
    assert.ok(!JSON.stringify(upgrade.query).includes(DEMO_ADMIN_TOKEN), 'never in the URL');
    server.logs.send(3, { text: 'hello from api', pod: 'api-7d9f-1' });
    await waitFor('the sent lines', () => textOf(view.uri).includes('hello from api'));
    assert.match(textOf(view.uri), /\d\d:\d\d:\d\d\.\d{3} api-7d9f-1 {2}hello from api/);

    await vscode.commands.executeCommand(Commands.toggleLogsPause, view.uri);
    await waitFor('paused shown', () => textOf(view.uri).includes('paused'));
    server.logs.send(1, { text: 'while paused', pod: 'api-7d9f-2' });
    await waitFor('the line reached the buffer', () => view.buffer.lines().some((l) => l.text.startsWith('while paused')));
    assert.ok(!textOf(view.uri).includes('while paused'), 'a paused view does not move');
    // More lines than the view keeps arrive while paused: it still shows what it showed, not nothing.
    await waitFor('the paused view is drawn', () => view.buffer.lines().some((l) => l.text.startsWith('while paused')) && textOf(view.uri).includes('hello from api'));
    const received = view.buffer.received;
    server.logs.send(view.buffer.max + 50, { text: 'flood while paused', pod: 'api-7d9f-3' });
    // Every line in, so the count the heading shows at the next redraw no longer moves.
    await waitFor('the pause outlived by the buffer', () => view.buffer.received >= received + view.buffer.max + 50, 20_000);
    assert.ok(view.buffer.dropped > 0 && view.buffer.lines().every((l) => !l.text.startsWith('hello from api')));
    view.setPod(undefined);
    // The document as VS Code has it once the redraw reached it (its heading counts the dropped lines).
    await waitFor('the redraw in the document', () => textOf(view.uri).includes(`${view.buffer.dropped} older lines dropped`), 10_000);
    assert.ok(textOf(view.uri).includes('hello from api'), `a paused view keeps its lines: ${textOf(view.uri).slice(0, 400)}`);
    await vscode.commands.executeCommand(Commands.toggleLogsPause, view.uri);
    await waitFor('the held line after resume', () => textOf(view.uri).includes('flood while paused'));

    api.ui.prompter = new ScriptedPrompter().answer('api-7d9f-2');
    await vscode.commands.executeCommand(Commands.filterLogsByPod, view.uri);
    await waitFor('only that pod', () => textOf(view.uri).includes('pod api-7d9f-2 only') && !textOf(view.uri).includes('hello from api'));
    await vscode.commands.executeCommand(Commands.clearLogs, view.uri);
    await waitFor('cleared', () => !textOf(view.uri).includes('while paused') && textOf(view.uri).includes('0 lines'));
  });

  it('reconnects after the server drops the stream, and lines arrive again', async () => {
    const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, target('stagingApi', 'api'));
    await waitFor('the first lines', () => textOf(view.uri).includes('recent line 3'));
    server.logs.drop();
    await waitFor('the reconnect notice', () => textOf(view.uri).includes('disconnected, reconnecting in'));
    await waitFor('a second connection', () => server.logs.connections >= 2 && view.stream.state.kind === 'connected');
    server.logs.send(2, { text: 'after the drop' });
    await waitFor('lines after the reconnect', () => textOf(view.uri).includes('after the drop'));
    assert.ok(!textOf(view.uri).includes('reconnecting in'), 'the notice goes once connected');
  });

  it('a 401 on the upgrade stops the stream and goes through the token check', async () => {
    server.logs.refuse(401, 1);
    server.clearLog();
    const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, target('stagingApi', 'api'));
    await waitFor('the refusal in the view', () => textOf(view.uri).includes('401'));
    await waitFor('the token check (GET /organization)', () => server.requests.some((r) => r.path === '/organization'));
    await waitFor('the check is done', () => api.session.state.status !== 'checking');
    assert.strictEqual(api.session.state.status, 'signedIn', 'the token itself is fine: the check says so');
    assert.strictEqual(server.logs.upgrades.length, 1, 'no reconnect loop after a 401');
    assert.strictEqual(view.stream.state.kind, 'stopped');
  });

  it('the gateway closes with 1008 after the upgrade: the view stops, says the token was refused, and the token check runs once', async () => {
    server.logs.closeAfterUpgrade(1008, { times: 10 });
    server.clearLog();
    const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, target('stagingApi', 'api'));
    await waitFor('the refusal in the view', () => textOf(view.uri).includes('refused the token (close code 1008)'));
    await waitFor('the token check (GET /organization)', () => server.requests.some((r) => r.path === '/organization'));
    await waitFor('the check is done', () => api.session.state.status !== 'checking');
    assert.strictEqual(api.session.state.status, 'signedIn', 'the token itself is fine: the check says so, nobody is signed out');
    await new Promise((r) => setTimeout(r, 1500));
    assert.strictEqual(server.logs.upgrades.length, 1, 'no reconnect loop after a 1008');
    assert.strictEqual(view.stream.state.kind, 'stopped');
  });

  it('1007 says the token may not read these logs; 1011 says the cluster cannot be reached and retries slowly', async () => {
    server.logs.closeAfterUpgrade(1007);
    const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, target('stagingApi', 'api'));
    await waitFor('the permission refusal in the view', () => textOf(view.uri).includes('may not read these logs (close code 1007: permission)'));
    await waitFor('the check is done', () => api.session.state.status === 'signedIn');
    // Show Service Logs again on a stopped view connects again: this time the cluster's agent is down.
    server.logs.closeAfterUpgrade(1011, { times: 10 });
    await vscode.commands.executeCommand(Commands.showServiceLogs, target('stagingApi', 'api'));
    const text = await waitFor('the cluster notice', () => textOf(view.uri).includes('cluster hosting this service cannot be reached') && textOf(view.uri));
    const seconds = Number(/trying again in (\d+)s/.exec(text)?.[1]);
    assert.ok(seconds > 20 && seconds <= 30, `a slow retry: ${seconds} s (${text.slice(0, 300)})`);
    assert.strictEqual(server.logs.upgrades.length, 2, 'no retry within those seconds');
  });

  it('signing out stops the stream and closes its socket', async () => {
    const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, target('stagingApi', 'api'));
    await waitFor('one socket open', () => server.logs.openSockets === 1 && view.stream.state.kind === 'connected');
    await resetExtension(api);
    await waitFor('no socket open', () => server.logs.openSockets === 0 || undefined);
    await waitFor('the view says why', () => textOf(view.uri).includes('signed out'));
  });

  it('closing the view closes the socket (server-side count back to 0)', async () => {
    const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, target('stagingApi', 'api'));
    await waitFor('one socket open', () => server.logs.openSockets === 1 && textOf(view.uri).includes('recent line'));
    await vscode.window.showTextDocument(view.uri);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('no socket open', () => server.logs.openSockets === 0 || undefined);
    assert.strictEqual(view.stream.state.kind, 'stopped');
    assert.ok(!api.chunks.get('logs').commands.documents.session(view.uri), 'the session ended with its view');
  });
});
