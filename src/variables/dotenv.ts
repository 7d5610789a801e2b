// The `.env` format, read and written without `vscode`: KEY=value lines, an optional `export`
// prefix, quotes ("double" with escapes, 'single' and `back` literal, each over several lines, '\''
// for a quote in single quotes as a shell reads it), and comments (whole lines, and after an unquoted
// value or a closing quote).
import { checkKey } from './model';

export interface DotenvEntry {
  key: string;
  value: string;
  /** 1-based line where the entry starts. */
  line: number;
}

export type DotenvProblemKind = 'noEquals' | 'invalidKey' | 'unterminatedQuote' | 'duplicate' | 'textAfterQuote' | 'swallowedKeys';

export interface DotenvProblem {
  line: number;
  kind: DotenvProblemKind;
  key?: string;
  /** `swallowedKeys`: the line the quote closes on, and the keys of the lines it takes in. */
  endLine?: number;
  keys?: string[];
}

export interface ParsedDotenv {
  /** One per key, in file order; a key given twice keeps its last value (and a `duplicate` problem). */
  entries: DotenvEntry[];
  problems: DotenvProblem[];
}

/** Larger than any `.env` file: a bigger file is refused before it is read as one. */
export const MAX_DOTENV_BYTES = 1024 * 1024;

export type DecodedDotenv = { kind: 'parsed'; parsed: ParsedDotenv } | { kind: 'tooLarge'; bytes: number };

/** The bytes of a file, parsed when they fit within MAX_DOTENV_BYTES. */
export function decodeDotenv(bytes: Uint8Array): DecodedDotenv {
  if (bytes.byteLength > MAX_DOTENV_BYTES) {
    return { kind: 'tooLarge', bytes: bytes.byteLength };
  }
  return { kind: 'parsed', parsed: parseDotenv(new TextDecoder().decode(bytes)) };
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$', '`': '`' };
const LINE_BREAK = /\r\n|\n|\r/g;
const KEY_LINE = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/;

/**
 * Reads the whole text once: a quoted value is searched for its closing quote from where it opens,
 * and a quote found never to close is not searched again from a later line.
 */
export function parseDotenv(text: string): ParsedDotenv {
  const src = text.replace(/^\uFEFF/, '');
  const byKey = new Map<string, DotenvEntry>();
  const problems: DotenvProblem[] = [];
  const closer = new QuoteFinder(src);
  let pos = 0;
  let lineNumber = 1;
  while (pos <= src.length) {
    const end = lineEnd(src, pos);
    const raw = src.slice(pos, end.at);
    const here = lineNumber;
    const nextLine = (): void => {
      pos = end.next;
      lineNumber++;
    };
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      nextLine();
      continue;
    }
    // Only the start is trimmed: a quoted value may end with spaces on this line and go on below.
    const body = raw.replace(/^\s+/, '').replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    if (eq < 0) {
      problems.push({ line: here, kind: 'noEquals' });
      nextLine();
      continue;
    }
    const key = body.slice(0, eq).trim();
    let rest = body.slice(eq + 1).replace(/^[ \t]+/, '');
    let value: string;
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const open = end.at - rest.length;
      const found = closer.value(open, quote);
      if (!found) {
        // The rest of the file is not taken in: the next line is read as its own.
        problems.push({ line: here, kind: 'unterminatedQuote', key });
        nextLine();
        continue;
      }
      const inner = found.text.replace(LINE_BREAK, '\n');
      value = quote === '"' ? inner.replace(/\\(.)/gs, (m: string, c: string) => ESCAPES[c] ?? m) : inner;
      const spanned = src.slice(open, found.close).match(LINE_BREAK)?.length ?? 0;
      const closing = lineEnd(src, found.close);
      const after = src.slice(found.close + 1, closing.at).trim();
      pos = closing.next;
      lineNumber = here + spanned + 1;
      if (spanned > 0) {
        const keys = inner.split('\n').slice(1).flatMap((l) => KEY_LINE.exec(l)?.[1] ?? []);
        if (keys.length > 0) {
          problems.push({ line: here, kind: 'swallowedKeys', key, endLine: here + spanned, keys });
        }
      }
      if (after !== '' && !after.startsWith('#')) {
        problems.push({ line: here, kind: 'textAfterQuote', key });
        continue;
      }
    } else {
      const comment = /(^|[ \t])#/.exec(rest);
      rest = comment ? rest.slice(0, comment.index) : rest;
      value = rest.trim();
      nextLine();
    }
    if (checkKey(key)) {
      problems.push({ line: here, kind: 'invalidKey', key });
      continue;
    }
    if (byKey.has(key)) {
      problems.push({ line: here, kind: 'duplicate', key });
      byKey.delete(key);
    }
    byKey.set(key, { key, value, line: here });
  }
  return { entries: [...byKey.values()], problems };
}

