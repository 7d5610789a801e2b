import * as assert from 'node:assert/strict';
import { isApiError, listEnvironments, QoveryClient } from '../../../src/api';
import { sendJson, startServer, TOKEN, type TestServer } from './helpers';

describe('fan-out concurrency cap', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('keeps at most maxConcurrent requests in flight, and every one completes', async () => {
    let inFlight = 0;
    let peak = 0;
    server = await startServer((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        sendJson(res, 200, { results: [] });
      }, 20);
    });
    const client = new QoveryClient({ baseUrl: server.url, token: TOKEN, maxConcurrent: 4 });
    const ids = Array.from({ length: 30 }, (_, i) => `project-${i}`);
    const results = await Promise.all(ids.map((id) => listEnvironments(client, id)));
    assert.equal(results.length, 30);
    assert.equal(server.requests.length, 30);
    assert.equal(peak, 4);
  });

  it('counts the timeout from when a request is sent, not while it waits its turn', async () => {
    server = await startServer((_req, res) => setTimeout(() => sendJson(res, 200, { results: [] }), 150));
    const client = new QoveryClient({ baseUrl: server.url, token: TOKEN, maxConcurrent: 1, timeoutMs: 400 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => listEnvironments(client, `p${i}`)));
    assert.equal(server.requests.length, 5);
  });

  it('lets a waiting request be cancelled, without sending it', async () => {
    server = await startServer((_req, res) => setTimeout(() => sendJson(res, 200, { results: [] }), 200));
    const client = new QoveryClient({ baseUrl: server.url, token: TOKEN, maxConcurrent: 1 });
    const first = listEnvironments(client, 'a');
    const controller = new AbortController();
    const second = listEnvironments(client, 'b', { signal: controller.signal });
    controller.abort();
    await assert.rejects(second, (e: unknown) => isApiError(e) && e.kind === 'cancelled');
    await first;
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(server.requests.map((r) => r.url), ['/project/a/environment']);
  });
});
