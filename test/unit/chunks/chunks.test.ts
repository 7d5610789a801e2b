import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

// Compiled to out/test/unit/chunks: the repository root is four levels up.
const root = path.resolve(__dirname, '..', '..', '..', '..');
const chunksDir = path.join(root, 'src', 'chunks');
const chunkNames = (): string[] =>
  fs
    .readdirSync(chunksDir)
    .filter((f) => f.endsWith('.ts') && f !== 'core.ts')
    .map((f) => f.slice(0, -3))
    .sort();

/** esbuild.mjs's chunk entry points for a working folder (an ES module, so read in a child Node). */
function entryPointsOf(workingDir: string): Record<string, string> {
  const script = `import { chunkEntryPoints } from ${JSON.stringify(pathToFileURL(path.join(root, 'esbuild.mjs')).href)};
process.stdout.write(JSON.stringify(chunkEntryPoints(${JSON.stringify(workingDir)})));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as Record<string, string>;
}

describe('the chunks: a new chunk is one new file in src/chunks', function () {
  this.timeout(20_000);

  it('the build finds the chunk files itself, core.ts apart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-chunks-'));
    try {
      fs.mkdirSync(path.join(dir, 'src', 'chunks'), { recursive: true });
      for (const file of ['core.ts', 'shell.ts', 'api.ts', 'notes.md', 'types.d.ts']) {
        fs.writeFileSync(path.join(dir, 'src', 'chunks', file), '');
      }
      assert.deepStrictEqual(entryPointsOf(dir), { 'chunks/api': 'src/chunks/api.ts', 'chunks/shell': 'src/chunks/shell.ts' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the build of this repository bundles every chunk file', () => {
    const entries = entryPointsOf(root);
    assert.deepStrictEqual(Object.keys(entries), chunkNames().map((n) => `chunks/${n}`));
    assert.ok(Object.keys(entries).length >= 12, Object.keys(entries).join(', '));
  });

  it('core.ts imports no chunk, and each chunk declares its own entry of the module table', () => {
    const core = fs.readFileSync(path.join(chunksDir, 'core.ts'), 'utf8');
    const imported = [...core.matchAll(/from '\.\/([\w-]+)'/g)].map((m) => m[1]);
    assert.deepStrictEqual(imported, [], 'src/chunks/core.ts imports a chunk');
    const missing = chunkNames().filter((name) => {
      const text = fs.readFileSync(path.join(chunksDir, `${name}.ts`), 'utf8');
      return !new RegExp(`declare module '\\./core' \\{\\s*interface ChunkModules \\{\\s*${name}: typeof create;`).test(text);
    });
    assert.deepStrictEqual(missing, [], 'chunks that do not declare their ChunkModules entry');
  });
});
