// Live service logs over Qovery's websocket (`/service/logs`): the URL, the message shape and the
// bounded buffer the view shows (the connection itself is the gateway stream of src/shared/gateway.ts).
// No `vscode` here, so plain mocha and the benchmark drive it.

export const DEFAULT_MAX_LINES = 10_000;
/** The most `qovery.logs.maxLines` may ask for: a view's whole text is handed to VS Code at each redraw. */
export const MAX_MAX_LINES = 100_000;
/** A message longer than this (characters) is cut, and the line says so. */
export const MAX_LINE_CHARS = 16 * 1024;
/** The text a view keeps, whatever its line count (see LogBuffer). */
export const MAX_BUFFER_BYTES = 32 * 1024 * 1024;

/** `qovery.logs.maxLines`: a whole number from 100 to MAX_MAX_LINES (the default when unset), or undefined when wrong. */
export function maxLinesValue(raw: unknown): number | undefined {
  if (raw === undefined) {
    return DEFAULT_MAX_LINES;
  }
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 100 && raw <= MAX_MAX_LINES ? raw : undefined;
}

/** The ids the stream is asked for: the service, its environment, project, organization and cluster. */
export interface StreamTarget {
  organizationId: string;
  projectId: string;
  environmentId: string;
  clusterId: string;
  serviceId: string;
}

/** `<base>/service/logs?service=&cluster=&environment=&organization=&project=`: ids only, never the token. */
export function serviceLogsUrl(base: string, t: StreamTarget): string {
  const q = new URLSearchParams({ service: t.serviceId, cluster: t.clusterId, environment: t.environmentId, organization: t.organizationId, project: t.projectId });
  return `${base}/service/logs?${q.toString()}`;
}

