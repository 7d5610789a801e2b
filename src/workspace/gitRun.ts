// Runs git for a check, by the absolute path VS Code's git extension uses (`git.path`), never a bare
// `git` looked up on PATH or in the workspace folder (a repository could carry its own `git`). A check
// that could not run says so, so the caller asks instead of taking it as clean. No `vscode`.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** Why git could not answer: no git known to VS Code, not there, too slow, or it failed to start. */
export type GitUnavailableReason = 'noGit' | 'notFound' | 'timeout' | 'failed';

export type GitRun = { kind: 'ran'; code: number; stdout: string } | { kind: 'unavailable'; reason: GitUnavailableReason };

export const GIT_TIMEOUT_MS = 10_000;

export function runGit(gitPath: string | undefined, cwd: string, args: readonly string[], timeoutMs = GIT_TIMEOUT_MS): Promise<GitRun> {
  if (!gitPath || !path.isAbsolute(gitPath)) {
    return Promise.resolve({ kind: 'unavailable', reason: 'noGit' });
  }
  return new Promise((resolve) => {
    try {
      execFile(gitPath, [...args], { cwd, timeout: timeoutMs, windowsHide: true, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
        if (!error) {
          resolve({ kind: 'ran', code: 0, stdout: String(stdout) });
          return;
        }
        const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown };
        if (e.code === 'ENOENT' || e.code === 'EACCES') {
          resolve({ kind: 'unavailable', reason: 'notFound' });
        } else if (e.killed || e.signal) {
          resolve({ kind: 'unavailable', reason: 'timeout' });
        } else if (typeof e.code === 'number') {
          resolve({ kind: 'ran', code: e.code, stdout: String(stdout) });
        } else {
          resolve({ kind: 'unavailable', reason: 'failed' });
        }
      });
    } catch {
      resolve({ kind: 'unavailable', reason: 'failed' });
    }
  });
}

/** What the working tree holds besides HEAD: tracked files changed, nothing, or it could not be told. */
export type TreeState = { kind: 'clean' } | { kind: 'dirty' } | { kind: 'unknown'; reason: GitUnavailableReason | 'notRepository' };

/** Uncommitted changes to tracked files (`git status --porcelain --untracked-files=no`). */
export async function treeState(gitPath: string | undefined, folder: string, timeoutMs = GIT_TIMEOUT_MS): Promise<TreeState> {
  const run = await runGit(gitPath, folder, ['status', '--porcelain', '--untracked-files=no'], timeoutMs);
  if (run.kind === 'unavailable') {
    return { kind: 'unknown', reason: run.reason };
  }
  if (run.code !== 0) {
    return { kind: 'unknown', reason: 'notRepository' };
  }
  return run.stdout.trim() === '' ? { kind: 'clean' } : { kind: 'dirty' };
}
