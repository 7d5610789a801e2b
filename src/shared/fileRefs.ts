// File references in log lines (`src/a.ts:12:5`, stack frames, `Dockerfile:12`, `File "x.py", line 3`,
// `src/a.ts(12,5)`) and their mapping to a file of the linked workspace folder, through the service's
// git root path. Only a file that exists inside the folder (real paths compared, so no symlink leads
// out) is ever given back: never a URL, a scheme or a path outside. No `vscode` here: plain mocha tests it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** A line is scanned up to this many characters. */
export const MAX_SCAN_CHARS = 4096;
/** At most this many references are taken from one line. */
export const MAX_REFS_PER_LINE = 5;

/** A reference found in a line. */
export interface FileRef {
  /** The path as written, backslashes made slashes. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based, when the line gave one. */
  column?: number;
  /** Where the reference is in the line: [start, end) in UTF-16 units. */
  start: number;
  end: number;
}

// A file name with an extension that starts with a letter (so `09:00:01.500` and `127.0.0.1:80` are not
// files), a Dockerfile-like name, or any name under a directory (`etc/passwd`: the resolver decides).
const NAMED = /^(?:[\w@~+-][\w@~+.-]*\.[A-Za-z][A-Za-z0-9]{0,9}|Dockerfile(?:\.[\w-]+)?|Containerfile|Makefile)$/;
const BARE = /^[\w@~+-][\w@~+.-]*$/;
const SEGMENT = /^[\w@~+.-]+$/;
/** What a path is made of (a walk back from `:12` stops at anything else). */
const PATH_CHAR = /[\w@~+.\-/\\]/;
/** The longest path taken. */
const MAX_PATH_CHARS = 1024;

/** `:12`, `:12:5` after a path; `(12,5)` after a path (tsc); `File "x.py", line 12` (Python). */
const AFTER_COLON = /:(\d{1,7})(?::(\d{1,5}))?(?!\w)/g;
const TSC = /\((\d{1,7}),(\d{1,5})\)/g;
const PYTHON = /File "([^"\n]{1,1024})", line (\d{1,7})/g;

/** Whether `p` reads as a file's path: "/"-separated names, the last one a file name. */
function looksLikePath(p: string): boolean {
  if (p.startsWith('//')) {
    return false;
  }
  const parts = (p.startsWith('/') ? p.slice(1) : p).split('/');
  const name = parts[parts.length - 1];
  if (!parts.slice(0, -1).every((s) => SEGMENT.test(s))) {
    return false;
  }
  return NAMED.test(name) || (parts.length > 1 && BARE.test(name) && name !== '.' && name !== '..');
}


/** The references one pass over a document looks up at most (each a cached file check, else a `realpath`). */
export const MAX_DOCUMENT_LOOKUPS = 4_000;

/**
 * The references of a document's lines, in order, each with its line number, at most `maxLookups` of them:
 * a pass over a 100,000-line log with a new path on every line stays a bounded number of file checks.
 */
export function* documentRefs(lineCount: number, lineAt: (i: number) => string, maxLookups = MAX_DOCUMENT_LOOKUPS): Generator<{ lineNumber: number; ref: FileRef }> {
  let lookups = 0;
  for (let i = 0; i < lineCount; i++) {
    for (const ref of findFileRefs(lineAt(i))) {
      if (++lookups > maxLookups) {
        return;
      }
      yield { lineNumber: i, ref };
    }
  }
}

