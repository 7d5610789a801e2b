// Would git track this file? Asked of git itself (check-ignore, ls-files), so every .gitignore,
// info/exclude and global exclude counts. Git runs by the absolute path VS Code's git uses. No `vscode`.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { runGit } from '../shared/gitRun';

async function git(gitPath: string | undefined, cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const run = await runGit(gitPath, cwd, args);
  return run.kind === 'ran' ? { code: run.code, stdout: run.stdout } : { code: -1, stdout: '' };
}

export interface GitTracking {
  /** The file is in a repository and not ignored: a commit would take it. */
  tracked: boolean;
  /** The file is committed already (ignore rules do not apply to it any more). */
  committed: boolean;
  /** The repository's top folder. */
  repository?: string;
}

/** `gitPath`: the absolute path of the git VS Code runs (the git extension's `git.path`). */
export async function gitWouldTrack(file: string, gitPath: string | undefined): Promise<GitTracking> {
  const dir = path.dirname(file);
  try {
    await fs.access(dir);
  } catch {
    return { tracked: false, committed: false };
  }
  const top = await git(gitPath, dir, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) {
    return { tracked: false, committed: false };
  }
  const repository = top.stdout.trim();
  const name = path.basename(file);
  const committed = (await git(gitPath, dir, ['ls-files', '--error-unmatch', '--', name])).code === 0;
  if (committed) {
    return { tracked: true, committed: true, repository };
  }
  const ignored = (await git(gitPath, dir, ['check-ignore', '-q', '--', name])).code === 0;
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
