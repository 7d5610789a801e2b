import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveGitPath, runGit, treeState } from '../../../src/shared/gitRun';

// The deploy checks run git by the absolute path VS Code's git extension gives, and fail closed: a git
// that cannot run is "unknown", never "clean". Real processes, real repositories in a temporary folder.
describe('workspace: git for the deploy checks', function () {
  this.timeout(20_000);
  const realGit = ['/usr/bin/git', '/usr/local/bin/git', '/bin/git'].find((p) => fs.existsSync(p));
  let dir: string;

  before(function () {
    if (!realGit || process.platform === 'win32') {
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-gitrun-'));
    const g = (...args: string[]) => execFileSync(String(realGit), args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    g('init', '-q');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'one\n');
    g('add', 'a.txt');
    g('commit', '-q', '-m', 'first');
  });
  after(() => {
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('clean, then dirty, with the git the extension was given', async () => {
    assert.deepEqual(await treeState(realGit, dir), { kind: 'clean' });
    fs.writeFileSync(path.join(dir, 'a.txt'), 'two\n');
    try {
      assert.deepEqual(await treeState(realGit, dir), { kind: 'dirty' });
    } finally {
      fs.writeFileSync(path.join(dir, 'a.txt'), 'one\n');
    }
  });

  it('no git known (the git extension missing or disabled): unknown, not clean', async () => {
    assert.deepEqual(await treeState(undefined, dir), { kind: 'unknown', reason: 'noGit' });
  });

  it('a git path that is not there: unknown (not found)', async () => {
    assert.deepEqual(await treeState(path.join(dir, 'no-such-git'), dir), { kind: 'unknown', reason: 'notFound' });
  });

  it('a git that hangs: unknown (timeout), after the timeout', async () => {
    const slow = path.join(dir, 'slow-git.sh');
    fs.writeFileSync(slow, '#!/bin/sh\nexec sleep 5\n', { mode: 0o755 });
    assert.deepEqual(await treeState(slow, dir, 300), { kind: 'unknown', reason: 'timeout' });
  });

  it('a folder that is not a repository: unknown', async () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-plain-'));
    try {
      assert.deepEqual(await treeState(realGit, plain), { kind: 'unknown', reason: 'notRepository' });
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });

  it('a bare "git" (what the git extension reports when it found git on PATH) runs from an absolute PATH entry, never from the folder or a relative entry', async () => {
    const marker = path.join(dir, 'planted-ran');
    const planted = path.join(dir, 'git');
    fs.writeFileSync(planted, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    const before = process.env.PATH;
    // "." and "" (the current folder) come first; the real git's folder last.
    process.env.PATH = ['.', '', path.dirname(String(realGit))].join(path.delimiter);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const ran = await runGit('git', dir, ['rev-parse', '--is-inside-work-tree']);
      assert.deepEqual(ran, { kind: 'ran', code: 0, stdout: 'true\n' });
      assert.equal(resolveGitPath('git'), String(realGit));
      assert.deepEqual(await treeState('./git', dir), { kind: 'unknown', reason: 'notFound' }, 'a relative path is refused');
      assert.equal(fs.existsSync(marker), false, 'the planted git never ran');
      process.env.PATH = ['.', ''].join(path.delimiter);
      assert.deepEqual(await treeState('git', dir), { kind: 'unknown', reason: 'notFound' }, 'only relative PATH entries: not found');
      assert.equal(fs.existsSync(marker), false, 'the planted git never ran');
    } finally {
      process.chdir(cwd);
      process.env.PATH = before;
      fs.rmSync(planted, { force: true });
    }
  });
});
