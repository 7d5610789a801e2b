// Text shown to the user that views and services share: ages, where a token came from, and what an
// API error means. One place, so no state module imports a view to format something.
import * as vscode from 'vscode';
import { isApiError, type ApiErrorKind, type NetworkCause } from './api/errors';
import { redact } from './api/token';

type AgeUnit = 'day' | 'hour' | 'minute';

/**
 * "3 days", "1 hour", in VS Code's display language: Intl picks the plural form of that language,
 * so no "{0} day" / "{0} days" pair is built here.
 */
export function formatAge(from: number, now = Date.now(), language = vscode.env.language): string {
  const elapsed = Math.max(0, now - from);
  const [value, unit]: [number, AgeUnit] =
    elapsed >= 86_400_000 ? [Math.floor(elapsed / 86_400_000), 'day'] : elapsed >= 3_600_000 ? [Math.floor(elapsed / 3_600_000), 'hour'] : [Math.floor(elapsed / 60_000), 'minute'];
  return unitFormat(language, unit).format(value);
}

function unitFormat(language: string, unit: AgeUnit): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' });
  } catch {
    return new Intl.NumberFormat('en', { style: 'unit', unit, unitDisplay: 'long' });
  }
}

/** Where a connection's token came from. */
export function describeSource(source: string, variable?: string): string {
  switch (source) {
    case 'environment':
      return vscode.l10n.t('from the environment variable {0}', variable ?? '');
    case 'created':
      return vscode.l10n.t('created by this extension');
    case 'rotated':
      return vscode.l10n.t('rotated by this extension');
    default:
      return vscode.l10n.t('pasted');
  }
}

/** The sentence for each kind of API failure. Each text is a literal so the l10n tooling extracts it. */
function errorHead(kind: ApiErrorKind): string {
  switch (kind) {
    case 'unauthorized':
      return vscode.l10n.t('Qovery rejected the token (401).');
    case 'forbidden':
      return vscode.l10n.t('The token is not allowed to do this (403).');
    case 'notFound':
      return vscode.l10n.t('Not found on Qovery (404).');
    case 'conflict':
      return vscode.l10n.t('Conflict on Qovery (409).');
    case 'badRequest':
      return vscode.l10n.t('Qovery refused the request.');
    case 'rateLimited':
      return vscode.l10n.t('Too many requests to Qovery.');
    case 'server':
      return vscode.l10n.t('Qovery had a server error.');
    case 'network':
      return vscode.l10n.t('Could not reach the Qovery API.');
    case 'timeout':
      return vscode.l10n.t('The Qovery API did not answer in time.');
    case 'cancelled':
      return vscode.l10n.t('Cancelled.');
    case 'invalidResponse':
      return vscode.l10n.t('Unexpected answer from the Qovery API.');
    case 'insecureUrl':
      return vscode.l10n.t('Unsafe Qovery API URL.');
    case 'invalidToken':
      return vscode.l10n.t('Invalid Qovery token.');
  }
}

function networkCause(cause: NetworkCause): string {
  switch (cause) {
    case 'dns':
      return vscode.l10n.t('The host name could not be resolved (DNS).');
    case 'refused':
      return vscode.l10n.t('The connection was refused.');
    case 'reset':
      return vscode.l10n.t('The connection was reset.');
    case 'tls':
      return vscode.l10n.t('The TLS certificate could not be verified (check proxy or corporate CA settings).');
    case 'proxy':
      return vscode.l10n.t('The proxy refused or failed the connection.');
    case 'unknown':
      return vscode.l10n.t('The connection failed.');
  }
}

/**
 * A short sentence, in the user's language, for any thrown value. The API layer's own English text
 * is kept only when it adds something the kind does not say (a server message, the setting at fault).
 */
export function errorText(error: unknown): string {
  if (!isApiError(error)) {
    const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
    return redact(raw, []).trim() || vscode.l10n.t('Unexpected error.');
  }
  const parts = [errorHead(error.networkCause ? 'network' : error.kind)];
  if (error.networkCause) {
    parts.push(networkCause(error.networkCause));
  } else if (error.detail) {
    parts.push(error.detail);
  }
  if (error.retryAfterMs !== undefined) {
    parts.push(vscode.l10n.t('Try again in {0} s.', Math.ceil(error.retryAfterMs / 1000)));
  }
  return parts.join(' ');
}

/** "14:02:31" in the user's locale. */
export function timeOfDay(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}
