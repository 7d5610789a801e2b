// What the user reads after a late swap (a window paused right before its swap while another window
// rolled the rotation back): the presenter's messages in real VS Code, with a scripted prompter.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { RotationReport } from '../../src/auth/rotation';
import { RotationPresenter, type PresenterActions } from '../../src/auth/rotation/presenter';
import { Logger } from '../../src/logger';
import { Ui } from '../../src/ui';
import { ScriptedPrompter } from './helpers';

describe('token rotation messages after a late swap', function () {
  this.timeout(60_000);
  let log: Logger;
  let prompter: ScriptedPrompter;
  let presenter: RotationPresenter;
  let updates: number;
  let tests: number;
  const actions: PresenterActions = {
    retryRevocation: () => Promise.resolve(),
    keepOldToken: () => Promise.resolve(),
    showTokens: () => Promise.resolve(),
    updateToken: () => Promise.resolve(void updates++),
    testAuthentication: () => Promise.resolve(void tests++),
  };
  const base: RotationReport = {
    outcome: 'failed',
    connectionId: 'c1',
    connectionName: 'acme',
    oldToken: { id: 'old-id', name: 'vscode-demo-admin' },
    revoked: false,
  };

  beforeEach(() => {
    log = new Logger(vscode.window.createOutputChannel('Qovery late swap test', { log: true }));
    const ui = new Ui();
    prompter = new ScriptedPrompter();
    ui.prompter = prompter;
    presenter = new RotationPresenter(ui, log);
    updates = 0;
    tests = 0;
  });

  afterEach(() => log.dispose());

  it('undone in the paused window: not rotated, the window was paused, the token used before was put back', async () => {
    await presenter.present({ ...base, stage: 'swap', errorKind: 'leaseLost', lateSwap: 'undone' }, actions);
    const [message] = prompter.messages('error');
    assert.match(message, /the token of "acme" was not rotated: this window was paused past its lease/);
    assert.match(message, /the token used before was put back, and it works/);
  });

  it('undone by the window rolling back: the new token was deleted, the token used before was put back', async () => {
    await presenter.present({ ...base, resumed: true, stage: 'verify', errorKind: 'forbidden', newToken: { id: 'new-id', name: 'vscode-acme-2026-12-07' }, lateSwap: 'undone' }, actions);
    const [message] = prompter.messages('error');
    assert.match(message, /The new token "vscode-acme-2026-12-07" \(new-id\) was deleted/);
    assert.match(message, /the token used before was put back/);
  });

  it('lost: an error that Qovery refuses the stored token, with Update Token, which runs it', async () => {
    prompter.answer('Update Token');
    await presenter.present({ ...base, stage: 'swap', errorKind: 'leaseLost', lateSwap: 'lost' }, actions);
    const record = prompter.shown.find((r) => r.kind === 'error');
    assert.ok(record, 'an error is shown');
    assert.match(record.message, /Qovery now refuses the stored token/);
    assert.deepStrictEqual(record.actions, ['Update Token', 'Show Log']);
    assert.strictEqual(updates, 1, 'Update Token runs the command');
  });

  it('undone unchecked: the token used before was put back and could not be checked, with Test Authentication and Update Token', async () => {
    prompter.answer('Test Authentication');
    await presenter.present({ ...base, stage: 'swap', errorKind: 'leaseLost', lateSwap: 'undoneUnchecked' }, actions);
    const record = prompter.shown.find((r) => r.kind === 'error');
    assert.ok(record, 'an error is shown');
    assert.match(record.message, /the token of "acme" was not rotated: this window was paused past its lease/);
    assert.match(record.message, /the token used before was put back; it could not be checked now/);
    assert.doesNotMatch(record.message, /and it works|does not work/);
    assert.deepStrictEqual(record.actions, ['Test Authentication', 'Update Token', 'Show Log']);
    assert.strictEqual(tests, 1, 'Test Authentication runs the command');
  });

  it('undone unchecked by the window rolling back: the new token may still exist, and the buttons say both', async () => {
    prompter.answer('Update Token');
    await presenter.present({ ...base, resumed: true, stage: 'verify', errorKind: 'forbidden', orphan: { id: 'new-id', name: 'vscode-acme-2026-12-07' }, journalKept: true, lateSwap: 'undoneUnchecked' }, actions);
    const record = prompter.shown.find((r) => r.kind === 'error');
    assert.ok(record, 'an error is shown');
    assert.match(record.message, /may still exist on Qovery/);
    assert.match(record.message, /it could not be checked now/);
    assert.deepStrictEqual(record.actions, ['Test Authentication', 'Update Token', 'Show API Tokens', 'Show Log']);
    assert.strictEqual(updates, 1, 'Update Token runs the command');
  });

  it('put back failed: an error that says secret storage failed, never that the token used before is refused', async () => {
    await presenter.present({ ...base, stage: 'swap', errorKind: 'leaseLost', lateSwap: 'putBackFailed' }, actions);
    const record = prompter.shown.find((r) => r.kind === 'error');
    assert.ok(record, 'an error is shown');
    assert.match(record.message, /putting the token used before back failed in VS Code's secret storage/);
    assert.doesNotMatch(record.message, /does not work either/);
    assert.deepStrictEqual(record.actions, ['Update Token', 'Show Log']);
  });

  it('unconfirmed: a warning that the stored token could not be checked, with the reason, and Update Token', async () => {
    await presenter.present({ ...base, stage: 'swap', errorKind: 'server', detail: 'Qovery answered 503', lateSwap: 'unconfirmed' }, actions);
    const record = prompter.shown.find((r) => r.kind === 'warn');
    assert.ok(record, 'a warning is shown');
    assert.match(record.message, /the token now stored could not be checked \(Qovery answered 503\)/);
    assert.deepStrictEqual(record.actions, ['Update Token', 'Show Log']);
    assert.strictEqual(prompter.messages('error').length, 0);
  });
});
