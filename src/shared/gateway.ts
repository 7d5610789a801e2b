// A stream from Qovery's websocket gateway (`wss://ws.qovery.com`): the base URL setting, the close codes
// and what each means, the limit of upgrades a minute, and the connection that reconnects with a bounded
// back-off. Every gateway feature (live logs, deployment statuses and logs, the shell) uses it. No
// `vscode` here: the socket is injected, so plain mocha and the benchmark drive it.
import { parseTokenUrl } from '../api/url';

export const DEFAULT_WEBSOCKET_URL = 'wss://ws.qovery.com';

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
  /** What the stream is, for the log's problem lines ("log stream" when not given). */
  label?: string;
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

/** Messages handled in one turn of the event loop before the socket pauses until the next turn. */
export const BURST_MESSAGES = 1000;

/** A connection open this long counts as working: the next drop waits the first step again. */
const STABLE_MS = 10_000;

/** The wait before attempt `n` (1-based) after a failure: doubling from base, never over max. */
export const backoffMs = (n: number, base: number, max: number): number => Math.min(max, base * 2 ** Math.max(0, n - 1));

/**
 * One live stream. It reconnects after a drop (1 s, 2 s, 4 s ... up to 30 s; back to 1 s once a
 * connection stayed up for 10 s) and stops for good on a 401 or 403 on the upgrade, or when closed.
 */
export class GatewayStream {
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
      this.#o.onProblem?.(`The ${this.#o.label ?? 'log stream'}'s upgrade was answered ${status}${id ? ` (X-Qovery-Request-Id: ${String(id).slice(0, 100)})` : ''}.`);
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
        this.#o.onProblem?.(`The ${this.#o.label ?? 'log stream'} was closed by the server with code ${code}${text ? `: ${text}` : ''}.`);
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
