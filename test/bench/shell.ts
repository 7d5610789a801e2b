// The shell's and the port forward's cost, in plain Node against the test server (used by
// scripts/bench.mjs): a keystroke's echo through ShellConnection beside a raw websocket to the same
// fake shell, and 50 MB through one PortForward beside a raw websocket relay to the same echo server,
// with the process's memory sampled during the transfer.
import * as net from 'node:net';
import WebSocket from 'ws';
import { ShellConnection, type SocketOpener } from '../../src/shell/connection';
import { PortForward } from '../../src/shell/forward';
import { portForwardUrl, shellExecUrl, type GatewayTarget } from '../../src/shell/model';
import { DEMO, DEMO_ADMIN_TOKEN, startQoveryServer } from '../qovery';

export interface ShellBenchResult {
  keystrokes: number;
  rawEchoMs: { median: number; p95: number };
  shellEchoMs: { median: number; p95: number };
  /** Shell minus raw, per quantile. */
  addedMs: { median: number; p95: number };
  forwardBytes: number;
  rawRelayMBps: number;
  forwardMBps: number;
  /** Forward throughput / raw relay throughput. */
  throughputRatio: number;
  /** The largest growth of heapUsed + external + arrayBuffers during the forward's transfer, each read after a full collection (every 4 MB). */
  forwardPeakMemoryBytes: number;
  /** The most bytes sent by the client and not yet back (in every buffer of the path at once). */
  forwardPeakInFlightBytes: number;
  /** Whether the memory figures come after full collections (node --expose-gc). */
  gc: boolean;
}

const quantile = (values: number[], q: number): number => {
  const v = [...values].sort((a, b) => a - b);
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  return v[lo] + (v[Math.min(v.length - 1, lo + 1)] - v[lo]) * (pos - lo);
};

const open: SocketOpener = (url, headers) => new WebSocket(url, { headers, perMessageDeflate: false, followRedirects: false });
const memory = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};

/** Sends `total` bytes through `port` in 64 KB writes (honouring back-pressure) and resolves when all came back. */
function pump(port: number, total: number, onTick?: (sent: number, got: number) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    let got = 0;
    const started = performance.now();
    const s = net.connect(port, '127.0.0.1');
    const write = (): void => {
      while (sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          s.once('drain', write);
          return;
        }
      }
    };
    s.on('connect', write);
    s.on('data', (d: Buffer) => {
      got += d.length;
      onTick?.(sent, got);
      if (got >= total) {
        const ms = performance.now() - started;
        s.destroy();
        resolve(ms);
      }
    });
    s.on('error', reject);
  });
}

export async function measureShell(o: { keystrokes?: number; forwardBytes?: number } = {}): Promise<ShellBenchResult> {
  const keystrokes = o.keystrokes ?? 400;
  const forwardBytes = o.forwardBytes ?? 50 * 1024 * 1024;
  const server = await startQoveryServer();
  const base = server.url.replace(/^http/, 'ws');
  const environment = server.state.account.environment(DEMO.environments.storefrontProduction)!;
  const target: GatewayTarget = { organizationId: environment.organizationId, projectId: environment.projectId, environmentId: environment.id, clusterId: environment.cluster.id, serviceId: DEMO.services.storefrontWeb, serviceType: 'APPLICATION' };
  const url = shellExecUrl(base, target, { command: ['sh'], size: { columns: 80, rows: 24 } });
  const authorization = `Token ${DEMO_ADMIN_TOKEN}`;
  try {
    // The raw baseline: one websocket, a byte out, its echo back.
    const raw = new WebSocket(url, { headers: { Authorization: authorization }, perMessageDeflate: false });
    let rawResolve: (() => void) | undefined;
    raw.on('message', () => rawResolve?.());
    await new Promise<void>((r) => raw.once('message', () => r()));
    // The extension's path: ShellConnection's input and its onOutput.
    let shellResolve: (() => void) | undefined;
    let prompt: (() => void) | undefined;
    const shell = new ShellConnection({ url, authorization, connect: open, onOutput: () => (prompt ? prompt() : shellResolve?.()), onOpen: () => undefined, onEnd: () => undefined });
    await new Promise<void>((r) => {
      prompt = r;
    });
    prompt = undefined;
    const rawMs: number[] = [];
    const shellMs: number[] = [];
    // Interleaved, so that a slow moment of the machine falls on both.
    for (let i = 0; i < keystrokes; i++) {
      let t = performance.now();
      await new Promise<void>((r) => {
        rawResolve = r;
        raw.send(Buffer.from('a'), { binary: true });
      });
      rawMs.push(performance.now() - t);
      t = performance.now();
      await new Promise<void>((r) => {
        shellResolve = r;
        shell.input('a');
      });
      shellMs.push(performance.now() - t);
    }
    raw.close();
    shell.close();
    const q = (v: number[]) => ({ median: quantile(v, 0.5), p95: quantile(v, 0.95) });

    // The raw relay baseline: the same path with no class of ours (no limit, no back-pressure on the websocket side).
    const relay = net.createServer((tcp) => {
      tcp.pause();
      const ws = new WebSocket(portForwardUrl(base, target, { port: 3000 }), { headers: { Authorization: authorization }, perMessageDeflate: false });
      ws.on('open', () => {
        tcp.on('data', (d) => ws.send(d, { binary: true }));
        tcp.resume();
      });
      ws.on('message', (d: Buffer) => tcp.write(d));
      ws.on('close', () => tcp.destroy());
      tcp.on('close', () => ws.terminate());
      tcp.on('error', () => ws.terminate());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const rawRelayMs = await pump((relay.address() as net.AddressInfo).port, forwardBytes);
    relay.close();

    const forward = new PortForward({ target, remotePort: 3000, localPort: 0, base: () => base, authorization: () => Promise.resolve(authorization), connect: open });
    const port = await forward.start();
    globalThis.gc?.();
    const before = memory();
    let peak = 0;
    let inFlight = 0;
    let nextReading = 4 << 20;
    const collect = globalThis.gc;
    const forwardMs = await pump(port, forwardBytes, (sent, got) => {
      inFlight = Math.max(inFlight, sent - got);
      if (got >= nextReading) {
        nextReading += 4 << 20;
        collect?.();
        peak = Math.max(peak, memory() - before);
      }
    });
    forward.stop();
    const mbps = (ms: number): number => forwardBytes / 1024 / 1024 / (ms / 1000);
    const rawEchoMs = q(rawMs);
    const shellEchoMs = q(shellMs);
    return {
      keystrokes,
      rawEchoMs,
      shellEchoMs,
      addedMs: { median: Math.max(0, shellEchoMs.median - rawEchoMs.median), p95: Math.max(0, shellEchoMs.p95 - rawEchoMs.p95) },
      forwardBytes,
      rawRelayMBps: mbps(rawRelayMs),
      forwardMBps: mbps(forwardMs),
      throughputRatio: rawRelayMs / forwardMs,
      forwardPeakMemoryBytes: peak,
      forwardPeakInFlightBytes: inFlight,
      gc: collect !== undefined,
    };
  } finally {
    await server.close();
  }
}

// `node out/test/bench/shell.js`: prints the figures as JSON.
if (require.main === module) {
  measureShell().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
