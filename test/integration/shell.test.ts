import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { OpenShell } from '../../src/shell/commands';
import { DEMO, DEMO_ADMIN_TOKEN, DEMO_VIEWER_TOKEN, type QoveryServer } from '../qovery';
import { addFolder, makeRepository, removeAddedFolders } from './folders';
import { extensionApi, freshServer, resetExtension, ScriptedPrompter, setSetting, signInWith, waitFor } from './helpers';

describe('shell: Qovery: Open Shell in a VS Code terminal', function () {
  this.timeout(60_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  const env = DEMO.environments.storefrontProduction;
  const serviceId = DEMO.services.storefrontWeb;

  /** The production `web` service as a workspace link or another feature passes it. */
  function target() {
    const environment = server.state.account.environment(env)!;
    return { organizationId: environment.organizationId, projectId: environment.projectId, environmentId: env, serviceId, serviceName: 'web', serviceType: 'APPLICATION' };
  }

  async function open(): Promise<OpenShell> {
    const shell = await vscode.commands.executeCommand<OpenShell | undefined>(Commands.openShell, target());
    assert.ok(shell?.terminal, `the command gives its terminal (prompts: ${JSON.stringify((api.ui.prompter as ScriptedPrompter).shown?.map((s) => s.message))})`);
    return shell;
  }

  const prompt = (s: OpenShell, n = 1): Promise<string> => waitFor(`prompt #${n}`, () => (s.pty.recentOutput.split('root@').length - 1 >= n ? s.pty.recentOutput : undefined), 20_000);

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await freshServer(api);
    await setSetting('websocketUrl', server.url.replace('http:', 'ws:'));
    await signInWith(api, DEMO_ADMIN_TOKEN);
    api.ui.prompter = new ScriptedPrompter();
  });

  afterEach(async () => {
    for (const t of vscode.window.terminals) {
      t.dispose();
    }
    await waitFor('no shell left open on the server', () => server.shell.openShells === 0 || undefined).catch(() => undefined);
    await server.close();
    await setSetting('websocketUrl', undefined);
    await setSetting('shell.command', undefined);
    await resetExtension(api);
  });

  it('opens a shell in the service: the title names service, production and pod; typing reaches the shell, its output comes back, exit closes the terminal', async () => {
    const shell = await open();
    const terminal = shell.terminal!;
    assert.strictEqual(terminal.name, 'web · production [PRODUCTION] · web-7d9f-0');
    await prompt(shell);
    terminal.sendText('echo hello from $HOSTNAME', true);
    await waitFor('the echo', () => shell.pty.recentOutput.includes('hello from web-7d9f-0\r\n'));
    const upgrade = server.shell.upgrades.find((u) => u.path === '/shell/exec');
    assert.ok(upgrade);
    assert.strictEqual(upgrade.scheme, 'Token', 'the token goes in the Authorization header');
    assert.ok(!JSON.stringify(upgrade.query).includes(DEMO_ADMIN_TOKEN), 'never in the URL');
    assert.deepStrictEqual(upgrade.query.pod_name, ['web-7d9f-0']);
    assert.ok(Number(upgrade.query.tty_width?.[0]) > 0 && Number(upgrade.query.tty_height?.[0]) > 0, JSON.stringify(upgrade.query));
    assert.strictEqual(server.shell.textFrames, 0);
    const closed = new Promise<vscode.Terminal>((resolve) => {
      const d = vscode.window.onDidCloseTerminal((t) => {
        if (t === terminal) {
          d.dispose();
          resolve(t);
        }
      });
    });
    terminal.sendText('exit', true);
    await closed;
    await waitFor('the shell closed on the server', () => server.shell.openShells === 0);
    assert.strictEqual(api.chunks.get('shell').commands.shells().length, 0, 'nothing kept');
  });

  it('what is typed at once, before the connection is open, reaches the shell', async () => {
    const shell = await open();
    shell.terminal!.sendText('echo typed early', true);
    await waitFor('the early line', () => shell.pty.recentOutput.includes('typed early\r\n'), 20_000).catch(() => assert.fail(JSON.stringify(shell.pty.recentOutput)));
  });

  it('a workspace cannot set the shell\'s command nor switch port forwarding on (user settings only)', async () => {
    const config = vscode.workspace.getConfiguration('qovery');
    await assert.rejects(Promise.resolve(config.update('shell.command', 'sh -c "echo from the repository"', vscode.ConfigurationTarget.Workspace)));
    await assert.rejects(Promise.resolve(config.update('experimental.portForward', true, vscode.ConfigurationTarget.Workspace)));
    assert.strictEqual(vscode.workspace.getConfiguration('qovery').inspect('shell.command')?.workspaceValue, undefined);
  });

  it('closing the terminal sends EOT and closes the stream', async () => {
    const shell = await open();
    await prompt(shell);
    const eots = server.shell.eots;
    shell.terminal!.dispose();
    await waitFor('the EOT', () => server.shell.eots > eots);
    await waitFor('the shell closed on the server', () => server.shell.openShells === 0);
  });

  it('a dropped connection is said in the terminal, and Enter reconnects to the same pod', async () => {
    const shell = await open();
    await prompt(shell);
    server.shell.drop();
    await waitFor('the drop in the terminal', () => shell.pty.recentOutput.includes('The connection was lost') && shell.pty.recentOutput.includes('Press Enter to reconnect'));
    assert.strictEqual(shell.pty.state, 'ended');
    assert.strictEqual(vscode.window.terminals.includes(shell.terminal!), true, 'the terminal stays, with its output');
    shell.terminal!.sendText('\r', false);
    await prompt(shell, 2);
    shell.terminal!.sendText('echo back again', true);
    await waitFor('the echo after the reconnect', () => shell.pty.recentOutput.includes('back again\r\n'));
    assert.strictEqual(shell.pty.connections, 2);
    assert.deepStrictEqual(
      server.shell.upgrades.filter((u) => u.path === '/shell/exec').map((u) => u.query.pod_name?.[0]),
      ['web-7d9f-0', 'web-7d9f-0'],
    );
  });

  it('a Viewer token is refused (1007): the terminal says why, the token check runs and nobody is signed out', async () => {
    await resetExtension(api);
    await setSetting('apiUrl', server.url);
    await signInWith(api, DEMO_VIEWER_TOKEN);
    api.ui.prompter = new ScriptedPrompter();
    server.clearLog();
    const shell = await open();
    await waitFor('the refusal', () => shell.pty.recentOutput.includes('refused the shell (close code 1007: permission denied on this service)'));
    assert.ok(shell.pty.recentOutput.includes('a Viewer may not'), shell.pty.recentOutput);
    await waitFor('the token check (GET /organization)', () => server.requests.some((r) => r.path === '/organization'));
    await waitFor('the check is done', () => api.session.state.status !== 'checking');
    assert.strictEqual(api.session.state.status, 'signedIn');
    assert.strictEqual(server.shell.upgrades.filter((u) => u.path === '/shell/exec').length, 1, 'no reconnect by itself');
  });

  it('the gateway closes with 1008: refused, the token checked, no reconnect by itself', async () => {
    server.shell.closeAfterUpgrade(1008, { path: '/shell/exec', times: 5 });
    server.clearLog();
    const shell = await open();
    await waitFor('the refusal', () => shell.pty.recentOutput.includes('close code 1008'));
    await waitFor('the token check', () => server.requests.some((r) => r.path === '/organization'));
    await waitFor('the check is done', () => api.session.state.status !== 'checking');
    assert.strictEqual(api.session.state.status, 'signedIn');
    await new Promise((r) => setTimeout(r, 1000));
    assert.strictEqual(server.shell.upgrades.filter((u) => u.path === '/shell/exec').length, 1);
  });

  it('a pod that disappears mid-session: said in the terminal; Enter connects to the pod that replaced it, and the title follows', async () => {
    const shell = await open();
    await prompt(shell);
    server.shell.killPod('web-7d9f-0', { replacement: 'web-7d9f-1' });
    await waitFor('the end in the terminal', () => shell.pty.recentOutput.includes('the pod is gone (close code 1011: pod web-7d9f-0 was deleted)'));
    shell.terminal!.sendText('\r', false);
    await waitFor('the move to the new pod', () => shell.pty.recentOutput.includes('The pod web-7d9f-0 is gone: connecting to web-7d9f-1'));
    await waitFor('the new prompt', () => shell.pty.recentOutput.includes('root@web-7d9f-1:/# '));
    assert.strictEqual(shell.pty.pod, 'web-7d9f-1');
    await waitFor('the new title', () => shell.terminal!.name === 'web · production [PRODUCTION] · web-7d9f-1' || undefined);
  });

  it('several pods: one is picked; bash missing: the shell is sh', async () => {
    server.shell.setPods(serviceId, [
      { name: 'web-a', bash: false },
      { name: 'web-b', bash: false },
    ]);
    const prompter = new ScriptedPrompter().answer('web-b');
    api.ui.prompter = prompter;
    const shell = await open();
    assert.deepStrictEqual(prompter.shown.find((p) => p.kind === 'quickPick')?.actions, ['web-a', 'web-b']);
    await waitFor('the sh prompt', () => shell.pty.recentOutput.includes('/ # '));
    assert.ok(!shell.pty.recentOutput.includes('not found'), shell.pty.recentOutput);
    assert.strictEqual(shell.pty.pod, 'web-b');
  });

  it('a terminal made smaller than the remote size says the remote keeps the size of the start, once; the next connection takes the new size', async () => {
    const shell = await open();
    await prompt(shell);
    const first = server.shell.upgrades.filter((u) => u.path === '/shell/exec')[0];
    const width = Number(first.query.tty_width?.[0]);
    const height = Number(first.query.tty_height?.[0]);
    // What VS Code calls when the panel is resized.
    shell.pty.setDimensions({ columns: width - 10, rows: height - 2 });
    shell.pty.setDimensions({ columns: width - 12, rows: height - 2 });
    await waitFor('the notice', () => shell.pty.recentOutput.includes(`keeps its size of the start (${width}×${height})`));
    assert.strictEqual(shell.pty.recentOutput.split('keeps its size of the start').length, 2, 'said once');
    server.shell.drop();
    await waitFor('the drop', () => shell.pty.state === 'ended' || undefined);
    shell.terminal!.sendText('\r', false);
    await prompt(shell, 2);
    const second = server.shell.upgrades.filter((u) => u.path === '/shell/exec')[1];
    assert.deepStrictEqual([second.query.tty_width?.[0], second.query.tty_height?.[0]], [String(width - 12), String(height - 2)]);
  });

  it('a new token for the same connection (a rotation) keeps the shell; another connection closes it', async () => {
    const shell = await open();
    await prompt(shell);
    let changes = 0;
    const counted = api.session.onDidChangeConnection(() => changes++);
    try {
      await api.store.replaceToken(api.store.active()!, DEMO_ADMIN_TOKEN);
      await waitFor('the change of token seen', () => changes > 0);
      await new Promise((r) => setTimeout(r, 500));
      assert.strictEqual(shell.pty.state, 'open', shell.pty.recentOutput);
      shell.terminal!.sendText('echo still here', true);
      await waitFor('the echo', () => shell.pty.recentOutput.includes('still here\r\n'));
      await signInWith(api, server.tokens.secondOrgAdmin, 'side projects');
      await waitFor('the stream closed', () => server.shell.openShells === 0);
      await waitFor('the notice', () => shell.pty.recentOutput.includes('another connection chosen: the shell was closed.'));
    } finally {
      counted.dispose();
    }
  });

  it('sign-out closes every shell stream; the terminal says so', async () => {
    const shell = await open();
    await prompt(shell);
    await resetExtension(api);
    await waitFor('the stream closed', () => server.shell.openShells === 0);
    await waitFor('the notice', () => shell.pty.recentOutput.includes('Signed out of Qovery, or another connection chosen: the shell was closed.')).catch(() => assert.fail(JSON.stringify(shell.pty.recentOutput.slice(-400))));
  });

  it('the "Qovery Shell" terminal profile opens a shell in the linked service', async () => {
    const dir = makeRepository('admin-shell', 'git@github.com:Acme/admin-dashboard.git');
    const folder = await addFolder(dir);
    try {
      await waitFor('the folder is linked to admin-dashboard', async () => {
        await api.workspace.links.refresh();
        return api.workspace.links.linkOf(folder)?.link?.serviceId === DEMO.services.toolsAdmin;
      }, 30_000);
      // The linked service of the active editor's folder.
      await vscode.window.showTextDocument(vscode.Uri.file(`${dir}/README.md`));
      const profile = await api.chunks.get('shell').provideProfile();
      assert.ok(profile, 'the profile gives a terminal');
      // What VS Code does with the profile the provider gives.
      const terminal = vscode.window.createTerminal(profile.options as vscode.ExtensionTerminalOptions);
      assert.match(terminal.name, /^admin-dashboard · development · admin-dashboard-7d9f-0$/);
      const shell = api.chunks.get('shell').commands.shells().find((s) => s.service.serviceId === DEMO.services.toolsAdmin);
      assert.ok(shell);
      terminal.show();
      await waitFor('the prompt', () => shell.pty.recentOutput.includes('root@admin-dashboard-7d9f-0:/# '), 20_000);
      terminal.sendText('echo from the profile', true);
      await waitFor('the echo', () => shell.pty.recentOutput.includes('from the profile\r\n'));
      terminal.dispose();
      await waitFor('the stream closed', () => server.shell.openShells === 0);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await removeAddedFolders();
    }
  });
});
