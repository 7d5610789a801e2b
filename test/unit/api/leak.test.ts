import * as assert from 'node:assert/strict';
import * as util from 'node:util';
import { describeError, isApiError, parseApiUrl, QoveryClient, redact, type ApiErrorKind, type RequestLogInfo } from '../../../src/api';
import { catchApiError, catchSync, closedPort, fastClient, sendJson, startServer, TOKEN, type Handler, type TestServer } from './helpers';

/** Every view of an error a logger or UI might produce. */
function views(e: unknown): string[] {
  const err = e as Error;
  return [
    err.message,
    String(err.stack),
    String(err),
    JSON.stringify(err),
    util.inspect(err, { depth: 10, showHidden: true }),
    util.inspect({ wrapped: err }, { depth: 10, showHidden: true, getters: true }),
    describeError(err),
    JSON.stringify(Object.getOwnPropertyNames(err).map((k) => [k, String((err as unknown as Record<string, unknown>)[k])])),
  ];
}

/** True when any 8-character piece of the token shows up, so a truncated token also counts. */
function leaks(text: string): boolean {
  for (let i = 0; i + 8 <= TOKEN.length; i++) {
    if (text.includes(TOKEN.slice(i, i + 8))) {
      return true;
    }
  }
  return false;
}

function assertNoLeak(e: unknown, label: string): void {
  for (const v of views(e)) {
    assert.ok(!leaks(v), `${label} leaks the token in: ${v}`);
  }
}

/** A server answer that repeats the token and the Authorization header every way it can. */
function echo(status: number): Handler {
  return (req, res) => {
    const auth = String(req.headers.authorization);
    sendJson(
      res,
      status,
      {
        detail: `${'padding '.repeat(22)}${TOKEN} rejected; you sent "${auth}" [link](https://x.example/?t=${TOKEN}) ${encodeURIComponent(TOKEN)}`,
        message: TOKEN,
      },
      { 'X-Echo': auth, 'Retry-After': '0' },
    );
  };
}

describe('api: the token never appears in errors', () => {
  let srv: TestServer;
  const infos: RequestLogInfo[] = [];
  const client = (extra = {}): QoveryClient => fastClient(srv.url, { maxRetries: 1, timeoutMs: 150, onRequest: (i: RequestLogInfo) => infos.push(i), ...extra });
  beforeEach(async () => {
    srv = await startServer();
  });
  afterEach(async () => {
    await srv.close();
  });
  after(() => {
    assert.ok(infos.length > 10, 'the hook saw the requests');
    assert.ok(!leaks(JSON.stringify(infos)), 'onRequest infos leak the token');
  });

  const statusKinds: [number, ApiErrorKind][] = [
    [400, 'badRequest'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'notFound'],
    [409, 'conflict'],
    [429, 'rateLimited'],
    [500, 'server'],
    [503, 'server'],
  ];
  for (const [status, kind] of statusKinds) {
    it(`${kind} (${status}) with a body echoing the token`, async () => {
      srv.handle(echo(status));
      const e = await catchApiError(client().listOrganizations());
      assert.equal(e.kind, kind);
      assert.match(e.message, /rejected/, 'the rest of the server text is kept');
      assertNoLeak(e, kind);
    });
  }

  it('network: refused and reset', async () => {
    const port = await closedPort();
    const refused = await catchApiError(fastClient(`http://127.0.0.1:${port}`, { maxRetries: 0 }).listOrganizations());
    assert.equal(refused.networkCause, 'refused');
    assertNoLeak(refused, 'refused');
    srv.handle((req) => req.socket.destroy());
    const reset = await catchApiError(client().listOrganizations());
    assert.equal(reset.networkCause, 'reset');
    assertNoLeak(reset, 'reset');
  });

  it('network: an injected fetch whose error carries the request headers', async () => {
    const fetch = (_u: string, init: RequestInit): Promise<Response> =>
      Promise.reject(Object.assign(new TypeError(`fetch failed ${JSON.stringify(init.headers)}`), { cause: { code: 'ECONNRESET', headers: init.headers } }));
    const e = await catchApiError(client({ fetch }).listOrganizations());
    assert.equal(e.kind, 'network');
    assertNoLeak(e, 'injected network');
  });

  it('timeout', async () => {
    srv.handle(() => undefined);
    const e = await catchApiError(client({ maxRetries: 0 }).listOrganizations());
    assert.equal(e.kind, 'timeout');
    assertNoLeak(e, 'timeout');
  });

  it('cancelled', async () => {
    srv.handle(() => undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error(`reason with ${TOKEN}`)), 30);
    const e = await catchApiError(client({ timeoutMs: 3000 }).listOrganizations({ signal: ac.signal }));
    assert.equal(e.kind, 'cancelled');
    assertNoLeak(e, 'cancelled');
  });

  it('invalidResponse: non-JSON, too large, cut off, wrong shape', async () => {
    srv.handle((_q, res) => {
      res.writeHead(200);
      res.end(`<html>${TOKEN}</html>`);
    });
    assertNoLeak(await catchApiError(client().listOrganizations()), 'non-JSON');
    srv.handle((_q, res) => sendJson(res, 200, { results: [], pad: TOKEN.repeat(100) }));
    assertNoLeak(await catchApiError(client({ maxBodyBytes: 500 }).listOrganizations()), 'too large');
    srv.handle((req, res) => {
      res.writeHead(200, { 'Content-Length': '999' });
      res.write(`{"t":"${TOKEN}`);
      setTimeout(() => req.socket.destroy(), 10);
    });
    assertNoLeak(await catchApiError(client().listOrganizations()), 'cut off');
    srv.handle((_q, res) => sendJson(res, 200, { results: [{ id: TOKEN }] }));
    const e = await catchApiError(client().listOrganizations());
    assert.equal(e.kind, 'invalidResponse');
    assertNoLeak(e, 'wrong shape');
  });

  it('insecureUrl: a redirect elsewhere with the token in its query, and credentials in the setting', async () => {
    srv.handle((_q, res) => {
      res.writeHead(302, { Location: `https://evil.example/steal?t=${TOKEN}#${TOKEN}` });
      res.end();
    });
    const e = await catchApiError(client().listOrganizations());
    assert.equal(e.kind, 'insecureUrl');
    assert.equal(e.origin, 'https://evil.example');
    assertNoLeak(e, 'redirect');
    const e2 = catchSync(() => parseApiUrl(`https://user:${TOKEN}@api.qovery.com`));
    assert.ok(isApiError(e2) && e2.kind === 'insecureUrl');
    assertNoLeak(e2, 'url credentials');
    const e3 = catchSync(() => new QoveryClient({ baseUrl: `https://x:${TOKEN}@api.qovery.com`, token: TOKEN }));
    assertNoLeak(e3, 'client url credentials');
  });

  it('invalidToken', () => {
    for (const bad of [`${TOKEN} ${TOKEN}`, `${TOKEN}\u0001`, `${TOKEN}é`, TOKEN.repeat(200)]) {
      const e = catchSync(() => new QoveryClient({ baseUrl: 'https://api.qovery.com', token: bad }));
      assert.ok(isApiError(e) && e.kind === 'invalidToken');
      assertNoLeak(e, 'invalidToken');
    }
  });

  it('the check itself notices a leak', () => {
    assert.ok(leaks(`x ${TOKEN.slice(3, 14)} y`));
    assert.throws(() => assertNoLeak(new Error(`oops ${TOKEN}`), 'control'));
    assert.ok(!leaks(redact(`Authorization: Token ${TOKEN}`, [TOKEN])));
  });
});
