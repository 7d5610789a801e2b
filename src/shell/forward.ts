// A port forward: a TCP listener on 127.0.0.1 only, and for each connection it accepts one websocket to
// the gateway's `/shell/portforward` (as qovery-cli pkg/port-forward.go does), bytes relayed both ways as
// binary frames with back-pressure on each side. No pod is named: the gateway picks a running one for
// each connection, so a forward outlives a pod restart. No `vscode` here (plain mocha and the bench).
import * as net from 'node:net';
import { closeReasonText } from '../shared/gateway';
import type { DuplexSocket, SocketOpener } from './connection';
import { portForwardUrl, shellEndOfClose, shellEndOfStatus, type GatewayTarget, type ShellEnd } from './model';

/** Websockets open at once per forward; more TCP connections wait their turn. */
export const MAX_ACTIVE = 32;
/** TCP connections waiting for a websocket; more are closed at once. */
export const MAX_WAITING = 256;
/** A websocket holding this much unsent data stops the reading of its TCP side until it drains. */
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;

export type ForwardErrorKind = 'portInUse' | 'portRefused' | 'listenFailed';

/** Why a forward could not start (the code branches on `kind`). */
export class ForwardError extends Error {
  constructor(
    readonly kind: ForwardErrorKind,
    readonly port: number,
  ) {
    super(`The local port ${port} could not be opened (${kind}).`);
    this.name = 'ForwardError';
  }
}

export interface ForwardOptions {
  target: GatewayTarget;
  remotePort: number;
  /** 0: any free port. */
  localPort: number;
  /** The gateway's base URL and the Authorization value, read for each connection (the token may change). */
  base: () => string;
  authorization: () => Promise<string | undefined>;
  connect: SocketOpener;
  /** A connection the gateway refused (1007/1008, 401): the token is checked by the caller. */
  onRefused?: (end: ShellEnd) => void;
  /** How a connection ended, for the log (never a secret). */
  onEvent?: (text: string) => void;
  maxActive?: number;
  maxWaiting?: number;
}

interface Pair {
  tcp: net.Socket;
  ws?: DuplexSocket;
}

export class PortForward {
  readonly #o: ForwardOptions;
  #server: net.Server | undefined;
  readonly #active = new Set<Pair>();
  readonly #waiting: Pair[] = [];
  #stopped = false;
  /** Connections accepted, and the most websockets open at once (tests and the status bar read them). */
  accepted = 0;
  peakActive = 0;
  localPort = 0;
  /** The last connection's end when it was not a normal one. */
  lastProblem: ShellEnd | undefined;

  constructor(options: ForwardOptions) {
    this.#o = options;
  }

  get remotePort(): number {
    return this.#o.remotePort;
  }

  get target(): GatewayTarget {
    return this.#o.target;
  }

  /** TCP connections relayed or waiting now. */
  get connections(): number {
    return this.#active.size + this.#waiting.length;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Listens on 127.0.0.1 (never another interface); resolves with the local port. */
  start(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const server = net.createServer({ pauseOnConnect: true }, (tcp) => this.#accept(tcp));
      server.once('error', (error: NodeJS.ErrnoException) => {
        server.close();
        reject(new ForwardError(error.code === 'EADDRINUSE' ? 'portInUse' : error.code === 'EACCES' ? 'portRefused' : 'listenFailed', this.#o.localPort));
      });
      server.listen({ port: this.#o.localPort, host: '127.0.0.1', exclusive: true }, () => {
        server.removeAllListeners('error');
        server.on('error', () => undefined);
        this.#server = server;
        this.localPort = (server.address() as net.AddressInfo).port;
        if (this.#stopped) {
          server.close();
        }
        resolve(this.localPort);
      });
    });
  }

  /** Stops listening and closes every connection and websocket. */
  stop(): void {
    if (this.#stopped) {
      return;
    }
    this.#stopped = true;
    this.#server?.close();
    for (const p of [...this.#active, ...this.#waiting.splice(0)]) {
      this.#close(p);
    }
    this.#active.clear();
  }

  #accept(tcp: net.Socket): void {
    this.accepted++;
    tcp.setNoDelay(true);
    tcp.on('error', () => tcp.destroy());
    if (this.#stopped) {
      tcp.destroy();
      return;
    }
    const pair: Pair = { tcp };
    if (this.#active.size >= (this.#o.maxActive ?? MAX_ACTIVE)) {
      if (this.#waiting.length >= (this.#o.maxWaiting ?? MAX_WAITING)) {
        tcp.destroy();
        return;
      }
      this.#waiting.push(pair);
      // A waiting client that leaves frees its place.
      tcp.once('close', () => {
        const i = this.#waiting.indexOf(pair);
        if (i >= 0) {
          this.#waiting.splice(i, 1);
        }
      });
      return;
    }
    void this.#relay(pair);
  }

  #next(): void {
    while (!this.#stopped && this.#active.size < (this.#o.maxActive ?? MAX_ACTIVE) && this.#waiting.length > 0) {
      const pair = this.#waiting.shift()!;
      if (!pair.tcp.destroyed) {
        void this.#relay(pair);
      }
    }
  }

  #close(pair: Pair): void {
    pair.tcp.destroy();
    if (pair.ws) {
      try {
        pair.ws.terminate();
      } catch {
        // Already gone.
      }
    }
  }

