// The `.env` format, read and written without `vscode`: KEY=value lines, an optional `export`
// prefix, quotes ("double" with escapes, 'single' and `back` literal, both over several lines), and
// comments (whole lines, and after an unquoted value or a closing quote).
import { checkKey } from './model';

export interface DotenvEntry {
  key: string;
  value: string;
  /** 1-based line where the entry starts. */
  line: number;
}

export type DotenvProblemKind = 'noEquals' | 'invalidKey' | 'unterminatedQuote' | 'duplicate' | 'textAfterQuote';

export interface DotenvProblem {
  line: number;
  kind: DotenvProblemKind;
  key?: string;
}

export interface ParsedDotenv {
  /** One per key, in file order; a key given twice keeps its last value (and a `duplicate` problem). */
  entries: DotenvEntry[];
  problems: DotenvProblem[];
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

export function parseDotenv(text: string): ParsedDotenv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const byKey = new Map<string, DotenvEntry>();
  const problems: DotenvProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      continue;
    }
    // Only the start is trimmed: a quoted value may end with spaces on this line and go on below.
    const body = raw.replace(/^\s+/, '').replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    if (eq < 0) {
      problems.push({ line: lineNumber, kind: 'noEquals' });
      continue;
    }
    const key = body.slice(0, eq).trim();
    let rest = body.slice(eq + 1).replace(/^[ \t]+/, '');
    let value: string;
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      // The value runs to the matching quote, maybe on a later line.
      let collected = rest.slice(1);
      let end = closingQuote(collected, quote);
      let j = i;
      while (end < 0 && j + 1 < lines.length) {
        j++;
        collected += `\n${lines[j]}`;
        end = closingQuote(collected, quote);
      }
      if (end < 0) {
        problems.push({ line: lineNumber, kind: 'unterminatedQuote', key });
        i = j;
        continue;
      }
      i = j;
      const inner = collected.slice(0, end);
      value = quote === '"' ? inner.replace(/\\(.)/gs, (m: string, c: string) => ESCAPES[c] ?? m) : inner;
      const after = collected.slice(end + 1).trim();
      if (after !== '' && !after.startsWith('#')) {
        problems.push({ line: lineNumber, kind: 'textAfterQuote', key });
        continue;
      }
    } else {
      const comment = /(^|[ \t])#/.exec(rest);
      rest = comment ? rest.slice(0, comment.index) : rest;
      value = rest.trim();
    }
    if (checkKey(key)) {
      problems.push({ line: lineNumber, kind: 'invalidKey', key });
      continue;
    }
    if (byKey.has(key)) {
      problems.push({ line: lineNumber, kind: 'duplicate', key });
      byKey.delete(key);
    }
    byKey.set(key, { key, value, line: lineNumber });
  }
  return { entries: [...byKey.values()], problems };
}

/** Index of the closing quote in `text` (after the opening one), skipping `\"` in double quotes. */
function closingQuote(text: string, quote: string): number {
  for (let k = 0; k < text.length; k++) {
    if (quote === '"' && text[k] === '\\') {
      k++;
    } else if (text[k] === quote) {
      return k;
    }
  }
  return -1;
}

/** A value as `.env` text that parseDotenv reads back to the same string. */
export function quoteValue(value: string): string {
  if (/^[A-Za-z0-9_./:@,+\-=]*$/.test(value)) {
    return value;
  }
  if (!/['\n\r]/.test(value)) {
    return `'${value}'`;
  }
  return `"${value.replace(/[\\"\n\r\t$]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', $: '\\$' })[c] ?? c)}"`;
}

export interface DotenvLine {
  key: string;
  /** Undefined for a secret: it is written as a commented placeholder. */
  value?: string;
  /** A comment written above the line (the variable's origin, say); one line. */
  note?: string;
}

/**
 * `.env` text for these variables. Secrets, whose values Qovery never returns, become commented
 * placeholders (`# KEY=`) followed by `secretNote`.
 */
export function writeDotenv(lines: readonly DotenvLine[], header: readonly string[], secretNote: string): string {
  const out = header.map((h) => `# ${oneLine(h)}`);
  for (const line of lines) {
    if (line.note) {
      out.push(`# ${oneLine(line.note)}`);
    }
    out.push(line.value === undefined ? `# ${line.key}=  # ${oneLine(secretNote)}` : `${line.key}=${quoteValue(line.value)}`);
  }
  return `${out.join('\n')}\n`;
}

const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');
