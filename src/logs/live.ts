// Live service logs over Qovery's websocket (`/service/logs`): the URL rules, the message shape, the
// bounded buffer the view shows, and the connection that reconnects with a bounded back-off. No `vscode`
// here: the socket is injected, so plain mocha and the benchmark drive it.
import { parseTokenUrl } from '../api/url';

export const DEFAULT_WEBSOCKET_URL = 'wss://ws.qovery.com';
export const DEFAULT_MAX_LINES = 10_000;
/** The most `qovery.logs.maxLines` may ask for: a view's whole text is handed to VS Code at each redraw. */
export const MAX_MAX_LINES = 100_000;
/** A message longer than this (characters) is cut, and the line says so. */
export const MAX_LINE_CHARS = 16 * 1024;
/** The text a view keeps, whatever its line count (see LogBuffer). */
export const MAX_BUFFER_BYTES = 32 * 1024 * 1024;

/** The websocket base URL, or why the setting cannot be used (then the default is used). */
export function parseWebsocketUrl(raw: unknown): { url: string; problem?: string } {
  if (raw === undefined || raw === null || raw === '') {
    return { url: DEFAULT_WEBSOCKET_URL };
  }
  if (typeof raw !== 'string') {
    return { url: DEFAULT_WEBSOCKET_URL, problem: `The setting qovery.websocketUrl must be a text URL. Using ${DEFAULT_WEBSOCKET_URL}.` };
  }
  try {
    // The same rules as the API URL: the token travels there too.
    return { url: parseTokenUrl(raw, 'qovery.websocketUrl', 'wss:', DEFAULT_WEBSOCKET_URL).href.replace(/\/+$/, '') };
  } catch (error) {
    return { url: DEFAULT_WEBSOCKET_URL, problem: `${error instanceof Error ? error.message : String(error)} Using ${DEFAULT_WEBSOCKET_URL}.` };
  }
}

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

/** The part of a `ws` WebSocket the stream uses (tests and the benchmark may give their own). */
export interface SocketLike {
  on(event: 'open', listener: () => void): unknown;
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (code: number, reason?: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode?: number; headers?: Record<string, string | string[] | undefined>; resume?(): void }) => void): unknown;
  close(): void;
  terminate(): void;
  /** Stop and restart reading from the network (ws has them): a flood yields to the event loop. */
  pause?(): void;
  resume?(): void;
}

export type StreamState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected' }
  | {
      kind: 'waiting';
      retryInMs: number;
      reason: string;
      /** Why the wait is long: the cluster's agent cannot be reached (close code 1011), or 3 upgrades in the last minute. */
      cause?: 'clusterUnreachable' | 'tooManyUpgrades';
    }
  | {
      kind: 'stopped';
      /** `unauthorized`/`forbidden`: a 401/403 on the upgrade, or close code 1008/1007; `ended`: the server ended the stream twice. */
      reason: 'signedOut' | 'unauthorized' | 'forbidden' | 'notFound' | 'ended' | 'closed';
      status?: number;
      /** The close code that stopped the stream (1007, 1008, 1000). */
      closeCode?: number;
    };

/** What a close from the server means (Qovery's gateway: qovery-cli pkg/wserror.go). */
export type CloseOutcome =
  | { kind: 'stop'; reason: 'unauthorized' | 'forbidden' | 'ended' }
  | { kind: 'retry'; pace: 'normal' | 'slow' };

/** Close codes of Qovery's websocket gateway. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_PERMISSION = 1007;
export const CLOSE_POLICY = 1008;
export const CLOSE_UNAVAILABLE = 1011;

/**
 * A close the view did not ask for: 1007 (permission) and 1008 (token) are permanent; 1011 (the
 * cluster's agent is unreachable) is retried slowly; a normal close (1000) is reconnected once, then
 * stops (`normalBefore`: 1000s already seen on this stream); anything else is a drop, retried.
 */
export function closeOutcome(code: number, normalBefore: number): CloseOutcome {
  switch (code) {
    case CLOSE_PERMISSION:
      return { kind: 'stop', reason: 'forbidden' };
    case CLOSE_POLICY:
      return { kind: 'stop', reason: 'unauthorized' };
    case CLOSE_UNAVAILABLE:
      return { kind: 'retry', pace: 'slow' };
    case CLOSE_NORMAL:
      return normalBefore > 0 ? { kind: 'stop', reason: 'ended' } : { kind: 'retry', pace: 'normal' };
    default:
      return { kind: 'retry', pace: 'normal' };
  }
}

