import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { buildErrors, candidatePaths, documentRefs, MAX_DOCUMENT_LOOKUPS, FileRefResolver, findFileRefs, isInsideFolder, MAX_PROBLEM_CHARS, MAX_SCAN_CHARS, nodeProbe, type RefBase } from '../../../src/shared/fileRefs';

const refs = (line: string) => findFileRefs(line).map((r) => ({ path: r.path, line: r.line, column: r.column, text: line.slice(r.start, r.end) }));

describe('fileRefs: file references in log lines', () => {
  it('finds the usual formats: compiler lines, stack frames of Node, Python, Go, Java and Rust, tsc, Dockerfile steps', () => {
    assert.deepEqual(refs('src/index.ts:3:7 - error TS2322: Type "number" is not assignable'), [{ path: 'src/index.ts', line: 3, column: 7, text: 'src/index.ts:3:7' }]);
    assert.deepEqual(refs('    at Object.<anonymous> (/app/dist/index.js:31:15)'), [{ path: '/app/dist/index.js', line: 31, column: 15, text: '/app/dist/index.js:31:15' }]);
    assert.deepEqual(refs('  File "/usr/src/app/main.py", line 12, in <module>'), [{ path: '/usr/src/app/main.py', line: 12, column: undefined, text: 'File "/usr/src/app/main.py", line 12' }]);
    assert.deepEqual(refs('./cmd/server/main.go:42:9: undefined: handler'), [{ path: './cmd/server/main.go', line: 42, column: 9, text: './cmd/server/main.go:42:9' }]);
    assert.deepEqual(refs('\tat com.acme.shop.Cart.total(Cart.java:88)'), [{ path: 'Cart.java', line: 88, column: undefined, text: 'Cart.java:88' }]);
    assert.deepEqual(refs('   --> src/main.rs:12:5'), [{ path: 'src/main.rs', line: 12, column: 5, text: 'src/main.rs:12:5' }]);
    assert.deepEqual(refs('src/app/cart.ts(12,5): error TS1005: ";" expected.'), [{ path: 'src/app/cart.ts', line: 12, column: 5, text: 'src/app/cart.ts(12,5)' }]);
    assert.deepEqual(refs('Dockerfile:12'), [{ path: 'Dockerfile', line: 12, column: undefined, text: 'Dockerfile:12' }]);
    assert.deepEqual(refs('ERROR: failed to solve: docker/Dockerfile.prod:7 RUN npm run build'), [{ path: 'docker/Dockerfile.prod', line: 7, column: undefined, text: 'docker/Dockerfile.prod:7' }]);
    assert.deepEqual(refs('C:\\work\\app.ts:3 but src\\win\\app.ts:4'), [{ path: 'src/win/app.ts', line: 4, column: undefined, text: 'src\\win\\app.ts:4' }]);
  });

  it('takes no URL, scheme, drive letter, time or address for a file', () => {
    for (const line of [
      'see https://registry.example/pkg/index.js:12 for details',
      'at node:internal/modules/cjs/loader.js:1148:14',
      'webpack:///src/index.ts:3:7',
      'file:///app/src/index.ts:3:7',
      'command:workbench.action.quit.js:1',
      'C:\\Users\\me\\app.ts:3',
      '2026-11-30 09:00:01.500 started at 09:00:01',
      'listening on 127.0.0.1:8080 and [::1]:8080',
      'src/index.ts:0',
      '//evil.example/a.js:3',
    ]) {
      assert.deepEqual(refs(line), [], line);
    }
  });

  it('scans the first 4 KB of a line and takes at most 5 references from it', () => {
    assert.deepEqual(refs(`${'x'.repeat(MAX_SCAN_CHARS)} src/index.ts:3`), []);
    assert.equal(refs(`${'x'.repeat(MAX_SCAN_CHARS - 30)} src/index.ts:3`).length, 1);
    const many = Array.from({ length: 20 }, (_, i) => `src/f${i}.ts:${i + 1}`).join(' ');
    assert.deepEqual(
      refs(many).map((r) => r.path),
      ['src/f0.ts', 'src/f1.ts', 'src/f2.ts', 'src/f3.ts', 'src/f4.ts'],
    );
    assert.deepEqual(findFileRefs('a.ts:1 b.ts:2 c.ts:3', MAX_SCAN_CHARS, 2).map((r) => r.path), ['a.ts', 'b.ts']);
  });

  it('the references of every kind come in line order, each once', () => {
    const line = 'File "a.py", line 3 then b.ts(4,5) then c.go:6:7';
    assert.deepEqual(refs(line).map((r) => `${r.path}:${r.line}`), ['a.py:3', 'b.ts:4', 'c.go:6']);
  });
});

