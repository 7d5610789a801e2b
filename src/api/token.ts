export type AuthScheme = 'Token' | 'Bearer';
export type AuthSchemeSetting = 'auto' | 'token' | 'bearer';
export type CleanTokenResult = { ok: true; token: string } | { ok: false; reason: string };

export const MAX_TOKEN_LENGTH = 4096;

const stripQuotes = (s: string): string =>
  s.length > 1 && `"'\``.includes(s[0]) && s[s.length - 1] === s[0] ? s.slice(1, -1).trim() : s;

/** Normalises a pasted token and explains, without echoing it, why it cannot be used. */
export function cleanToken(raw: string): CleanTokenResult {
  let t = stripQuotes(String(raw ?? '').trim());
  // People paste whole header lines or values copied from curl examples.
  t = stripQuotes(t.replace(/^(authorization\s*:\s*)?(token|bearer)(\s+|$)/i, ''));
  const fail = (reason: string): CleanTokenResult => ({ ok: false, reason });
  if (!t) {
    return fail('The token is empty.');
  }
  if (t.length > MAX_TOKEN_LENGTH) {
    return fail(`The token is longer than ${MAX_TOKEN_LENGTH} characters; it does not look like a Qovery token.`);
  }
  if (/\s/.test(t)) {
    return fail('The token contains spaces or line breaks; paste only the token itself.');
  }
  if (/\p{Cc}/u.test(t)) {
    return fail('The token contains control characters.');
  }
  if (/[^\u0021-\u007e]/.test(t)) {
    return fail('The token contains characters that are not plain ASCII (check for invisible characters).');
  }
  return { ok: true, token: t };
}

/** JWTs (OIDC logins) go as Bearer, organization API tokens as Token, like the Qovery CLI decides. */
export function detectScheme(token: string): AuthScheme {
  const parts = token.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(parts[0])) {
    return 'Token';
  }
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64').toString('utf8'));
    return header && typeof header === 'object' && !Array.isArray(header) ? 'Bearer' : 'Token';
  } catch {
    return 'Token';
  }
}

export function schemeFor(token: string, setting: AuthSchemeSetting = 'auto'): AuthScheme {
  return setting === 'token' ? 'Token' : setting === 'bearer' ? 'Bearer' : detectScheme(token);
}

export const authorizationHeader = (token: string, setting: AuthSchemeSetting = 'auto'): string =>
  `${schemeFor(token, setting)} ${token}`;

/** Masks known secrets and anything shaped like an Authorization value, for logs and messages. */
export function redact(text: string, secrets: readonly string[]): string {
  let s = String(text);
  const all = secrets.flatMap((x) => [x, encodeURIComponent(x)]).filter((x) => x.length >= 4);
  for (const x of all.sort((a, b) => b.length - a.length)) {
    s = s.split(x).join('***');
  }
  return s
    .replace(/(authorization["']?\s*[:=]\s*["']?)[^"'\r\n]+/gi, '$1***')
    // "token <uuid>" names a token by its id: ids are not secrets, and support needs them in the log.
    .replace(/\b(bearer|token)(\s+)(?![\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}\b)(?=[\w.~+/=-]*[\d_])[\w.~+/=-]{8,}/gi, '$1$2***');
}