/** The references of one line: at most `maxRefs`, from its first `maxChars` characters, in line order. */
export function findFileRefs(line: string, maxChars = MAX_SCAN_CHARS, maxRefs = MAX_REFS_PER_LINE): FileRef[] {
  const text = line.length > maxChars ? line.slice(0, maxChars) : line;
  const found: FileRef[] = [];
  // Beyond its first `maxRefs`, a kind of reference has none among the line's first `maxRefs`: not looked at.
  let taken = 0;
  const add = (raw: string, start: number, end: number, lineText: string, columnText: string | undefined): void => {
    const p = raw.replace(/\\/g, '/');
    const lineNo = Number(lineText);
    const column = columnText === undefined ? undefined : Number(columnText);
    if (lineNo < 1 || !looksLikePath(p) || found.some((f) => start < f.end && f.start < end)) {
      return;
    }
    taken++;
    found.push({ path: p, line: lineNo, ...(column !== undefined && column >= 1 ? { column } : {}), start, end });
  };
  // The path before an anchor: walked back over path characters; one preceded by ":" (a scheme, `node:`, a drive) is none.
  const before = (anchor: number): { path: string; start: number } | undefined => {
    let start = anchor;
    while (start > 0 && anchor - start < MAX_PATH_CHARS && PATH_CHAR.test(text[start - 1])) {
      start--;
    }
    if (start === anchor || (start > 0 && (text[start - 1] === ':' || PATH_CHAR.test(text[start - 1])))) {
      return undefined;
    }
    return { path: text.slice(start, anchor), start };
  };
  PYTHON.lastIndex = 0;
  for (let m = PYTHON.exec(text); m && taken < maxRefs; m = PYTHON.exec(text)) {
    add(m[1], m.index, m.index + m[0].length, m[2], undefined);
  }
  for (const anchor of [TSC, AFTER_COLON]) {
    anchor.lastIndex = 0;
    taken = 0;
    for (let m = anchor.exec(text); m && taken < maxRefs; m = anchor.exec(text)) {
      const p = before(m.index);
      if (p) {
        add(p.path, p.start, m.index + m[0].length, m[1], m[2]);
      }
    }
  }
  return found.sort((a, b) => a.start - b.start).slice(0, maxRefs);
}

/** Where a workspace folder is: its absolute path, its place in its git repository, and the service's root path there. */
export interface RefBase {
  /** The workspace folder (absolute). */
  folder: string;
  /** The folder's path inside its git repository, "/" separated ("" for the repository's root). */
  folderInRepo: string;
  /** The service's git root_path (as the API gives it: "/", "/apps/web"...). */
  rootPath: string;
}

/** Paths where a container keeps the build context; a path under one is taken as relative to it. */
export const CONTAINER_PREFIXES: readonly string[] = ['/usr/src/app/', '/home/node/app/', '/opt/app/', '/srv/app/', '/app/', '/workspace/', '/code/'];

const posix = path.posix;

/** "/", "", "./" -> ""; "/apps/web/" -> "apps/web" (the service's git root_path as the API gives it). */
export const rootPathOf = (rootPath: string | undefined): string =>
  (rootPath ?? '')
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s && s !== '.')
    .join('/');

/** A relative "/" path without `..` that leaves its start, or undefined. */
function inside(p: string): string | undefined {
  const n = posix.normalize(p);
  return n === '..' || n.startsWith('../') || posix.isAbsolute(n) || n === '.' || n === '' ? undefined : n;
}

/**
 * The paths, relative to the workspace folder, a reference may mean: relative to the service's root
 * path (the build context), then to the repository's root. A path that climbs out, an absolute path
 * outside the known container folders, a scheme or a drive letter give none.
 */
export function candidatePaths(refPath: string, base: Pick<RefBase, 'folderInRepo' | 'rootPath'>): string[] {
  let p = refPath.replace(/\\/g, '/');
  if (p.length === 0 || p.length > 1024 || p.includes('\0') || p.includes(':')) {
    return [];
  }
  if (p.startsWith('/')) {
    const prefix = CONTAINER_PREFIXES.find((c) => p.startsWith(c));
    if (!prefix) {
      return [];
    }
    p = p.slice(prefix.length);
  }
  if (p.length === 0) {
    return [];
  }
  // `../shared/a.ts` may climb out of the root path, never out of the repository (nor, below, the folder).
  const root = rootPathOf(base.rootPath);
  const inRepo = [root ? inside(posix.join(root, p)) : undefined, inside(p)].filter((x): x is string => x !== undefined);
  const out: string[] = [];
  for (const r of inRepo) {
    const inFolder = base.folderInRepo === '' ? r : r.startsWith(`${base.folderInRepo}/`) ? r.slice(base.folderInRepo.length + 1) : undefined;
    if (inFolder && !out.includes(inFolder)) {
      out.push(inFolder);
    }
  }
  return out;
}

