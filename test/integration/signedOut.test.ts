import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { COMMAND_TABLE } from '../../src/commands/table';
import type { QoveryExtensionApi } from '../../src/extension';
import { extensionApi, resetExtension, ScriptedPrompter, waitFor } from './helpers';

/** The one message every command that needs a connection shows when there is none. */
const SIGN_IN = 'Qovery: this command needs a connection. Sign in with a Qovery API token first.';

// The command table says which commands need a connection; signed out, each of them says so in the
// same words with a Sign In button, before asking anything else, whatever chunk runs it.
describe('commands that need a connection, run signed out', function () {
  this.timeout(60_000);
  let api: QoveryExtensionApi;

  before(async () => {
    api = await extensionApi();
    await resetExtension(api);
  });

  after(async () => {
    await resetExtension(api);
  });

  const needing = COMMAND_TABLE.filter((row) => row.connection);

  it('the table lists some, from several chunks', () => {
    assert.ok(needing.length >= 20, `${needing.length} rows`);
    assert.ok(new Set(needing.map((r) => r.chunk)).size >= 6);
  });

  for (const row of needing) {
    it(`${row.id} (${row.chunk}) asks to sign in, and nothing else`, async () => {
      assert.strictEqual(api.store.connections().length, 0, 'signed out');
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand(row.id);
      const first = await waitFor('a message', () => prompter.shown[0]);
      assert.deepStrictEqual(
        prompter.shown.map((r) => `${r.kind}: ${r.message} [${r.actions.join(', ')}]`),
        [`info: ${SIGN_IN} [Sign In]`],
        `${row.id} showed ${first.kind} "${first.message}"`,
      );
    });
  }
});
