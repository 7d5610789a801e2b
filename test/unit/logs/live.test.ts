import * as assert from 'node:assert/strict';
import WebSocket from 'ws';
import { backoffMs, BURST_MESSAGES, closeOutcome, closeReasonText, upgradeWaitMs, DEFAULT_WEBSOCKET_URL, GatewayStream, parseWebsocketUrl, type SocketLike, type StreamOptions, type StreamState } from '../../../src/shared/gateway';
import { clockTime, formatLine, LogBuffer, MAX_BUFFER_BYTES, MAX_LINE_CHARS, maxLinesValue, parseLogMessage, serviceLogsUrl, type LiveLogLine } from '../../../src/logs/live';
import { DEMO, DEMO_ADMIN_TOKEN, startQoveryServer, type QoveryServer } from '../../qovery';
import { FakeClock } from '../../support/fakeClock';

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

  describe('qovery.logs.maxLines', () => {
    it('takes whole numbers from 100 to 100,000, the default when unset, and nothing else', () => {
      assert.equal(maxLinesValue(undefined), 10_000);
      for (const ok of [100, 10_000, 100_000]) {
        assert.equal(maxLinesValue(ok), ok);
      }
      for (const bad of [99, 100_001, 1_000_000, 2.5, Number.NaN, '500', null]) {
        assert.equal(maxLinesValue(bad), undefined, String(bad));
      }
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

    it('cuts a message longer than 16 KB, and says how long it was', () => {
      const long = 'x'.repeat(100_000);
      const l = parseLogMessage(JSON.stringify({ created_at: 1, message: long, pod_name: 'p' }));
      assert.equal(MAX_LINE_CHARS, 16 * 1024);
      assert.equal(l?.text.length, MAX_LINE_CHARS);
      assert.equal(l?.cut, 100_000);
      const short = parseLogMessage(JSON.stringify({ created_at: 1, message: 'y'.repeat(MAX_LINE_CHARS), pod_name: 'p' }));
      assert.equal(short?.text.length, MAX_LINE_CHARS);
      assert.equal(short?.cut, undefined, 'a line of exactly 16 KB is whole');
      // A surrogate pair is never split at the cut.
      const emoji = parseLogMessage(JSON.stringify({ created_at: 1, message: `${'a'.repeat(MAX_LINE_CHARS - 1)}\u{1F600}tail`, pod_name: 'p' }));
      assert.equal(emoji?.text, 'a'.repeat(MAX_LINE_CHARS - 1));
    });

    it('bounds its total size as well as its lines: 1 MiB frames never make a text too long to join', () => {
      const b = new LogBuffer(10_000);
      const frame = JSON.stringify({ created_at: 1, message: 'z'.repeat(1024 * 1024 - 200), pod_name: 'big' });
      for (let i = 0; i < 600; i++) {
        b.push(frame);
        assert.ok(b.bytes <= MAX_BUFFER_BYTES, `after ${i + 1} frames: ${b.bytes} bytes kept`);
      }
      const lines = b.lines();
      assert.equal(lines.length, 600, 'each frame was cut to 16 KB as it came, so all fit');
      assert.ok(lines.every((l) => l.text.length === MAX_LINE_CHARS && l.cut !== undefined));
      // 600 raw frames of 1 MiB joined would be about 629 million characters: over what V8 can hold in one string.
      const text = lines.map(formatLine).join('\n');
      assert.ok(text.length < 16 * 1024 * 1024, String(text.length));
    });

    it('drops the oldest lines when the kept text passes the byte bound, and counts them', () => {
      const b = new LogBuffer(1000, 100_000);
      const raw = (n: number) => JSON.stringify({ created_at: n, message: `${n}:${'q'.repeat(9_000)}`, pod_name: 'p' });
      for (let i = 0; i < 50; i++) {
        b.push(raw(i));
      }
      assert.ok(b.bytes <= 100_000, String(b.bytes));
      assert.ok(b.size >= 9 && b.size <= 11, `about ten 9 KB lines in 100 KB: ${b.size}`);
      assert.equal(b.dropped, 50 - b.size);
      assert.equal(b.received, 50);
      const texts = b.lines().map((l) => l.text.split(':')[0]);
      assert.equal(texts[texts.length - 1], '49', 'the newest is kept');
      assert.equal(Number(texts[0]), 50 - b.size, 'the oldest went first');
      b.clear();
      assert.equal(b.bytes, 0);
      b.push(raw(99));
      assert.equal(b.size, 1);
    });

    it('counts the shown text it keeps with each line: its bytes are all it holds, never over the bound', () => {
      const made: number[] = [];
      const look = (l: LiveLogLine) => `${formatLine(l)} [as shown]`;
      const format = (l: LiveLogLine) => {
        made.push(l.at);
        return look(l);
      };
      const raw = (n: number, pod = 'p') => JSON.stringify({ created_at: n, message: `${n}:${'q'.repeat(9_000)}`, pod_name: pod });
      const texts = (b: LogBuffer) => b.lines().reduce((sum, l) => sum + l.text.length + l.pod.length, 0);
      // Far from the bound: each line is formatted once, kept and counted.
      const small = new LogBuffer(100, 1_000_000, format);
      for (let i = 0; i < 5; i++) {
        small.push(raw(i, i % 2 ? 'a' : 'b'));
      }
      const first = small.shown();
      assert.deepEqual(first, small.lines().map(look));
      assert.equal(small.bytes, texts(small) + first.reduce((sum, t) => sum + t.length, 0), 'the shown copies are counted');
      made.length = 0;
      assert.deepEqual(small.shown('a'), small.lines('a').map(look));
      assert.equal(made.length, 0, 'kept: not formatted again');
      // Near the bound: what is kept (texts and shown copies) stays within it, and every kept line is shown.
      const b = new LogBuffer(1000, 100_000, format);
      for (let i = 0; i < 50; i++) {
        b.push(raw(i));
        const shown = b.shown();
        assert.deepEqual(shown, b.lines().map(look));
        made.length = 0;
        b.shown();
        const kept = b.lines().filter((l) => !made.includes(l.at));
        assert.equal(b.bytes, texts(b) + kept.reduce((sum, l) => sum + look(l).length, 0), `after ${i + 1} lines`);
        assert.ok(b.bytes <= 100_000, `after ${i + 1} lines: ${b.bytes}`);
      }
      b.clear();
      assert.equal(b.bytes, 0);
      assert.deepEqual(b.shown(), []);
    });

    it('keeps the newest line even when it alone passes the byte bound', () => {
      const b = new LogBuffer(10, 1000);
      b.push(JSON.stringify({ created_at: 1, message: 'a'.repeat(500), pod_name: 'p' }));
      b.push(JSON.stringify({ created_at: 2, message: 'b'.repeat(5000), pod_name: 'p' }));
      assert.equal(b.size, 1);
      assert.equal(b.lines()[0].text[0], 'b');
      assert.equal(b.dropped, 1);
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
    const s = new GatewayStream({ url: 'ws://127.0.0.1:1', authorization: () => Promise.resolve('Token x'), connect: () => socket as unknown as SocketLike, onMessage: () => count++, onState: () => undefined });
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

  describe('how a stream ends (the gateway\'s close codes)', () => {
    it('1007 and 1008 stop for good, 1011 retries slowly, anything else retries', () => {
      assert.deepEqual(closeOutcome(1007, 0), { kind: 'stop', reason: 'forbidden' });
      assert.deepEqual(closeOutcome(1008, 0), { kind: 'stop', reason: 'unauthorized' });
      assert.deepEqual(closeOutcome(1011, 0), { kind: 'retry', pace: 'slow' });
      assert.deepEqual(closeOutcome(1011, 3), { kind: 'retry', pace: 'slow' });
      for (const code of [1001, 1005, 1006, 1009, 1012, 1013, 4000]) {
        assert.deepEqual(closeOutcome(code, 0), { kind: 'retry', pace: 'normal' }, String(code));
      }
    });

    it('a normal close the view did not ask for reconnects once, then stops', () => {
      assert.deepEqual(closeOutcome(1000, 0), { kind: 'retry', pace: 'normal' });
      assert.deepEqual(closeOutcome(1000, 1), { kind: 'stop', reason: 'ended' });
    });

    it('a normal close after a stable connection is routine again: a view open for hours survives each gateway redeploy (a fake clock)', async () => {
      const clock = new FakeClock();
      let socket: Record<string, (...a: unknown[]) => void> = {};
      let upgrades = 0;
      const s = new GatewayStream({
        url: 'ws://127.0.0.1:1',
        authorization: () => Promise.resolve('Token x'),
        connect: () => {
          upgrades++;
          const handlers: Record<string, (...a: unknown[]) => void> = {};
          socket = handlers;
          return { on: (event: string, l: (...a: unknown[]) => void) => void (handlers[event] = l), close: () => undefined, terminate: () => undefined } as unknown as SocketLike;
        },
        onMessage: () => undefined,
        onState: () => undefined,
        now: () => clock.now(),
        setTimer: (run, ms) => clock.setTimeout(run, ms),
        clearTimer: (handle) => clock.clearTimeout(handle),
      });
      // Open, stay up for `ms`, then the gateway closes with 1000: the state right after the close; a reconnect timer runs.
      let sessions = 0;
      const session = async (ms: number): Promise<StreamState> => {
        const n = ++sessions;
        await until(`upgrade ${n}`, () => upgrades >= n);
        socket.open();
        clock.time += ms;
        socket.close(1000, Buffer.alloc(0));
        const after = s.state;
        clock.runNext();
        return after;
      };
      s.start();
      // Three routine closes, each after an hour up: each is reconnected.
      for (let i = 1; i <= 3; i++) {
        const after = await session(3_600_000);
        assert.equal(after.kind, 'waiting', `after close ${i}: ${JSON.stringify(after)}`);
      }
      // A close right after the reconnect (no stable connection since the last one) is the second in a row: it stops.
      assert.deepEqual(await session(1000), { kind: 'stopped', reason: 'ended', closeCode: 1000 });
      assert.equal(upgrades, 4);
      s.close();
    });

    it('at most 3 upgrades a minute: the fourth waits for the first to be a minute old', () => {
      assert.equal(upgradeWaitMs([], 1000), 0);
      assert.equal(upgradeWaitMs([0, 1000], 2000), 0);
      assert.equal(upgradeWaitMs([0, 1000, 3000], 7000), 53_000);
      assert.equal(upgradeWaitMs([3000, 0, 1000], 7000), 53_000, 'in any order');
      assert.equal(upgradeWaitMs([0, 1000, 3000], 59_000), 1000, 'the first one is still in the window');
      assert.equal(upgradeWaitMs([0, 1000, 3000], 63_000), 0);
    });

    it('reads a close reason as one short line', () => {
      assert.equal(closeReasonText(Buffer.from('invalid\ntoken\u0007')), 'invalid token');
      assert.equal(closeReasonText(undefined), '');
      assert.equal(closeReasonText('x'.repeat(500)).length, 200);
    });

    it('never opens more than 3 upgrades a minute, whatever the server answers (a fake clock)', async () => {
      const clock = new FakeClock();
      const upgrades: number[] = [];
      const states: StreamState[] = [];
      const s = new GatewayStream({
        url: 'ws://127.0.0.1:1',
        authorization: () => Promise.resolve('Token x'),
        // Every upgrade works, and the server closes it at once (a 1006).
        connect: () => {
          upgrades.push(clock.now());
          const handlers: Record<string, (...a: unknown[]) => void> = {};
          setImmediate(() => {
            handlers.open?.();
            handlers.close?.(1006, Buffer.alloc(0));
          });
          return { on: (event: string, l: (...a: unknown[]) => void) => void (handlers[event] = l), close: () => undefined, terminate: () => undefined } as unknown as SocketLike;
        },
        onMessage: () => undefined,
        onState: (st) => states.push(st),
        now: () => clock.now(),
        setTimer: (run, ms) => clock.setTimeout(run, ms),
        clearTimer: (handle) => clock.clearTimeout(handle),
      });
      s.start();
      for (let i = 0; i < 8; i++) {
        await until(`a timer after upgrade ${upgrades.length}`, () => clock.pending > 0);
        clock.runNext();
        await until('the next attempt', () => upgrades.length > i + 1 || clock.pending > 0);
      }
      s.close();
      for (let i = 0; i < upgrades.length; i++) {
        assert.ok(upgrades.filter((t) => t > upgrades[i] - 60_000 && t <= upgrades[i]).length <= 3, `upgrades at ${upgrades.join(', ')}`);
      }
      assert.ok(upgrades.length >= 4, `it kept trying: ${upgrades.join(', ')}`);
      assert.ok(states.some((st) => st.kind === 'waiting' && st.cause === 'tooManyUpgrades'), 'the wait says why');
    });
  });

  it('backs off 1, 2, 4 ... up to the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, 1000, 30_000)), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  describe('the stream against the test server', () => {
    let server: QoveryServer;
    let stream: GatewayStream | undefined;
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

    function open(authorization = `Token ${DEMO_ADMIN_TOKEN}`, more: Partial<StreamOptions> = {}) {
      const lines: LiveLogLine[] = [];
      const states: StreamState[] = [];
      stream = new GatewayStream({
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
        ...more,
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

    it('1008 after the upgrade: stops (token), does not reconnect, and logs the code and reason', async () => {
      server.logs.closeAfterUpgrade(1008, { times: 5 });
      const problems: string[] = [];
      const { states } = open(undefined, { onProblem: (t) => problems.push(t) });
      await until('stopped', () => stream?.state.kind === 'stopped');
      assert.deepEqual(stream?.state, { kind: 'stopped', reason: 'unauthorized', closeCode: 1008 });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(server.logs.upgrades.length, 1, 'no retry after a 1008');
      assert.ok(!states.some((st) => st.kind === 'waiting'));
      assert.ok(problems.some((p) => p.includes('1008') && p.includes('invalid or expired token')), problems.join(' | '));
    });

    it('1007 after the upgrade: stops (permission)', async () => {
      server.logs.closeAfterUpgrade(1007, { times: 5 });
      open();
      await until('stopped', () => stream?.state.kind === 'stopped');
      assert.deepEqual(stream?.state, { kind: 'stopped', reason: 'forbidden', closeCode: 1007 });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(server.logs.upgrades.length, 1);
    });

    it('1011: says the cluster cannot be reached and waits 30 s, then longer, up to 5 min', async () => {
      server.logs.closeAfterUpgrade(1011, { times: 5 });
      const waits: number[] = [];
      const timers: (() => void)[] = [];
      open(undefined, { setTimer: (run, ms) => void (waits.push(ms), timers.push(run)), clearTimer: () => undefined, retryBaseMs: undefined, retryMaxMs: undefined });
      for (let i = 0; i < 3; i++) {
        await until(`wait ${i + 1}`, () => waits.length > i);
        const st = stream?.state;
        assert.ok(st?.kind === 'waiting' && st.cause === 'clusterUnreachable', JSON.stringify(st));
        timers.shift()!();
      }
      assert.deepEqual(waits.slice(0, 2), [30_000, 60_000]);
      assert.ok(waits[2] >= 120_000, `the third wait keeps doubling (or the minute's limit holds it longer): ${waits[2]}`);
      assert.ok(waits.every((w) => w <= 300_000 + 60_000));
    });

    it('a normal close nobody asked for: reconnects once, then stops', async () => {
      const { states } = open();
      await until('connected', () => stream?.state.kind === 'connected' && server.logs.connections === 1);
      server.logs.end(1000);
      await until('connected again', () => server.logs.connections === 2 && stream?.state.kind === 'connected');
      server.logs.end(1000);
      await until('stopped', () => stream?.state.kind === 'stopped');
      assert.deepEqual(stream?.state, { kind: 'stopped', reason: 'ended', closeCode: 1000 });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(server.logs.connections, 2, 'one reconnect only');
      assert.ok(states.some((st) => st.kind === 'waiting'));
    });

    it('a refused upgrade logs the X-Qovery-Request-Id of its answer', async () => {
      server.logs.refuse(403, 1);
      const problems: string[] = [];
      open(undefined, { onProblem: (t) => problems.push(t) });
      await until('stopped', () => stream?.state.kind === 'stopped');
      assert.ok(problems.some((p) => /403 \(X-Qovery-Request-Id: ws-req-\d+\)/.test(p)), problems.join(' | '));
    });

    it('restarts while the token is being read open one socket, and closing leaves none', async () => {
      // The token read takes a moment (SecretStorage); two restarts land while the first read waits.
      const lines: LiveLogLine[] = [];
      stream = new GatewayStream({
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
