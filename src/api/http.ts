import { scrubSecrets } from './scrub';
import { cleanMessage, isApiError, problemText, QoveryApiError, type ApiErrorDetails, type ApiErrorKind, type NetworkCause } from './errors';
import { cleanToken, redact, schemeFor, type AuthScheme, type AuthSchemeSetting } from './token';
import { parseApiUrl } from './url';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestLogInfo {
  method: string;
  path: string;
  status?: number;
  durationMs: number;
  attempt: number;
  error?: ApiErrorKind;
}

export interface HttpOptions {
  baseUrl: string;
  token: string;
  authScheme?: AuthSchemeSetting;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  fetch?: FetchLike;
  maxRetries?: number;
  retryBaseDelayMs?: number;
  maxRetryDelayMs?: number;
  /** A server-requested wait above this fails at once with `retryAfterMs` set. */
  maxRetryWaitMs?: number;
  maxBodyBytes?: number;
  /** Requests of this client in flight at once (default 16); the others wait their turn. */
  maxConcurrent?: number;
  userAgent?: string;
  onRequest?: (info: RequestLogInfo) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Gets the server's clock (its `Date` header, epoch ms) with a successful answer that has one. */
  onServerDate?: (epochMs: number) => void;
  /** Values sent in this call that must never be shown: removed from an error's text before it is cut. */
  secrets?: readonly string[];
}

const MAX_REDIRECTS = 5;
const RETRY_STATUSES = [429, 502, 503, 504];

/** Finds the low-level cause in undici's `fetch failed` error chain. */
export function classifyNetworkError(e: unknown): NetworkCause {
  let text = '';
  let c = e;
  for (let i = 0; i < 6 && c && typeof c === 'object'; i++) {
    const o = c as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] };
    text += ` ${typeof o.code === 'string' ? o.code : ''} ${typeof o.message === 'string' ? o.message : ''}`;
    c = o.cause ?? o.errors?.[0];
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) {
    return 'dns';
  }
  if (/CERT|UNABLE_TO_(VERIFY|GET)|SELF_SIGNED|ERR_TLS|ERR_SSL|certificate/i.test(text)) {
    return 'tls';
  }
  if (/proxy/i.test(text)) {
    return 'proxy';
  }
  if (/ECONNREFUSED/.test(text)) {
    return process.env.HTTPS_PROXY || process.env.https_proxy ? 'proxy' : 'refused';
  }
  return /ECONNRESET|UND_ERR_SOCKET|EPIPE|other side closed/.test(text) ? 'reset' : 'unknown';
}

/** Server-requested wait: Retry-After (seconds or HTTP date), then X-RateLimit-Reset (epoch or delta). */
export function retryAfterMs(h: Headers, useRateLimitReset: boolean, now = Date.now()): number | undefined {
  const ra = h.get('retry-after')?.trim();
  if (ra) {
    const at = /^\d+$/.test(ra) ? now + Number(ra) * 1000 : Date.parse(ra);
    if (!Number.isNaN(at)) {
      return Math.max(0, at - now);
    }
  }
  const reset = useRateLimitReset ? h.get('x-ratelimit-reset')?.trim() : undefined;
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    const n = Number(reset);
    return Math.max(0, Math.round(n > 1e12 ? n - now : n > 1e9 ? n * 1000 - now : n * 1000));
  }
  return undefined;
}

function statusKind(status: number): ApiErrorKind {
  const k: Record<number, ApiErrorKind> = { 401: 'unauthorized', 403: 'forbidden', 404: 'notFound', 409: 'conflict', 429: 'rateLimited' };
  return k[status] ?? (status >= 400 && status < 500 ? 'badRequest' : 'server');
}

/** Settles with `p`, or rejects with the signal's reason as soon as it aborts. */
function abortable<T>(p: Promise<T>, s: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(s.reason as Error);
    const done = (): void => s.removeEventListener('abort', onAbort);
    s.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (done(), resolve(v)),
      (e: Error) => (done(), reject(e)),
    );
    if (s.aborted) {
      onAbort();
    }
  });
}

