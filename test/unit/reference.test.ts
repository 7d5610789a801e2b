// docs/qovery-api.md lists every request the extension makes. This test reads the request paths written
// in src/ and fails when one has no row there, or when a row names a request src/ no longer makes.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) {
      throw new Error('package.json not found above the tests');
    }
    dir = up;
  }
  return dir;
})();
const TABLE_FILE = 'docs/qovery-api.md';

// ---- reading TypeScript source: literals with their position, comments and regexes skipped ----

interface Literal {
  /** Text with each `${expr}` kept as a hole. */
  parts: (string | { expr: string })[];
  tagged: boolean;
  start: number;
}

/** Index just after the template literal that starts at `i` (a backtick), collecting its parts. */
function readTemplate(src: string, i: number, out: (string | { expr: string })[]): number {
  let text = '';
  i++;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      text += src.slice(i, i + 2);
      i += 2;
    } else if (c === '`') {
      out.push(text);
      return i + 1;
    } else if (c === '$' && src[i + 1] === '{') {
      out.push(text);
      text = '';
      const end = skipCode(src, i + 2, '}');
      out.push({ expr: src.slice(i + 2, end).trim() });
      i = end + 1;
    } else {
      text += c;
      i++;
    }
  }
  throw new Error('unterminated template literal');
}

function readQuoted(src: string, i: number): { text: string; end: number } {
  const quote = src[i];
  let text = '';
  i++;
  while (i < src.length && src[i] !== quote) {
    if (src[i] === '\\') {
      text += src[i + 1];
      i += 2;
    } else {
      text += src[i++];
    }
  }
  return { text, end: i + 1 };
}

const REGEX_AFTER = /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\breturn|\btypeof|\bcase)\s*$/;

/** Skips code from `i` up to the `close` that ends it (ignoring strings, templates, comments, regexes); returns its index. */
function skipCode(src: string, i: number, close: string, literals?: Literal[]): number {
  let depth = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === close && depth === 0) {
      return i;
    }
    if (c === '{' || c === '(' || c === '[') {
      depth++;
      i++;
    } else if (c === '}' || c === ')' || c === ']') {
      depth--;
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      i = src.indexOf('\n', i);
      i = i < 0 ? src.length : i;
    } else if (c === '/' && src[i + 1] === '*') {
      i = src.indexOf('*/', i + 2) + 2;
    } else if (c === '/' && REGEX_AFTER.test(src.slice(Math.max(0, i - 12), i))) {
      let inClass = false;
      i++;
      while (i < src.length && (src[i] !== '/' || inClass)) {
        if (src[i] === '\\') {
          i++;
        } else if (src[i] === '[') {
          inClass = true;
        } else if (src[i] === ']') {
          inClass = false;
        }
        i++;
      }
      i++;
    } else if (c === "'" || c === '"') {
      const q = readQuoted(src, i);
      literals?.push({ parts: [q.text], tagged: false, start: i });
      i = q.end;
    } else if (c === '`') {
      const parts: (string | { expr: string })[] = [];
      const start = i;
      i = readTemplate(src, i, parts);
      literals?.push({ parts, tagged: /apiPath\s*$/.test(src.slice(Math.max(0, start - 10), start)), start });
    } else {
      i++;
    }
  }
  return i;
}

export function literalsOf(src: string): Literal[] {
  const literals: Literal[] = [];
  skipCode(src, 0, '\u0000', literals);
  return literals;
}

// ---- the requests written in src/ ----

type Segment = { lit: string } | { param: string } | { alts: string[]; every: boolean; name: string };

export interface SourceRequest {
  method: string; // GET, POST..., WS, or ? when the literal is not written inside the call that sends it
  segments: Segment[];
  where: string;
}

export const shown = (method: string, segments: readonly Segment[]): string =>
  `${method} /${segments.map((s) => ('lit' in s ? s.lit : 'param' in s ? `{${s.param}}` : `{${s.name}}`)).join('/')}`;

