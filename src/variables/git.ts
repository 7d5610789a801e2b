// Would git track this file? Asked of git itself (check-ignore, ls-files), so every .gitignore,
// info/exclude and global exclude counts. No `vscode`.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 10_000, windowsHide: true }, (error, stdout) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });
}

export interface GitTracking {
  /** The file is in a repository and not ignored: a commit would take it. */
  tracked: boolean;
  /** The file is committed already (ignore rules do not apply to it any more). */
  committed: boolean;
  /** The repository's top folder. */
  repository?: string;
}

export async function gitWouldTrack(file: string): Promise<GitTracking> {
  const dir = path.dirname(file);
  try {
    await fs.access(dir);
  } catch {
    return { tracked: false, committed: false };
  }
  const top = await git(dir, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) {
    return { tracked: false, committed: false };
  }
  const repository = top.stdout.trim();
  const name = path.basename(file);
  const committed = (await git(dir, ['ls-files', '--error-unmatch', '--', name])).code === 0;
  if (committed) {
    return { tracked: true, committed: true, repository };
  }
  const ignored = (await git(dir, ['check-ignore', '-q', '--', name])).code === 0;
  return { tracked: !ignored, committed: false, repository };
}

/** Adds the file to the repository's top .gitignore (a line anchored at the top, like `/api/.env`). */
export async function gitignoreLine(repository: string, file: string): Promise<void> {
  const real = await fs.realpath(path.dirname(file)).then((d) => path.join(d, path.basename(file)), () => file);
  const relative = path.relative(await fs.realpath(repository).catch(() => repository), real).split(path.sep).join('/');
  const ignoreFile = path.join(repository, '.gitignore');
  const current = await fs.readFile(ignoreFile, 'utf8').catch(() => '');
  const line = `/${relative.replace(/([*?[\]!#\\ ])/g, '\\$1')}`;
  if (current.split(/\r?\n/).includes(line)) {
    return;
  }
  await fs.writeFile(ignoreFile, `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${line}\n`);
}
