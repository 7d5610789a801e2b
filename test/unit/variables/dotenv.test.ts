import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { decodeDotenv, keyForMessage, MAX_DOTENV_BYTES, parseDotenv, quoteValue, writeDotenv, type DotenvProblemKind } from '../../../src/variables/dotenv';

/** [what, file text, entries expected, problems expected (line and kind)] */
const CASES: [string, string, Record<string, string>, [number, DotenvProblemKind][]][] = [
  ['a plain pair', 'KEY=value', { KEY: 'value' }, []],
  ['an empty value', 'EMPTY=', { EMPTY: '' }, []],
  ['spaces around = and the value', '  KEY  =   value with spaces   ', { KEY: 'value with spaces' }, []],
  ['the export prefix', 'export KEY=1\nexport  OTHER = 2', { KEY: '1', OTHER: '2' }, []],
  ['a whole-line comment and blank lines', '# comment\n\n   # indented comment\nA=1\n\n', { A: '1' }, []],
  ['a comment after an unquoted value', 'A=1 # one\nB=two#not-a-comment', { A: '1', B: 'two#not-a-comment' }, []],
  ['a value that is only a comment', 'A= # nothing', { A: '' }, []],
  ['double quotes with escapes', 'A="line1\\nline2\\t\\"q\\" \\\\ end"', { A: 'line1\nline2\t"q" \\ end' }, []],
  ['double quotes keep # and leading spaces', 'A="  # not a comment "', { A: '  # not a comment ' }, []],
  ['single quotes are literal', "A='no \\n escape # here'", { A: 'no \\n escape # here' }, []],
  ['back quotes are literal', 'A=`it\'s "quoted"`', { A: 'it\'s "quoted"' }, []],
  ['a comment after a closing quote', 'A="x" # note\nB=\'y\'   #note', { A: 'x', B: 'y' }, []],
  ['a double-quoted value over several lines', 'A="first\nsecond"\nB=2', { A: 'first\nsecond', B: '2' }, []],
  ['a single-quoted value over several lines', "KEY='-----BEGIN KEY-----\nabc\n-----END KEY-----'", { KEY: '-----BEGIN KEY-----\nabc\n-----END KEY-----' }, []],
  ['= inside the value', 'URL=postgres://u:p@h/db?ssl=true', { URL: 'postgres://u:p@h/db?ssl=true' }, []],
  ['CRLF line ends', 'A=1\r\nB=2\r\n', { A: '1', B: '2' }, []],
  ['old Mac line ends', 'A=1\rB=2', { A: '1', B: '2' }, []],
  ['a byte order mark', '\uFEFFA=1', { A: '1' }, []],
  ['no expansion of $VAR', 'A=$HOME\nB="${A}"', { A: '$HOME', B: '${A}' }, []],
  ['\\$ in double quotes', 'A="\\$5"', { A: '$5' }, []],
  ['unicode values', 'GREETING=héllo wörld ✓', { GREETING: 'héllo wörld ✓' }, []],
  ['a key with digits and _', '_A1_B2=x', { _A1_B2: 'x' }, []],
  ['a line without =', 'JUSTAKEY\nA=1', { A: '1' }, [[1, 'noEquals']]],
  ['a key starting with a digit', '1A=x\nB=y', { B: 'y' }, [[1, 'invalidKey']]],
  ['a key with a dash', 'MY-KEY=x', {}, [[1, 'invalidKey']]],
  ['an empty key', '=x', {}, [[1, 'invalidKey']]],
  ['a quote never closed skips its line only', 'A="open\nB=2', { B: '2' }, [[1, 'unterminatedQuote']]],
  ["'\\'' is a quote inside single quotes", "A='it'\\''s'\nB='a'\\'''\nC=''\\''x'", { A: "it's", B: "a'", C: "'x" }, []],
  ['\\` is a back quote inside double quotes', 'A="run \\`id\\`"', { A: 'run `id`' }, []],
  ['a quote that takes in later keys is a problem', 'A="x\nB=1\nexport C=2"\nD=4', { A: 'x\nB=1\nexport C=2', D: '4' }, [[1, 'swallowedKeys']]],
  ['an unclosed quote after a closed one', "A='x'\nB='open\nC=3", { A: 'x', C: '3' }, [[2, 'unterminatedQuote']]],
  ['text after a closing quote', 'A="x" y\nB=1', { B: '1' }, [[1, 'textAfterQuote']]],
  ['a key given twice keeps the last value', 'A=1\nB=2\nA=3', { B: '2', A: '3' }, [[3, 'duplicate']]],
  ['a lone export word', 'export', {}, [[1, 'noEquals']]],
];

