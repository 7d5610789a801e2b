import * as vscode from 'vscode';
import type { SessionManager } from './session';
import type { ConnectionInfo } from './tokenStore';
import { Disposable } from '../lifecycle';

const AUTH_PROVIDER_ID = 'qovery';

/**
 * Qovery connections in VS Code's Accounts menu. Other extensions get the token with
 * `vscode.authentication.getSession('qovery', [], { createIfNone: true })`.
 */
export class QoveryAuthenticationProvider extends Disposable implements vscode.AuthenticationProvider {
  readonly #changed = this.register(new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>());
  readonly onDidChangeSessions = this.#changed.event;
  /** The sessions last announced, to tell what was added, removed or changed (token or label). */
  #known = new Map<string, vscode.AuthenticationSession>();

  constructor(
    private readonly session: SessionManager,
    /** Asks for a new connection (the sign-in chunk, loaded when first needed). */
    private readonly addConnection: () => Promise<ConnectionInfo | undefined>,
    private readonly removeConnection: (connectionId: string) => Promise<void>,
  ) {
    super();
    this.registerAll(
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'Qovery', this, { supportsMultipleAccounts: false }),
      session.store.onDidChange(() => void this.#announce()),
      session.store.onDidUpdate(() => void this.#announce()),
    );
    void this.#snapshot().then((sessions) => {
      this.#known = new Map(sessions.map((s) => [s.id, s]));
    });
  }

  async #snapshot(): Promise<vscode.AuthenticationSession[]> {
    const out: vscode.AuthenticationSession[] = [];
    for (const connection of this.session.store.connections()) {
      const token = await this.session.store.getToken(connection.id);
      if (token) {
        out.push(toSession(connection, token));
      }
    }
    return out;
  }

  async #announce(): Promise<void> {
    const now = await this.#snapshot();
    const next = new Map(now.map((s) => [s.id, s]));
    const added = now.filter((s) => !this.#known.has(s.id));
    const changed = now.filter((s) => {
      const before = this.#known.get(s.id);
      return before !== undefined && (before.accessToken !== s.accessToken || before.account.label !== s.account.label);
    });
    // A removed session is announced as it was last shown, with its label, and without its token.
    const removed = [...this.#known.values()].filter((s) => !next.has(s.id)).map((s) => ({ ...s, accessToken: '' }));
    this.#known = next;
    if (added.length + changed.length + removed.length > 0) {
      this.#changed.fire({ added, changed, removed });
    }
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const sessions = await this.#snapshot();
    const activeId = this.session.store.active()?.id;
    // The active connection first: VS Code hands other extensions the first session.
    return sessions.sort((a, b) => Number(b.id === activeId) - Number(a.id === activeId));
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const connection = await this.addConnection();
    const token = connection ? await this.session.store.getToken(connection.id) : undefined;
    if (!connection || !token) {
      throw new Error(vscode.l10n.t('Qovery sign-in was cancelled.'));
    }
    return toSession(connection, token);
  }

  async removeSession(sessionId: string): Promise<void> {
    await this.removeConnection(sessionId);
  }

}

function toSession(connection: ConnectionInfo, token: string): vscode.AuthenticationSession {
  const organization = connection.organizationName && connection.organizationName !== connection.name ? ` (${connection.organizationName})` : '';
  return { id: connection.id, accessToken: token, account: { id: connection.id, label: `${connection.name}${organization}` }, scopes: [] };
}
