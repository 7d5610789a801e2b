import * as assert from 'node:assert/strict';
import { routeMatcher } from '../../qovery/faults';
import { DEMO, DEMO_ADMIN_TOKEN, startQoveryServer, type QoveryServer } from '../../qovery';
import { call, field, results } from './http';

const auth = { authorization: `Token ${DEMO_ADMIN_TOKEN}` };
const envPath = `/project/${DEMO.projects.storefront}/environment`;

async function elapsed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

describe('fake server faults', () => {
  let server: QoveryServer;
  beforeEach(async () => {
    server = await startQoveryServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('route matching', () => {
    it('matches METHOD /path with {param} and * segments', () => {
      const matcher = routeMatcher('GET /project/{projectId}/environment');
      assert.ok(matcher.test('GET /project/abc/environment'));
      assert.ok(!matcher.test('GET /project/abc/environment/status'));
      assert.ok(!matcher.test('POST /project/abc/environment'));
      assert.ok(routeMatcher('get /organization/*/apiToken').test('GET /organization/x/apiToken'));
    });

    it('matches any method for /path and * /path, and ignores a query string', () => {
      assert.ok(routeMatcher('/organization').test('DELETE /organization'));
      assert.ok(routeMatcher('* /organization').test('POST /organization'));
      assert.ok(routeMatcher('GET /organization?x=1').test('GET /organization'));
      assert.ok(!routeMatcher('/organization').test('GET /organization/x'));
    });

    it('refuses malformed routes and times', () => {
      assert.throws(() => routeMatcher('GET organization'));
      assert.throws(() => server.setFault('/organization', { status: 500, times: 0 }));
    });
  });

  it('answers a status fault with a problem body and custom headers, for the next N requests', async () => {
    server.setFault('GET /organization', { status: 429, headers: { 'Retry-After': '2' }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const limited = await call(server, 'GET', '/organization', auth);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '2');
      assert.equal(field(limited, 'status'), 429);
      assert.equal(field(limited, 'title'), 'Too Many Requests');
    }
    assert.equal((await call(server, 'GET', '/organization', auth)).status, 200);
  });

  it('sends a given body as JSON, or as text when it is a string, and none for 204', async () => {
    server.setFault('GET /organization', { status: 500, body: { status: 500, error: 'Internal Server Error', message: 'boom' }, times: 1 });
    assert.deepEqual((await call(server, 'GET', '/organization', auth)).json, { status: 500, error: 'Internal Server Error', message: 'boom' });
    server.setFault('GET /organization', { status: 503, body: 'upstream down', times: 1 });
    const text = await call(server, 'GET', '/organization', auth);
    assert.equal(text.text, 'upstream down');
    assert.match(text.headers.get('content-type') ?? '', /text\/plain/);
    server.setFault('GET /organization', { status: 204, times: 1 });
    assert.equal((await call(server, 'GET', '/organization', auth)).text, '');
  });

  it('applies faults before authentication, to string, template and RegExp routes', async () => {
    server.setFault(/^GET \/project\/[^/]+\/environment$/, { status: 502, times: 1 });
    assert.equal((await call(server, 'GET', envPath)).status, 502);
    server.setFault('GET /project/{id}/environment', { status: 504, times: 1 });
    assert.equal((await call(server, 'GET', `${envPath}/status`, auth)).status, 200);
    assert.equal((await call(server, 'GET', envPath, auth)).status, 504);
    assert.equal((await call(server, 'GET', envPath, auth)).status, 200);
  });

  it('lets the newest rule win, removes one rule, and clears them all', async () => {
    const removeFirst = server.setFault('/organization', { status: 500 });
    const removeSecond = server.setFault('GET /organization', { status: 503 });
    assert.equal((await call(server, 'GET', '/organization', auth)).status, 503);
    removeSecond();
    assert.equal((await call(server, 'GET', '/organization', auth)).status, 500);
    removeFirst();
    assert.equal((await call(server, 'GET', '/organization', auth)).status, 200);
    server.setFault('/organization', { status: 500 });
    server.setFault(/account/, { status: 500 });
    server.clearFaults();
    assert.equal((await call(server, 'GET', '/organization', auth)).status, 200);
  });

  it('adds latency to one route, or to every request', async () => {
    server.setFault('GET /organization', { latencyMs: 150, times: 1 });
    assert.ok((await elapsed(() => call(server, 'GET', '/organization', auth))) >= 140);
    await call(server, 'GET', '/organization', auth);
    assert.deepEqual(
      server.requests.map((entry) => entry.fault),
      ['latency', undefined],
    );
    server.setLatency(120);
    assert.ok((await elapsed(() => call(server, 'GET', `/organization/${DEMO.organizations.acme}`, auth))) >= 110);
    server.setLatency(0);
    assert.throws(() => server.setLatency(-1), RangeError);
    const slow = await startQoveryServer({ latencyMs: 100 });
    try {
      assert.ok((await elapsed(() => call(slow, 'GET', '/organization', auth))) >= 90);
    } finally {
      await slow.close();
    }
  });

  it('combines latency with another fault', async () => {
    server.setFault('GET /organization', { status: 503, latencyMs: 120, times: 1 });
    let status = 0;
    const time = await elapsed(async () => {
      status = (await call(server, 'GET', '/organization', auth)).status;
    });
    assert.equal(status, 503);
    assert.ok(time >= 110);
  });

  it('answers non-JSON (an HTML page) with 200 or a given status', async () => {
    server.setFault('GET /organization', { nonJson: true, times: 1 });
    const page = await call(server, 'GET', '/organization', auth);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.text, /^<!DOCTYPE html>/);
    assert.equal(page.json, undefined);
    server.setFault('GET /organization', { nonJson: true, status: 502, body: 'Bad Gateway', times: 1 });
    const gateway = await call(server, 'GET', '/organization', auth);
    assert.equal(gateway.status, 502);
    assert.equal(gateway.text, 'Bad Gateway');
  });

  it('truncates: full Content-Length, half the body, then a dropped connection', async () => {
    server.setFault('GET /organization', { truncate: true, times: 1 });
    const response = await fetch(`${server.url}/organization`, { headers: auth });
    assert.equal(response.status, 200);
    assert.ok(Number(response.headers.get('content-length')) > 0);
    await assert.rejects(response.text());
  });

  it('processes a truncated request before cutting its answer (a created token exists)', async () => {
    server.setFault('POST /organization/{id}/apiToken', { truncate: true, times: 1 });
    const response = await fetch(`${server.url}/organization/${DEMO.organizations.acme}/apiToken`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lost-answer', role_id: DEMO.roles.acme.admin }),
    });
    assert.equal(response.status, 201);
    await assert.rejects(response.text());
    assert.ok(server.state.apiTokens(DEMO.organizations.acme).some((token) => token.name === 'lost-answer'));
  });

  it('resets the connection without processing the request', async () => {
    server.setFault('POST /organization/{id}/apiToken', { reset: true, times: 1 });
    await assert.rejects(call(server, 'POST', `/organization/${DEMO.organizations.acme}/apiToken`, { ...auth, body: { name: 'never', role_id: DEMO.roles.acme.admin } }));
    assert.ok(!server.state.apiTokens(DEMO.organizations.acme).some((token) => token.name === 'never'));
    const entry = server.requests.at(-1);
    assert.equal(entry?.status, 0);
    assert.equal(entry?.fault, 'reset');
    assert.equal((await call(server, 'GET', '/organization', auth)).status, 200);
  });

  it('redirects to another origin, keeping path and query when only an origin is given', async () => {
    const other = await startQoveryServer();
    try {
      server.setFault('GET /organization', { redirectTo: other.url, times: 1 });
      const redirected = await call(server, 'GET', '/organization?x=1', { ...auth, redirect: 'manual' });
      assert.equal(redirected.status, 302);
      assert.equal(redirected.headers.get('location'), `${other.url}/organization?x=1`);
      server.setFault('GET /organization', { redirectTo: `${other.url}/elsewhere`, status: 307, times: 1 });
      const verbatim = await call(server, 'GET', '/organization', { ...auth, redirect: 'manual' });
      assert.equal(verbatim.status, 307);
      assert.equal(verbatim.headers.get('location'), `${other.url}/elsewhere`);
      assert.equal(server.requests.at(-1)?.fault, 'redirect');
    } finally {
      await other.close();
    }
  });

  it('sends headers then a body that never ends', async () => {
    server.setFault('GET /organization', { neverEnd: true, times: 1 });
    const response = await fetch(`${server.url}/organization`, { headers: auth, signal: AbortSignal.timeout(300) });
    assert.equal(response.status, 200);
    await assert.rejects(response.text(), (error: Error) => error.name === 'TimeoutError' || error.name === 'AbortError');
  });

  it('keeps a never-ending body dripping when trickleMs is set', async () => {
    server.setFault('GET /organization', { neverEnd: true, trickleMs: 20, times: 1 });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/organization`, { headers: auth, signal: controller.signal });
    const reader = response.body!.getReader();
    let chunks = 0;
    while (chunks < 4) {
      const { done } = await reader.read();
      assert.equal(done, false);
      chunks += 1;
    }
    controller.abort();
  });

  it('hangs without ever answering', async () => {
    server.setFault('GET /organization', { hang: true, times: 1 });
    await assert.rejects(fetch(`${server.url}/organization`, { headers: auth, signal: AbortSignal.timeout(200) }), (error: Error) => error.name === 'TimeoutError');
    assert.equal(server.requests.at(-1)?.fault, 'hang');
    assert.equal((await call(server, 'GET', '/organization', auth)).status, 200);
  });

  it('closes promptly while requests hang, never end or wait out a latency', async () => {
    const doomed = await startQoveryServer();
    doomed.setFault('GET /organization', { hang: true });
    doomed.setFault(`GET /organization/${DEMO.organizations.acme}/project`, { neverEnd: true, trickleMs: 50 });
    doomed.setFault(`GET /organization/${DEMO.organizations.acme}`, { latencyMs: 60_000 });
    const hanging = fetch(`${doomed.url}/organization`, { headers: auth });
    const endless = fetch(`${doomed.url}/organization/${DEMO.organizations.acme}/project`, { headers: auth }).then((response) => response.text());
    const slow = fetch(`${doomed.url}/organization/${DEMO.organizations.acme}`, { headers: auth });
    const outcomes = Promise.allSettled([hanging, endless, slow]);
    while (doomed.requests.length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const time = await elapsed(() => doomed.close());
    assert.ok(time < 2000, `close took ${time} ms`);
    assert.deepEqual(
      (await outcomes).map((outcome) => outcome.status),
      ['rejected', 'rejected', 'rejected'],
    );
    await doomed.close();
  });

  it('serves normally on routes without a fault', async () => {
    server.setFault('GET /organization', { status: 500 });
    assert.equal(results(await call(server, 'GET', `/organization/${DEMO.organizations.acme}/project`, auth)).length, 4);
  });
});
