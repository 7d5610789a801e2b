import { QoveryApiError } from './errors';

export const DEFAULT_API_URL = 'https://api.qovery.com';

const SETTING = 'qovery.apiUrl';

export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * Validates a URL the token travels to (a setting): the secure scheme, or its plain form only to this
 * machine; no user name, password, query or fragment. The error never echoes the value.
 */
export function parseTokenUrl(raw: string, setting: string, secure: 'https:' | 'wss:', example: string): URL {
  const plain = secure === 'https:' ? 'http' : 'ws';
  const bad = (why: string): QoveryApiError => new QoveryApiError('insecureUrl', `The setting ${setting} ${why}`);
  let u: URL;
  try {
    u = new URL(String(raw ?? '').trim());
  } catch {
    // The raw value is not echoed: it may hold credentials.
    throw bad(`is not a valid URL (expected e.g. ${example}).`);
  }
  if (u.username || u.password) {
    throw bad('must not contain a user name or password; the token is stored separately.');
  }
  if (u.search || u.hash) {
    throw bad('must not contain a query (?) or fragment (#).');
  }
  if (u.protocol !== secure && !(u.protocol === `${plain}:` && isLoopbackHost(u.hostname))) {
    throw bad(`must use ${secure} (plain ${plain} is allowed only for 127.0.0.1, ::1 or localhost).`);
  }
  u.pathname = u.pathname.replace(/\/+$/, '');
  return u;
}

/** Validates the API base URL so the token only ever travels over https (or to this machine). */
export function parseApiUrl(raw: string): URL {
  return parseTokenUrl(raw, SETTING, 'https:', DEFAULT_API_URL);
}
