import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { probeActivation } from './support/activationProbe';

// Compiled to out/test/unit: the repository root is three levels up.
const root = path.resolve(__dirname, '..', '..', '..');
const NAMES = path.join('src', 'contributions.ts');
/** Files allowed to spell a name themselves (none today). */
const NOT_YET_MIGRATED = new Set<string>();

interface Manifest {
  contributes: {
    commands: { command: string }[];
    viewsWelcome: { when?: string }[];
    menus: Record<string, { command?: string; when?: string }[]>;
    views: Record<string, { id: string }[]>;
    configuration: { properties: Record<string, unknown> };
    walkthroughs: { steps: { completionEvents?: string[] }[] }[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const commandIds = manifest.contributes.commands.map((c) => c.command);

/** Context keys read by `when` clauses and walkthrough events (view ids, viewItem values and settings excluded). */
function contextKeysOfManifest(): Set<string> {
  const c = manifest.contributes;
  const whens = [
    ...c.viewsWelcome.map((w) => w.when ?? ''),
    ...Object.values(c.menus).flatMap((items) => items.map((i) => i.when ?? '')),
  ].map((w) => w.replace(/\bviewItem\s*(==|=~)\s*\S+/g, '').replace(/\bview\s*==\s*\S+/g, '').replace(/\bconfig\.\S+/g, ''));
  const events = c.walkthroughs.flatMap((w) => w.steps.flatMap((s) => s.completionEvents ?? [])).filter((e) => e.startsWith('onContext:')).map((e) => e.slice('onContext:'.length));
  const keys = new Set<string>();
  for (const text of [...whens, ...events]) {
    for (const m of text.matchAll(/\bqovery\.[A-Za-z]+\b/g)) {
      keys.add(m[0]);
    }
  }
  return keys;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

/** The `'qovery.x'` literals of one object in the source of the names module, e.g. `Commands = { ... }`. */
function literalsOf(objectName: string): string[] {
  const text = fs.readFileSync(path.join(root, NAMES), 'utf8');
  const body = new RegExp(`export const ${objectName} = \\{([^}]*)\\}`).exec(text)?.[1];
  assert.ok(body, `${NAMES} declares ${objectName}`);
  return [...body.matchAll(/'(qovery\.[A-Za-z]+)'/g)].map((m) => m[1]);
}

describe('the names module (command ids and context keys)', () => {
  it('declares exactly the commands of package.json', () => {
    assert.deepStrictEqual(literalsOf('Commands').sort(), [...commandIds].sort());
  });

  it('declares every context key that package.json reads', () => {
    const declared = new Set(literalsOf('ContextKeys'));
    const settings = new Set(Object.keys(manifest.contributes.configuration.properties));
    const views = new Set(Object.values(manifest.contributes.views).flatMap((v) => v.map((x) => x.id)));
    const read = [...contextKeysOfManifest()].filter((k) => !settings.has(k) && !views.has(k) && !commandIds.includes(k));
    assert.ok(read.length >= 4, `found the context keys of package.json: ${read.join(', ')}`);
    assert.deepStrictEqual(read.filter((k) => !declared.has(k)), [], 'context keys read in package.json but not declared');
  });

  it('is the only place in src/ where a command id or context key is written as a string', () => {
    const names = [...new Set([...commandIds, ...literalsOf('ContextKeys')])];
    const offenders: string[] = [];
    for (const file of sourceFiles('src')) {
      if (file === NAMES || NOT_YET_MIGRATED.has(file)) {
        continue;
      }
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const name of names) {
        const literal = new RegExp(`['"\`]${name.replace('.', '\\.')}['"\`]`);
        if (literal.test(text)) {
          offenders.push(`${file}: ${name}`);
        }
      }
      if (/registerCommand\(\s*['"`]/.test(text) || /executeCommand\(\s*['"`]setContext/.test(text)) {
        offenders.push(`${file}: registers a command or sets a context key outside the names module`);
      }
    }
    assert.deepStrictEqual(offenders, []);
  });
});

describe('the manifest and the registered commands', function () {
  // The production build of src/extension.ts is bundled, then activated with a stand-in vscode module.
  this.timeout(30_000);

  it('activate registers every command of package.json, each once, and no command package.json lacks', async () => {
    const registered = (await probeActivation()).commands;
    const twice = registered.filter((id, i) => registered.indexOf(id) !== i);
    assert.deepStrictEqual(twice, [], 'commands registered more than once');
    assert.deepStrictEqual(commandIds.filter((id) => !registered.includes(id)), [], 'commands of package.json that activate does not register');
    assert.deepStrictEqual(registered.filter((id) => !commandIds.includes(id)), [], 'commands activate registers that package.json does not contribute');
    assert.ok(registered.length >= 40, `only ${registered.length} commands registered: ${registered.join(', ')}`);
  });
});