/** What the file system says of a path: its real path and whether it is a file; undefined when it does not exist. */
export type PathProbe = (p: string) => Promise<{ real: string; file: boolean } | undefined>;

export const nodeProbe: PathProbe = async (p) => {
  try {
    const real = await fs.realpath(p);
    return { real, file: (await fs.stat(real)).isFile() };
  } catch {
    return undefined;
  }
};

/** Whether `child` is `parent` or below it (absolute, normalised paths). */
export function isInsideFolder(parent: string, child: string): boolean {
  const r = path.relative(parent, child);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

/**
 * Maps references to files of a workspace folder. What the file system said is kept in a bounded LRU
 * (`max` paths, each for `ttlMs`), so a log of thousands of lines asks about each path once.
 */
export class FileRefResolver {
  readonly #cache = new Map<string, { at: number; value: Promise<{ real: string; file: boolean } | undefined> }>();
  /** Probes made (the tests read it). */
  probes = 0;

  constructor(
    private readonly probe: PathProbe = nodeProbe,
    private readonly max = 512,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  #stat(p: string): Promise<{ real: string; file: boolean } | undefined> {
    const t = this.now();
    const hit = this.#cache.get(p);
    if (hit && t - hit.at < this.ttlMs) {
      this.#cache.delete(p);
      this.#cache.set(p, hit);
      return hit.value;
    }
    this.probes++;
    const value = this.probe(p).catch(() => undefined);
    this.#cache.delete(p);
    this.#cache.set(p, { at: t, value });
    while (this.#cache.size > this.max) {
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
    return value;
  }

  /** The real path of the existing file inside the folder the reference names, or undefined. */
  async resolve(refPath: string, base: RefBase): Promise<string | undefined> {
    const candidates = candidatePaths(refPath, base);
    if (candidates.length === 0 || !path.isAbsolute(base.folder)) {
      return undefined;
    }
    const folder = await this.#stat(path.resolve(base.folder));
    if (!folder || folder.file) {
      return undefined;
    }
    for (const c of candidates) {
      const abs = path.resolve(base.folder, ...c.split('/'));
      if (!isInsideFolder(path.resolve(base.folder), abs)) {
        continue;
      }
      const found = await this.#stat(abs);
      if (found?.file && isInsideFolder(folder.real, found.real)) {
        // The real path that was checked: a link made to the path as written would follow symbolic
        // links again when opened (a checkout meanwhile could point it out of the folder).
        return found.real;
      }
    }
    return undefined;
  }

  clear(): void {
    this.#cache.clear();
  }
}

/** A build error that points at a file: the reference and its text (plain, bounded). */
export interface BuildError {
  ref: FileRef;
  message: string;
}

/** The most characters of a problem's message. */
export const MAX_PROBLEM_CHARS = 500;

const ERROR_MARK = /\b(?:error|fatal)\b|\bERR!/i;

/**
 * The compiler errors among the lines of a failing step: a line with a reference and an error mark
 * (`src/a.ts:3:7 - error TS2322`, `x.c:3:1: fatal error`), or Rust's `--> src/main.rs:3:5` under its
 * `error[E0308]: …` line (that line is the message). At most `max`.
 */
export function buildErrors(lines: readonly string[], max = 100): BuildError[] {
  const out: BuildError[] = [];
  let previous = '';
  for (const raw of lines) {
    if (out.length >= max) {
      break;
    }
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
    const refs = findFileRefs(line, MAX_SCAN_CHARS, 1);
    if (refs.length > 0) {
      const ref = refs[0];
      const own = ERROR_MARK.test(line);
      const pointer = /^\s*-->\s*$/.test(line.slice(0, ref.start)) && ERROR_MARK.test(previous);
      if (own || pointer) {
        const after = line.slice(ref.end).replace(/^[\s:\-–]+/, '').trim();
        const text = pointer ? previous.trim() : after || line.trim();
        out.push({ ref, message: text.length > MAX_PROBLEM_CHARS ? `${text.slice(0, MAX_PROBLEM_CHARS - 1)}…` : text });
      }
    }
    if (line.trim()) {
      previous = line;
    }
  }
  return out;
}