export interface LiveLogLine {
  /** Milliseconds since the epoch. */
  at: number;
  pod: string;
  text: string;
  /** The message's length when it was longer than MAX_LINE_CHARS and `text` is its beginning. */
  cut?: number;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** One websocket message `{created_at, message, pod_name, version}`; undefined when it is not one. */
export function parseLogMessage(data: string): LiveLogLine | undefined {
  let m: unknown;
  try {
    m = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!m || typeof m !== 'object' || Array.isArray(m)) {
    return undefined;
  }
  const r = m as Record<string, unknown>;
  if (typeof r.message !== 'string') {
    return undefined;
  }
  const at = typeof r.created_at === 'number' ? r.created_at : typeof r.created_at === 'string' ? Date.parse(r.created_at) : NaN;
  const full = r.message.length;
  // One message is one line of the view: a message's own line breaks become spaces. A long one is
  // cleaned only as far as the part that can be shown (the rest may be control characters).
  let text = (full > 2 * MAX_LINE_CHARS ? r.message.slice(0, 2 * MAX_LINE_CHARS) : r.message).replace(CONTROL, '').replace(/[\r\n]+$/, '').replace(/[\r\n]+/g, ' ');
  let cut: number | undefined;
  if (text.length > MAX_LINE_CHARS) {
    text = text.slice(0, MAX_LINE_CHARS);
    // Never half of a surrogate pair at the cut.
    if (/[\ud800-\udbff]$/.test(text)) {
      text = text.slice(0, -1);
    }
    cut = full;
  } else if (full > 2 * MAX_LINE_CHARS) {
    cut = full;
  }
  const line: LiveLogLine = { at: Number.isFinite(at) ? at : Date.now(), pod: typeof r.pod_name === 'string' ? r.pod_name.slice(0, 256) : '', text };
  if (cut !== undefined) {
    line.cut = cut;
  }
  return line;
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `23:19:12.345` in UTC, without a Date object: a flood formats thousands of these per batch. */
export function clockTime(ms: number): string {
  const d = ((Math.floor(ms) % 86_400_000) + 86_400_000) % 86_400_000;
  const milli = d % 1000;
  return `${two(Math.floor(d / 3_600_000))}:${two(Math.floor(d / 60_000) % 60)}:${two(Math.floor(d / 1000) % 60)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}`;
}

/** `23:19:12.345 pod  text`: the time in UTC, as the deployment logs show it. */
export function formatLine(l: LiveLogLine): string {
  return `${clockTime(l.at)} ${l.pod || '-'}  ${l.text}`;
}

/** A kept message not parsed yet (raw text), parsed, or found not to be a log message. */
type Slot = LiveLogLine | string | null | undefined;

/** A raw message longer than this is parsed (and cut) as it arrives, not kept whole until shown. */
const RAW_KEEP_CHARS = MAX_LINE_CHARS + 4096;

/**
 * What a kept slot counts towards the byte bound: its characters (ASCII logs: one byte each in UTF-8),
 * and those of its shown text when that is kept too.
 */
const sizeOf = (l: Slot, shown: string | undefined): number => (typeof l === 'string' ? l.length : l ? l.text.length + l.pod.length : 0) + (shown?.length ?? 0);

/**
 * The lines kept for the view: at most `max` lines and `maxBytes` of text, the oldest go first and
 * are counted. Messages are kept as their raw text and parsed only when shown (in a flood most of
 * them leave before that, unparsed); a long one is parsed and cut to MAX_LINE_CHARS at once. A line's
 * shown text (`format`) is made once and kept with it while that fits within `maxBytes`, and counted.
 */
export class LogBuffer {
  #slots: Slot[];
  /** The shown text of each slot, once made (see shown()). */
  #shown: (string | undefined)[];
  /** The size (sizeOf) of each slot, so that dropping a line takes its share off `bytes`. */
  #sizes: Uint32Array;
  #start = 0;
  #size = 0;
  /** Messages pushed since the buffer was made (never reset): absolute positions of the lines. */
  #seq = 0;
  /** Lines that left the buffer because it was full (of lines or of bytes). */
  dropped = 0;
  /** Lines received since the last clear. */
  received = 0;
  /** The size of the kept text (see sizeOf): never over maxBytes, but for one newest line alone. */
  bytes = 0;
  /** The pods of the lines parsed so far. */
  readonly pods = new Set<string>();

  constructor(
    readonly max: number,
    readonly maxBytes = MAX_BUFFER_BYTES,
    /** A line as the view shows it. */
    readonly format: (l: LiveLogLine) => string = formatLine,
  ) {
    this.#slots = new Array<Slot>(Math.max(1, max));
    this.#shown = new Array<string | undefined>(this.#slots.length);
    this.#sizes = new Uint32Array(Math.max(1, max));
  }

  get size(): number {
    return this.#size;
  }

  /** The absolute position of the oldest kept line, and the one after the newest. */
  get begin(): number {
    return this.#seq - this.#size;
  }

  get end(): number {
    return this.#seq;
  }

  /** A line, or a message's raw text (parsed when first shown, or now when it is long). */
  push(raw: LiveLogLine | string): void {
    const cap = this.#slots.length;
    this.received++;
    this.#seq++;
    const line: Slot = typeof raw === 'string' && raw.length > RAW_KEEP_CHARS ? (parseLogMessage(raw) ?? null) : raw;
    if (line && typeof line !== 'string') {
      this.pods.add(line.pod);
    }
    const size = sizeOf(line, undefined);
    while (this.#size > 0 && (this.#size >= cap || this.bytes + size > this.maxBytes)) {
      this.#dropOldest();
    }
    const i = (this.#start + this.#size++) % cap;
    this.#slots[i] = line;
    this.#shown[i] = undefined;
    this.#sizes[i] = size;
    this.bytes += size;
  }

  #dropOldest(): void {
    this.bytes -= this.#sizes[this.#start];
    this.#slots[this.#start] = undefined;
    this.#shown[this.#start] = undefined;
    this.#sizes[this.#start] = 0;
    this.#start = (this.#start + 1) % this.#slots.length;
    this.#size--;
    this.dropped++;
  }

  /** The slot of an absolute position. */
  #index(n: number): number {
    return (this.#start + (n - this.begin)) % this.#slots.length;
  }

  /** The kept line at an absolute position, parsed now if it was not (null: not a log message). */
  #at(n: number): LiveLogLine | null {
    const i = this.#index(n);
    let l = this.#slots[i];
    if (typeof l === 'string') {
      l = parseLogMessage(l) ?? null;
      this.#slots[i] = l;
      const size = sizeOf(l, undefined);
      this.bytes += size - this.#sizes[i];
      this.#sizes[i] = size;
      if (l) {
        this.pods.add(l.pod);
      }
    }
    return l ?? null;
  }

  /** Parses the kept lines of positions [from, to), so that showing them later costs nothing. */
  parse(from: number, to: number): void {
    for (let n = Math.max(from, this.begin); n < Math.min(to, this.end); n++) {
      this.#at(n);
    }
  }

  /** The kept lines of positions [from, to) (all kept lines by default), oldest first, of one pod when asked. */
  lines(pod?: string, from = this.begin, to = this.end): LiveLogLine[] {
    const out: LiveLogLine[] = [];
    for (let n = Math.max(from, this.begin); n < Math.min(to, this.end); n++) {
      const l = this.#at(n);
      if (l && (pod === undefined || l.pod === pod)) {
        out.push(l);
      }
    }
    return out;
  }

  /**
   * The kept lines of positions [from, to) (all kept lines by default) as the view shows them, oldest
   * first, of one pod when asked. A line's shown text is made once and kept with it, counted in
   * `bytes`; when keeping it would pass `maxBytes` it is not kept (and is made again when next shown),
   * so that showing never drops a line.
   */
  shown(pod?: string, from = this.begin, to = this.end): string[] {
    const out: string[] = [];
    for (let n = Math.max(from, this.begin); n < Math.min(to, this.end); n++) {
      const l = this.#at(n);
      if (!l || (pod !== undefined && l.pod !== pod)) {
        continue;
      }
      const i = this.#index(n);
      let text = this.#shown[i];
      if (text === undefined) {
        text = this.format(l);
        if (this.bytes + text.length <= this.maxBytes) {
          this.#shown[i] = text;
          this.#sizes[i] += text.length;
          this.bytes += text.length;
        }
      }
      out.push(text);
    }
    return out;
  }

  clear(): void {
    this.#slots = new Array<Slot>(this.#slots.length);
    this.#shown = new Array<string | undefined>(this.#slots.length);
    this.#sizes = new Uint32Array(this.#slots.length);
    this.#start = 0;
    this.#size = 0;
    this.dropped = 0;
    this.received = 0;
    this.bytes = 0;
    this.pods.clear();
  }
}
