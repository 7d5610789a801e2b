// Runs git for a check, by the absolute path of the git VS Code's git extension uses (`git.path`), never
// a `git` from the workspace folder or a relative PATH entry (a repository could carry its own `git`). A check
// that could not run says so, so the caller asks instead of taking it as clean. No `vscode`.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Why git could not answer: no git known to VS Code, not there, too slow, or it failed to start. */
export type GitUnavailableReason = 'noGit' | 'notFound' | 'timeout' | 'failed';

export type GitRun = { kind: 'ran'; code: number; stdout: string } | { kind: 'unavailable'; reason: GitUnavailableReason };

export const GIT_TIMEOUT_MS = 10_000;

/**
 * The absolute path of the git to run. The git extension's `git.path` is absolute when it was set or
 * found in a known place, and a bare `git` when it was found on PATH (Linux): then PATH is searched here,
 * its absolute entries only, so neither the current folder nor a relative entry (".", "") can supply it.
 * A relative path with a separator is refused.
 */
export function resolveGitPath(gitPath: string | undefined, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (!gitPath) {
    return undefined;
  }
  if (path.isAbsolute(gitPath)) {
    return gitPath;
  }
  if (gitPath.includes('/') || gitPath.includes('\\')) {
    return undefined;
  }
  const pathValue = env.PATH ?? env.Path ?? '';
  const extensions = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  const names = platform === 'win32' && path.extname(gitPath) === '' ? extensions.map((e) => gitPath + e.toLowerCase()) : [gitPath];
  for (const dir of pathValue.split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) {
      continue;
    }
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) {
          return candidate;
        }
      } catch {
        // Not there: the next entry.
      }
    }
  }
  return undefined;
}

export function runGit(gitPath: string | undefined, cwd: string, args: readonly string[], timeoutMs = GIT_TIMEOUT_MS): Promise<GitRun> {
  const executable = resolveGitPath(gitPath);
  if (!executable) {
    return Promise.resolve({ kind: 'unavailable', reason: gitPath ? 'notFound' : 'noGit' });
  }
  return new Promise((resolve) => {
    try {
      execFile(executable, [...args], { cwd, timeout: timeoutMs, windowsHide: true, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
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
