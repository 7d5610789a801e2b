// Workspace folders that are git repositories, for the suites of the workspace link and deploy.
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Runs git in `cwd` with a fixed identity and no global configuration. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
  }).trim();
}

/** A repository with one commit, a remote and a branch that looks pushed (no network needed). */
export function makeRepository(name: string, remote: string, branch = 'main'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `qovery-ws-${name}-`));
  git(dir, 'init', '-q', '-b', branch);
  fs.writeFileSync(path.join(dir, 'README.md'), `# ${name}\n`);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'first');
  git(dir, 'remote', 'add', 'origin', remote);
  git(dir, 'update-ref', `refs/remotes/origin/${branch}`, 'HEAD');
  return dir;
}

export async function addFolder(dir: string): Promise<vscode.WorkspaceFolder> {
  const count = vscode.workspace.workspaceFolders?.length ?? 0;
  const changed = new Promise<void>((resolve) => {
    const sub = vscode.workspace.onDidChangeWorkspaceFolders(() => {
      sub.dispose();
      resolve();
    });
  });
  // Folders are only ever added after the first: changing the first one would restart the extension host.
  assert.ok(vscode.workspace.updateWorkspaceFolders(count, 0, { uri: vscode.Uri.file(dir) }), 'the folder can be added');
  await changed;
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.fsPath === dir);
  assert.ok(folder);
  return folder;
}

export async function removeAddedFolders(): Promise<void> {
  const count = vscode.workspace.workspaceFolders?.length ?? 0;
  if (count > 1) {
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeWorkspaceFolders(() => {
        sub.dispose();
        resolve();
      });
    });
    vscode.workspace.updateWorkspaceFolders(1, count - 1);
    await changed;
  }
}
