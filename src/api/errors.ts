import { redact } from './token';

export type ApiErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'badRequest'
  | 'rateLimited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'cancelled'
  | 'invalidResponse'
  | 'insecureUrl'
  | 'invalidToken';

export type NetworkCause = 'dns' | 'refused' | 'reset' | 'tls' | 'proxy' | 'unknown';

export interface ApiErrorDetails {
  status?: number;
  retryAfterMs?: number;
  networkCause?: NetworkCause;
  origin?: string;
  method?: string;
  path?: string;
}

const HEADS: Record<ApiErrorKind, string> = {
  unauthorized: 'Qovery rejected the token (401).',
  forbidden: 'The token is not allowed to do this (403).',
  notFound: 'Not found on Qovery (404).',
  conflict: 'Conflict on Qovery (409).',
  badRequest: 'Qovery refused the request.',
  rateLimited: 'Too many requests to Qovery.',
  server: 'Qovery had a server error.',
  network: 'Could not reach the Qovery API.',
  timeout: 'The Qovery API did not answer in time.',
  cancelled: 'Cancelled.',
  invalidResponse: 'Unexpected answer from the Qovery API.',
  insecureUrl: 'Unsafe Qovery API URL.',
  invalidToken: 'Invalid Qovery token.',
};

const CAUSES: Record<NetworkCause, string> = {
  dns: 'the host name could not be resolved (DNS)',
  refused: 'the connection was refused',
  reset: 'the connection was reset',
  tls: 'the TLS certificate could not be verified (check proxy or corporate CA settings)',
  proxy: 'the proxy refused or failed the connection',
  unknown: 'the connection failed',
};

export class QoveryApiError extends Error {
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly networkCause?: NetworkCause;
  readonly origin?: string;
  readonly method?: string;
  readonly path?: string;
  /** The specific text given when the error was made (a server message, the setting at fault), if any. */
  readonly detail?: string;

  constructor(
    readonly kind: ApiErrorKind,
    message?: string,
    details: ApiErrorDetails = {},
  ) {
    super(
      message ||
        (details.networkCause ? `${HEADS.network} ${cap(CAUSES[details.networkCause])}.` : HEADS[kind]),
    );
    // Copy only known fields so nothing else (headers, raw responses) can ride along.
    const { status, retryAfterMs, networkCause, origin, method, path } = details;
    Object.assign(this, { status, retryAfterMs, networkCause, origin, method, path, detail: message || undefined });
  }

  toJSON(): Record<string, unknown> {
    const { name, kind, message, status, retryAfterMs, networkCause, origin, method, path } = this;
    return { name, kind, message, status, retryAfterMs, networkCause, origin, method, path };
  }
}

// On the prototype so the stack header, captured inside Error(), already says QoveryApiError.
Object.defineProperty(QoveryApiError.prototype, 'name', { value: 'QoveryApiError' });

const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);

/**
 * By shape, not `instanceof`: the chunks use the core's copy of this module (see esbuild.mjs), but
 * code compiled apart (tests, another bundle) may carry its own class, and the shape holds for all.
 */
export function isApiError(e: unknown): e is QoveryApiError {
  return e instanceof Error && e.name === 'QoveryApiError' && typeof (e as { kind?: unknown }).kind === 'string';
}

/** The kind of a failure, or undefined when it is not an API error. */
export const errorKind = (e: unknown): ApiErrorKind | undefined => (isApiError(e) ? e.kind : undefined);

/** Failures that may pass by themselves: nothing is wrong with the token or the request. */
export type TransientKind = 'network' | 'timeout' | 'server' | 'rateLimited' | 'invalidResponse';
const TRANSIENT_KINDS: ReadonlySet<ApiErrorKind> = new Set<TransientKind>(['network', 'timeout', 'server', 'rateLimited', 'invalidResponse']);

/** True for a failure that says nothing about the token (the data last loaded stays useful, a retry may work). */
export function isTransient(e: unknown): e is QoveryApiError & { kind: TransientKind } {
  return isApiError(e) && TRANSIENT_KINDS.has(e.kind);
}

/** The same test for a kind kept as text (a journal's failure). */
export function isTransientKind(kind: string | undefined): boolean {
  return kind !== undefined && TRANSIENT_KINDS.has(kind as ApiErrorKind);
}

/** No answer at all: the API could not be reached or did not answer in time. */
export const isNetworkLike = (e: unknown): boolean => isApiError(e) && (e.kind === 'network' || e.kind === 'timeout');

/** Turns server-provided text into a short, link-free, single-line message. */
export function cleanMessage(text: string, max = 200): string {
  const s = text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\bcommand:\S*/gi, '')
    .replace(/\b[a-z][a-z\d+.-]*:\/\/\S*/gi, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s;
}

/**
 * A notification renders `[label](target)` as a link, and none of the extension's own messages has
 * one: any that a name, a commit message or a server answer brings is shown as plain text instead.
 * The links are undone until none is left (a nested `[[x](y)](command:…)` leaves a link after one
 * pass), then any `](` left gets a space: VS Code's link syntax needs one, so none can form.
 */
export function noLinks(message: string): string {
  let s = message;
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = s.replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 ($2)');
  }
  return s.replace(/\]\(/g, '] (');
}

/** VS Code's icon syntax in a label: `$(name)` or `$(name~spin)`. */
const ICON = /(?<!\\)\$\([a-z0-9-]+(?:~[a-z0-9-]*)?\)/gi;

/**
 * A quick pick's label, description and detail and a status bar item's text render `$(name)` as an
 * icon: a name or a server text that holds one is shown as typed instead (VS Code's own escape, a
 * backslash before it; one escaped already stays as it is, so a name escaped by its caller can lead a
 * label). `keepLeading` keeps one icon at the very start (the extension's own).
 */
export function noIcons(text: string, keepLeading = false): string {
  const lead = keepLeading ? /^\$\([a-z0-9-]+(?:~[a-z0-9-]*)?\)/i.exec(text)?.[0] ?? '' : '';
  return lead + text.slice(lead.length).replace(ICON, (icon) => `\\${icon}`);
}

/** Picks the human text from an RFC 7807 style or `{error, message}` body. */
export function problemText(body: unknown): string {
  if (!body || typeof body !== 'object') {
    return '';
  }
  const b = body as Record<string, unknown>;
  for (const k of ['detail', 'message', 'error', 'title']) {
    const v = b[k];
    if (typeof v === 'string' && v.trim()) {
      return v;
    }
  }
  return '';
}

/** A short user-facing sentence for any thrown value. */
export function describeError(e: unknown): string {
  if (!isApiError(e)) {
    return cleanMessage(redact(e instanceof Error ? e.message : typeof e === 'string' ? e : '', [])) || 'Unexpected error.';
  }
  const head = e.networkCause ? HEADS.network : HEADS[e.kind];
  let s = e.message.startsWith(head) ? e.message : `${head} ${e.message}`;
  if (e.retryAfterMs !== undefined) {
    s += ` Try again in ${Math.ceil(e.retryAfterMs / 1000)} s.`;
  }
  return s;
}
