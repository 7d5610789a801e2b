import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extensionApi, usedSecrets, usedTokens, waitFor } from './helpers';

function* filesUnder(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      yield* filesUnder(full);
    } else if (entry.isFile()) {
      yield full;
    }
  }
}

// Runs last: everything VS Code and the extension wrote during the suite is on disk by now.
describe('after the whole suite', () => {
  it('no token and no secret variable value used in the tests appears in any file VS Code or the extension wrote (logs, settings, state)', async function () {
    const root = process.env.QOVERY_TEST_SCAN_DIR;
    if (!root) {
      this.skip();
    }
    // The whole folder uses many; a part of it (QOVERY_TEST_FILES: the newer host's AI tests) at least one each.
    const part = !!process.env.QOVERY_TEST_FILES;
    assert.ok(usedTokens.size >= (part ? 1 : 5), `the suite used tokens (${usedTokens.size})`);
    assert.ok(usedSecrets.size >= (part ? 1 : 3), `the suite typed secret values (${usedSecrets.size})`);
    const api = await extensionApi();
    // A control line: proves the scan reaches the extension's own log file.
    const marker = `scan-marker-${Date.now()}`;
    api.log.info(marker);
    await waitFor(
      'the log line on disk',
      () => [...filesUnder(root)].some((f) => f.endsWith('.log') && fs.readFileSync(f, 'latin1').includes(marker)),
      15_000,
    );
    const leaks: string[] = [];
    let scanned = 0;
    for (const file of filesUnder(root)) {
      const text = fs.readFileSync(file, 'latin1');
      scanned++;
      for (const token of usedTokens) {
        if (text.includes(token)) {
          leaks.push(`${path.relative(root, file)} holds a token starting ${token.slice(0, 6)}`);
        }
      }
      for (const secret of usedSecrets) {
        if (text.includes(secret)) {
          leaks.push(`${path.relative(root, file)} holds a secret variable value starting ${secret.slice(0, 6)}`);
        }
      }
    }
    console.log(`      (scanned ${scanned} files under the VS Code data folders)`);
    assert.ok(scanned > 10, `scanned ${scanned} files`);
    assert.deepStrictEqual(leaks, []);
  });
});
