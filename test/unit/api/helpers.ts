import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isApiError, QoveryClient, type QoveryApiError, type QoveryClientOptions } from '../../../src/api';

/** A made-up organization token; tests look for it (and its distinctive middle) in every error. */
export const TOKEN = 'qov_LEAKCANARY_7f3a9c2e5b1d4068';
export const TOKEN_MARK = 'LEAKCANARY';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest) => void;

export interface TestServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  handle(h: Handler): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with an ephemeral port and a swappable handler. */
export async function startServer(handler: Handler = (_q, res) => sendJson(res, 200, {})): Promise<TestServer> {
  let h = handler;
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(seen);
      h(req, res, seen);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    handle: (x) => {
      h = x;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A port that was just in use and is now closed, so connecting is refused. */
export async function closedPort(): Promise<number> {
  const s = await startServer();
  await s.close();
  return s.port;
}

/** A client with tiny retry delays so the suite stays fast. */
export function fastClient(baseUrl: string, extra: Partial<QoveryClientOptions> = {}): QoveryClient {
  return new QoveryClient({
    baseUrl,
    token: TOKEN,
    retryBaseDelayMs: 1,
    maxRetryDelayMs: 5,
    timeoutMs: 3000,
    ...extra,
  });
}

export async function catchApiError(p: Promise<unknown>): Promise<QoveryApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isApiError(e), `expected a QoveryApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

export function catchSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to throw');
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