/** Where the line from `pos` ends, and where the next one starts (past the end of the text on the last line). */
function lineEnd(src: string, pos: number): { at: number; next: number } {
  LINE_BREAK.lastIndex = pos;
  const m = LINE_BREAK.exec(src);
  return m ? { at: m.index, next: m.index + m[0].length } : { at: src.length, next: src.length + 1 };
}

/** Finds closing quotes, remembering for each quote from which position on none closes. */
class QuoteFinder {
  readonly #neverFrom = new Map<string, number>();

  constructor(private readonly src: string) {}

  /**
   * The raw text of the value opened at `open`, and the index of its closing quote. In single quotes,
   * `'\''` stands for a quote (as a shell reads it). Undefined when the quote never closes.
   */
  value(open: number, quote: string): { text: string; close: number } | undefined {
    let close = this.#close(open + 1, quote);
    if (close < 0) {
      return undefined;
    }
    let text = this.src.slice(open + 1, close);
    while (quote === "'" && this.src.startsWith("\\''", close + 1)) {
      const from = close + 4;
      close = this.#close(from, quote);
      if (close < 0) {
        return undefined;
      }
      text += `'${this.src.slice(from, close)}`;
    }
    return { text, close };
  }

  /** Index of the first closing `quote` at or after `from` (skipping `\"` in double quotes), or -1. */
  #close(from: number, quote: string): number {
    // A search that found none from an earlier position finds none from here: in double quotes, an
    // opening quote after that position was read there as escaped, so the reading from here is the same.
    const never = this.#neverFrom.get(quote);
    if (never !== undefined && from >= never) {
      return -1;
    }
    let found = -1;
    if (quote === '"') {
      for (let k = from; k < this.src.length; k++) {
        const c = this.src[k];
        if (c === '\\') {
          k++;
        } else if (c === '"') {
          found = k;
          break;
        }
      }
    } else {
      found = this.src.indexOf(quote, from);
    }
    if (found < 0) {
      this.#neverFrom.set(quote, Math.min(from, never ?? from));
    }
    return found;
  }
}

/**
 * A value as `.env` text that parseDotenv reads back to the same string and that a shell sourcing
 * the file (`set -a; . .env`) reads as the same text without running or expanding anything: single
 * quotes, `'\''` for a quote. A value with a carriage return is written double-quoted with every
 * character a shell treats specially there escaped (`\r` is then two characters to a shell).
 */
export function quoteValue(value: string): string {
  if (/^[A-Za-z0-9_./:@,+\-=]*$/.test(value)) {
    return value;
  }
  if (!value.includes('\r')) {
    return `'${value.replace(/'/g, "'\\''")}'`;
  }
  return `"${value.replace(/[\\"\n\r\t$`]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', $: '\\$', '`': '\\`' })[c] ?? c)}"`;
}

export interface DotenvLine {
  key: string;
  /** Undefined for a secret: it is written as a commented placeholder. */
  value?: string;
  /** A comment written above the line (the variable's origin, say); one line. */
  note?: string;
}

/** What writeDotenv made: the text, and the keys it left out (in the order given). */
export interface WrittenDotenv {
  text: string;
  /** Keys that are not shell variable names: written, they would run or break what follows on `. .env`. */
  skipped: string[];
}

/**
 * `.env` text for these variables. Secrets, whose values Qovery never returns, become commented
 * placeholders (`# KEY=`) followed by `secretNote`. Only keys a shell takes as a variable name
 * (`[A-Za-z_][A-Za-z0-9_]*`, see checkKey) are written, in a placeholder too: a key such as
 * `a$(id)` runs a command when the file is sourced, and a line break in a key starts a line of its own.
 */
export function writeDotenv(lines: readonly DotenvLine[], header: readonly string[], secretNote: string): WrittenDotenv {
  const out = header.map((h) => `# ${oneLine(h)}`);
  const skipped: string[] = [];
  for (const line of lines) {
    if (checkKey(line.key) !== undefined) {
      skipped.push(line.key);
      continue;
    }
    if (line.note) {
      out.push(`# ${oneLine(line.note)}`);
    }
    out.push(line.value === undefined ? `# ${line.key}=  # ${oneLine(secretNote)}` : `${line.key}=${quoteValue(line.value)}`);
  }
  return { text: `${out.join('\n')}\n`, skipped };
}

const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');

/** The longest part of a key a message shows. */
const SHOWN_KEY_CHARS = 40;

/**
 * A key from the API as a message may show it: in double quotes, at most SHOWN_KEY_CHARS characters,
 * every control, format (bidirectional overrides) or line separator character written as `\u{…}`.
 */
export function keyForMessage(key: string): string {
  const chars = [...key];
  const cut = chars.length > SHOWN_KEY_CHARS ? `${chars.slice(0, SHOWN_KEY_CHARS).join('')}…` : key;
  return `"${cut.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`)}"`;
}