describe('.env parser', () => {
  for (const [what, text, entries, problems] of CASES) {
    it(what, () => {
      const parsed = parseDotenv(text);
      assert.deepEqual(Object.fromEntries(parsed.entries.map((e) => [e.key, e.value])), entries);
      assert.deepEqual(Object.keys(Object.fromEntries(parsed.entries.map((e) => [e.key, e.value]))), Object.keys(entries), 'file order');
      assert.deepEqual(
        parsed.problems.map((p) => [p.line, p.kind]),
        problems,
      );
    });
  }

  it('gives the line each entry starts on', () => {
    const parsed = parseDotenv('# head\nA=1\n\nB="x\ny"\nC=3');
    assert.deepEqual(
      parsed.entries.map((e) => [e.key, e.line]),
      [
        ['A', 2],
        ['B', 4],
        ['C', 6],
      ],
    );
  });
});

describe('.env writer', () => {
  it('writes plain values bare and quotes the others', () => {
    assert.equal(quoteValue('abc-1.2:3/4@x'), 'abc-1.2:3/4@x');
    assert.equal(quoteValue('two words'), "'two words'");
    assert.equal(quoteValue("it's"), `'it'\\''s'`);
    assert.equal(quoteValue('a\nb'), "'a\nb'");
    assert.equal(quoteValue('`id` $(id) $HOME'), "'`id` $(id) $HOME'");
    assert.equal(quoteValue('a\r`b`$c"\\'), '"a\\r\\`b\\`\\$c\\"\\\\"');
    assert.equal(quoteValue(''), '');
  });

  it('writes secrets as commented placeholders, never a value', () => {
    const { text, skipped } = writeDotenv([{ key: 'A', value: '1' }, { key: 'TOKEN' }], ['pulled from Qovery'], 'secret: set it yourself');
    assert.equal(text, '# pulled from Qovery\nA=1\n# TOKEN=  # secret: set it yourself\n');
    assert.deepEqual(skipped, []);
    assert.deepEqual(parseDotenv(text).entries.map((e) => e.key), ['A']);
  });

  it('writes only keys a shell takes as a variable name, in a placeholder too, and names the others', () => {
    const hostile = ['a$(id)', 'A\nB', 'A B', 'A;id', '`id`', '1A', 'MY-KEY', '', 'A=B', "A'"];
    const { text, skipped } = writeDotenv(
      [{ key: 'OK', value: '1' }, ...hostile.map((key) => ({ key, value: 'x' })), { key: 'SECRET\ntouch /tmp/x' }, { key: '_SECRET' }],
      ['header'],
      'secret',
    );
    assert.equal(text, "# header\nOK=1\n# _SECRET=  # secret\n");
    assert.deepEqual(skipped, [...hostile, 'SECRET\ntouch /tmp/x']);
  });

  it('shows a key it left out quoted, on one line, without control or direction characters, and short', () => {
    assert.equal(keyForMessage('a$(id)'), '"a$(id)"');
    assert.equal(keyForMessage('A\nB\r\u0007\u202eC\u2028'), '"A\\u{a}B\\u{d}\\u{7}\\u{202e}C\\u{2028}"');
    assert.equal(keyForMessage('K'.repeat(100)), `"${'K'.repeat(40)}…"`);
    assert.equal(keyForMessage('😀'.repeat(41)), `"${'😀'.repeat(40)}…"`, 'never half a character');
  });

  it('reads back what it wrote, for any key and value (property test)', () => {
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.string({ unit: 'binary', maxLength: 40 })), { selector: ([k]) => k, maxLength: 8 }), (pairs) => {
        const { text } = writeDotenv(pairs.map(([k, value]) => ({ key: k, value })), ['header'], 'secret');
        const parsed = parseDotenv(text);
        assert.deepEqual(parsed.problems, []);
        // A value that starts or ends with spaces or holds a comment survives thanks to quotes; \r alone is normalised by no one.
        assert.deepEqual(parsed.entries.map((e) => [e.key, e.value]), pairs);
      }),
      { seed: 20261130, numRuns: 300 },
    );
  });
});

