import * as assert from 'node:assert';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { RunningForward } from '../../src/shell/forwards';
import { DEMO, DEMO_ADMIN_TOKEN, type QoveryServer } from '../qovery';
import { extensionApi, freshServer, resetExtension, ScriptedPrompter, setSetting, signInWith, waitFor, type PromptRecord } from './helpers';

/** Sends `data` to a local port and resolves with what came back once as many bytes did. */
function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1', () => s.write(data));
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      if (Buffer.concat(chunks).length >= data.length) {
        s.end();
        resolve(Buffer.concat(chunks));
      }
    });
    s.on('error', reject);
  });
}

describe('port forward: Qovery: Forward Port… in real VS Code', function () {
  this.timeout(60_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  const env = DEMO.environments.storefrontProduction;

  function target() {
    const environment = server.state.account.environment(env)!;
    return { organizationId: environment.organizationId, projectId: environment.projectId, environmentId: env, serviceId: DEMO.services.storefrontWeb, serviceName: 'web', serviceType: 'APPLICATION' };
  }

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await freshServer(api);
    await setSetting('websocketUrl', server.url.replace('http:', 'ws:'));
    await setSetting('experimental.portForward', true);
    await signInWith(api, DEMO_ADMIN_TOKEN);
  });

  afterEach(async () => {
    await resetExtension(api);
    await waitFor('no forward left', () => api.chunks.get('shell').forwards.running().length === 0 || undefined).catch(() => undefined);
    await server.close();
    await setSetting('websocketUrl', undefined);
    await setSetting('experimental.portForward', undefined);
  });

  it('forwards the service\'s port: a TCP client gets its bytes back; the status bar counts it; Show Port Forwards stops it; it can be started again', async () => {
    const prompter = new ScriptedPrompter().answer('0');
    api.ui.prompter = prompter;
    const running = await vscode.commands.executeCommand<RunningForward | undefined>(Commands.forwardPort, target());
    assert.ok(running, JSON.stringify(prompter.shown.map((p) => p.message)));
    assert.strictEqual(running.forward.remotePort, 3000, 'the only port the pods list, taken without a question');
    const port = running.forward.localPort;
    assert.ok(port > 0);
    const data = Buffer.from('ping through Qovery');
    assert.deepStrictEqual(await roundTrip(port, data), data);
    const forwards = api.chunks.get('shell').forwards;
    assert.strictEqual(forwards.statusText, '$(arrow-swap) 1');
    assert.ok(prompter.messages('info').some((m) => m.includes(`127.0.0.1:${port} → web:3000`)), JSON.stringify(prompter.messages('info')));

    api.ui.prompter = new ScriptedPrompter().answer('127.0.0.1');
    await vscode.commands.executeCommand(Commands.showPortForwards);
    assert.strictEqual(forwards.running().length, 0);
    assert.strictEqual(forwards.statusText, undefined);
    await waitFor('no websocket open', () => server.shell.openForwards === 0);

    // Saved for this workspace: Forward Port… with no argument offers it again.
    const again = new ScriptedPrompter().answer('web:3000');
    api.ui.prompter = again;
    const restarted = await vscode.commands.executeCommand<RunningForward | undefined>(Commands.forwardPort);
    assert.ok(restarted, JSON.stringify(again.shown.map((p) => p.actions)));
    assert.deepStrictEqual(await roundTrip(restarted.forward.localPort, data), data);
  });

  it('a local port in use: said, and a free port offered; nothing else left listening', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const busy = (taken.address() as net.AddressInfo).port;
    try {
      const prompter = new ScriptedPrompter().answer(String(busy), 'Use a Free Port');
      api.ui.prompter = prompter;
      const running = await vscode.commands.executeCommand<RunningForward | undefined>(Commands.forwardPort, target());
      assert.ok(prompter.messages('warn').some((m) => m.includes(`port ${busy} of 127.0.0.1 is in use`)), JSON.stringify(prompter.messages('warn')));
      assert.ok(running);
      assert.notStrictEqual(running.forward.localPort, busy);
      assert.deepStrictEqual(await roundTrip(running.forward.localPort, Buffer.from('x')), Buffer.from('x'));
      assert.strictEqual(api.chunks.get('shell').forwards.running().length, 1);
    } finally {
      taken.close();
    }
  });

  it('off by default: the command offers to enable it; sign-out stops every forward', async () => {
    await setSetting('experimental.portForward', undefined);
    const prompter = new ScriptedPrompter().answer('Enable', '0');
    api.ui.prompter = prompter;
    const running = await vscode.commands.executeCommand<RunningForward | undefined>(Commands.forwardPort, target());
    assert.ok(prompter.messages('info')[0]?.includes('experimental'), JSON.stringify(prompter.messages()));
    assert.ok(running);
    assert.strictEqual(vscode.workspace.getConfiguration('qovery').get('experimental.portForward'), true);
    const port = running.forward.localPort;
    await resetExtension(api);
    await waitFor('stopped', () => api.chunks.get('shell').forwards.running().length === 0);
    await assert.rejects(
      new Promise<void>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => resolve());
        s.on('error', reject);
      }),
    );
  });

  it('Start again with the setting off offers to enable it and opens nothing when declined', async () => {
    api.ui.prompter = new ScriptedPrompter().answer('0');
    const first = await vscode.commands.executeCommand<RunningForward | undefined>(Commands.forwardPort, target());
    assert.ok(first);
    api.ui.prompter = new ScriptedPrompter().answer('127.0.0.1');
    await vscode.commands.executeCommand(Commands.showPortForwards);
    const forwards = api.chunks.get('shell').forwards;
    assert.strictEqual(forwards.running().length, 0);
    assert.ok(forwards.saved().length > 0);

    await setSetting('experimental.portForward', false);
    const prompter = new ScriptedPrompter().answer((r: PromptRecord) => r.items?.find((i) => i.detail === 'Start again'));
    api.ui.prompter = prompter;
    await vscode.commands.executeCommand(Commands.showPortForwards);
    assert.ok(prompter.messages('info').some((m) => m.includes('experimental')), JSON.stringify(prompter.messages()));
    assert.strictEqual(forwards.running().length, 0, 'declined: no forward');
    assert.strictEqual(vscode.workspace.getConfiguration('qovery').get('experimental.portForward'), false);
  });

  it('a forward whose setting is switched off or whose connection signs out while it is set up is not kept', async () => {
    const forwards = api.chunks.get('shell').forwards;
    // The setting switched off while the local port is asked.
    api.ui.prompter = new ScriptedPrompter().answer(async () => {
      await setSetting('experimental.portForward', false);
      return '0';
    });
    const off = await vscode.commands.executeCommand<RunningForward | undefined>(Commands.forwardPort, target());
    assert.strictEqual(off, undefined);
    assert.strictEqual(forwards.running().length, 0);
    await waitFor('no websocket open', () => server.shell.openForwards === 0);

    // Signed out while the local port is asked.
    await setSetting('experimental.portForward', true);
    const prompter = new ScriptedPrompter().answer(async () => {
      await resetExtension(api);
      return '0';
    });
    api.ui.prompter = prompter;
    const signedOut = await vscode.commands.executeCommand<RunningForward | undefined>(Commands.forwardPort, target());
    assert.strictEqual(signedOut, undefined);
    assert.strictEqual(forwards.running().length, 0);
    assert.strictEqual(forwards.statusText, undefined);
  });
});
