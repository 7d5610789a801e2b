import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands, executeCommand } from '../contributions';
import { readSettings } from '../config';
import { formatAge } from '../format';
import { SerialQueue } from '../serialQueue';
import type { Logger } from '../logger';
import type { Ui } from '../ui';
import { localDay, rotationDue } from './rotationRules';
import { claimDay, claimOnce } from './rotation/storage';
import type { SessionManager } from './session';
import type { ConnectionInfo } from './tokenStore';

const LAST_PROMPT_KEY = 'qovery.rotationReminder.lastPrompt';

/** A line for the status bar's tooltip (and a badge) while a rotation is due. */
export interface ReminderNote {
  tooltip: string;
  badge?: string;
}

export interface ReminderState {
  due: boolean;
  ageDays: number;
  prompted: boolean;
}

/**
 * Reminds the user to rotate a token older than `qovery.tokenRotationDays`: a status bar note
 * while due, and at most one notification a day per connection.
 */
export class RotationReminder implements vscode.Disposable {
  readonly #noteChanged = new vscode.EventEmitter<ReminderNote | undefined>();
  /** The status bar listens: state never writes into a view. */
  readonly onDidChangeNote = this.#noteChanged.event;
  #note: ReminderNote | undefined;
  readonly #disposables: vscode.Disposable[] = [this.#noteChanged];
  /** Connections whose token creation date was already looked up in this session. */
  readonly #lookedUp = new Set<string>();
  readonly #queue = new SerialQueue();

  constructor(
    private readonly session: SessionManager,
    private readonly ui: Ui,
    private readonly log: Logger,
    private readonly state: vscode.Memento,
    /** A folder every window shares: one window of many prompts each day. */
    private readonly storageDir: string,
  ) {
    this.#disposables.push(
      session.onDidChange((s) => {
        if (s.status !== 'checking') {
          void this.evaluate();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('qovery.tokenRotationDays')) {
          void this.evaluate();
        }
      }),
    );
  }

  /** Looks at the active connection; calls run one after another so a day never gets two prompts. */
  evaluate(): Promise<ReminderState> {
    return this.#queue.run(() => this.#evaluate());
  }

  async #evaluate(): Promise<ReminderState> {
    const state = this.session.state;
    const connection = state.connection ? this.session.store.get(state.connection.id) : undefined;
    const days = readSettings().tokenRotationDays;
    if (!connection || state.status !== 'signedIn' || days <= 0) {
      this.#setNote(undefined);
      return { due: false, ageDays: 0, prompted: false };
    }
    const createdAt = await this.#createdAt(connection);
    const { due, ageDays } = rotationDue(createdAt, days, Date.now());
    if (!due) {
      this.#setNote(undefined);
      return { due, ageDays, prompted: false };
    }
    this.#setNote({
      tooltip: vscode.l10n.t('Token rotation due: the token is {0} old (qovery.tokenRotationDays is {1}).', formatAge(createdAt ?? Date.now()), days),
      badge: '$(history)',
    });
    const today = localDay(new Date());
    const last = this.#lastPrompts();
    if (last[connection.id] === today) {
      return { due, ageDays, prompted: false };
    }
    await this.state.update(LAST_PROMPT_KEY, { ...last, [connection.id]: today });
    // globalState reaches other windows late: an exclusive file decides among this host's windows,
    // then a claim in SecretStorage among every window of the client (remote ones have other files).
    const failed = (error: unknown): boolean => {
      this.log.error('Could not record the rotation reminder of today', error);
      return true;
    };
    const first =
      (await claimOnce(join(this.storageDir, 'reminder'), `${connection.id}-${today}`).catch(failed)) &&
      (await claimDay(this.session.store.rotationStore, connection.id, today).catch(failed));
    if (!first) {
      return { due, ageDays, prompted: false };
    }
    this.log.info(`The token of "${connection.name}" is ${ageDays} days old; rotation is due (every ${days} days).`);
    const rotateNow = vscode.l10n.t('Rotate Now');
    const later = vscode.l10n.t('Remind Me Later');
    void this.ui.prompter
      .info(vscode.l10n.t('Qovery: the token of "{0}" is {1} old. Rotate it now?', connection.name, formatAge(createdAt ?? Date.now())), {}, rotateNow, later)
      .then(async (answer) => {
        if (answer === rotateNow) {
          await executeCommand(Commands.rotateToken);
        }
      });
    return { due, ageDays, prompted: true };
  }

  #lastPrompts(): Record<string, string> {
    const value = this.state.get<unknown>(LAST_PROMPT_KEY, {});
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
  }

  /** The token's creation date: from the token list when its id is known, else when it was added. */
  async #createdAt(connection: ConnectionInfo): Promise<number | undefined> {
    if (connection.tokenCreatedAt) {
      const parsed = Date.parse(connection.tokenCreatedAt);
      if (!Number.isNaN(parsed)) {
        return parsed;
      }
    }
    if (connection.tokenId && connection.organizationId && !this.#lookedUp.has(connection.id)) {
      this.#lookedUp.add(connection.id);
      try {
        const client = await this.session.client();
        const token = (await client?.listApiTokens(connection.organizationId))?.find((t) => t.id === connection.tokenId);
        if (token) {
          await this.session.store.update(connection.id, {
            tokenCreatedAt: token.created_at,
            tokenName: token.name ?? connection.tokenName,
            roleId: token.role_id ?? connection.roleId,
            roleName: token.role_name ?? connection.roleName,
          });
          return Date.parse(token.created_at);
        }
      } catch (error) {
        this.log.error('Reading the creation date of the token failed', error);
      }
    }
    return connection.addedAt;
  }

  get note(): ReminderNote | undefined {
    return this.#note;
  }

  #setNote(note: ReminderNote | undefined): void {
    if (this.#note?.tooltip === note?.tooltip && this.#note?.badge === note?.badge) {
      return;
    }
    this.#note = note;
    this.#noteChanged.fire(note);
  }

  dispose(): void {
    for (const d of this.#disposables) {
      d.dispose();
    }
  }
}
