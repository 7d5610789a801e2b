import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND_TABLE } from '../../src/commands/table';

// Runs against the .vsix installed into the extensions folder, as a user gets it from the Marketplace.
describe('packaged .vsix', () => {
  const ext = vscode.extensions.getExtension('qovery-community.qovery');
  const chunkFile = (name: string): string => path.join(ext!.extensionPath, 'dist', 'chunks', `${name}.js`);
  /** Whether the extension host has loaded a chunk: `require` keeps every module it loaded in its cache. */
  const loaded = (name: string): boolean => require.cache[chunkFile(name)] !== undefined;

  it('is installed from the package, not from the development folder', () => {
    assert.ok(ext, 'qovery-community.qovery is installed');
    assert.ok(!ext.extensionPath.startsWith(path.resolve(__dirname, '..', '..', '..')), `loaded from ${ext.extensionPath}`);
  });

  it('activates from the packaged bundle, without loading any chunk', async () => {
    await ext!.activate();
    assert.strictEqual(ext!.isActive, true);
    // The chunks the package ships, as the build found them in src/chunks.
    const shipped = fs.readdirSync(path.join(ext!.extensionPath, 'dist', 'chunks')).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -'.js'.length));
    assert.ok(shipped.length >= 12, `the .vsix ships the chunks: ${shipped.join(', ')}`);
    for (const { id, chunk } of COMMAND_TABLE) {
      assert.ok(chunk === 'core' || shipped.includes(chunk), `the .vsix ships dist/chunks/${chunk}.js (for ${id})`);
    }
    for (const name of shipped) {
      assert.strictEqual(loaded(name), false, `the ${name} chunk is not loaded by activation`);
    }
  });

  // Before the view is shown: showing it loads the tree chunk too.
  it('Copy ID (tree chunk) loads its chunk, and does nothing without a row', async () => {
    assert.strictEqual(loaded('tree'), false);
    await vscode.commands.executeCommand('qovery.copyId');
    assert.ok(loaded('tree'));
  });

  it('contributes its view container, view and commands', async () => {
    const contributes = ext!.packageJSON.contributes;
    assert.ok(contributes.viewsContainers.activitybar.some((c: { id: string }) => c.id === 'qovery'));
    assert.ok(contributes.views.qovery.some((v: { id: string }) => v.id === 'qovery.organizations'));
    const commands = await vscode.commands.getCommands(true);
    for (const { command } of contributes.commands as { command: string }[]) {
      assert.ok(commands.includes(command), `${command} is registered`);
    }
    await vscode.commands.executeCommand('workbench.view.extension.qovery');
    await vscode.commands.executeCommand('qovery.showLog');
  });

  // One command of each chunk, signed out: each loads its chunk from the .vsix and answers.
  it('Sign Out (connections chunk) loads its chunk and answers "not signed in"', async () => {
    assert.strictEqual(await vscode.commands.executeCommand('qovery.signOut'), false);
    assert.ok(loaded('connections'));
  });

  // Signed out, a command that needs a connection asks to sign in and loads nothing.
  it('Rotate Token and Delete API Token, signed out, load no chunk', async () => {
    assert.strictEqual(await vscode.commands.executeCommand('qovery.rotateToken'), undefined);
    assert.strictEqual(await vscode.commands.executeCommand('qovery.deleteApiToken'), undefined);
    assert.strictEqual(loaded('rotation'), false);
    assert.strictEqual(loaded('tokens'), false);
  });

  it('the rotation and token management chunks (their commands need a connection) load from the .vsix', () => {
    for (const name of ['rotation', 'tokens']) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const chunk = require(chunkFile(name)) as { create?: unknown };
      assert.strictEqual(typeof chunk.create, 'function', name);
    }
  });

  it('Unlink Workspace (workspace chunk) loads its chunk and does nothing without a linked folder, signed out', async () => {
    assert.strictEqual(await vscode.commands.executeCommand('qovery.unlinkWorkspace'), undefined);
    assert.ok(loaded('workspace'));
    assert.ok(loaded('statuses'), 'the workspace chunk loads the shared environment status service');
  });

  it('Filter Variables (variables chunk) loads its chunk and does nothing without a variables row', async () => {
    assert.strictEqual(loaded('variables'), false);
    assert.strictEqual(await vscode.commands.executeCommand('qovery.filterVariables'), undefined);
    assert.ok(loaded('variables'));
  });

  it('Show Deployment History (deploy chunk) signed out asks to sign in and loads nothing; the chunk loads from the .vsix', () => {
    return Promise.resolve(vscode.commands.executeCommand('qovery.showDeploymentHistory')).then((result) => {
      assert.strictEqual(result, undefined);
      assert.strictEqual(loaded('deploy'), false);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const chunk = require(chunkFile('deploy')) as { create?: unknown };
      assert.strictEqual(typeof chunk.create, 'function');
    });
  });

  it('the API chunk (no command: it loads with the first request) makes a client with the core\'s shared modules', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const chunk = require(chunkFile('api')) as { create: () => { createClient: (o: object) => { scheme: string } } };
    assert.strictEqual(chunk.create().createClient({ baseUrl: 'https://api.qovery.com', token: `qov_${'a'.repeat(40)}` }).scheme, 'Token');
    // A URL the client refuses is told with the core's error type (one module, shared by shape and by class).
    assert.throws(
      () => chunk.create().createClient({ baseUrl: 'http://api.qovery.com', token: `qov_${'a'.repeat(40)}` }),
      (e: unknown) => (e as { name?: string; kind?: string }).name === 'QoveryApiError' && (e as { kind?: string }).kind === 'insecureUrl',
    );
  });

  it('the rotation reminder chunk (no command: it loads once signed in) loads from the .vsix', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const chunk = require(chunkFile('reminder')) as { create?: unknown };
    assert.strictEqual(typeof chunk.create, 'function');
  });
});