  #done(pair: Pair): void {
    if (this.#active.delete(pair)) {
      this.#next();
    }
  }

  async #relay(pair: Pair): Promise<void> {
    const { tcp } = pair;
    this.#active.add(pair);
    this.peakActive = Math.max(this.peakActive, this.#active.size);
    const authorization = await this.#o.authorization().catch(() => undefined);
    if (this.#stopped || tcp.destroyed) {
      tcp.destroy();
      this.#done(pair);
      return;
    }
    if (!authorization) {
      this.#o.onEvent?.('A connection was closed: signed out of Qovery.');
      tcp.destroy();
      this.#done(pair);
      return;
    }
    let ws: DuplexSocket;
    try {
      ws = this.#o.connect(portForwardUrl(this.#o.base(), this.#o.target, { port: this.#o.remotePort }), { Authorization: authorization });
    } catch {
      tcp.destroy();
      this.#done(pair);
      return;
    }
    pair.ws = ws;
    let ended = false;
    const end = (result: ShellEnd | undefined, reason = ''): void => {
      if (ended) {
        return;
      }
      ended = true;
      if (result && result.kind !== 'exited') {
        this.lastProblem = result;
        this.#o.onEvent?.(`A forwarded connection to port ${this.#o.remotePort} ended: ${result.kind}${'code' in result && result.code !== undefined ? ` (close code ${result.code}${reason ? `: ${reason}` : ''})` : ''}${'status' in result && result.status !== undefined ? ` (HTTP ${result.status})` : ''}.`);
        if (result.kind === 'refused' && (result.code !== undefined || result.status === 401)) {
          this.#o.onRefused?.(result);
        }
      }
      tcp.destroy();
      try {
        ws.terminate();
      } catch {
        // Already gone.
      }
      this.#done(pair);
    };
    // The client's bytes wait in the kernel until the websocket is open.
    ws.on('open', () => {
      if (ended) {
        return;
      }
      tcp.on('data', (data: Buffer) => {
        ws.send(data, { binary: true }, () => {
          if (tcp.isPaused() && ws.bufferedAmount < LOW_WATER && !ended) {
            tcp.resume();
          }
        });
        if (ws.bufferedAmount > HIGH_WATER) {
          tcp.pause();
        }
      });
      tcp.resume();
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary || ended) {
        return;
      }
      const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data as Buffer[]) : Buffer.from(data as ArrayBuffer);
      if (!tcp.write(buffer)) {
        ws.pause();
        tcp.once('drain', () => ws.resume());
      }
    });
    ws.on('pong', () => undefined);
    ws.on('unexpected-response', (_req, res) => {
      res.resume?.();
      end(shellEndOfStatus(res.statusCode ?? 0));
    });
    ws.on('error', () => end({ kind: 'dropped' }));
    ws.on('close', (code, reason) => {
      if (code === 1000 && !ended) {
        // The remote side ended: what is still queued for the client is written first.
        ended = true;
        tcp.end();
        tcp.once('close', () => this.#done(pair));
        setTimeout(() => tcp.destroy(), 5000).unref?.();
        return;
      }
      end(shellEndOfClose(code), closeReasonText(reason));
    });
    tcp.on('end', () => {
      if (!ended) {
        ended = true;
        try {
          ws.close(1000, 'client closed');
        } catch {
          ws.terminate();
        }
        setTimeout(() => ws.terminate(), 5000).unref?.();
        tcp.destroy();
        this.#done(pair);
      }
    });
    tcp.on('close', () => end(undefined));
  }
}
