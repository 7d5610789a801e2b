// One websocket to the gateway's shell, and the pods request: binary frames both ways, EOT (0x04) before
// a close the user asked for, a ping every 30 s and a 75 s read timeout (qovery-cli pkg/shell.go). No
// `vscode` here: the socket is injected, so plain mocha and the benchmark drive it over real sockets.
import { StringDecoder } from 'node:string_decoder';
import { closeReasonText } from '../shared/gateway';
import { parsePods, shellEndOfClose, shellEndOfStatus, type Pod, type ShellEnd } from './model';

/** The part of a `ws` WebSocket a shell or a forward uses. */
export interface DuplexSocket {
  on(event: 'open', listener: () => void): unknown;
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (code: number, reason?: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'pong', listener: () => void): unknown;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode?: number; headers?: Record<string, string | string[] | undefined>; resume?(): void }) => void): unknown;
  send(data: Buffer, options: { binary: boolean }, callback?: (error?: Error) => void): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  readonly bufferedAmount: number;
}

export type SocketOpener = (url: string, headers: Record<string, string>) => DuplexSocket;

export const EOT = Buffer.from([0x04]);
export const PING_MS = 30_000;
export const READ_TIMEOUT_MS = 75_000;
/** Input typed before the connection opens is kept up to this many bytes. */
const PENDING_MAX = 64 * 1024;

/** What a request id the gateway sent back looks like in a log line. */
function requestId(headers: Record<string, string | string[] | undefined> | undefined): string {
  const id = headers?.['x-qovery-request-id'];
  return id ? ` (X-Qovery-Request-Id: ${String(id).slice(0, 100)})` : '';
}

export interface ShellConnectionOptions {
  url: string;
  authorization: string;
  connect: SocketOpener;
  /** The terminal's bytes, as text (UTF-8 split across frames is joined). */
  onOutput: (text: string) => void;
  onOpen: () => void;
  /** Called once, when the connection is over; `reason` is the server's, cleaned. */
  onEnd: (end: ShellEnd, reason: string) => void;
  onProblem?: (text: string) => void;
  pingMs?: number;
  readTimeoutMs?: number;
}

/** One shell connection. It never reconnects by itself: a new shell is a new session in the container. */
export class ShellConnection {
  readonly #o: ShellConnectionOptions;
  readonly #socket: DuplexSocket;
  readonly #decoder = new StringDecoder('utf8');
  #open = false;
  #ended = false;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #ping: ReturnType<typeof setInterval> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  /** Bytes received, for the tests and the log. */
  received = 0;

