// Which API token a stored secret is, kept in SecretStorage beside the secret. The connection's facts
// in globalState reach other windows late: after a rotation elsewhere they still name the old token.
// No `vscode` import.
import { createHash } from 'node:crypto';
import type { TokenRecord } from './model';
import type { SharedStore } from './storage';

/** A short SHA-256 fingerprint of a secret: tells tokens apart in the journal without holding them. */
export function fingerprint(secret: string | undefined): string | undefined {
  return secret === undefined ? undefined : createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

export const recordKey = (connectionId: string): string => `qovery.rotation.record.${connectionId}`;
/** The daily reminder's claim of a connection (which window asks today); Sign Out deletes it. */
export const reminderKey = (connectionId: string): string => `qovery.rotation.reminder.${connectionId}`;

export async function readTokenRecord(store: SharedStore, connectionId: string): Promise<TokenRecord | undefined> {
  const text = await store.get(recordKey(connectionId));
  try {
    const value = JSON.parse(text ?? 'null') as Partial<TokenRecord> | null;
    return value && typeof value.fingerprint === 'string' && typeof value.tokenId === 'string' ? { fingerprint: value.fingerprint, tokenId: value.tokenId } : undefined;
  } catch {
    return undefined;
  }
}

export async function writeTokenRecord(store: SharedStore, connectionId: string, secret: string, tokenId: string): Promise<void> {
  await store.store(recordKey(connectionId), JSON.stringify({ fingerprint: fingerprint(secret) ?? '', tokenId } satisfies TokenRecord));
}

/**
 * Keeps the record in step with a token just saved: written when its id is known, else removed (a
 * record of another secret must not outlive it).
 */
export async function refreshTokenRecord(store: SharedStore, connectionId: string, secret: string, tokenId: string | undefined): Promise<void> {
  await (tokenId ? writeTokenRecord(store, connectionId, secret, tokenId) : store.delete(recordKey(connectionId)));
}

/**
 * The id of the token the connection uses: the record kept with the secret when it is this secret's
 * (globalState lags behind a rotation in another window); else the facts' id (no record: a token
 * signed in before records existed; a record of another secret: stale, so it says nothing).
 */
export function tokenIdOf(secret: string, record: TokenRecord | undefined, factsTokenId: string | undefined): string | undefined {
  if (record && record.fingerprint === fingerprint(secret)) {
    return record.tokenId;
  }
  return factsTokenId;
}
