import * as vscode from 'vscode';
import type { Logger } from '../logger';
import { Disposable } from '../lifecycle';
import { recordKey, refreshTokenRecord, reminderKey } from './rotation/records';

export type TokenSource = 'pasted' | 'environment' | 'created' | 'rotated';

/** What is known about a connection besides its token. Never holds the token itself. */
export interface ConnectionInfo {
  id: string;
  name: string;
  source: TokenSource;
  /** Name of the environment variable the token came from, when source is 'environment'. */
  sourceVariable?: string;
  addedAt: number;
  verifiedAt?: number;
  organizationId?: string;
  organizationName?: string;
  organizationCount?: number;
  tokenId?: string;
  tokenName?: string;
  tokenCreatedAt?: string;
  roleId?: string;
  roleName?: string;
}

const CONNECTIONS_KEY = 'qovery.connections';
const ACTIVE_KEY = 'qovery.activeConnection';
const SECRET_PREFIX = 'qovery.token.';
const PENDING_PREFIX = 'qovery.pending.';

const secretKeyFor = (connectionId: string): string => `${SECRET_PREFIX}${connectionId}`;
const rotationKey = (key: string): string => {
  if (!key.startsWith('qovery.rotation.')) {
    throw new Error('Not a rotation key.');
  }
  return key;
};
/** Where a rotation keeps the new token until it becomes the connection's token. */
const pendingKeyFor = (connectionId: string): string => `${PENDING_PREFIX}${connectionId}`;

export interface TokenStoreChange {
  /** Connection ids whose token changed (added, replaced or removed). */
  tokens: string[];
  /** True when the change came from another window (SecretStorage changed behind this one). */
  external: boolean;
}

/**
 * Connections and their tokens. Tokens live only in SecretStorage; when SecretStorage fails
 * (Linux without a keyring), they are kept in this process's memory for the session and nowhere else.
 */