/** At most this many upgrades per view in UPGRADE_WINDOW_MS, whatever the server answers. */
export const MAX_UPGRADES = 3;
export const UPGRADE_WINDOW_MS = 60_000;

/** How long to wait before the next upgrade, given the times of the earlier ones (0: now). */
export function upgradeWaitMs(earlier: readonly number[], now: number, max = MAX_UPGRADES, windowMs = UPGRADE_WINDOW_MS): number {
  const recent = earlier.filter((t) => now - t < windowMs).sort((a, b) => a - b);
  return recent.length < max ? 0 : recent[recent.length - max] + windowMs - now;
}

/** The close reason a server sent (ws gives a Buffer), as one short line of text. */
export function closeReasonText(reason: unknown): string {
  const t = Buffer.isBuffer(reason) ? reason.toString('utf8') : typeof reason === 'string' ? reason : '';
  // eslint-disable-next-line no-control-regex
  return t.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200);
}

export interface StreamOptions {
  url: string;
  /** Gives the Authorization header value at each connection (the token may change between two). */
  authorization: () => Promise<string | undefined>;
  connect: (url: string, headers: Record<string, string>) => SocketLike;
  /** Each text message, raw (see LogBuffer: parsed only when shown). */
  onMessage: (text: string) => void;
  onState: (state: StreamState) => void;
  /** The back-off: first wait, cap (defaults 1 s and 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** The slow back-off after a 1011 (defaults 30 s and 5 min). */
  slowBaseMs?: number;
  slowMaxMs?: number;
  /** What went wrong, for the log: close codes and reasons, refused upgrades with their X-Qovery-Request-Id. */
  onProblem?: (text: string) => void;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** The wait before attempt `n` (1-based) after a failure: doubling from base, never over max. */
/** Messages handled in one turn of the event loop before the socket pauses until the next turn. */
export const BURST_MESSAGES = 1000;

/** A connection open this long counts as working: the next drop waits the first step again. */
const STABLE_MS = 10_000;

export const backoffMs = (n: number, base: number, max: number): number => Math.min(max, base * 2 ** Math.max(0, n - 1));

/**
 * One live stream. It reconnects after a drop (1 s, 2 s, 4 s ... up to 30 s; back to 1 s once a
 * connection stayed up for 10 s) and stops for good on a 401 or 403 on the upgrade, or when closed.
 */
export class LiveLogStream {
  #socket: SocketLike | undefined;
  #timer: unknown;
  #failures = 0;
  #closed = false;
  #state: StreamState = { kind: 'connecting', attempt: 1 };
  #burst = 0;
  /** Which connection attempt is the current one: an older one that finishes its token read gives up. */
  #attempt = 0;
  /** When the upgrades of the last minute were sent (see upgradeWaitMs). */
  #upgrades: number[] = [];
  /** Normal closes (1000) the view did not ask for, since it started, was restarted or last stayed connected STABLE_MS. */
  #normalCloses = 0;
  readonly #o: StreamOptions;

  constructor(options: StreamOptions) {
    this.#o = options;
  }

  get state(): StreamState {
    return this.#state;
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(): void {
    void this.#connect();
  }

  /** Connects again now (after a stop, or instead of waiting). */
  restart(): void {
    if (this.#closed) {
      return;
    }
    this.#clearTimer();
    this.#drop();
    this.#failures = 0;
    this.#normalCloses = 0;
    void this.#connect();
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#clearTimer();
    this.#drop();
    this.#set({ kind: 'stopped', reason: 'closed' });
  }

  #set(state: StreamState): void {
    this.#state = state;
    this.#o.onState(state);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      (this.#o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.#timer);
      this.#timer = undefined;
    }
  }

