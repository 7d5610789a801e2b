// Small fetch wrapper for the server tests.
import type { QoveryServer } from '../../qovery';

export interface CallOptions {
  /** Sent as `Token <token>` unless `authorization` is given. */
  token?: string;
  authorization?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  redirect?: 'follow' | 'manual' | 'error';
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function call(server: QoveryServer, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization !== undefined) {
    headers.authorization = options.authorization;
  } else if (options.token !== undefined) {
    headers.authorization = `Token ${options.token}`;
  }
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body, signal: options.signal, redirect: options.redirect });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The `results` array of a list answer. */
export function results<T = Record<string, unknown>>(result: CallResult): T[] {
  const body = result.json as { results?: T[] } | undefined;
  if (!body || !Array.isArray(body.results)) {
    throw new Error(`expected a { results: [...] } body, got ${result.text.slice(0, 200)}`);
  }
  return body.results;
}

export function field(result: CallResult, name: string): unknown {
  return (result.json as Record<string, unknown> | undefined)?.[name];
}
