// Loads the Qovery-compatible test server (test/qovery) into this process, for `npm start` and the
// e2e run. The TypeScript sources are bundled with esbuild on the fly, so neither needs `tsc` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { root } from './host.mjs';

const require = createRequire(import.meta.url);

/** The module test/qovery/index.ts: startQoveryServer, DEMO, DEMO_ADMIN_TOKEN, ... */
export async function loadQoveryApi() {
  const dir = mkdtempSync(join(tmpdir(), 'qovery-api-'));
  const outfile = join(dir, 'qovery-api.cjs');
  try {
    await esbuild.build({
      entryPoints: [join(root, 'test', 'qovery', 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'error',
    });
    return require(outfile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the extension's development bundle (dist/extension.js) with the project's esbuild.mjs. */
export function buildExtension() {
  const result = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`building the extension failed:\n${result.stdout}${result.stderr}`);
  }
}
