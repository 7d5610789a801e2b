// A bounded window of a service's runtime logs for the agent tools: one connection to the gateway's
// `/service/logs`, what arrives until enough lines, a quiet spell or a hard cap, then closed. Never a
// poll, never left open, never reconnected. No `vscode`: the socket, the parser and the clock come in.
import { GatewayStream, type SocketLike, type StreamState } from '../shared/gateway';

/** One runtime log line, as the logs feature parses a message. */
export interface RuntimeLine {
  at: number;
  pod: string;
  text: string;
}

/** Why the window closed: enough lines, quiet, the cap, or what the gateway said. */
export type RuntimeWindowEnd =
  | 'lines'
  | 'quiet'
  | 'cap'
  | 'signedOut'
  /** A 401 on the upgrade, or close code 1008: the token is checked, as the live logs do. */
  | 'unauthorized'
  /** A 403 on the upgrade, or close code 1007. */
  | 'forbidden'
  | 'notFound'
  /** Close code 1011: the cluster's agent cannot be reached. */
  | 'clusterUnreachable'
  /** The connection failed or dropped (no reconnection here). */
  | 'unreachable';

export interface RuntimeWindowOptions {
  url: string;
  authorization: () => Promise<string | undefined>;
  connect: (url: string, headers: Record<string, string>) => SocketLike;
  /** A message as a line; undefined when it is not a log message. */
  parse: (raw: string) => RuntimeLine | undefined;
  /** Which lines are kept (the pod and text filters). */
  accept?: (line: RuntimeLine) => boolean;
  /** At most this many lines are kept, the newest (200); once full, a short pause of the stream closes the window. */
  maxLines?: number;
  /** ... or after this long without a message, once connected (2 s). */
  quietMs?: number;
  /** ... or this long after it started, whatever arrives (6 s). */
  capMs?: number;
  onProblem?: (text: string) => void;
}

export interface RuntimeWindow {
  /** The kept lines, oldest first: at most maxLines, the newest ones. */
  lines: RuntimeLine[];
  /** Messages received, kept or not. */
  received: number;
  end: RuntimeWindowEnd;
  /** The gateway's close code or upgrade status that ended it, when one did. */
  code?: number;
  /** How long the window was open (ms). */
  elapsedMs: number;
}

export const RUNTIME_MAX_LINES = 200;
export const RUNTIME_QUIET_MS = 2_000;
export const RUNTIME_CAP_MS = 6_000;
/** Once the lines are full, a pause this long ends the window (a backlog sent at once is taken whole, its newest kept). */
export const RUNTIME_FULL_PAUSE_MS = 300;

/** What a stopped or waiting stream means for the window (undefined: it goes on). */
export function windowEndOf(state: StreamState, connected: boolean): { end: RuntimeWindowEnd; code?: number } | undefined {
  switch (state.kind) {
    case 'connecting':
    case 'connected':
      return undefined;
    case 'waiting':
      // The stream would reconnect: a window does not.
      return state.cause === 'clusterUnreachable' ? { end: 'clusterUnreachable', code: 1011 } : { end: connected ? 'quiet' : 'unreachable' };
    case 'stopped': {
      const code = state.closeCode ?? state.status;
      switch (state.reason) {
        case 'signedOut':
          return { end: 'signedOut' };
        case 'unauthorized':
          return { end: 'unauthorized', code };
        case 'forbidden':
          return { end: 'forbidden', code };
        case 'notFound':
          return { end: 'notFound', code };
        default:
          // A normal close (1000) after the lines were sent: what came is the window.
          return { end: 'quiet', code };
      }
    }
  }
}

/** Opens one stream, keeps what arrives within the bounds, closes it. */
export function readRuntimeWindow(o: RuntimeWindowOptions): Promise<RuntimeWindow> {
  const maxLines = Math.max(1, o.maxLines ?? RUNTIME_MAX_LINES);
  const quietMs = o.quietMs ?? RUNTIME_QUIET_MS;
  const started = Date.now();
  const kept: RuntimeLine[] = [];
  let received = 0;
  let connected = false;
  return new Promise<RuntimeWindow>((resolve) => {
    let done = false;
    let quiet: ReturnType<typeof setTimeout> | undefined;
    // Made below; `finish` may be reached by neither before both exist.
    const made: { cap?: ReturnType<typeof setTimeout>; stream?: GatewayStream } = {};
    const finish = (end: RuntimeWindowEnd, code?: number): void => {
      if (done) {
        return;
      }
      done = true;
      clearTimeout(made.cap);
      clearTimeout(quiet);
      made.stream?.close();
      resolve({ lines: kept, received, end, ...(code !== undefined ? { code } : {}), elapsedMs: Date.now() - started });
    };
    const rearm = (): void => {
      clearTimeout(quiet);
      const full = kept.length >= maxLines;
      quiet = setTimeout(() => finish(full ? 'lines' : 'quiet'), full ? Math.min(quietMs, RUNTIME_FULL_PAUSE_MS) : quietMs);
    };
    const stream = new GatewayStream({
      url: o.url,
      label: 'runtime log window',
      authorization: o.authorization,
      connect: o.connect,
      onProblem: o.onProblem,
      onMessage: (raw) => {
        if (done) {
          return;
        }
        received++;
        const line = o.parse(raw);
        if (!line || (o.accept && !o.accept(line))) {
          rearm();
          return;
        }
        kept.push(line);
        if (kept.length > maxLines) {
          kept.shift();
        }
        rearm();
      },
      onState: (state) => {
        if (done) {
          return;
        }
        if (state.kind === 'connected') {
          connected = true;
          rearm();
          return;
        }
        const ended = windowEndOf(state, connected);
        if (ended) {
          finish(ended.end, ended.code);
        }
      },
    });
    made.stream = stream;
    made.cap = setTimeout(() => finish(connected ? 'cap' : 'unreachable'), o.capMs ?? RUNTIME_CAP_MS);
    stream.start();
  });
}
