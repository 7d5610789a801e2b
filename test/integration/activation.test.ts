import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { COMMAND_TABLE } from '../../src/commands/table';
import type { QoveryExtensionApi } from '../../src/extension';

describe('activation', () => {
  it('activates and registers its commands', async () => {
    const ext = vscode.extensions.getExtension('qovery-community.qovery');
    assert.ok(ext, 'extension is installed');
    await ext.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('qovery.showLog'));
  });
});

describe('commands whose code is in a chunk', () => {
  it('each chunk brings a handler for every command the core registers for it', async () => {
    const ext = vscode.extensions.getExtension<QoveryExtensionApi>('qovery-community.qovery');
    assert.ok(ext);
    const api = await ext.activate();
    const registered = await vscode.commands.getCommands(true);
    for (const { id, chunk } of COMMAND_TABLE) {
      assert.ok(registered.includes(id), `${id} is registered`);
      if (chunk !== 'core') {
        const handlers = (api.chunks.get(chunk) as { handlers?: Record<string, unknown> }).handlers ?? {};
        assert.strictEqual(typeof handlers[id], 'function', `the ${chunk} chunk handles ${id}`);
      }
    }
  });
});
