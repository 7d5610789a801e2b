import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';

// Runs against the .vsix installed into the extensions folder, as a user gets it from the Marketplace.
describe('packaged .vsix', () => {
  const ext = vscode.extensions.getExtension('qovery-community.qovery');

  it('is installed from the package, not from the development folder', () => {
    assert.ok(ext, 'qovery-community.qovery is installed');
    assert.ok(!ext.extensionPath.startsWith(path.resolve(__dirname, '..', '..', '..')), `loaded from ${ext.extensionPath}`);
  });

  it('activates from the packaged bundle', async () => {
    await ext!.activate();
    assert.strictEqual(ext!.isActive, true);
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
});
