import * as assert from 'node:assert/strict';
import WebSocket from 'ws';
import { backoffMs, BURST_MESSAGES, clockTime, DEFAULT_WEBSOCKET_URL, formatLine, LiveLogStream, LogBuffer, parseLogMessage, parseWebsocketUrl, serviceLogsUrl, type LiveLogLine, type SocketLike, type StreamState } from '../../../src/logs/live';
import { DEMO, DEMO_ADMIN_TOKEN, startQoveryServer, type QoveryServer } from '../../qovery';

const line = (n: number, pod = 'web-0'): LiveLogLine => ({ at: Date.UTC(2026, 10, 30, 23, 0, 0, n), pod, text: `line ${n}` });

async function until<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
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

describe('live logs', () => {
  describe('qovery.websocketUrl', () => {
    it('accepts wss: anywhere and ws: only on loopback', () => {
      assert.deepEqual(parseWebsocketUrl('wss://ws.qovery.com/'), { url: 'wss://ws.qovery.com' });
      assert.deepEqual(parseWebsocketUrl('ws://127.0.0.1:4010'), { url: 'ws://127.0.0.1:4010' });
      assert.deepEqual(parseWebsocketUrl('ws://localhost:1'), { url: 'ws://localhost:1' });
      assert.deepEqual(parseWebsocketUrl(undefined), { url: DEFAULT_WEBSOCKET_URL });
    });

    it('falls back to the default with a reason that does not echo the value', () => {
      for (const bad of ['ws://ws.qovery.com', 'https://ws.qovery.com', 'wss://user:secret-pass@ws.qovery.com', 'wss://ws.qovery.com/?token=abc', 'not a url secret-pass', 42]) {
        const r = parseWebsocketUrl(bad);
        assert.equal(r.url, DEFAULT_WEBSOCKET_URL, String(bad));
        assert.ok(r.problem?.includes('qovery.websocketUrl'), String(bad));
        assert.ok(!r.problem?.includes('secret-pass') && !r.problem?.includes('abc'), r.problem);
      }
    });

    it('puts ids in the query, never a token', () => {
      const url = serviceLogsUrl('wss://ws.qovery.com', { organizationId: 'o', projectId: 'p', environmentId: 'e', clusterId: 'c', serviceId: 's' });
      assert.equal(url, 'wss://ws.qovery.com/service/logs?service=s&cluster=c&environment=e&organization=o&project=p');
    });
  });

  describe('messages', () => {
    it('parses {created_at, message, pod_name, version} into one line', () => {
      const l = parseLogMessage(JSON.stringify({ created_at: Date.UTC(2026, 10, 30, 23, 1, 2, 345), message: 'hello\nworld\u001b[0m\n', pod_name: 'api-1', version: 'v' }));
      assert.deepEqual(l, { at: Date.UTC(2026, 10, 30, 23, 1, 2, 345), pod: 'api-1', text: 'hello world' });
      assert.equal(formatLine(l), '23:01:02.345 api-1  hello world');
    });

    it('writes the UTC time of day exactly as toISOString does', () => {
      for (const ms of [0, 999, 1000, 59_999, 3_599_999, 86_399_999, Date.UTC(2026, 10, 30, 23, 59, 59, 7), 1_764_543_210_123.9]) {
        assert.equal(clockTime(ms), new Date(Math.floor(ms)).toISOString().slice(11, 23), String(ms));
      }
    });

    it('ignores what is not a log message', () => {
      for (const bad of ['not json', '[]', 'null', '{"created_at":1}', '{"message":3}']) {
        assert.equal(parseLogMessage(bad), undefined, bad);
      }
    });
  });

  describe('the bounded buffer', () => {
    it('keeps the newest max lines, counts the dropped ones, and filters by pod', () => {
      const b = new LogBuffer(3);
      for (let i = 1; i <= 5; i++) {
        b.push(line(i, i % 2 ? 'a' : 'b'));
      }
      assert.deepEqual(b.lines().map((l) => l.text), ['line 3', 'line 4', 'line 5']);
      assert.equal(b.dropped, 2);
      assert.equal(b.received, 5);
      assert.deepEqual(b.lines('a').map((l) => l.text), ['line 3', 'line 5']);
      assert.deepEqual([...b.pods].sort(), ['a', 'b']);
      b.clear();
      assert.equal(b.size, 0);
      assert.equal(b.dropped, 0);
      assert.deepEqual([...b.pods], [], 'Filter by Pod offers no pod of the cleared lines');
      b.push(line(9));
      assert.deepEqual(b.lines().map((l) => l.text), ['line 9']);
    });

    it('keeps raw messages and parses only those it shows, skipping what is not a log message', () => {
      const b = new LogBuffer(3);
      const raw = (n: number, pod: string) => JSON.stringify({ created_at: n, message: `m${n}`, pod_name: pod });
      b.push(raw(1, 'gone'));
      b.push('not json');
      b.push(raw(2, 'a'));
      b.push(raw(3, 'b'));
      assert.equal(b.dropped, 1);
      assert.deepEqual(b.lines().map((l) => l.text), ['m2', 'm3']);
      assert.deepEqual([...b.pods].sort(), ['a', 'b'], 'the dropped line was never parsed');
      assert.deepEqual(b.lines('b').map((l) => l.text), ['m3']);
    });

    it('holds a flood in constant space', () => {
      const b = new LogBuffer(1000);
      for (let i = 0; i < 100_000; i++) {
        b.push(line(i));
      }
      assert.equal(b.size, 1000);
      assert.equal(b.dropped, 99_000);
      assert.equal(b.lines()[0].text, 'line 99000');
    });
  });

  it('pauses reading after a burst of messages in one turn, and resumes on the next turn', async () => {
    const handlers: Record<string, (...a: unknown[]) => void> = {};
    const calls: string[] = [];
    const socket = {
      on: (event: string, listener: (...a: unknown[]) => void) => {
        handlers[event] = listener;
      },
      close: () => undefined,
      terminate: () => undefined,
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
    };
    let count = 0;
    const s = new LiveLogStream({ url: 'ws://127.0.0.1:1', authorization: () => Promise.resolve('Token x'), connect: () => socket as unknown as SocketLike, onMessage: () => count++, onState: () => undefined });
    s.start();
    await until('connected', () => handlers.message);
    handlers.open();
    for (let i = 0; i < BURST_MESSAGES + 10; i++) {
      handlers.message(JSON.stringify({ created_at: i, message: `m${i}`, pod_name: 'p' }), false);
    }
    assert.deepEqual(calls, ['pause'], 'paused within the turn');
    assert.equal(count, BURST_MESSAGES + 10, 'what was already received is still handled');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, ['pause', 'resume']);
    s.close();
  });

  it('backs off 1, 2, 4 ... up to the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, 1000, 30_000)), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  describe('the stream against the test server', () => {
    let server: QoveryServer;
    let stream: LiveLogStream | undefined;
    const env = DEMO.environments.storefrontStaging;
    const target = () => {
      const environment = server.state.account.environment(env)!;
      return { organizationId: environment.organizationId, projectId: environment.projectId, environmentId: env, clusterId: environment.cluster.id, serviceId: DEMO.services.stagingApi };
    };

    beforeEach(async () => {
      server = await startQoveryServer();
    });
    afterEach(async () => {
      stream?.close();
      stream = undefined;
      await server.close();
    });

    function open(authorization = `Token ${DEMO_ADMIN_TOKEN}`) {
      const lines: LiveLogLine[] = [];
      const states: StreamState[] = [];
      stream = new LiveLogStream({
        url: serviceLogsUrl(server.url.replace('http:', 'ws:'), target()),
        authorization: () => Promise.resolve(authorization),
        connect: (url, headers) => new WebSocket(url, { headers }),
        onMessage: (text) => {
          const l = parseLogMessage(text);
          if (l) {
            lines.push(l);
          }
        },
        onState: (s) => states.push(s),
        retryBaseMs: 20,
        retryMaxMs: 100,
      });
      stream.start();
      return { lines, states };
    }

    it('receives lines with the token in the Authorization header only', async () => {
      const { lines } = open();
      await until('the first lines', () => lines.length >= 3);
      server.logs.send(5, { serviceId: DEMO.services.stagingApi, text: 'hello' });
      await until('the sent lines', () => lines.length >= 8);
      assert.equal(lines[7].text, 'hello 5');
      const upgrade = server.logs.upgrades[0];
      assert.equal(upgrade.scheme, 'Token');
      assert.ok(!JSON.stringify(upgrade.query).includes(DEMO_ADMIN_TOKEN));
      assert.equal(server.logs.openSockets, 1);
    });

    it('reconnects after a drop and lines arrive again', async () => {
      const { lines, states } = open();
      await until('connected', () => stream?.state.kind === 'connected' && lines.length >= 3);
      server.logs.drop();
      await until('a wait before reconnecting', () => states.some((s) => s.kind === 'waiting'));
      await until('connected again', () => server.logs.connections === 2 && stream?.state.kind === 'connected');
      server.logs.send(1, { text: 'after' });
      await until('a line after the reconnect', () => lines.some((l) => l.text.startsWith('after')));
    });

    it('a flood arrives whole, in order, read in bursts that leave the event loop turns', async () => {
      const { lines } = open();
      await until('connected', () => stream?.state.kind === 'connected' && lines.length >= 3);
      await server.logs.flood(20_000, { serviceId: DEMO.services.stagingApi });
      await until('every line', () => lines.length >= 20_003, 30_000);
      assert.equal(lines[3].text.split(' ').slice(0, 3).join(' '), 'flood line 1');
      assert.equal(lines[20_002].text.split(' ').slice(0, 3).join(' '), 'flood line 20000');
    });

    it('stops on a 401 on the upgrade instead of retrying', async () => {
      server.logs.refuse(401, 5);
      const { states } = open();
      await until('stopped', () => stream?.state.kind === 'stopped');
      assert.deepEqual(stream?.state, { kind: 'stopped', reason: 'unauthorized', status: 401 });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(server.logs.upgrades.length, 1, 'no retry after a 401');
      assert.ok(!states.some((s) => s.kind === 'waiting'));
    });

    it('a wrong token gets the 401 too; a 5xx is retried', async () => {
      const { states } = open('Token qov_wrong');
      await until('stopped', () => stream?.state.kind === 'stopped');
      stream?.close();
      server.logs.refuse(503, 1);
      const second = open();
      await until('connected after the 503', () => stream?.state.kind === 'connected');
      assert.ok(second.states.some((s) => s.kind === 'waiting'));
      assert.ok(states.length > 0);
    });

    it('restarts while the token is being read open one socket, and closing leaves none', async () => {
      // The token read takes a moment (SecretStorage); two restarts land while the first read waits.
      const lines: LiveLogLine[] = [];
      stream = new LiveLogStream({
        url: serviceLogsUrl(server.url.replace('http:', 'ws:'), target()),
        authorization: () => new Promise((resolve) => setTimeout(() => resolve(`Token ${DEMO_ADMIN_TOKEN}`), 30)),
        connect: (url, headers) => new WebSocket(url, { headers }),
        onMessage: (text) => {
          const l = parseLogMessage(text);
          if (l) {
            lines.push(l);
          }
        },
        onState: () => undefined,
      });
      stream.start();
      stream.restart();
      stream.restart();
      await until('connected', () => stream?.state.kind === 'connected' && lines.length >= 3);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.logs.openSockets, 1, 'one socket, not one per attempt');
      stream.close();
      await until('no socket open', () => server.logs.openSockets === 0 || undefined);
    });

    it('closing the stream closes the socket on the server', async () => {
      const { lines } = open();
      await until('lines', () => lines.length >= 3);
      stream?.close();
      await until('no socket open', () => server.logs.openSockets === 0 || undefined);
      assert.equal(stream?.state.kind, 'stopped');
    });
  });
});