describe('.env safety', function () {
  this.timeout(60_000);

  it('a written file is safe to source, whatever its keys and values: sh reads back every valid key\'s value and runs nothing (property test)', function () {
    if (process.platform === 'win32') {
      this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-dotenv-'));
    const marker = path.join(dir, 'ran');
    const seed = Number(process.env.QOVERY_PROPERTY_SEED ?? 20261207);
    console.log(`      .env sourcing property test seed: ${seed}`);
    const tricky = ['a', ' ', "'", '"', '`', '$', '(', ')', '{', '}', '\\', '\n', '#', ';', '|', '&', '!', '*', '=', 'é', '\u2028', `touch ${marker}`];
    const pieces = (max: number) => fc.array(fc.constantFrom(...tricky), { maxLength: max }).map((a) => a.join(''));
    // Keys as the API may send them: valid names, and names with any of the characters above (a `$(…)`, a line break, a `;`...).
    const key = fc.oneof(
      fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/).map((k) => `Q_${k}`),
      pieces(6).map((k) => `Q_${k}`),
      fc.constantFrom(`Q_$(touch ${marker})`, `Q_A\ntouch ${marker}\nQ_B`, `Q_\`touch ${marker}\``, `Q_A;touch ${marker};Q_B`, `Q_A touch ${marker}`, `Q_A\rtouch ${marker}`),
    );
    // A value, or undefined for a secret (a commented placeholder).
    const value = fc.option(pieces(12), { nil: undefined, freq: 4 });
    const valid = (k: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k);
    try {
      fc.assert(
        fc.property(fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, minLength: 1, maxLength: 6 }), (pairs) => {
          // Each run starts without the marker, so that a shrunk counterexample is one that ran a command itself.
          fs.rmSync(marker, { force: true });
          const file = path.join(dir, '.env');
          const written = writeDotenv(pairs.map(([k, v]) => ({ key: k, value: v })), ['header'], 'secret');
          fs.writeFileSync(file, written.text);
          const script = `set -a; . "$1"; exec node -e 'process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("Q_")))))'`;
          const out = JSON.parse(execFileSync('sh', ['-c', script, 'sh', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as Record<string, string>;
          assert.ok(!fs.existsSync(marker), 'sourcing the file ran a command');
          assert.deepEqual(out, Object.fromEntries(pairs.filter(([k, v]) => valid(k) && v !== undefined)));
          assert.deepEqual(written.skipped, pairs.map(([k]) => k).filter((k) => !valid(k)));
        }),
        { seed, numRuns: 60 },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a quote that never closes costs one pass over the file, and the keys after it are read', () => {
    // A parser that searches again from the opening quote for each line it adds reads the file once per
    // line (hours for this file); one that resumes where it stopped reads it once.
    const lines = Array.from({ length: 100_000 }, (_, i) => `K${i}=v${i}`);
    const parsed = parseDotenv(`OPEN="never closed\n${lines.join('\n')}`);
    assert.deepEqual(parsed.problems, [{ line: 1, kind: 'unterminatedQuote', key: 'OPEN' }]);
    assert.equal(parsed.entries.length, 100_000);
    assert.deepEqual(parsed.entries[99_999], { key: 'K99999', value: 'v99999', line: 100_001 });
  });

  it('a file over 1 MB is refused before it is parsed, with its size', () => {
    const big = new TextEncoder().encode(`A=${'x'.repeat(MAX_DOTENV_BYTES)}`);
    assert.deepEqual(decodeDotenv(big), { kind: 'tooLarge', bytes: big.byteLength });
    const fine = decodeDotenv(new TextEncoder().encode('A=1\n'));
    assert.equal(fine.kind, 'parsed');
    assert.deepEqual(fine.kind === 'parsed' && fine.parsed.entries.map((e) => e.key), ['A']);
  });
});
