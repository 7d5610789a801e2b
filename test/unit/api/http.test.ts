import * as assert from 'node:assert/strict';
import { type ApiErrorKind, classifyNetworkError, type FetchLike, HttpEngine, listProjects, type RequestLogInfo, retryAfterMs } from '../../../src/api';
import { catchApiError, closedPort, delay, fastClient, sendJson, startServer, TOKEN, type TestServer } from './helpers';

const ORGS = { results: [{ id: 'o1', name: 'Acme' }] };

/** Makes Math.random return a fixed value so full-jitter waits become exact. */
async function withRandom<T>(value: number, fn: () => Promise<T>): Promise<T> {
  const saved = Math.random;
  Math.random = () => value;
  try {
    return await fn();
  } finally {
    Math.random = saved;
  }
}

/** Fails the first `n` requests with `status` (and headers), then answers the organizations list. */
function failThen(srv: TestServer, n: number, status: number, headers: Record<string, string> = {}): void {
  srv.handle((_req, res) => (srv.requests.length <= n ? sendJson(res, status, { detail: 'try later' }, headers) : sendJson(res, 200, ORGS)));
}

function undiciError(code: string, message = `connect ${code}`): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
}

describe('api/http', () => {
  let srv: TestServer;
  beforeEach(async () => {
    srv = await startServer();
  });
  afterEach(async () => {
    await srv.close();
  });

  describe('headers and bodies', () => {
    it('sends the token with the Token scheme, JSON accept and a user agent', async () => {
      srv.handle((_q, res) => sendJson(res, 200, ORGS));
      await fastClient(srv.url).listOrganizations();
      const h = srv.requests[0].headers;
      assert.equal(h.authorization, `Token ${TOKEN}`);
      assert.equal(h.accept, 'application/json');
      assert.equal(h['user-agent'], 'vscode-qovery');
      assert.equal(h['content-type'], undefined);
      assert.equal(srv.requests[0].method, 'GET');
    });

    it('uses the configured user agent and the forced Bearer scheme', async () => {
      srv.handle((_q, res) => sendJson(res, 200, ORGS));
      await fastClient(srv.url, { userAgent: 'vscode-qovery/0.1.0', authScheme: 'bearer' }).listOrganizations();
      assert.equal(srv.requests[0].headers['user-agent'], 'vscode-qovery/0.1.0');
      assert.equal(srv.requests[0].headers.authorization, `Bearer ${TOKEN}`);
    });

    it('sends JSON with a Content-Type for bodies', async () => {
      srv.handle((_q, res) => sendJson(res, 201, { id: 't1', created_at: 'now', token: 'qov_new' }));
      await fastClient(srv.url).createApiToken('o1', { name: 'ci', role_id: 'r1' });
      assert.equal(srv.requests[0].method, 'POST');
      assert.equal(srv.requests[0].headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(srv.requests[0].body), { name: 'ci', role_id: 'r1' });
    });

    it('returns undefined for 204', async () => {
      srv.handle((_q, res) => {
        res.writeHead(204);
        res.end();
      });
      const engine = new HttpEngine({ baseUrl: srv.url, token: TOKEN });
      assert.equal(await engine.request('DELETE', '/x'), undefined);
    });
  });

  describe('status mapping', () => {
    const table: [number, ApiErrorKind][] = [
      [400, 'badRequest'],
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [404, 'notFound'],
      [409, 'conflict'],
      [410, 'badRequest'],
      [418, 'badRequest'],
      [422, 'badRequest'],
      [429, 'rateLimited'],
      [500, 'server'],
      [502, 'server'],
      [503, 'server'],
      [504, 'server'],
      [599, 'server'],
    ];
    for (const [status, kind] of table) {
      it(`maps ${status} to ${kind} with the problem detail as message`, async () => {
        srv.handle((_q, res) => sendJson(res, status, { title: 'Title', detail: `Detail for ${status}` }));
        const e = await catchApiError(listProjects(fastClient(srv.url, { maxRetries: 0 }), 'org-1'));
        assert.equal(e.kind, kind);
        assert.equal(e.status, status);
        assert.equal(e.message, `Detail for ${status}`);
        assert.equal(e.method, 'GET');
        assert.equal(e.path, '/organization/org-1/project');
      });
    }

    it('maps a 407 answer (from a fetch that surfaces it) to a proxy network error, not retried', async () => {
      let calls = 0;
      const fetch: FetchLike = () => (calls++, Promise.resolve(new Response('{}', { status: 407 })));
      const e = await catchApiError(fastClient(srv.url, { fetch }).listOrganizations());
      assert.equal(e.kind, 'network');
      assert.equal(e.networkCause, 'proxy');
      assert.equal(e.status, 407);
      assert.equal(calls, 1);
    });

    it('cleans server text and falls back to the default for non-JSON error bodies', async () => {
      srv.handle((_q, res) => sendJson(res, 401, { message: 'Bad token, see [docs](https://evil.example/x) or command:foo.bar' }));
      const e = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.equal(e.message, 'Bad token, see docs or');
      srv.handle((_q, res) => {
        res.writeHead(403, { 'Content-Type': 'text/html' });
        res.end('<html>Forbidden by proxy</html>');
      });
      const e2 = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.equal(e2.kind, 'forbidden');
      assert.equal(e2.message, 'The token is not allowed to do this (403).');
    });
  });

  describe('retries', () => {
    for (const status of [429, 502, 503, 504]) {
      it(`retries a GET on ${status} and then succeeds`, async () => {
        failThen(srv, 2, status);
        const orgs = await fastClient(srv.url).listOrganizations();
        assert.equal(orgs.length, 1);
        assert.equal(srv.requests.length, 3);
      });
    }

    it('gives up after maxRetries', async () => {
      failThen(srv, 99, 503);
      const e = await catchApiError(fastClient(srv.url, { maxRetries: 2 }).listOrganizations());
      assert.equal(e.kind, 'server');
      assert.equal(srv.requests.length, 3);
    });

    for (const status of [400, 401, 404, 500]) {
      it(`does not retry a GET on ${status}`, async () => {
        failThen(srv, 99, status);
        await catchApiError(fastClient(srv.url).listOrganizations());
        assert.equal(srv.requests.length, 1);
      });
    }

    it('never retries POST or DELETE', async () => {
      failThen(srv, 99, 503);
      const c = fastClient(srv.url);
      assert.equal((await catchApiError(c.createApiToken('o', { name: 'n', role_id: 'r' }))).kind, 'server');
      assert.equal(srv.requests.length, 1);
      assert.equal((await catchApiError(c.deleteApiToken('o', 't'))).kind, 'server');
      assert.equal(srv.requests.length, 2);
      failThen(srv, 99, 429, { 'Retry-After': '7' });
      const e = await catchApiError(c.createApiToken('o', { name: 'n', role_id: 'r' }));
      assert.equal(e.kind, 'rateLimited');
      assert.equal(e.retryAfterMs, 7000);
      assert.equal(srv.requests.length, 3);
    });

    it('retries a GET after a connection reset, but not a POST', async () => {
      srv.handle((req, res) => (srv.requests.length === 1 ? req.socket.destroy() : sendJson(res, 200, ORGS)));
      assert.equal((await fastClient(srv.url).listOrganizations()).length, 1);
      assert.equal(srv.requests.length, 2);
      srv.handle((req) => req.socket.destroy());
      const e = await catchApiError(fastClient(srv.url).createApiToken('o', { name: 'n', role_id: 'r' }));
      assert.equal(e.kind, 'network');
      assert.equal(e.networkCause, 'reset');
      assert.equal(srv.requests.length, 3);
    });

    it('uses capped exponential backoff', async () => {
      const times: number[] = [];
      srv.handle((_q, res) => {
        times.push(Date.now());
        sendJson(res, 503, {});
      });
      // The waits the client asks for, read from its timers (longer ones such as the 3 s request timeout
      // aside: the cap is 120 ms), so a busy machine that fires timers late cannot fail the schedule.
      const asked: number[] = [];
      const realSetTimeout = globalThis.setTimeout;
      globalThis.setTimeout = ((fn: () => void, ms?: number) => {
        if (typeof ms === 'number' && ms < 400) {
          asked.push(ms);
        }
        return realSetTimeout(fn, ms);
      }) as typeof setTimeout;
      try {
        await withRandom(0.999, () => catchApiError(fastClient(srv.url, { retryBaseDelayMs: 50, maxRetryDelayMs: 120, maxRetries: 3 }).listOrganizations()));
      } finally {
        globalThis.setTimeout = realSetTimeout;
      }
      // Expected waits 50, 100, then 120 instead of 200 because of the cap (times the 0.999 draw).
      assert.deepEqual(
        asked.map((ms) => Math.round(ms)),
        [50, 100, 120],
      );
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      assert.equal(gaps.length, 3);
      // Timers never fire early: each gap is at least its wait.
      assert.ok(gaps[0] >= 45 && gaps[1] >= 95 && gaps[2] >= 115, `gaps ${gaps.join(', ')}`);
    });

    it('uses full jitter (a random draw of 0 means no wait)', async () => {
      failThen(srv, 3, 503);
      const started = Date.now();
      await withRandom(0, () => fastClient(srv.url, { retryBaseDelayMs: 2000, maxRetryDelayMs: 8000 }).listOrganizations());
      // Without jitter the three waits would take at least 2 + 4 + 8 s; the bound leaves a busy machine room.
      assert.ok(Date.now() - started < 1900);
      assert.equal(srv.requests.length, 4);
    });

    it('honours Retry-After in seconds', async () => {
      const times: number[] = [];
      srv.handle((_q, res) => {
        times.push(Date.now());
        return times.length === 1 ? sendJson(res, 429, {}, { 'Retry-After': '1' }) : sendJson(res, 200, ORGS);
      });
      await withRandom(0, () => fastClient(srv.url).listOrganizations());
      assert.equal(times.length, 2);
      assert.ok(times[1] - times[0] >= 950, `waited ${times[1] - times[0]} ms`);
    });

    it('honours a Retry-After HTTP date, retrying at once when it is past', async () => {
      failThen(srv, 1, 503, { 'Retry-After': new Date(Date.now() - 5000).toUTCString() });
      const started = Date.now();
      await withRandom(0.999, () => fastClient(srv.url, { retryBaseDelayMs: 5000, maxRetryDelayMs: 5000 }).listOrganizations());
      // The backoff alone would wait about 5 s.
      assert.ok(Date.now() - started < 4000);
      failThen(srv, 99, 429, { 'Retry-After': new Date(Date.now() + 30_000).toUTCString() });
      const e = await catchApiError(fastClient(srv.url, { maxRetryWaitMs: 10_000 }).listOrganizations());
      assert.ok(e.retryAfterMs! > 27_000 && e.retryAfterMs! <= 30_000, `retryAfterMs ${e.retryAfterMs}`);
    });

    it('fails at once when the server asks to wait longer than the cap', async () => {
      failThen(srv, 99, 429, { 'Retry-After': '2' });
      const started = Date.now();
      const e = await catchApiError(fastClient(srv.url, { maxRetryWaitMs: 500 }).listOrganizations());
      // Waiting as asked would take 2 s.
      assert.ok(Date.now() - started < 1500);
      assert.equal(e.kind, 'rateLimited');
      assert.equal(e.retryAfterMs, 2000);
      assert.equal(srv.requests.length, 1);
    });

    it('uses X-RateLimit-Reset as epoch seconds or delta seconds when there is no Retry-After', async () => {
      failThen(srv, 99, 429, { 'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 120) });
      const e1 = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.ok(e1.retryAfterMs! > 118_000 && e1.retryAfterMs! <= 120_000, `epoch: ${e1.retryAfterMs}`);
      failThen(srv, 99, 429, { 'X-RateLimit-Reset': '90' });
      const e2 = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.equal(e2.retryAfterMs, 90_000);
      failThen(srv, 99, 429, { 'X-RateLimit-Reset': '5', 'Retry-After': '120' });
      const e3 = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.equal(e3.retryAfterMs, 120_000);
      assert.equal(srv.requests.length, 3);
    });

    it('ignores X-RateLimit-Reset on a 503 (it is about the quota, not the outage)', async () => {
      failThen(srv, 1, 503, { 'X-RateLimit-Reset': '3600' });
      assert.equal((await fastClient(srv.url).listOrganizations()).length, 1);
      assert.equal(srv.requests.length, 2);
    });

    it('parses retry headers', () => {
      const now = Date.parse('2030-01-01T00:00:00Z');
      const h = (o: Record<string, string>): Headers => new Headers(o);
      assert.equal(retryAfterMs(h({ 'retry-after': '3' }), true, now), 3000);
      assert.equal(retryAfterMs(h({ 'retry-after': 'Tue, 01 Jan 2030 00:00:10 GMT' }), true, now), 10_000);
      assert.equal(retryAfterMs(h({ 'retry-after': 'soon', 'x-ratelimit-reset': '4' }), true, now), 4000);
      assert.equal(retryAfterMs(h({ 'x-ratelimit-reset': String(now / 1000 + 7) }), true, now), 7000);
      assert.equal(retryAfterMs(h({ 'x-ratelimit-reset': String(now + 8000) }), true, now), 8000);
      assert.equal(retryAfterMs(h({ 'x-ratelimit-reset': '4' }), false, now), undefined);
      assert.equal(retryAfterMs(h({}), true, now), undefined);
    });
  });

  describe('redirects', () => {
    it('follows a same-origin redirect and re-sends the token', async () => {
      srv.handle((req, res) => {
        if (req.url === '/organization') {
          res.writeHead(302, { Location: '/v2/organization' });
          res.end();
        } else {
          sendJson(res, 200, ORGS);
        }
      });
      assert.equal((await fastClient(srv.url).listOrganizations()).length, 1);
      assert.deepEqual(
        srv.requests.map((r) => r.url),
        ['/organization', '/v2/organization'],
      );
      assert.equal(srv.requests[1].headers.authorization, `Token ${TOKEN}`);
    });

    it('keeps method and body on 307, and turns a POST into a GET on 303', async () => {
      srv.handle((req, res) => {
        if (req.url === '/organization/o/apiToken') {
          res.writeHead(307, { Location: `${srv.url}/moved` });
          res.end();
        } else if (req.url === '/moved' && req.method === 'POST') {
          res.writeHead(303, { Location: '/created' });
          res.end();
        } else {
          sendJson(res, 200, { id: 't', created_at: 'now', token: 'qov_x' });
        }
      });
      await fastClient(srv.url).createApiToken('o', { name: 'n', role_id: 'r' });
      assert.deepEqual(
        srv.requests.map((r) => `${r.method} ${r.url} ${r.body}`),
        ['POST /organization/o/apiToken {"name":"n","role_id":"r"}', 'POST /moved {"name":"n","role_id":"r"}', 'GET /created '],
      );
    });

    it('refuses a cross-origin redirect and sends nothing there', async () => {
      const other = await startServer();
      try {
        for (const target of [`${other.url}/organization`, `https://127.0.0.1:${srv.port}/organization`]) {
          srv.handle((_q, res) => {
            res.writeHead(301, { Location: target });
            res.end();
          });
          const e = await catchApiError(fastClient(srv.url).listOrganizations());
          const origin = new URL(target).origin;
          assert.equal(e.kind, 'insecureUrl');
          assert.equal(e.origin, origin);
          assert.equal(e.message, `The Qovery API redirected to ${origin}; the token was not sent there.`);
        }
        assert.equal(other.requests.length, 0);
        assert.equal(srv.requests.length, 2);
      } finally {
        await other.close();
      }
    });

    it('stops after 5 redirects', async () => {
      srv.handle((_q, res) => {
        res.writeHead(302, { Location: `/loop${srv.requests.length}` });
        res.end();
      });
      const e = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.equal(e.kind, 'invalidResponse');
      assert.match(e.message, /too many times/);
      assert.equal(srv.requests.length, 6);
    });

    it('reports a redirect without Location', async () => {
      srv.handle((_q, res) => {
        res.writeHead(302);
        res.end();
      });
      const e = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.equal(e.kind, 'invalidResponse');
      assert.equal(e.status, 302);
    });
  });

  describe('timeouts and cancellation', () => {
    it('times out when the server never answers', async () => {
      srv.handle(() => undefined);
      const started = Date.now();
      const e = await catchApiError(fastClient(srv.url, { timeoutMs: 150, maxRetries: 0 }).listOrganizations());
      assert.equal(e.kind, 'timeout');
      // The client's default timeout (3 s) would mean the option was ignored.
      assert.ok(Date.now() - started < 2500);
    });

    it('times out when the body never ends', async () => {
      srv.handle((_q, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"results":[');
      });
      const started = Date.now();
      const e = await catchApiError(fastClient(srv.url, { timeoutMs: 200, maxRetries: 0 }).listOrganizations());
      assert.equal(e.kind, 'timeout');
      assert.ok(Date.now() - started < 2500);
    });

    it('retries a GET timeout exactly once, and a POST timeout never', async () => {
      srv.handle(() => undefined);
      const e = await catchApiError(fastClient(srv.url, { timeoutMs: 400, maxRetries: 3 }).listOrganizations());
      assert.equal(e.kind, 'timeout');
      assert.equal(srv.requests.length, 2);
      await catchApiError(fastClient(srv.url, { timeoutMs: 400 }).createApiToken('o', { name: 'n', role_id: 'r' }));
      assert.equal(srv.requests.length, 3);
    });

    it('is cancelled mid-request by the caller signal', async () => {
      srv.handle(() => undefined);
      const ac = new AbortController();
      const started = Date.now();
      setTimeout(() => ac.abort(), 50);
      const e = await catchApiError(fastClient(srv.url).listOrganizations({ signal: ac.signal }));
      assert.equal(e.kind, 'cancelled');
      // Before the 3 s timeout would have ended it.
      assert.ok(Date.now() - started < 2500);
      assert.equal(srv.requests.length, 1);
    });

    it('is cancelled while reading the body', async () => {
      srv.handle((_q, res) => {
        res.writeHead(200);
        res.write('{"results":[');
      });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 80);
      const e = await catchApiError(fastClient(srv.url).listOrganizations({ signal: ac.signal }));
      assert.equal(e.kind, 'cancelled');
    });

    it('is cancelled during the backoff wait', async () => {
      failThen(srv, 99, 503, { 'Retry-After': '5' });
      const ac = new AbortController();
      const started = Date.now();
      setTimeout(() => ac.abort(), 100);
      const e = await catchApiError(fastClient(srv.url).listOrganizations({ signal: ac.signal }));
      assert.equal(e.kind, 'cancelled');
      // Long before the 5 s the server asked to wait.
      assert.ok(Date.now() - started < 4000);
      assert.equal(srv.requests.length, 1);
    });

    it('sends nothing when the signal is already aborted', async () => {
      const e = await catchApiError(fastClient(srv.url).listOrganizations({ signal: AbortSignal.abort() }));
      assert.equal(e.kind, 'cancelled');
      await delay(20);
      assert.equal(srv.requests.length, 0);
    });
  });

  describe('bodies', () => {
    it('refuses a streamed body larger than the cap', async () => {
      srv.handle((_q, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(`{"results":[],"pad":"${'x'.repeat(3000)}`);
        res.end(`${'y'.repeat(3000)}"}`);
      });
      const e = await catchApiError(fastClient(srv.url, { maxBodyBytes: 4000 }).listOrganizations());
      assert.equal(e.kind, 'invalidResponse');
      assert.match(e.message, /too large/);
    });

    it('refuses a declared Content-Length above the cap before reading', async () => {
      srv.handle((_q, res) => sendJson(res, 200, { results: [], pad: 'x'.repeat(5000) }));
      const e = await catchApiError(fastClient(srv.url, { maxBodyBytes: 1000 }).listOrganizations());
      assert.match(e.message, /too large/);
      srv.handle((_q, res) => sendJson(res, 200, { results: [], pad: 'x'.repeat(500) }));
      assert.deepEqual(await fastClient(srv.url, { maxBodyBytes: 1000 }).listOrganizations(), []);
    });

    it('refuses a non-JSON success body', async () => {
      srv.handle((_q, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html>captive portal</html>');
      });
      const e = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.equal(e.kind, 'invalidResponse');
      assert.match(e.message, /not JSON/);
    });

    it('refuses JSON cut off by the connection', async () => {
      srv.handle((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"results":[{"id":"o1",');
        setTimeout(() => req.socket.destroy(), 20);
      });
      const e = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.equal(e.kind, 'invalidResponse');
      assert.match(e.message, /cut off/);
    });

    it('refuses JSON that ends early', async () => {
      srv.handle((_q, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"results":[{"id":"o1",');
      });
      const e = await catchApiError(fastClient(srv.url).listOrganizations());
      assert.equal(e.kind, 'invalidResponse');
    });
  });

  describe('network failures', () => {
    it('classifies a refused connection and retries it for GET', async () => {
      const infos: RequestLogInfo[] = [];
      const port = await closedPort();
      const e = await catchApiError(fastClient(`http://127.0.0.1:${port}`, { maxRetries: 2, onRequest: (i) => infos.push(i) }).listOrganizations());
      assert.equal(e.kind, 'network');
      assert.equal(e.networkCause, 'refused');
      assert.deepEqual(
        infos.map((i) => `${i.attempt} ${i.error}`),
        ['1 network', '2 network', '3 network'],
      );
    });

    it('classifies a reset connection', async () => {
      srv.handle((req) => req.socket.destroy());
      const e = await catchApiError(fastClient(srv.url, { maxRetries: 1 }).listOrganizations());
      assert.equal(e.kind, 'network');
      assert.equal(e.networkCause, 'reset');
      assert.equal(srv.requests.length, 2);
    });

    it('classifies a TLS failure and does not retry it', async () => {
      const infos: RequestLogInfo[] = [];
      const e = await catchApiError(fastClient(`https://127.0.0.1:${srv.port}`, { onRequest: (i) => infos.push(i) }).listOrganizations());
      assert.equal(e.kind, 'network');
      assert.equal(e.networkCause, 'tls');
      assert.equal(infos.length, 1);
    });

    it('classifies a DNS failure from an undici-like error', async () => {
      let calls = 0;
      const fetch: FetchLike = () => {
        calls++;
        return Promise.reject(undiciError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.qovery.com'));
      };
      const e = await catchApiError(fastClient('https://api.qovery.com', { fetch, maxRetries: 1 }).listOrganizations());
      assert.equal(e.kind, 'network');
      assert.equal(e.networkCause, 'dns');
      assert.equal(calls, 2);
      assert.match(e.message, /could not be resolved/);
    });

    it('maps undici error codes to causes', () => {
      const cases: [unknown, string][] = [
        [undiciError('ENOTFOUND'), 'dns'],
        [undiciError('EAI_AGAIN'), 'dns'],
        [undiciError('ECONNREFUSED'), 'refused'],
        [undiciError('ECONNRESET'), 'reset'],
        [undiciError('UND_ERR_SOCKET', 'other side closed'), 'reset'],
        [undiciError('EPIPE'), 'reset'],
        [undiciError('CERT_HAS_EXPIRED'), 'tls'],
        [undiciError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
        [undiciError('SELF_SIGNED_CERT_IN_CHAIN'), 'tls'],
        [undiciError('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
        [undiciError('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
        [undiciError('UND_ERR_ABORTED', 'Proxy response (407) !== 200 when HTTP Tunneling'), 'proxy'],
        [{ cause: Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), {}) }, 'refused'],
        [new TypeError('fetch failed'), 'unknown'],
        ['weird', 'unknown'],
      ];
      for (const [err, cause] of cases) {
        assert.equal(classifyNetworkError(err), cause, JSON.stringify(err));
      }
    });

    it('blames the proxy for a refused connection when HTTPS_PROXY is set', () => {
      const saved = process.env.HTTPS_PROXY;
      process.env.HTTPS_PROXY = 'http://proxy.corp:3128';
      try {
        assert.equal(classifyNetworkError(undiciError('ECONNREFUSED')), 'proxy');
      } finally {
        if (saved === undefined) {
          delete process.env.HTTPS_PROXY;
        } else {
          process.env.HTTPS_PROXY = saved;
        }
      }
    });
  });

  describe('onRequest hook', () => {
    it('reports each attempt without the token, and a throwing hook is harmless', async () => {
      failThen(srv, 1, 502);
      const infos: RequestLogInfo[] = [];
      const orgs = await fastClient(srv.url, {
        onRequest: (i) => {
          infos.push(i);
          throw new Error('logger broke');
        },
      }).listOrganizations();
      assert.equal(orgs.length, 1);
      assert.equal(infos.length, 2);
      assert.deepEqual(
        infos.map(({ method, path, status, attempt, error }) => ({ method, path, status, attempt, error })),
        [
          { method: 'GET', path: '/organization', status: 502, attempt: 1, error: 'server' },
          { method: 'GET', path: '/organization', status: 200, attempt: 2, error: undefined },
        ],
      );
      assert.ok(infos.every((i) => typeof i.durationMs === 'number' && i.durationMs >= 0));
      assert.ok(!JSON.stringify(infos).includes(TOKEN));
    });
  });
});
