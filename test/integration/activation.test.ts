import * as assert from 'node:assert';
import * as vscode from 'vscode';

describe('activation', () => {
  it('activates and registers its commands', async () => {
    const ext = vscode.extensions.getExtension('qovery-community.qovery');
    assert.ok(ext, 'extension is installed');
    await ext.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('qovery.showLog'));
  });
});