/** The string values of `const NAME ... = { K: 'v', ... }` and the members of `type NAME = 'a' | 'b'` in the sources. */
function valuesNamed(name: string, sources: ReadonlyMap<string, string>): { values: string[]; every: boolean } | undefined {
  for (const src of sources.values()) {
    const obj = new RegExp(`const\\s+${name}\\b[^=]*=\\s*\\{([^}]*)\\}`).exec(src);
    if (obj) {
      return { values: [...obj[1].matchAll(/:\s*'([^']+)'/g)].map((m) => m[1]), every: false };
    }
    const union = new RegExp(`type\\s+${name}\\s*=\\s*((?:\\s*\\|?\\s*'[^']+')+)\\s*;`).exec(src);
    if (union) {
      return { values: [...union[1].matchAll(/'([^']+)'/g)].map((m) => m[1]), every: true };
    }
  }
  return undefined;
}

/** The members of the union a name is declared with (`verb: ServiceVerb`) in the code before it. */
function unionOf(name: string, before: string, sources: ReadonlyMap<string, string>): string[] | undefined {
  const declared = [...before.matchAll(new RegExp(`\\b${name}\\??\\s*:\\s*([A-Z][\\w]*)\\b`, 'g'))].pop();
  const v = declared && valuesNamed(declared[1], sources);
  return v && v.every ? v.values : undefined;
}

/** A function of src/ that builds a path, or a segment of one. */
export type PathFunction = (...args: unknown[]) => unknown;
export type PathFunctions = (name: string) => PathFunction | undefined;

/**
 * The function exported under `name` by a module of src/, loaded from its build (`out/src/...js`, built
 * with the tests from the same sources): its answers are the paths the extension sends.
 */
export function compiledFunctions(sources: ReadonlyMap<string, string>): PathFunctions {
  return (name) => {
    const exporting = new RegExp(`export\\s+(?:(?:async\\s+)?function\\s+|const\\s+)${name}\\b`);
    const file = [...sources].find(([, src]) => exporting.test(src))?.[0];
    if (!file) {
      return undefined;
    }
    const built = path.join(ROOT, 'out', file.replace(/\.ts$/, '.js'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn: unknown = (require(built) as Record<string, unknown>)[name];
    if (typeof fn !== 'function') {
      throw new Error(`${file} declares ${name}, but its build ${built} exports no function of that name: run npm run build-tests`);
    }
    return fn as PathFunction;
  };
}

/** The arguments of a call, split at its top-level commas. */
function argumentsOf(list: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (list.slice(i).trim() !== '') {
    const end = skipCode(list, i, ',');
    args.push(list.slice(i, end).trim());
    i = end + 1;
  }
  return args;
}

const paramName = (expr: string): string => (/^(?:id|encodeURIComponent)\((.+)\)$/.exec(expr)?.[1] ?? expr).replace(/^.*\./, '').replace(/\W/g, '') || 'id';

interface Evaluated {
  /** What the function gave, for each combination of the members of its arguments' unions. */
  results: { value: unknown; given: string }[];
  /** The markers passed for the other arguments (ids), and the name each one is shown with. */
  ids: Map<string, string>;
}

/**
 * What `fn(a, b)` gives for every member of the unions its arguments are declared with (`type:
 * ServiceType`), as the function of src/ computes it; the other arguments stand for ids, passed as
 * markers. Undefined when fn is not a function of src/, or (`unionNeeded`, a hole of a template) when no
 * argument is typed as a union: `${id(serviceId)}` is an id.
 */
function evaluated(expr: string, before: string, sources: ReadonlyMap<string, string>, functions: PathFunctions, unionNeeded = true): Evaluated | undefined {
  const call = /^([A-Za-z_$][\w$]*)\(([^]*)\)$/.exec(expr);
  if (!call) {
    return undefined;
  }
  const args = argumentsOf(call[2]);
  const unions = args.map((a) => (/^[A-Za-z_$][\w$]*$/.test(a) ? unionOf(a, before, sources) : undefined));
  if (unionNeeded && unions.every((u) => u === undefined)) {
    return undefined;
  }
  const fn = functions(call[1]);
  if (!fn) {
    return undefined;
  }
  const ids = new Map<string, string>();
  let combos: { values: unknown[]; given: string[] }[] = [{ values: [], given: [] }];
  args.forEach((a, i) => {
    const members = unions[i];
    const marker = `qoveryPathParam${i}`;
    if (!members) {
      ids.set(marker, paramName(a));
    }
    combos = combos.flatMap((c) =>
      members ? members.map((m) => ({ values: [...c.values, m], given: [...c.given, `${a} = '${m}'`] })) : [{ values: [...c.values, marker], given: c.given }],
    );
  });
  return { results: combos.map((c) => ({ value: fn(...c.values), given: c.given.join(', ') })), ids };
}

/**
 * A hole of a path: `${SEGMENTS[type]}` is one of SEGMENTS' values (not every type has every endpoint),
 * `${verb}` with `verb: ServiceVerb` is each of that union (each one is a request), `${fn(verb)}` is each
 * segment the function of src/ gives for the members of that union (each one is a request), anything
 * else an id.
 */
function segmentOf(expr: string, before: string, sources: ReadonlyMap<string, string>, functions: PathFunctions): Segment {
  const computed = evaluated(expr, before, sources, functions);
  if (computed) {
    const bad = computed.results.find((r) => typeof r.value !== 'string' || !/^[^/?]+$/.test(r.value));
    if (bad) {
      throw new Error(`\${${expr}} gives ${JSON.stringify(bad.value)} for ${bad.given}: not a path segment`);
    }
    return { alts: [...new Set(computed.results.map((r) => r.value as string))], every: true, name: expr };
  }
  const indexed = /^([A-Z_][A-Z0-9_]*)\[[^\]]+\]$/.exec(expr);
  if (indexed) {
    const v = valuesNamed(indexed[1], sources);
    if (v) {
      return { alts: v.values, every: false, name: indexed[1] };
    }
  }
  if (/^[A-Za-z_$][\w$]*$/.test(expr)) {
    const declared = [...before.matchAll(new RegExp(`\\b${expr}\\??\\s*:\\s*([A-Z][\\w]*)\\b`, 'g'))].pop();
    const v = declared && valuesNamed(declared[1], sources);
    if (v) {
      return { alts: v.values, every: v.every, name: expr };
    }
  }
  return { param: paramName(expr) };
}

const isHole = (p: string | { expr: string }): p is { expr: string } => typeof p !== 'string';

const CALL = /\.(?:(get)\(|(?:send|request)\(\s*'([A-Z]+)'\s*,)\s*$/;

/** Requests found in one file's source (exported for the tests of the reader itself). */
export function requestsIn(
  file: string,
  src: string,
  sources: ReadonlyMap<string, string>,
  roots: ReadonlySet<string> = new Set(),
  functions: PathFunctions = compiledFunctions(sources),
): SourceRequest[] {
  const found: SourceRequest[] = [];
  const websocket = /websocket/i.test(src);
  for (const lit of literalsOf(src)) {
    const before = src.slice(0, lit.start);
    const call = CALL.exec(before.slice(-60).replace(/apiPath\s*$/, ''));
    const head = lit.parts[0];
    let method: string | undefined;
    let parts = lit.parts;
    if (call) {
      method = call[1] ? 'GET' : call[2];
    } else if (lit.tagged || (typeof head === 'string' && roots.has(head.split(/[/?]/)[1]))) {
      // An apiPath template, or a path of the API kept in a variable before it is sent.
      method = '?';
    } else if (websocket && head === '' && lit.parts.length > 2 && isHole(lit.parts[1]) && !/console/i.test(lit.parts[1].expr) && String(lit.parts[2]).startsWith('/')) {
      // `${base}/service/logs?...`: a websocket URL on the configured host.
      method = 'WS';
      parts = lit.parts.slice(2);
    }
    if (!method || typeof parts[0] !== 'string' || !parts[0].startsWith('/')) {
      continue;
    }
    const segments: Segment[] = [];
    let text = '';
    const flush = (): void => {
      for (const s of text.split('/').filter(Boolean)) {
        segments.push({ lit: s });
      }
      text = '';
    };
    for (const p of parts) {
      if (typeof p === 'string') {
        const q = p.indexOf('?');
        text += q >= 0 ? p.slice(0, q) : p;
        if (q >= 0) {
          break;
        }
      } else {
        if (text !== '' && !text.endsWith('/')) {
          break; // `/commit${query}`: the rest is the query
        }
        flush();
        segments.push(segmentOf(p.expr, before, sources, functions));
      }
    }
    flush();
    const line = before.split('\n').length;
    found.push({ method, segments, where: `${file}:${line}` });
  }
  return [...found, ...builtPathsIn(file, src, sources, functions)];
}

const CALL_OF_BUILT = /\.(?:(get)\(|(?:send|request)\(\s*'([A-Z]+)'\s*,)\s*([A-Za-z_$][\w$]*)\s*([(,)])/g;
/** A function of src/ that builds a whole path is named so (`commitsPath`): `map.get(keyOf(x))` is no request. */
const BUILDS_PATH = /^[A-Za-z_$][\w$]*Path\(/;

/**
 * Requests whose path a function of src/ named `...Path` builds: `client.get(commitsPath(type, id(s)), o)`,
 * or `const path = commitsPath(...)` then `client.get(path, o)`. Each path the function gives for the
 * members of its arguments' unions is a request (an undefined answer is none); its other arguments are ids.
 */
function builtPathsIn(file: string, src: string, sources: ReadonlyMap<string, string>, functions: PathFunctions): SourceRequest[] {
  const found: SourceRequest[] = [];
  for (const m of src.matchAll(CALL_OF_BUILT)) {
    const at = m.index ?? 0;
    const line = src.slice(0, at).split('\n').length;
    if (/^\s*(?:\/\/|\*|\/\*)/.test(src.split('\n')[line - 1])) {
      continue; // in a comment
    }
    let exprAt: number;
    if (m[4] === '(') {
      exprAt = at + m[0].length - m[3].length - 1;
    } else {
      // A name: the path it holds, when a function call gave it.
      const held = [...src.slice(0, at).matchAll(new RegExp(`\\b(?:const|let)\\s+${m[3]}\\s*(?::[^=]+)?=\\s*(?=[A-Za-z_$][\\w$]*\\()`, 'g'))].pop();
      if (!held) {
        continue;
      }
      exprAt = (held.index ?? 0) + held[0].length;
    }
    const open = src.indexOf('(', exprAt);
    const expr = src.slice(exprAt, skipCode(src, open + 1, ')') + 1);
    if (!BUILDS_PATH.test(expr)) {
      continue;
    }
    const computed = evaluated(expr, src.slice(0, exprAt), sources, functions, false);
    if (!computed) {
      continue;
    }
    for (const r of computed.results) {
      if (r.value === undefined) {
        continue;
      }
      if (typeof r.value !== 'string' || !r.value.startsWith('/')) {
        throw new Error(`${file}:${line}: ${expr} gives ${JSON.stringify(r.value)} for ${r.given}: not a path`);
      }
      const segments = r.value
        .split('?')[0]
        .split('/')
        .filter(Boolean)
        .map((seg): Segment => {
          const param = computed.ids.get(seg);
          if (param) {
            return { param };
          }
          if (seg.includes('qoveryPathParam')) {
            throw new Error(`${file}:${line}: ${expr} gives the segment ${seg} for ${r.given}: an id inside a segment`);
          }
          return { lit: seg };
        });
      found.push({ method: m[1] ? 'GET' : m[2], segments, where: `${file}:${line}${r.given ? `, ${r.given}` : ''}` });
    }
  }
  return found;
}

function sourcesOf(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (e.name.endsWith('.ts')) {
        files.set(path.relative(ROOT, p).split(path.sep).join('/'), fs.readFileSync(p, 'utf8'));
      }
    }
  };
  walk(dir);
  return files;
}

// ---- the table ----

export interface Row {
  method: string;
  /** Each segment: a literal, an {id}-like parameter, or {a|b|c}. */
  segments: ({ lit: string } | { param: string } | { alts: string[] })[];
  planned: boolean;
  text: string;
  line: number;
}

const STATUSES = ['in use', 'tests only', 'planned'];

/** Rows whose first cell is `METHOD /path` and whose second says `in use`, `tests only` or `planned`. */
export function rowsOf(markdown: string): Row[] {
  const rows: Row[] = [];
  markdown.split('\n').forEach((l, i) => {
    const m = /^\|\s*`(GET|POST|PUT|PATCH|DELETE|WS) (\/[^`?\s]*)(?:\?[^`]*)?`\s*\|\s*([^|]*?)\s*\|/.exec(l);
    if (!m) {
      return;
    }
    const segments = m[2]
      .replace(/\\\|/g, '|')
      .split('/')
      .filter(Boolean)
      .map((s) => {
        const p = /^\{(.+)\}$/.exec(s);
        if (!p) {
          return { lit: s };
        }
        return p[1].includes('|') ? { alts: p[1].split('|') } : { param: p[1] };
      });
    if (!STATUSES.includes(m[3])) {
      throw new Error(`${TABLE_FILE}:${i + 1}: the status of ${m[1]} ${m[2]} is '${m[3]}', not one of ${STATUSES.join(', ')}`);
    }
    rows.push({ method: m[1], segments, planned: m[3] === 'planned', text: `${m[1]} ${m[2].replace(/\\\|/g, '|')}`, line: i + 1 });
  });
  return rows;
}

/** Which of the request's holes of alternatives the row covers, by value; undefined when the row is not this request. */
function covers(row: Row, req: SourceRequest): Map<number, string[]> | undefined {
  if ((req.method !== '?' && row.method !== req.method) || row.segments.length !== req.segments.length) {
    return undefined;
  }
  const used = new Map<number, string[]>();
  for (let i = 0; i < req.segments.length; i++) {
    const r = row.segments[i];
    const s = req.segments[i];
    const values = 'lit' in r ? [r.lit] : 'alts' in r ? r.alts : undefined;
    if ('param' in s) {
      if (!('param' in r)) {
        return undefined;
      }
    } else if (!values) {
      return undefined;
    } else if ('lit' in s) {
      if (values.length !== 1 || values[0] !== s.lit) {
        return undefined;
      }
    } else {
      if (!values.every((v) => s.alts.includes(v))) {
        return undefined;
      }
      used.set(i, values);
    }
  }
  return used;
}

/** What is wrong between the requests of src/ and the rows of the table; empty when they agree. */
export function problems(requests: readonly SourceRequest[], rows: readonly Row[]): string[] {
  const out: string[] = [];
  for (const req of requests) {
    const matches = rows.map((r) => covers(r, req)).filter((m): m is Map<number, string[]> => m !== undefined);
    if (matches.length === 0) {
      out.push(`${shown(req.method, req.segments)} (${req.where}) has no row in ${TABLE_FILE}`);
      continue;
    }
    req.segments.forEach((s, i) => {
      if ('alts' in s && s.every) {
        const seen = new Set(matches.flatMap((m) => m.get(i) ?? []));
        for (const v of s.alts.filter((a) => !seen.has(a))) {
          const concrete = req.segments.map((x, j) => (j === i ? { lit: v } : x));
          out.push(`${shown(req.method, concrete)} (${req.where}, ${s.name} = '${v}') has no row in ${TABLE_FILE}`);
        }
      }
    });
  }
  for (const row of rows) {
    const made = requests.some((req) => covers(row, req) !== undefined);
    if (!row.planned && !made) {
      out.push(`${TABLE_FILE}:${row.line} lists ${row.text}, which no request in src/ makes: remove the row, or mark it planned`);
    } else if (row.planned && made) {
      out.push(`${TABLE_FILE}:${row.line} marks ${row.text} planned, but src/ makes it now: mark it in use`);
    }
  }
  return out;
}

/** The first segments of the table's paths: `/job/...` kept in a variable is read as a request too. */
export function rootsOf(rows: readonly Row[]): Set<string> {
  return new Set(rows.flatMap((r) => {
    const first = r.segments[0];
    return first === undefined || 'param' in first ? [] : 'lit' in first ? [first.lit] : first.alts;
  }));
}

export function requestsOfSources(sources: ReadonlyMap<string, string>, roots: ReadonlySet<string>): SourceRequest[] {
  return [...sources].flatMap(([file, src]) => requestsIn(file, src, sources, roots));
}

describe('docs/qovery-api.md: the reference of every request', () => {
  it('has a row for every request path written in src/, and no row for a request src/ no longer makes', () => {
    const sources = sourcesOf(path.join(ROOT, 'src'));
    const rows = rowsOf(fs.readFileSync(path.join(ROOT, TABLE_FILE), 'utf8'));
    const requests = requestsOfSources(sources, rootsOf(rows));
    assert.ok(requests.length >= 30, `only ${requests.length} requests read from src/: the reader lost track of how requests are written`);
    assert.ok(rows.length >= 30, `only ${rows.length} rows read from ${TABLE_FILE}`);
    const found = problems(requests, rows);
    assert.deepStrictEqual(found, [], `\n${found.join('\n')}\n`);
  });

  describe('the reader of src/', () => {
    const sources = new Map([
      ['src/model.ts', "export type Verb = 'deploy' | 'stop';\nexport const SEGMENTS: Record<T, string> = { APPLICATION: 'application', JOB: 'job' };"],
    ]);
    const read = (code: string): string[] => requestsIn('src/x.ts', code, sources, new Set(['job'])).map((r) => shown(r.method, r.segments));

    it('reads apiPath templates, paths in get/send/request calls and API paths kept in a variable, without their query', () => {
      const code = [
        "const a = await client.get(apiPath`/organization/${organizationId}/project`, o);",
        "await this.client.send('POST', '/variable', body, o);",
        'await this.client.send(\'PUT\', `/variable/${id(variable.id)}?x=${q.toString()}`, body);',
        "await this.#http.request('DELETE', apiPath`/organization/${organizationId}/apiToken/${apiTokenId}`, undefined, o);",
        'const base = apiPath`/environment/${target.environmentId}/logs`;',
        "// client.get('/in/a/comment')",
        "const re = /'`/; const s = 'not/a/request';",
        'const kept = `/job/${id(jobId)}/commit${query}`;',
        "const other = '/home/user';",
      ].join('\n');
      assert.deepStrictEqual(read(code), [
        'GET /organization/{organizationId}/project',
        'POST /variable',
        'PUT /variable/{id}',
        'DELETE /organization/{organizationId}/apiToken/{apiTokenId}',
        '? /environment/{environmentId}/logs',
        '? /job/{jobId}/commit',
      ]);
    });

    it('reads typed holes as their alternatives, and websocket URLs of a module that speaks websocket', () => {
      const code = [
        'function f(type: T, verb: Verb) {',
        "  return this.client.send('POST', `/${SEGMENTS[type]}/${id(serviceId)}/${verb}`, body, o);",
        '}',
        '// a websocket stream',
        'const u = `${base}/service/logs?${q.toString()}`;',
        'const link = `${CONSOLE_URL}/organization/${o}`;',
      ].join('\n');
      const found = requestsIn('src/x.ts', code, sources);
      assert.deepStrictEqual(found.map((r) => shown(r.method, r.segments)), ['POST /{SEGMENTS}/{serviceId}/{verb}', 'WS /service/logs']);
      assert.deepStrictEqual(found[0].segments[0], { alts: ['application', 'job'], every: false, name: 'SEGMENTS' });
      assert.deepStrictEqual(found[0].segments[2], { alts: ['deploy', 'stop'], every: true, name: 'verb' });
    });

    it('names a request without a row, a verb without a row, and a row no request makes', () => {
      const reqs = requestsIn(
        'src/x.ts',
        "function f(verb: Verb) { client.send('POST', `/${SEGMENTS[t]}/${id(s)}/${verb}`); client.get(`/job/${id(j)}/fake`); }",
        sources,
      );
      const rows = rowsOf(
        ['| `POST /application/{id}/deploy` | in use |', '| `POST /environment/{id}/gone` | in use |', '| `GET /helm/{id}/commit` | planned |'].join('\n'),
      );
      assert.deepStrictEqual(problems(reqs, rows), [
        `POST /{SEGMENTS}/{s}/stop (src/x.ts:1, verb = 'stop') has no row in ${TABLE_FILE}`,
        `GET /job/{j}/fake (src/x.ts:1) has no row in ${TABLE_FILE}`,
        `${TABLE_FILE}:2 lists POST /environment/{id}/gone, which no request in src/ makes: remove the row, or mark it planned`,
      ]);
    });

    const typed = new Map([...sources, ['src/kinds.ts', "export type Kind = 'APPLICATION' | 'JOB' | 'DATABASE';"]]);
    const functions: PathFunctions = (name) =>
      ({
        segmentOf: (v: unknown) => (v === 'stop' ? 'halt' : v === 'deploy' ? 'run' : v),
        listPath: (k: unknown, i: unknown) => (k === 'DATABASE' ? undefined : `/${String(k).toLowerCase()}/${String(i)}/list?of=x`),
        keyOf: (k: unknown) => `key-${String(k)}`,
      })[name];

    it('reads a hole computed by a function of src/ as each segment it gives for the members of its union', () => {
      const code = "function f(verb: Verb) {\n  return this.client.send('POST', `/environment/${id(e)}/${segmentOf(verb)}`, undefined, o);\n}";
      const found = requestsIn('src/x.ts', code, typed, new Set(), functions);
      assert.deepStrictEqual(found.map((r) => shown(r.method, r.segments)), ['POST /environment/{e}/{segmentOf(verb)}']);
      assert.deepStrictEqual(found[0].segments[2], { alts: ['run', 'halt'], every: true, name: 'segmentOf(verb)' });
      const rows = rowsOf(['| `POST /environment/{id}/run` | in use |', '| `POST /environment/{id}/stop` | in use |'].join('\n'));
      assert.deepStrictEqual(problems(found, rows), [
        `POST /environment/{e}/halt (src/x.ts:2, segmentOf(verb) = 'halt') has no row in ${TABLE_FILE}`,
        `${TABLE_FILE}:2 lists POST /environment/{id}/stop, which no request in src/ makes: remove the row, or mark it planned`,
      ]);
    });

    it('reads a path built whole by a ...Path function, sent directly or kept in a const, for each member of its union', () => {
      const code = [
        'async function a(kind: Kind, serviceId: string) {',
        '  const path = listPath(kind, id(serviceId));',
        '  if (!path) { return; }',
        '  return this.client.get(path, o);',
        '}',
        'async function b(kind: Kind) {',
        "  await this.client.send('DELETE', listPath(kind, id(other)), undefined, o);",
        '  return this.#cache.get(keyOf(kind));',
        '}',
        "// client.get(listPath(kind, id(x)))",
      ].join('\n');
      const found = requestsIn('src/x.ts', code, typed, new Set(), functions);
      assert.deepStrictEqual(
        found.map((r) => `${shown(r.method, r.segments)} (${r.where})`),
        [
          "GET /application/{serviceId}/list (src/x.ts:4, kind = 'APPLICATION')",
          "GET /job/{serviceId}/list (src/x.ts:4, kind = 'JOB')",
          "DELETE /application/{other}/list (src/x.ts:7, kind = 'APPLICATION')",
          "DELETE /job/{other}/list (src/x.ts:7, kind = 'JOB')",
        ],
      );
    });

    it('runs the deploy segments and the commits path of the build of src/: Redeploy posts to /deploy', () => {
      const real = sourcesOf(path.join(ROOT, 'src'));
      const found = requestsIn('src/deploy/api.ts', real.get('src/deploy/api.ts') ?? '', real);
      const segment = (name: string): string[] | undefined => {
        const s = found.flatMap((r) => r.segments).find((x) => 'name' in x && x.name === name);
        return s && 'alts' in s ? [...s.alts].sort() : undefined;
      };
      assert.deepStrictEqual(segment('serviceActionSegment(verb)'), ['deploy', 'restart-service', 'stop']);
      assert.deepStrictEqual(segment('environmentActionSegment(verb)'), ['deploy', 'stop']);
      const commits = found.map((r) => shown(r.method, r.segments)).filter((r) => r.endsWith('/commit'));
      assert.deepStrictEqual(commits, ['GET /application/{serviceId}/commit', 'GET /job/{serviceId}/commit', 'GET /helm/{serviceId}/commit', 'GET /terraform/{serviceId}/commit']);
    });
  });
});