describe('fileRefs: candidate paths inside the folder', () => {
  const base = { folderInRepo: '', rootPath: '' };

  it('strips container folders and ./, reads a path from the service root path first, then from the repository root', () => {
    assert.deepEqual(candidatePaths('/app/src/index.ts', base), ['src/index.ts']);
    assert.deepEqual(candidatePaths('/usr/src/app/main.py', base), ['main.py']);
    assert.deepEqual(candidatePaths('/workspace/lib/a.go', base), ['lib/a.go']);
    assert.deepEqual(candidatePaths('./main.go', base), ['main.go']);
    assert.deepEqual(candidatePaths('src/index.ts', { folderInRepo: '', rootPath: 'services/api' }), ['services/api/src/index.ts', 'src/index.ts']);
    // The folder is the service's own directory of a monorepo.
    assert.deepEqual(candidatePaths('src/index.ts', { folderInRepo: 'services/api', rootPath: 'services/api' }), ['src/index.ts']);
    // A folder elsewhere in the repository holds neither.
    assert.deepEqual(candidatePaths('src/index.ts', { folderInRepo: 'services/web', rootPath: 'services/api' }), []);
  });

  it('refuses a path that climbs out, an absolute path outside the container folders, a scheme, a drive, a NUL', () => {
    for (const p of ['../../etc/passwd', 'src/../../etc/passwd', '/etc/passwd', '/app/../etc/passwd', '/app/../../etc/passwd', 'C:/Windows/win.ini', 'file:///etc/passwd', 'https://e.example/a.js', 'a\0b.ts', '..', '/app/', '']) {
      assert.deepEqual(candidatePaths(p, base), [], p);
    }
    // Climbing out of the service's root path but staying in the repository is fine (the repository is the folder).
    assert.deepEqual(candidatePaths('../shared/a.ts', { folderInRepo: '', rootPath: 'services/api' }), ['services/shared/a.ts']);
    // ... but not out of the folder when the folder is the service's directory.
    assert.deepEqual(candidatePaths('../shared/a.ts', { folderInRepo: 'services/api', rootPath: 'services/api' }), []);
  });
});

describe('fileRefs: the resolver', () => {
  let root: string;
  let folder: string;
  let outside: string;
  let base: RefBase;

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-refs-')));
    folder = path.join(root, 'ws');
    outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(folder, 'src'), { recursive: true });
    fs.mkdirSync(path.join(folder, 'services', 'api', 'src'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(folder, 'src', 'index.ts'), 'a\nb\nc\n');
    fs.writeFileSync(path.join(folder, 'services', 'api', 'src', 'server.ts'), 'x\n');
    fs.writeFileSync(path.join(folder, 'Dockerfile'), 'FROM node\n');
    fs.writeFileSync(path.join(outside, 'secret.ts'), 'nope\n');
    fs.symlinkSync(outside, path.join(folder, 'escape'));
    fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(folder, 'src', 'linked.ts'));
    fs.symlinkSync(path.join(folder, 'src', 'index.ts'), path.join(folder, 'src', 'alias.ts'));
    base = { folder, folderInRepo: '', rootPath: '' };
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('gives the existing file inside the folder, through the root path and the container prefixes', async () => {
    const r = new FileRefResolver();
    assert.equal(await r.resolve('src/index.ts', base), path.join(folder, 'src', 'index.ts'));
    assert.equal(await r.resolve('/app/src/index.ts', base), path.join(folder, 'src', 'index.ts'));
    assert.equal(await r.resolve('Dockerfile', base), path.join(folder, 'Dockerfile'));
    assert.equal(await r.resolve('src/server.ts', { ...base, rootPath: 'services/api' }), path.join(folder, 'services', 'api', 'src', 'server.ts'));
    // A symbolic link that stays inside the folder is fine, and the link opens the real path that was
    // checked (the path as written would be followed again when opened, maybe elsewhere by then).
    assert.equal(await r.resolve('src/alias.ts', base), fs.realpathSync(path.join(folder, 'src', 'index.ts')));
  });

  it('gives nothing for a missing file, a folder, a path out of the folder, or a symbolic link that leads out', async () => {
    const r = new FileRefResolver();
    for (const p of ['src/missing.ts', 'src', '../outside/secret.ts', `${outside}/secret.ts`, 'escape/secret.ts', 'src/linked.ts', '/app/../outside/secret.ts', '../../etc/passwd', '/etc/passwd']) {
      assert.equal(await r.resolve(p, base), undefined, p);
    }
    // A folder given as a relative path is refused outright.
    assert.equal(await r.resolve('src/index.ts', { ...base, folder: 'ws' }), undefined);
  });

  it('asks the file system about each path once while it is fresh, within a bounded cache', async () => {
    let now = 0;
    const asked: string[] = [];
    const r = new FileRefResolver(async (p) => {
      asked.push(p);
      return nodeProbe(p);
    }, 3, 1000, () => now);
    for (let i = 0; i < 100; i++) {
      await r.resolve('src/index.ts', base);
    }
    assert.deepEqual(asked, [folder, path.join(folder, 'src', 'index.ts')], 'the folder and the file, once each');
    now = 1001;
    await r.resolve('src/index.ts', base);
    assert.equal(asked.length, 4, 'asked again once stale');
    for (const name of ['a', 'b', 'c', 'd']) {
      await r.resolve(`src/${name}.ts`, base);
    }
    asked.length = 0;
    await r.resolve('src/index.ts', base);
    // The folder, asked about on every call, stays; the file, the oldest entry, left the bounded cache.
    assert.deepEqual(asked, [path.join(folder, 'src', 'index.ts')], 'the oldest entries left the bounded cache');
  });

  it('never resolves to anything but an existing file inside the folder (property test)', async () => {
    const seed = Number(process.env.QOVERY_PROPERTY_SEED ?? 20261207);
    console.log(`      fileRefs property test seed: ${seed}`);
    const resolver = new FileRefResolver();
    const piece = fc.constantFrom('..', '.', 'src', 'index.ts', 'escape', 'secret.ts', 'outside', 'linked.ts', 'app', 'etc', 'passwd', '', 'services', 'api', '%2e%2e', 'C:', '~');
    const sep = fc.constantFrom('/', '\\', '//');
    const lead = fc.constantFrom('', '/', './', '../', '/app/', '/usr/src/app/', '/workspace/', `${outside}/`, `${folder}/`, 'file://', 'https://e.example/');
    const refPath = fc.tuple(lead, fc.array(fc.tuple(piece, sep), { maxLength: 6 }), piece).map(([l, parts, last]) => l + parts.map(([p, s]) => p + s).join('') + last);
    const rootPath = fc.constantFrom('', 'services/api', 'src', '..', '../outside');
    const realFolder = fs.realpathSync(folder);
    await fc.assert(
      fc.asyncProperty(refPath, rootPath, async (p, rp) => {
        const line = `${p}:3:1 error`;
        const found = findFileRefs(line).map((r) => r.path);
        for (const candidate of [p, ...found]) {
          const resolved = await resolver.resolve(candidate, { ...base, rootPath: rp });
          if (resolved !== undefined) {
            assert.ok(isInsideFolder(folder, resolved), JSON.stringify({ p, rp, resolved }));
            assert.ok(isInsideFolder(realFolder, fs.realpathSync(resolved)), JSON.stringify({ p, rp, resolved }));
            assert.ok(fs.statSync(resolved).isFile(), JSON.stringify({ p, rp, resolved }));
          }
        }
      }),
      { seed, numRuns: 1500 },
    );
  });
});