  #drop(): void {
    const s = this.#socket;
    this.#socket = undefined;
    if (s) {
      try {
        s.terminate();
      } catch {
        // Already gone.
      }
    }
  }

  async #connect(): Promise<void> {
    if (this.#closed) {
      return;
    }
    const attempt = ++this.#attempt;
    // Whatever the server answers, a view sends at most MAX_UPGRADES upgrades a minute.
    const hold = upgradeWaitMs(this.#upgrades, this.#now());
    if (hold > 0) {
      this.#wait(hold, 'too many connections in the last minute', 'tooManyUpgrades');
      return;
    }
    this.#set({ kind: 'connecting', attempt: this.#failures + 1 });
    let authorization: string | undefined;
    try {
      authorization = await this.#o.authorization();
    } catch {
      authorization = undefined;
    }
    // Closed, or another attempt started while the token was read (a restart): that one connects.
    if (this.#closed || attempt !== this.#attempt) {
      return;
    }
    if (!authorization) {
      this.#set({ kind: 'stopped', reason: 'signedOut' });
      return;
    }
    let socket: SocketLike;
    const now = this.#now();
    this.#upgrades = [...this.#upgrades.filter((t) => now - t < UPGRADE_WINDOW_MS), now];
    try {
      socket = this.#o.connect(this.#o.url, { Authorization: authorization });
    } catch {
      this.#retry('the connection could not be opened');
      return;
    }
    // Never two sockets: one left from before is closed first.
    this.#drop();
    this.#socket = socket;
    let settled = false;
    const mine = (): boolean => this.#socket === socket && !this.#closed;
    let openedAt: number | undefined;
    socket.on('open', () => {
      if (mine()) {
        openedAt = this.#now();
        this.#set({ kind: 'connected' });
      }
    });
    socket.on('message', (data, isBinary) => {
      if (!mine() || isBinary) {
        return;
      }
      // A copy as text: a Buffer from ws may be a slice that keeps a whole 64 KB read alive.
      this.#o.onMessage(typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
      // The network can hand over megabytes in one turn: after a burst, reading waits for the next turn.
      if (++this.#burst === 1) {
        setImmediate(() => {
          this.#burst = 0;
        });
      } else if (this.#burst === BURST_MESSAGES && socket.pause && socket.resume) {
        socket.pause();
        setImmediate(() => {
          if (mine()) {
            socket.resume?.();
          }
        });
      }
    });
    socket.on('unexpected-response', (_req, res) => {
      settled = true;
      res.resume?.();
      if (!mine()) {
        return;
      }
      this.#drop();
      const status = res.statusCode ?? 0;
      const id = res.headers?.['x-qovery-request-id'];
      this.#o.onProblem?.(`The log stream's upgrade was answered ${status}${id ? ` (X-Qovery-Request-Id: ${String(id).slice(0, 100)})` : ''}.`);
      if (status === 401 || status === 403 || status === 404) {
        this.#set({ kind: 'stopped', reason: status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'notFound', status });
      } else {
        this.#retry(`the server answered ${status}`);
      }
    });
    socket.on('error', (error) => {
      if (!settled && mine()) {
        settled = true;
        this.#drop();
        this.#retry(error.message ? 'the connection failed' : 'error');
      }
    });
    socket.on('close', (code, reason) => {
      if (!settled && mine()) {
        settled = true;
        this.#socket = undefined;
        const text = closeReasonText(reason);
        this.#o.onProblem?.(`The log stream was closed by the server with code ${code}${text ? `: ${text}` : ''}.`);
        // A stream that worked for a while starts afresh: the back-off from its first step, and a normal
        // close (a gateway redeploy) is routine again; one that drops at once keeps counting both.
        if (openedAt !== undefined && this.#now() - openedAt > STABLE_MS) {
          this.#failures = 0;
          this.#normalCloses = 0;
        }
        const outcome = closeOutcome(code, this.#normalCloses);
        if (code === CLOSE_NORMAL) {
          this.#normalCloses++;
        }
        if (outcome.kind === 'stop') {
          this.#set({ kind: 'stopped', reason: outcome.reason, closeCode: code });
          return;
        }
        if (outcome.pace === 'slow') {
          this.#retry('the cluster of this service cannot be reached', true);
        } else {
          this.#retry('the server closed the stream');
        }
      }
    });
  }

  #retry(reason: string, slow = false): void {
    if (this.#closed) {
      return;
    }
    this.#failures++;
    const wait = slow
      ? backoffMs(this.#failures, this.#o.slowBaseMs ?? 30_000, this.#o.slowMaxMs ?? 300_000)
      : backoffMs(this.#failures, this.#o.retryBaseMs ?? 1000, this.#o.retryMaxMs ?? 30_000);
    // The limit of upgrades a minute may ask for longer still.
    const hold = upgradeWaitMs(this.#upgrades, this.#now() + wait);
    this.#wait(wait + hold, reason, slow ? 'clusterUnreachable' : hold > 0 ? 'tooManyUpgrades' : undefined);
  }

  #wait(ms: number, reason: string, cause: 'clusterUnreachable' | 'tooManyUpgrades' | undefined): void {
    this.#clearTimer();
    this.#set(cause ? { kind: 'waiting', retryInMs: ms, reason, cause } : { kind: 'waiting', retryInMs: ms, reason });
    this.#timer = (this.#o.setTimer ?? ((run, ms) => setTimeout(run, ms)))(() => {
      this.#timer = undefined;
      void this.#connect();
    }, ms);
  }
}
