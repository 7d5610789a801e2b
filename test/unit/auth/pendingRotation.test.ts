import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { hasUnfinishedRotation, JOURNAL_INDEX_SECRET, LEGACY_JOURNAL_KEY } from '../../../src/auth/rotation/pending';

const secretsWith = (values: Record<string, string>, failing = false): vscode.SecretStorage =>
  ({ get: (key: string) => (failing ? Promise.reject(new Error('keyring locked')) : Promise.resolve(values[key])) }) as unknown as vscode.SecretStorage;
const stateWith = (values: Record<string, unknown>): vscode.Memento => ({ get: (key: string) => values[key] }) as unknown as vscode.Memento;

// Activation loads the rotation chunk only when this says a rotation is waiting to be finished.
describe('hasUnfinishedRotation', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-pending-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('no journal anywhere: no', async () => {
    assert.strictEqual(await hasUnfinishedRotation(secretsWith({}), stateWith({}), dir), false);
    assert.strictEqual(await hasUnfinishedRotation(secretsWith({ [JOURNAL_INDEX_SECRET]: '[]' }), stateWith({ [LEGACY_JOURNAL_KEY]: [] }), dir), false);
  });

  it('a journal listed in SecretStorage, left as a file, or kept in globalState by 0.1: yes', async () => {
    assert.strictEqual(await hasUnfinishedRotation(secretsWith({ [JOURNAL_INDEX_SECRET]: '["r1"]' }), stateWith({}), dir), true);
    assert.strictEqual(await hasUnfinishedRotation(secretsWith({}), stateWith({ [LEGACY_JOURNAL_KEY]: [{ id: 'r1' }] }), dir), true);
    fs.mkdirSync(path.join(dir, 'rotation'));
    fs.writeFileSync(path.join(dir, 'rotation', 'lease-x'), '');
    assert.strictEqual(await hasUnfinishedRotation(secretsWith({}), stateWith({}), dir), false, 'a lease is no journal');
    fs.writeFileSync(path.join(dir, 'rotation', 'journal-r1.json'), '{}');
    assert.strictEqual(await hasUnfinishedRotation(secretsWith({}), stateWith({}), dir), true);
  });

  it('a SecretStorage that cannot be read: yes (recovery decides, and defers)', async () => {
    assert.strictEqual(await hasUnfinishedRotation(secretsWith({}, true), stateWith({}), dir), true);
  });
});
