// Which API token a stored secret is, kept in SecretStorage beside the secret. The connection's facts
// in globalState reach other windows late: after a rotation elsewhere they still name the old token.
// No `vscode` import.
import type { TokenRecord } from './model';
import { fingerprint } from './saga';
import type { SharedStore } from './storage';

const recordKey = (connectionId: string): string => `qovery.rotation.record.${connectionId}`;

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
 * The id of the token the connection uses: the record kept with the secret when it is this secret's;
 * none when it is another secret's (the facts lag behind a rotation in another window); the facts'
 * id when there is no record (a token signed in before records existed).
 */
export function tokenIdOf(secret: string, record: TokenRecord | undefined, factsTokenId: string | undefined): string | undefined {
  if (record) {
    return record.fingerprint === fingerprint(secret) ? record.tokenId : undefined;
  }
  return factsTokenId;
}
