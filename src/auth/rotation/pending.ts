// Whether a rotation that VS Code stopped in the middle is waiting to be finished, read without loading
// the rotation chunk: activation asks, and loads the chunk only when the answer is yes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';

/** The index of the journals in SecretStorage (every window of the client sees it). */
export const JOURNAL_INDEX_SECRET = 'qovery.rotation.journals';
/** Where version 0.1 kept its journals (globalState). */
export const LEGACY_JOURNAL_KEY = 'qovery.rotations';

/**
 * A journal is listed in SecretStorage, left as a file by an earlier version in the global storage, or
 * kept in globalState by 0.1. A SecretStorage that cannot be read counts as yes: recovery decides then.
 */
export async function hasUnfinishedRotation(secrets: vscode.SecretStorage, globalState: vscode.Memento, storageDir: string): Promise<boolean> {
  const shared = await Promise.resolve(secrets.get(JOURNAL_INDEX_SECRET)).then(
    (index) => index !== undefined && index !== '[]',
    () => true,
  );
  const legacy = globalState.get<unknown>(LEGACY_JOURNAL_KEY);
  let files = false;
  try {
    files = fs.readdirSync(path.join(storageDir, 'rotation')).some((name) => name.startsWith('journal-'));
  } catch {
    files = false;
  }
  return shared || files || (Array.isArray(legacy) && legacy.length > 0);
}
