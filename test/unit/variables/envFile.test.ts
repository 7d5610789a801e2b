import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeEnvFile } from '../../../src/variables/envFile';

describe('pulled .env file: written in place, never through a link', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-envfile-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a new file readable by its owner only, and replaces an existing one', async function () {
    const file = path.join(dir, '.env');
    assert.deepEqual(await writeEnvFile(file, 'A=1\n'), { kind: 'written' });
    assert.equal(fs.readFileSync(file, 'utf8'), 'A=1\n');
    if (process.platform !== 'win32') {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    }
    assert.deepEqual(await writeEnvFile(file, 'B=2\n'), { kind: 'written' });
    assert.equal(fs.readFileSync(file, 'utf8'), 'B=2\n');
  });

  it('refuses a .env that is a symbolic link, says where it points, and leaves the target alone', async function () {
    const elsewhere = path.join(dir, 'tracked.txt');
    fs.writeFileSync(elsewhere, 'kept\n');
    const file = path.join(dir, '.env');
    try {
      fs.symlinkSync(elsewhere, file);
    } catch {
      this.skip(); // no right to make links (Windows without developer mode)
    }
    assert.deepEqual(await writeEnvFile(file, 'SECRET=x\n'), { kind: 'link', target: elsewhere });
    assert.equal(fs.readFileSync(elsewhere, 'utf8'), 'kept\n');
    // A dangling link would create its target: refused too.
    const dangling = path.join(dir, '.env.local');
    fs.symlinkSync(path.join(dir, 'nowhere', '.env'), dangling);
    assert.deepEqual(await writeEnvFile(dangling, 'A=1\n'), { kind: 'link', target: path.join(dir, 'nowhere', '.env') });
    assert.ok(!fs.existsSync(path.join(dir, 'nowhere')));
  });
});