describe('fileRefs: build errors for Problems', () => {
  it('takes the lines with a reference and an error mark, the message after the reference, bounded', () => {
    const errors = buildErrors([
      'Step 5/7 : RUN npm run build',
      'src/index.ts:3:7 - error TS2322: Type "number" is not assignable to type "string".',
      'src/util.ts(10,2): error TS1005: ";" expected.',
      'src/ok.ts:4:1 warning: unused variable',
      'error[E0308]: mismatched types',
      '  --> src/main.rs:12:5',
      `lib/big.c:1:1: fatal error: ${'x'.repeat(2000)}`,
      '\u001b[31msrc/red.ts:2:2 - error TS2304: Cannot find name "y".\u001b[0m',
    ]);
    assert.deepEqual(
      errors.map((e) => [e.ref.path, e.ref.line, e.ref.column, e.message.slice(0, 40)]),
      [
        ['src/index.ts', 3, 7, 'error TS2322: Type "number" is not assig'],
        ['src/util.ts', 10, 2, 'error TS1005: ";" expected.'],
        ['src/main.rs', 12, 5, 'error[E0308]: mismatched types'],
        ['lib/big.c', 1, 1, `fatal error: ${'x'.repeat(27)}`],
        ['src/red.ts', 2, 2, 'error TS2304: Cannot find name "y".'],
      ],
    );
    assert.equal(errors[3].message.length, MAX_PROBLEM_CHARS);
  });

  it('keeps at most the count asked for', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `src/f.ts:${i + 1}:1 - error TS1: bad`);
    assert.equal(buildErrors(lines).length, 100);
    assert.equal(buildErrors(lines, 7).length, 7);
  });
});

describe('fileRefs: one pass over a document', () => {
  it('looks up at most MAX_DOCUMENT_LOOKUPS references, whatever the log holds (100,000 lines, five new paths each)', () => {
    let read = 0;
    const lineAt = (i: number): string => {
      read++;
      return Array.from({ length: 5 }, (_, k) => `cache/k${i}-${k}.json:1`).join(' ');
    };
    const refs = [...documentRefs(100_000, lineAt)];
    assert.equal(refs.length, MAX_DOCUMENT_LOOKUPS);
    assert.ok(read <= MAX_DOCUMENT_LOOKUPS / 5 + 1, `lines read: ${read}`);
    assert.deepEqual(refs[0], { lineNumber: 0, ref: findFileRefs(lineAt(0))[0] });
    assert.equal(refs.at(-1)?.lineNumber, MAX_DOCUMENT_LOOKUPS / 5 - 1);
  });
});
