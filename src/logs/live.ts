// Live service logs over Qovery's websocket (`/service/logs`): the URL rules, the message shape, the
// bounded buffer the view shows, and the connection that reconnects with a bounded back-off. No `vscode`
// here: the socket is injected, so plain mocha and the benchmark drive it.
import { parseTokenUrl } from '../api/url';

export const DEFAULT_WEBSOCKET_URL = 'wss://ws.qovery.com';
export const DEFAULT_MAX_LINES = 10_000;

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
  // One message is one line of the view: a message's own line breaks become spaces.
  const text = r.message.replace(CONTROL, '').replace(/[\r\n]+$/, '').replace(/[\r\n]+/g, ' ');
  return { at: Number.isFinite(at) ? at : Date.now(), pod: typeof r.pod_name === 'string' ? r.pod_name : '', text };
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

/**
 * The lines kept for the view: at most `max`, the oldest go first and are counted. Messages are kept
 * as their raw text and parsed only when shown: in a flood most of them leave before that, unparsed.
 */
export class LogBuffer {
  #slots: Slot[];
  #start = 0;
  #size = 0;
  /** Messages pushed since the buffer was made (never reset): absolute positions of the lines. */
  #seq = 0;
  /** Lines that left the buffer because it was full. */
  dropped = 0;
  /** Lines received since the last clear. */
  received = 0;
  /** The pods of the lines parsed so far. */
  readonly pods = new Set<string>();

  constructor(readonly max: number) {
    this.#slots = new Array<Slot>(Math.max(1, max));
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

  /** A line, or a message's raw text (parsed when first shown). */
  push(line: LiveLogLine | string): void {
    const cap = this.#slots.length;
    this.received++;
    this.#seq++;
    if (typeof line !== 'string') {
      this.pods.add(line.pod);
    }
    if (this.#size < cap) {
      this.#slots[(this.#start + this.#size++) % cap] = line;
    } else {
      this.#slots[this.#start] = line;
      this.#start = (this.#start + 1) % cap;
      this.dropped++;
    }
  }

  /** The kept line at an absolute position, parsed now if it was not (null: not a log message). */
  #at(n: number): LiveLogLine | null {
    const i = (this.#start + (n - this.begin)) % this.#slots.length;
    let l = this.#slots[i];
    if (typeof l === 'string') {
      l = parseLogMessage(l) ?? null;
      this.#slots[i] = l;
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

  clear(): void {
    this.#slots = new Array<Slot>(this.#slots.length);
    this.#start = 0;
    this.#size = 0;
    this.dropped = 0;
    this.received = 0;
    this.pods.clear();
  }
}

/** The part of a `ws` WebSocket the stream uses (tests and the benchmark may give their own). */
export interface SocketLike {
  on(event: 'open', listener: () => void): unknown;
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode?: number; resume?(): void }) => void): unknown;
  close(): void;
  terminate(): void;
  /** Stop and restart reading from the network (ws has them): a flood yields to the event loop. */
  pause?(): void;
  resume?(): void;
}

export type StreamState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected' }
  | { kind: 'waiting'; retryInMs: number; reason: string }
  | { kind: 'stopped'; reason: 'signedOut' | 'unauthorized' | 'forbidden' | 'notFound' | 'closed'; status?: number };

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
    void this.#connect();
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
        openedAt = Date.now();
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
    socket.on('close', () => {
      if (!settled && mine()) {
        settled = true;
        this.#socket = undefined;
        // A stream that worked for a while starts the back-off again; one that drops at once keeps growing it.
        if (openedAt !== undefined && Date.now() - openedAt > STABLE_MS) {
          this.#failures = 0;
        }
        this.#retry('the server closed the stream');
      }
    });
  }

  #retry(reason: string): void {
    if (this.#closed) {
      return;
    }
    this.#failures++;
    const wait = backoffMs(this.#failures, this.#o.retryBaseMs ?? 1000, this.#o.retryMaxMs ?? 30_000);
    this.#set({ kind: 'waiting', retryInMs: wait, reason });
    this.#timer = (this.#o.setTimer ?? ((run, ms) => setTimeout(run, ms)))(() => {
      this.#timer = undefined;
      void this.#connect();
    }, wait);
  }
}
