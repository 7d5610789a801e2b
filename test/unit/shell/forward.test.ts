import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import WebSocket from 'ws';
import type { SocketOpener } from '../../../src/shell/connection';
import { ForwardError, PortForward } from '../../../src/shell/forward';
import type { GatewayTarget, ShellEnd } from '../../../src/shell/model';
import { DEMO, DEMO_ADMIN_TOKEN, DEMO_VIEWER_TOKEN, startQoveryServer, type QoveryServer } from '../../qovery';

async function until<T>(what: string, probe: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = probe();
    if (v) {
      return v;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const open: SocketOpener = (url, headers) => new WebSocket(url, { headers, perMessageDeflate: false, followRedirects: false });

/** Sends `data` through a TCP connection to `port` and resolves with what comes back once `data.length` bytes did. */
function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const s = net.connect(port, '127.0.0.1', () => s.write(data));
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= data.length) {
        s.end();
        resolve(Buffer.concat(chunks));
      }
    });
    s.on('error', reject);
  });
}

describe('port forward over the gateway (test server, real sockets)', function () {
  this.timeout(30_000);
  let server: QoveryServer;
  let target: GatewayTarget;
  const forwards: PortForward[] = [];

  before(async () => {
    server = await startQoveryServer();
    const environment = server.state.account.environment(DEMO.environments.storefrontProduction)!;
    target = { organizationId: environment.organizationId, projectId: environment.projectId, environmentId: environment.id, clusterId: environment.cluster.id, serviceId: DEMO.services.storefrontWeb, serviceType: 'APPLICATION' };
  });
  afterEach(() => {
    for (const f of forwards.splice(0)) {
      f.stop();
    }
  });
  after(async () => {
    await server?.close();
  });

  function forward(o: { token?: string; localPort?: number; maxActive?: number; onRefused?: (e: ShellEnd) => void } = {}): PortForward {
    const f = new PortForward({
      target,
      remotePort: 3000,
      localPort: o.localPort ?? 0,
      base: () => server.url.replace(/^http/, 'ws'),
      authorization: () => Promise.resolve(`Token ${o.token ?? DEMO_ADMIN_TOKEN}`),
      connect: open,
      onRefused: o.onRefused,
      maxActive: o.maxActive,
    });
    forwards.push(f);
    return f;
  }

  it('a TCP client through the forward gets its bytes back; the query is the CLI\'s; it listens on 127.0.0.1 only', async () => {
    const f = forward();
    const port = await f.start();
    const data = Buffer.from('hello through the gateway');
    assert.deepEqual(await roundTrip(port, data), data);
    const upgrade = server.shell.upgrades.filter((u) => u.path === '/shell/portforward').at(-1);
    assert.ok(upgrade);
    assert.deepEqual(upgrade.query.port, ['3000']);
    assert.deepEqual(upgrade.query.service_type, ['APPLICATION']);
    assert.equal(upgrade.query.pod_name, undefined, 'no pod named: the gateway picks a running one');
    assert.equal(upgrade.scheme, 'Token');
    // Not on another interface of this machine.
    const other = Object.values((await import('node:os')).networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (other) {
      await assert.rejects(
        new Promise<void>((resolve, reject) => {
          const s = net.connect(port, other, () => {
            s.destroy();
            resolve();
          });
          s.on('error', reject);
        }),
      );
    }
    await until('the websocket closed', () => server.shell.openForwards === 0);
  });

  it('a local port in use is a typed error, and nothing is left listening', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const f = forward({ localPort: port });
      await assert.rejects(f.start(), (e: unknown) => e instanceof ForwardError && e.kind === 'portInUse' && e.port === port);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
    // Once the other program is gone, nothing of the forward listens there.
    await assert.rejects(
      new Promise<void>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve();
        });
        s.on('error', reject);
      }),
    );
  });

  it('a client that connects and closes at once leaves no websocket open', async () => {
    const f = forward();
    const port = await f.start();
    const before = server.shell.forwardConnections;
    await new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve();
      });
    });
    await until('the connection handled', () => f.accepted === 1);
    await until('nothing open', () => f.connections === 0 && server.shell.openForwards === 0);
    assert.ok(server.shell.forwardConnections - before <= 1);
  });

  it('100 TCP connections within a second: each gets its own bytes back through its own websocket, at most 8 at once, none left open', async () => {
    const f = forward({ maxActive: 8 });
    const port = await f.start();
    const before = server.shell.forwardConnections;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => {
        const data = Buffer.from(`connection ${i} `.repeat(50));
        return roundTrip(port, data).then((back) => back.equals(data));
      }),
    );
    assert.equal(results.filter(Boolean).length, 100);
    assert.equal(server.shell.forwardConnections - before, 100, 'one websocket per TCP connection');
    assert.ok(f.peakActive <= 8, `bounded: ${f.peakActive}`);
    await until('none left open', () => f.connections === 0 && server.shell.openForwards === 0);
  });

  it('a forward survives a pod restart: the next connection reaches the replacement pod', async () => {
    const f = forward();
    const port = await f.start();
    assert.deepEqual(await roundTrip(port, Buffer.from('before')), Buffer.from('before'));
    server.shell.killPod('web-7d9f-0', { replacement: 'web-7d9f-1' });
    assert.deepEqual(await roundTrip(port, Buffer.from('after')), Buffer.from('after'));
    server.shell.setPods(DEMO.services.storefrontWeb, [{ name: 'web-7d9f-0', ports: [3000] }]);
  });

  it('a Viewer is refused (1007): the client is closed and the refusal reported for the token check', async () => {
    const refused: ShellEnd[] = [];
    const f = forward({ token: DEMO_VIEWER_TOKEN, onRefused: (e) => refused.push(e) });
    const port = await f.start();
    await new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('x'));
      s.on('close', () => resolve());
      s.on('error', () => undefined);
    });
    await until('the refusal', () => refused.length === 1);
    assert.deepEqual(refused[0], { kind: 'refused', code: 1007 });
  });

  it('stop closes the listener and every relayed connection', async () => {
    const f = forward();
    const port = await f.start();
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    await until('the websocket', () => server.shell.openForwards === 1);
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    f.stop();
    await closed;
    await until('none open on the server', () => server.shell.openForwards === 0);
    await assert.rejects(
      new Promise<void>((resolve, reject) => {
        const t = net.connect(port, '127.0.0.1', () => resolve());
        t.on('error', reject);
      }),
    );
  });
});