function sleep(ms: number, signal: AbortSignal | undefined, onCancel: () => Error): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stop = (): void => (clearTimeout(timer), reject(onCancel()));
    const timer = setTimeout(() => (signal?.removeEventListener('abort', stop), resolve()), ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/** The single place that talks HTTP to Qovery: auth, timeouts, redirects, retries, size cap, error mapping. */
/** Lets at most `max` tasks run at once; a waiter whose signal aborts leaves the queue. */
class Limiter {
  #running = 0;
  readonly #queue: (() => void)[] = [];
  constructor(readonly max: number) {}

  async run<T>(task: () => Promise<T>, signal: AbortSignal | undefined, cancelled: () => Error): Promise<T> {
    if (this.#running >= this.max) {
      await new Promise<void>((resolve, reject) => {
        const go = (): void => {
          signal?.removeEventListener('abort', stop);
          resolve();
        };
        const stop = (): void => {
          this.#queue.splice(this.#queue.indexOf(go), 1);
          reject(cancelled());
        };
        this.#queue.push(go);
        signal?.addEventListener('abort', stop, { once: true });
      });
    }
    this.#running++;
    try {
      return await task();
    } finally {
      this.#running--;
      this.#queue.shift()?.();
    }
  }
}

export class HttpEngine {
  readonly baseUrl: string;
  readonly scheme: AuthScheme;
  readonly #origin: string;
  readonly #token: string;
  readonly #fetch: FetchLike;
  readonly #o: HttpOptions;
  readonly #limiter: Limiter;

  constructor(options: HttpOptions) {
    const url = parseApiUrl(options.baseUrl);
    const t = cleanToken(options.token);
    if (!t.ok) {
      throw new QoveryApiError('invalidToken', t.reason);
    }
    this.#token = t.token;
    this.scheme = schemeFor(t.token, options.authScheme);
    this.#origin = url.origin;
    this.baseUrl = url.href.replace(/\/$/, '');
    this.#fetch = options.fetch ?? ((u, i) => fetch(u, i));
    // Keep options without the token so nothing else holds it in a public place.
    this.#o = { ...options, token: '' };
    this.#limiter = new Limiter(Math.max(1, options.maxConcurrent ?? 16));
  }

  async request(method: HttpMethod, path: string, body?: unknown, opts: CallOptions = {}): Promise<unknown> {
    const o = this.#o;
    const signal = opts.signal;
    const maxRetries = o.maxRetries ?? 3;
    const idempotent = method === 'GET' || method === 'HEAD';
    const err = (kind: ApiErrorKind, message?: string, d?: ApiErrorDetails): QoveryApiError =>
      new QoveryApiError(kind, message, { method, path, ...d });
    let timeouts = 0;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) {
        throw err('cancelled');
      }
      const started = Date.now();
      let result: { status: number; data: unknown } | undefined;
      let failure: QoveryApiError | undefined;
      try {
        // The slot is taken before the attempt starts, so waiting in the queue never counts as a timeout.
        result = await this.#limiter.run(() => this.#attempt(method, path, body, signal, err, opts.onServerDate, opts.secrets), signal, () => err('cancelled'));
      } catch (e) {
        failure = isApiError(e) ? e : err('network', undefined, { networkCause: classifyNetworkError(e) });
      }
      try {
        o.onRequest?.({ method, path, status: result?.status ?? failure?.status, durationMs: Date.now() - started, attempt, error: failure?.kind });
      } catch {
        // A failing log hook must not break the request.
      }
      if (!failure) {
        return result?.data;
      }
      const k = failure.kind;
      const retryable =
        idempotent &&
        attempt <= maxRetries &&
        (RETRY_STATUSES.includes(failure.status ?? 0) ||
          (k === 'network' && failure.networkCause !== 'tls' && failure.networkCause !== 'proxy') ||
          (k === 'timeout' && ++timeouts === 1));
      const asked = failure.retryAfterMs;
      if (!retryable || (asked ?? 0) > (o.maxRetryWaitMs ?? 60_000)) {
        throw failure;
      }
      const backoff = Math.min(o.maxRetryDelayMs ?? 8000, (o.retryBaseDelayMs ?? 250) * 2 ** (attempt - 1));
      await sleep(asked ?? Math.random() * backoff, signal, () => err('cancelled'));
    }
  }

  async #attempt(
    method: HttpMethod,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    err: (kind: ApiErrorKind, message?: string, d?: ApiErrorDetails) => QoveryApiError,
    onServerDate?: (epochMs: number) => void,
    secrets: readonly string[] = [],
  ): Promise<{ status: number; data: unknown }> {
    const o = this.#o;
    const timeoutMs = o.timeoutMs ?? 30_000;
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), ac.abort()), timeoutMs);
    const onAbort = (): void => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) {
      ac.abort();
    }
    try {
      let url = this.baseUrl + path;
      let m: string = method;
      let payload = body === undefined ? undefined : JSON.stringify(body);
      let res: Response;
      for (let hops = 0; ; hops++) {
        const headers: Record<string, string> = {
          Authorization: `${this.scheme} ${this.#token}`,
          Accept: 'application/json',
          'User-Agent': o.userAgent ?? 'vscode-qovery',
        };
        if (payload !== undefined) {
          headers['Content-Type'] = 'application/json';
        }
        res = await abortable(this.#fetch(url, { method: m, headers, body: payload, redirect: 'manual', signal: ac.signal }), ac.signal);
        const s = res.status;
        if (s < 300 || s > 399) {
          break;
        }
        res.body?.cancel().catch(() => undefined);
        const loc = res.headers.get('location');
        const next = loc ? new URL(loc, url) : undefined;
        if (!next) {
          throw err('invalidResponse', 'The Qovery API answered a redirect without a Location.', { status: s });
        }
        if (next.origin !== this.#origin) {
          throw err('insecureUrl', `The Qovery API redirected to ${next.origin}; the token was not sent there.`, { status: s, origin: next.origin });
        }
        if (hops >= MAX_REDIRECTS) {
          throw err('invalidResponse', 'The Qovery API redirected too many times.', { status: s });
        }
        // Same rule as browsers: a 303, or a 301/302 after POST, continues as a GET without body.
        if ((s === 303 && m !== 'GET' && m !== 'HEAD') || (s < 303 && m === 'POST')) {
          m = 'GET';
          payload = undefined;
        }
        url = next.href;
      }
      const status = res.status;
      if (status === 407) {
        throw err('network', undefined, { status, networkCause: 'proxy' });
      }
      let text = '';
      try {
        text = await this.#readBody(res, ac.signal, err);
      } catch (e) {
        // An unreadable error body still leaves the status to report; aborts keep their meaning.
        if (res.ok || !(e instanceof QoveryApiError)) {
          throw e;
        }
      }
      let data: unknown;
      try {
        data = text.trim() ? JSON.parse(text) : undefined;
      } catch {
        if (res.ok) {
          throw err('invalidResponse', 'The Qovery API answered with something that is not JSON (a proxy page?).', { status });
        }
      }
      if (!res.ok) {
        const kind = statusKind(status);
        const wait = RETRY_STATUSES.includes(status) ? retryAfterMs(res.headers, status === 429) : undefined;
        // The secrets go first, from the whole text: once it is collapsed and cut, a part of one could stay.
        const msg = cleanMessage(scrubSecrets(redact(problemText(data), [this.#token]), secrets));
        throw err(kind, msg, { status, retryAfterMs: wait });
      }
      const date = onServerDate ? Date.parse(res.headers.get('date') ?? '') : NaN;
      if (!Number.isNaN(date)) {
        onServerDate?.(date);
      }
      return { status, data };
    } catch (e) {
      if (e instanceof QoveryApiError) {
        throw e;
      }
      if (signal?.aborted) {
        throw err('cancelled');
      }
      if (timedOut) {
        throw err('timeout', `The Qovery API did not answer within ${timeoutMs / 1000} s.`);
      }
      throw err('network', undefined, { networkCause: classifyNetworkError(e) });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async #readBody(
    res: Response,
    signal: AbortSignal,
    err: (kind: ApiErrorKind, message?: string, d?: ApiErrorDetails) => QoveryApiError,
  ): Promise<string> {
    const max = this.#o.maxBodyBytes ?? 5 * 1024 * 1024;
    const tooLarge = (): QoveryApiError =>
      err('invalidResponse', `The Qovery API response was too large (over ${Math.round(max / 1024)} KB).`, { status: res.status });
    if (Number(res.headers.get('content-length')) > max) {
      res.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!res.body) {
      return '';
    }
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await abortable(reader.read(), signal);
        if (done) {
          return Buffer.concat(chunks).toString('utf8');
        }
        size += value.byteLength;
        if (size > max) {
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (e) {
      reader.cancel().catch(() => undefined);
      if (e instanceof QoveryApiError || signal.aborted) {
        throw e;
      }
      throw err('invalidResponse', 'The Qovery API response was cut off.', { status: res.status });
    }
  }
}
