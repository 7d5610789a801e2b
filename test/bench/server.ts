// The Qovery-compatible API of the benchmark, run as its own Node process so that its CPU time is not
// counted in the extension host: one server per account size, all with the same added latency, and a
// control endpoint on another port (request counts per endpoint, log reset, latency).
// Usage: node out/test/bench/server.js --latency 50 --sizes 1x10,10x100,50x500
// Prints one JSON line {control, servers, token} on stdout once listening; stops when stdin closes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_USER_JWT, generateLargeAccount, startQoveryServer, type QoveryServer } from '../qovery';
import { routeTemplate } from '../qovery/router';
import { parseSize, type RequestStats, type ServerInfo } from './protocol';

function option(args: readonly string[], name: string, fallback: string): string {
  const index = args.indexOf(name);
  return index >= 0 && index + 1 < args.length ? args[index + 1] : fallback;
}

/** Counts what a server answered since its log was last cleared. */
export function statsOf(server: QoveryServer, cpuSince: NodeJS.CpuUsage): RequestStats {
  const byRoute: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const seen = new Set<string>();
  let repeated = 0;
  for (const entry of server.requests) {
    const route = `${entry.method} ${routeTemplate(entry.method, entry.path) ?? entry.path}`;
    byRoute[route] = (byRoute[route] ?? 0) + 1;
    byStatus[String(entry.status)] = (byStatus[String(entry.status)] ?? 0) + 1;
    const key = `${entry.method} ${entry.path}`;
    if (seen.has(key)) {
      repeated++;
    }
    seen.add(key);
  }
  const cpu = process.cpuUsage(cpuSince);
  return { count: server.requests.length, byRoute, byStatus, repeated, serverCpuMs: (cpu.user + cpu.system) / 1000 };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const latencyMs = Number(option(args, '--latency', '50'));
  const sizes = option(args, '--sizes', '1x10,10x100,50x500').split(',').filter(Boolean);
  const servers = new Map<string, QoveryServer>();
  for (const size of sizes) {
    const { organizations, projectsPerOrganization } = parseSize(size);
    const account = generateLargeAccount({ organizations, projectsPerOrganization });
    servers.set(size, await startQoveryServer({ account, latencyMs, logLimit: 2_000_000 }));
  }
  const pick = (url: URL): QoveryServer[] => {
    const size = url.searchParams.get('size');
    if (!size) {
      return [...servers.values()];
    }
    const server = servers.get(size);
    return server ? [server] : [];
  };
  let cpuSince = process.cpuUsage();
  const control = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const targets = pick(url);
    if (targets.length === 0) {
      reply(res, 404, { error: `no server for size ${url.searchParams.get('size')}` });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/stats') {
      reply(res, 200, statsOf(targets[0], cpuSince));
    } else if (req.method === 'POST' && url.pathname === '/reset') {
      targets.forEach((server) => server.clearLog());
      cpuSince = process.cpuUsage();
      reply(res, 200, { ok: true });
    } else if (req.method === 'POST' && url.pathname === '/latency') {
      const ms = Number(url.searchParams.get('ms'));
      targets.forEach((server) => server.setLatency(ms));
      reply(res, 200, { ok: true, latencyMs: ms });
    } else if (req.method === 'POST' && url.pathname === '/logs/flood') {
      // Answered at once: the lines go out while the extension host measures.
      const count = Number(url.searchParams.get('count') ?? '100000');
      void targets[0].logs.flood(count, { serviceId: url.searchParams.get('service') ?? undefined });
      reply(res, 200, { ok: true, count });
    } else if (req.method === 'GET' && url.pathname === '/logs') {
      reply(res, 200, { openSockets: targets[0].logs.openSockets, connections: targets[0].logs.connections });
    } else {
      reply(res, 404, { error: `no control route ${req.method} ${url.pathname}` });
    }
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const info: ServerInfo = {
    control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    servers: Object.fromEntries([...servers].map(([size, server]) => [size, server.url])),
    token: DEMO_USER_JWT,
    latencyMs,
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    control.closeAllConnections();
    control.close();
    void Promise.all([...servers.values()].map((server) => server.close())).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
