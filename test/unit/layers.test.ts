import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Compiled to out/test/unit: the repository root is three levels up.
const root = path.resolve(__dirname, '..', '..', '..');
const src = path.join(root, 'src');
/** The feature folders, as eslint.config.mjs lists them (one list for the rule and this test). */
const FEATURES = ((): string[] => {
  const line = /const FEATURES = \[([^\]]*)\]/.exec(fs.readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8'));
  assert.ok(line, 'eslint.config.mjs lists FEATURES');
  return [...line[1].matchAll(/'([a-z]+)'/g)].map((m) => m[1]);
})();

function filesOf(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? filesOf(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/** The modules a file imports at run time: type-only imports (`import type`, or only `type` names) are erased by the compiler. */
function runTimeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)';/gms)) {
    const [, typeOnly, clause, from] = m;
    const named = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
    const allTypes = named !== undefined && named.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    if (!typeOnly && !allTypes) {
      found.push(from);
    }
  }
  for (const m of text.matchAll(/^import\s+'([^']+)';/gm)) {
    found.push(m[1]);
  }
  return found;
}

/** The feature folder a relative import of `file` reaches, if any. */
function featureOf(file: string, from: string): string | undefined {
  if (!from.startsWith('.')) {
    return undefined;
  }
  const [top] = path.relative(src, path.resolve(path.dirname(file), from)).split(path.sep);
  return FEATURES.includes(top) ? top : undefined;
}

describe('the layers: the core imports no feature at run time', () => {
  // The core: the top-level modules, the explorer, the commands of connections and tokens, auth, the
  // shared services, and the chunk loader. The features hang their rows and commands through the chunks.
  const core = [
    ...fs.readdirSync(src).filter((f) => f.endsWith('.ts')).map((f) => path.join(src, f)),
    ...['tree', 'commands', 'auth', 'shared', 'api'].flatMap((dir) => filesOf(path.join(src, dir))),
    path.join(src, 'chunks', 'core.ts'),
  ];

  it('reads the imports it checks (a self-test on files that do import features)', () => {
    const wiring = runTimeImports(path.join(src, 'chunks', 'deploy.ts')).map((from) => featureOf(path.join(src, 'chunks', 'deploy.ts'), from));
    assert.ok(wiring.includes('deploy'), 'the deploy chunk imports the deploy feature');
    assert.ok(core.length > 40, `${core.length} core files`);
  });

  it('no core file imports a feature folder at run time', () => {
    const offenders = core.flatMap((file) =>
      runTimeImports(file)
        .filter((from) => featureOf(file, from))
        .map((from) => `${path.relative(root, file)}: ${from}`),
    );
    assert.deepStrictEqual(offenders, []);
  });
});