export class TokenStore extends Disposable {
  readonly #changed = this.register(new vscode.EventEmitter<TokenStoreChange>());
  readonly onDidChange = this.#changed.event;
  readonly #updated = this.register(new vscode.EventEmitter<string>());
  /** Fires with a connection's id when its facts (name, organization...) change but not its token or the active connection. */
  readonly onDidUpdate = this.#updated.event;
  readonly #memory = new Map<string, string>();
  readonly #ownWrites = new Set<string>();
  /** Set when SecretStorage failed: the words to show the user. */
  storageProblem: string | undefined;
  /**
   * This window's copy of the connection list and active id. globalState echoes each write back
   * later, so reading it right after two quick writes can briefly return the older one.
   */
  #list: ConnectionInfo[];
  #activeId: string | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly log: Logger,
  ) {
    super();
    this.#list = [];
    this.#reload();
    this.register(secrets.onDidChange((event) => {
      if (!event.key.startsWith(SECRET_PREFIX)) {
        return;
      }
      const id = event.key.slice(SECRET_PREFIX.length);
      const external = !this.#ownWrites.delete(event.key);
      if (external) {
        this.log.info(`The token of connection ${id} changed in another window.`);
        this.#reload();
      }
      this.#changed.fire({ tokens: [id], external });
    }));
  }

  connections(): ConnectionInfo[] {
    return this.#list.map((c) => ({ ...c }));
  }

  /** Reads the list from globalState: at start, and when another window changed a token. */
  #reload(): void {
    const list = this.state.get<unknown>(CONNECTIONS_KEY, []);
    this.#list = Array.isArray(list) ? list.filter((c): c is ConnectionInfo => typeof c === 'object' && c !== null && typeof (c as ConnectionInfo).id === 'string') : [];
    this.#activeId = this.state.get<string>(ACTIVE_KEY);
  }

  async #writeList(list: ConnectionInfo[]): Promise<void> {
    this.#list = list;
    await this.state.update(CONNECTIONS_KEY, list);
  }

  async #writeActive(id: string | undefined): Promise<void> {
    this.#activeId = id;
    await this.state.update(ACTIVE_KEY, id);
  }

  get(id: string): ConnectionInfo | undefined {
    return this.connections().find((c) => c.id === id);
  }

  active(): ConnectionInfo | undefined {
    const id = this.#activeId;
    const all = this.#list;
    return id === undefined ? undefined : all.find((c) => c.id === id);
  }

  async setActive(id: string | undefined): Promise<void> {
    await this.#writeActive(id);
    this.#changed.fire({ tokens: [], external: false });
  }

  async getToken(id: string): Promise<string | undefined> {
    const remembered = this.#memory.get(id);
    if (remembered !== undefined) {
      return remembered;
    }
    try {
      return await this.secrets.get(secretKeyFor(id));
    } catch (error) {
      this.#storageFailed('read', error);
      return undefined;
    }
  }

  /** The token, or a thrown error when SecretStorage cannot be read (a locked keyring is not "no token"). */
  async readToken(id: string): Promise<string | undefined> {
    return this.#memory.get(id) ?? (await this.secrets.get(secretKeyFor(id)));
  }

  /** SecretStorage for the token rotation's journals, leases and records (keys under `qovery.rotation.`). */
  readonly rotationStore = {
    get: async (key: string): Promise<string | undefined> => this.secrets.get(rotationKey(key)),
    store: async (key: string, value: string): Promise<void> => this.secrets.store(rotationKey(key), value),
    delete: async (key: string): Promise<void> => this.secrets.delete(rotationKey(key)),
  };

  /** Stores the token first, then the facts about it, so a connection never lacks its token. */
  async save(info: ConnectionInfo, token: string, options: { activate?: boolean } = {}): Promise<void> {
    await this.storeToken(info.id, token);
    await this.#record(info, token);
    const others = this.#list.filter((c) => c.id !== info.id);
    await this.#writeList([...others, { ...info }]);
    if (options.activate ?? true) {
      await this.#writeActive(info.id);
    }
    this.#changed.fire({ tokens: [info.id], external: false });
  }

  async update(id: string, patch: Partial<Omit<ConnectionInfo, 'id'>>): Promise<ConnectionInfo | undefined> {
    const all = this.connections();
    const index = all.findIndex((c) => c.id === id);
    if (index < 0) {
      return undefined;
    }
    all[index] = { ...all[index], ...patch };
    await this.#writeList(all);
    this.#updated.fire(id);
    return { ...all[index] };
  }

  /** Writes a token to SecretStorage, or to memory for this session when SecretStorage fails. */
  async storeToken(id: string, token: string): Promise<void> {
    const key = secretKeyFor(id);
    this.#ownWrites.add(key);
    try {
      await this.secrets.store(key, token);
      this.#memory.delete(id);
    } catch (error) {
      this.#ownWrites.delete(key);
      this.#storageFailed('store', error);
      this.#memory.set(id, token);
    }
  }

  async deleteToken(id: string): Promise<void> {
    this.#memory.delete(id);
    const key = secretKeyFor(id);
    this.#ownWrites.add(key);
    try {
      await this.secrets.delete(key);
    } catch (error) {
      this.#ownWrites.delete(key);
      this.#storageFailed('delete', error);
    }
  }

  /** Replaces a connection's token in SecretStorage only: throws rather than keep it in memory. */
  async replaceToken(info: ConnectionInfo, token: string): Promise<void> {
    const key = secretKeyFor(info.id);
    this.#ownWrites.add(key);
    try {
      await this.secrets.store(key, token);
    } catch (error) {
      this.#ownWrites.delete(key);
      throw error;
    }
    this.#memory.delete(info.id);
    await this.#record(info, token);
    await this.#writeList(this.#list.map((c) => (c.id === info.id ? { ...info } : c)));
    this.#changed.fire({ tokens: [info.id], external: false });
  }

  /** Keeps a rotation's new token; throws when SecretStorage fails (memory would not survive a restart). */
  async storePending(connectionId: string, token: string): Promise<void> {
    await this.secrets.store(pendingKeyFor(connectionId), token);
  }

  async getPending(connectionId: string): Promise<string | undefined> {
    return this.secrets.get(pendingKeyFor(connectionId));
  }

  async deletePending(connectionId: string): Promise<void> {
    await this.secrets.delete(pendingKeyFor(connectionId));
  }

  /**
   * Signs a connection out: every secret it owns goes (its token, a rotation's pending token, the record
   * of which token it is and the daily reminder's claim), each delete tried again before giving up.
   * Returns the keys that could not be deleted.
   */
  async remove(id: string): Promise<{ left: string[] }> {
    this.#memory.delete(id);
    const left: string[] = [];
    for (const key of [secretKeyFor(id), pendingKeyFor(id), recordKey(id), reminderKey(id)]) {
      if (!(await this.#deleteWithRetry(key))) {
        left.push(key);
      }
    }
    await this.#writeList(this.#list.filter((c) => c.id !== id));
    if (this.#activeId === id) {
      await this.#writeActive(undefined);
    }
    this.#changed.fire({ tokens: [id], external: false });
    return { left };
  }

  async #deleteWithRetry(key: string, attempts = 3): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (key.startsWith(SECRET_PREFIX)) {
        this.#ownWrites.add(key);
      }
      try {
        await this.secrets.delete(key);
        return true;
      } catch (error) {
        this.#ownWrites.delete(key);
        this.log.error(`Deleting a secret from SecretStorage failed (attempt ${attempt} of ${attempts})`, error);
        if (attempt >= attempts) {
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /** Which token the secret just saved is, beside it in SecretStorage (see rotation/records.ts). */
  async #record(info: ConnectionInfo, token: string): Promise<void> {
    await refreshTokenRecord(this.rotationStore, info.id, token, info.tokenId).catch((error: unknown) => this.log.error('Recording which token a connection uses failed', error));
  }

  #storageFailed(operation: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.log.error(`SecretStorage failed to ${operation} a token; tokens are kept in memory for this session only.`, error);
    this.storageProblem = vscode.l10n.t(
      'VS Code could not use its secret storage ({0}). Your token is kept in memory for this session only and will be asked again after a restart. On Linux, install a keyring (GNOME Keyring or KWallet) or set "password-store" in VS Code\'s runtime arguments (Preferences: Configure Runtime Arguments).',
      reason.slice(0, 120),
    );
  }

}
