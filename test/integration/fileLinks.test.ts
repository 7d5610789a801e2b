import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { DeploymentLogView } from '../../src/logs/deploymentView';
import type { LiveLogView } from '../../src/logs/liveView';
import type { FolderLink } from '../../src/workspace/links';
import { DEMO, type QoveryServer } from '../qovery';
import { isFinal } from '../qovery/deployments';
import { addFolder, git, makeRepository, removeAddedFolders } from './folders';
import { extensionApi, freshServer, resetExtension, ScriptedPrompter, signInWith, waitFor } from './helpers';

describe('logs: from a log line to the code (links and Problems)', function () {
  this.timeout(120_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  let prompter: ScriptedPrompter;
  let dir: string;
  let folder: vscode.WorkspaceFolder;
  const service = DEMO.services.toolsAdmin;
  const environmentId = DEMO.environments.toolsDevelopment;
  const admin = { id: service, name: 'admin-dashboard' };

  const indexFile = () => path.join(dir, 'src', 'index.ts');
  const linkOf = (): FolderLink | undefined => api.workspace.links.linkOf(folder);
  const head = (): string => git(dir, 'rev-parse', 'HEAD');
  const textOf = (uri: vscode.Uri): string => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText() ?? '';
  const problems = () => vscode.languages.getDiagnostics(vscode.Uri.file(indexFile())).filter((d) => d.source === 'Qovery build');
  const ids = () => {
    const environment = server.state.account.environment(environmentId)!;
    return { organizationId: environment.organizationId, projectId: environment.projectId, environmentId, serviceId: service, serviceName: 'admin-dashboard' };
  };
  /** The links to files of a log document, with the text each one covers. */
  async function fileLinks(uri: vscode.Uri): Promise<{ text: string; line: string; target: vscode.Uri }[]> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const links = (await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri)) ?? [];
    return links
      .filter((l) => l.target?.scheme === 'file')
      .map((l) => ({ text: doc?.getText(l.range) ?? '', line: doc?.lineAt(l.range.start.line).text ?? '', target: l.target! }));
  }

  before(async () => {
    api = await extensionApi();
    server = await freshServer(api);
    server.deployments.setTimings({ stepMs: 300 });
    await signInWith(api, server.tokens.admin);
    dir = makeRepository('admin-links', 'git@github.com:Acme/admin-dashboard.git');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(indexFile(), 'const a = 1;\nconst b = 2;\nconst c: string = 3;\nexport { a, b, c };\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'index');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
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
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the deployments to end', () => server.deployments.all().every((d) => isFinal(d.state)), 30_000);
    await waitFor('every follow to end', () => !api.chunks.isLoaded('deploy') || api.chunks.get('deploy').commands.following === 0, 20_000);
  });

  after(async () => {
    await removeAddedFolders();
    await resetExtension(api);
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a deployment log line "src/index.ts:3:7 error" links to that file at line 3, column 7; "../../etc/passwd:1", an absolute path and a URL link to nothing; the build error is a Problem', async () => {
    const executionId = `${environmentId}-links-1`;
    const line = { environmentId, executionId, service: admin, stage: 'Build', step: 'Build' };
    server.state.appendDeploymentLogs([
      { ...line, message: 'src/index.ts:3:7 - error TS2322: Type "number" is not assignable to type "string".' },
      { ...line, message: 'read ../../etc/passwd:1 then /etc/passwd:2 then https://evil.example/src/index.ts:3' },
      { ...line, message: '    at main (/app/src/index.ts:2:1)' },
      { ...line, type: 'error', step: 'BuildError', message: 'The build failed.', error: { user_log_message: 'The build of admin-dashboard failed.' } },
    ]);
    const view = await vscode.commands.executeCommand<DeploymentLogView>(Commands.showDeploymentLogs, { ...ids(), executionId });
    await waitFor('the log in the editor', () => textOf(view.uri).includes('src/index.ts:3:7'));
    const links = await waitFor('the links', async () => {
      const found = await fileLinks(view.uri);
      return found.length >= 2 && found;
    }, 20_000);
    const compiler = links.find((l) => l.text === 'src/index.ts:3:7');
    assert.ok(compiler, JSON.stringify(links));
    assert.strictEqual(compiler.target.fsPath, indexFile());
    assert.strictEqual(compiler.target.fragment, 'L3,7');
    const frame = links.find((l) => l.text === '/app/src/index.ts:2:1');
    assert.ok(frame, JSON.stringify(links));
    assert.strictEqual(frame.target.fsPath, indexFile());
    assert.strictEqual(frame.target.fragment, 'L2,1');
    assert.deepStrictEqual(
      links.filter((l) => l.line.includes('passwd')),
      [],
      'nothing outside the folder, and no URL, is linked',
    );
    assert.ok(links.every((l) => l.target.fsPath.startsWith(dir)), JSON.stringify(links));

    // The log is of a failed deployment: its build error is in the Problems view, as plain text.
    const [problem] = await waitFor('the Problem', () => problems().length > 0 && problems(), 20_000);
    assert.strictEqual(problem.message, 'error TS2322: Type "number" is not assignable to type "string".');
    assert.strictEqual(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.deepStrictEqual([problem.range.start.line, problem.range.start.character], [2, 6]);
  });

  it('a followed deployment that fails in the build shows its compiler errors as Problems, @qovery /why anchors the file; the next successful deployment clears them', async () => {
    api.chunks.get('logs').commands.fileLinks.clearProblems();
    assert.deepStrictEqual(problems(), []);
    const off = server.deployments.onStep((d, state) => {
      if (d.serviceId === service && state === 'BUILD_ERROR') {
        server.state.appendDeploymentLogs([{ environmentId, executionId: d.executionId, service: admin, stage: 'Build', step: 'Build', message: 'src/index.ts:4:10 - error TS2304: Cannot find name "d".' }]);
      }
    });
    try {
      server.deployments.pushCommit(service, { sha: head(), message: 'breaks the build', failsBuild: true });
      await vscode.commands.executeCommand(Commands.deploy);
      await waitFor('the failure notification', () => prompter.messages('error')[0], 30_000);
      const shown = await waitFor('the Problem of the failed build', () => problems().length > 0 && problems(), 20_000);
      assert.deepStrictEqual(
        shown.map((p) => [p.message, p.range.start.line]),
        [['error TS2304: Cannot find name "d".', 3]],
      );
      // @qovery /why names the file the failing line points at, as an anchor at its line.
      const anchors: vscode.Location[] = [];
      const markdown: string[] = [];
      const stream = { markdown: (v: string) => markdown.push(v), button: () => undefined, anchor: (v: vscode.Location) => anchors.push(v) };
      await api.agents.participant({ command: 'why', prompt: '' }, {}, stream, new vscode.CancellationTokenSource().token);
      assert.ok(markdown.join('').includes('error TS2304'), markdown.join(''));
      assert.deepStrictEqual(
        anchors.map((a) => [a.uri.fsPath, a.range.start.line, a.range.start.character]),
        [[indexFile(), 3, 9]],
      );
    } finally {
      off();
    }
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'fix the build');
    await waitFor('the link sees the new HEAD', async () => {
      await api.workspace.links.refresh();
      return linkOf()?.head === head();
    }, 20_000);
    server.deployments.pushCommit(service, { sha: head(), message: 'fix the build' });
    await vscode.commands.executeCommand(Commands.deploy);
    await waitFor('the success', () => prompter.messages('info').find((m) => m.startsWith('Qovery: admin-dashboard is')), 30_000);
    await waitFor('the Problems cleared', () => problems().length === 0, 10_000);
  });

  it('unlinking the folder takes its service\'s Problems away', async () => {
    const view = await vscode.commands.executeCommand<DeploymentLogView>(Commands.showDeploymentLogs, { ...ids(), executionId: `${environmentId}-links-1` });
    await waitFor('the log in the editor', () => textOf(view.uri).includes('src/index.ts:3:7'));
    await waitFor('the Problem', () => problems().length > 0, 20_000);
    await api.workspace.links.unlink(folder);
    await waitFor('the Problems cleared', () => problems().length === 0, 10_000);
    // Linked again for the next test.
    await api.workspace.links.linkTo(folder, linkOf()!.matches[0] ?? (await api.workspace.links.services()).services.find((c) => c.serviceId === service)!, false);
    await waitFor('linked again', () => linkOf()?.status === 'linked', 20_000);
  });

  it('the live log view links a stack frame of the linked service to the file', async () => {
    const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, ids());
    assert.ok(view);
    await waitFor('the stream', () => server.logs.openSockets > 0, 20_000);
    server.logs.send(1, { serviceId: service, text: 'TypeError: x is undefined at main (/app/src/index.ts:2:5) line' });
    await waitFor('the line', () => textOf(view.uri).includes('/app/src/index.ts:2:5'), 20_000);
    const links = await waitFor('the link', async () => {
      const found = await fileLinks(view.uri);
      return found.length > 0 && found;
    }, 20_000);
    assert.deepStrictEqual(
      links.map((l) => [l.text, l.target.fsPath, l.target.fragment]),
      [['/app/src/index.ts:2:5', indexFile(), 'L2,5']],
    );
  });
});