  constructor(options: ShellConnectionOptions) {
    this.#o = options;
    const socket = options.connect(options.url, { Authorization: options.authorization });
    this.#socket = socket;
    socket.on('open', () => {
      if (this.#ended) {
        return;
      }
      this.#open = true;
      this.#o.onOpen();
      for (const chunk of this.#pending) {
        socket.send(chunk, { binary: true });
      }
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#alive();
      this.#ping = setInterval(() => {
        try {
          socket.ping();
        } catch {
          // The close event follows.
        }
      }, this.#o.pingMs ?? PING_MS);
    });
    socket.on('pong', () => this.#alive());
    socket.on('message', (data, isBinary) => {
      this.#alive();
      // The gateway's terminal bytes are binary frames; a text frame is not the shell's (the CLI skips them too).
      if (!isBinary || this.#ended) {
        return;
      }
      const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data as Buffer[]) : Buffer.from(data as ArrayBuffer);
      this.received += buffer.length;
      const text = this.#decoder.write(buffer);
      if (text) {
        this.#o.onOutput(text);
      }
    });
    socket.on('unexpected-response', (_req, res) => {
      res.resume?.();
      const status = res.statusCode ?? 0;
      this.#o.onProblem?.(`The shell's upgrade was answered ${status}${requestId(res.headers)}.`);
      this.#end(shellEndOfStatus(status), '');
    });
    socket.on('error', (error) => {
      this.#o.onProblem?.(`The shell's connection failed: ${error.message.slice(0, 200)}`);
      this.#end({ kind: 'dropped' }, '');
    });
    socket.on('close', (code, reason) => {
      const text = closeReasonText(reason);
      if (!this.#ended) {
        this.#o.onProblem?.(`The shell was closed by the server with code ${code}${text ? `: ${text}` : ''}.`);
      }
      const rest = this.#decoder.end();
      if (rest && !this.#ended) {
        this.#o.onOutput(rest);
      }
      // 1005/1006: no close frame at all, a drop.
      this.#end(shellEndOfClose(code), text);
    });
  }

  get open(): boolean {
    return this.#open && !this.#ended;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Sends what was typed (kept until the connection opens, up to 64 KB). */
  input(data: string | Buffer): void {
    if (this.#ended) {
      return;
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (!this.#open) {
      if (this.#pendingBytes + bytes.length <= PENDING_MAX) {
        this.#pending.push(bytes);
        this.#pendingBytes += bytes.length;
      }
      return;
    }
    this.#socket.send(bytes, { binary: true });
  }

  /** Ends the connection: EOT to the shell first (stdin's end, as the CLI sends it), then a normal close. */
  close(end: ShellEnd = { kind: 'closed' }): void {
    if (this.#ended) {
      return;
    }
    const socket = this.#socket;
    const wasOpen = this.#open;
    this.#end(end, '');
    if (wasOpen) {
      try {
        socket.send(EOT, { binary: true });
        socket.close(1000, 'closed by the user');
      } catch {
        socket.terminate();
      }
      // A server that never answers the close is not waited for.
      setTimeout(() => socket.terminate(), 5000).unref?.();
    } else {
      socket.terminate();
    }
  }

  #alive(): void {
    clearTimeout(this.#deadline);
    this.#deadline = setTimeout(() => {
      this.#end({ kind: 'timeout' }, '');
      this.#socket.terminate();
    }, this.#o.readTimeoutMs ?? READ_TIMEOUT_MS);
  }

  #end(end: ShellEnd, reason: string): void {
    if (this.#ended) {
      return;
    }
    this.#ended = true;
    this.#open = false;
    clearInterval(this.#ping);
    clearTimeout(this.#deadline);
    this.#pending = [];
    this.#o.onEnd(end, reason);
  }
}

/** Why the pods could not be listed. */
export class PodsError extends Error {
  constructor(
    readonly end: ShellEnd,
    readonly reason: string,
  ) {
    super(`The pods could not be listed (${end.kind}).`);
    this.name = 'PodsError';
  }
}

/** `/service/pods`: one text message `{pods: [...]}`, then the socket is closed (qovery-cli pkg/service_list_pods.go). */
export function listPods(url: string, authorization: string, connect: SocketOpener, timeoutMs = 30_000): Promise<Pod[]> {
  return new Promise<Pod[]>((resolve, reject) => {
    const socket = connect(url, { Authorization: authorization });
    let done = false;
    const finish = (result: Pod[] | PodsError): void => {
      if (done) {
        return;
      }
      done = true;
      clearTimeout(timer);
      try {
        socket.close(1000);
      } catch {
        socket.terminate();
      }
      setTimeout(() => socket.terminate(), 2000).unref?.();
      if (result instanceof PodsError) {
        reject(result);
      } else {
        resolve(result);
      }
    };
    const timer = setTimeout(() => finish(new PodsError({ kind: 'timeout' }, '')), timeoutMs);
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      const pods = parsePods(text);
      finish(pods ?? new PodsError({ kind: 'dropped' }, 'the gateway sent no list of pods'));
    });
    socket.on('unexpected-response', (_req, res) => {
      res.resume?.();
      finish(new PodsError(shellEndOfStatus(res.statusCode ?? 0), ''));
    });
    socket.on('error', () => finish(new PodsError({ kind: 'dropped' }, '')));
    socket.on('close', (code, reason) => {
      const end = shellEndOfClose(code);
      finish(new PodsError(end.kind === 'exited' ? { kind: 'dropped', code } : end, closeReasonText(reason)));
    });
    socket.on('open', () => undefined);
    socket.on('pong', () => undefined);
  });
}
