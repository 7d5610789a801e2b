// "Qovery: Rotate Token". The API has no rotate call: create a token with the same role, check it,
// store it, then delete the old one. The planner asks, the saga runs under a cross-window lease with
// a journal in files, the presenter tells. This file wires them to VS Code.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands, executeCommand } from '../../contributions';
import type { Logger } from '../../logger';
import type { Ui } from '../../ui';
import { parseLegacyJournals } from '../rotationRules';
import type { SessionManager } from '../session';
import type { ConnectionInfo } from '../tokenStore';
import { RotationEngine } from './engine';
import type { RotationJournal, RotationReport, RotationSecrets } from './model';
import { RotationPlanner } from './planner';
import { RotationPresenter } from './presenter';
import { readTokenRecord, writeTokenRecord } from './records';
import { FileJournalStore, FileLeases, LayeredLeases, LEASE_TTL_MS, MigratingJournalStore, SharedJournalStore, SharedLeases } from './storage';

export type { RotationJournal, RotationReport } from './model';

/** Where version 0.1 kept its journals; read once to tell the user, then cleared (pending.ts reads it too). */
const LEGACY_JOURNAL_KEY = 'qovery.rotations';

export interface TokenRotationOptions {
  session: SessionManager;
  ui: Ui;
  log: Logger;
  globalState: vscode.Memento;
  /** A folder every window shares (the extension's global storage): journals and leases live there. */
  storageDir: string;
}

export class TokenRotation implements vscode.Disposable {
  readonly engine: RotationEngine;
  readonly #planner: RotationPlanner;
  readonly #presenter: RotationPresenter;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #retries = 0;
  #disposed = false;

  constructor(private readonly options: TokenRotationOptions) {
    const { session, ui, log, storageDir } = options;
    const dir = join(storageDir, 'rotation');
    const clock = { now: () => Date.now() };
    // SecretStorage reaches every window of the client, also remote ones; the files only this host's.
    const shared = session.store.rotationStore;
    this.engine = new RotationEngine({
      journals: new MigratingJournalStore(new SharedJournalStore(shared, () => session.store.connections().map((c) => c.id)), new FileJournalStore(dir)),
      leases: new LayeredLeases(new FileLeases(dir, clock), new SharedLeases(shared, clock)),
      secrets: this.#secrets(),
      api: (secret) => session.clientFor(secret),
      clock,
      log: {
        info: (m) => log.info(m),
        warn: (m) => log.warn(m),
        error: (m, e) => log.error(m, e),
        protect: (s) => log.protect(s),
      },
    });
    this.#planner = new RotationPlanner(session, ui, log);
    this.#presenter = new RotationPresenter(ui, log);
  }

  #secrets(): RotationSecrets {
    const { session } = this.options;
    const store = session.store;
    return {
      current: (id) => store.readToken(id),
      pending: (id) => store.getPending(id),
      storePending: (id, secret) => store.storePending(id, secret),
      deletePending: (id) => store.deletePending(id),
      exists: (id) => store.get(id) !== undefined,
      storedTokenId: (id) => store.get(id)?.tokenId,
      tokenRecord: (id) => readTokenRecord(store.rotationStore, id),
      swap: async (id, secret, facts) => {
        const connection = store.get(id);
        if (!connection) {
          throw new Error('The connection was removed.');
        }
        const updated: ConnectionInfo = {
          ...connection,
          source: 'rotated',
          sourceVariable: undefined,
          addedAt: Date.now(),
          verifiedAt: facts.organizations ? Date.now() : connection.verifiedAt,
          organizationId: facts.organizationId,
          tokenId: facts.tokenId,
          tokenName: facts.tokenName,
          tokenCreatedAt: facts.tokenCreatedAt,
          roleId: facts.roleId,
          roleName: facts.roleName,
        };
        await store.replaceToken(updated, secret);
        // Which token the secret is, beside it: other windows read it before their lagging globalState.
        await writeTokenRecord(store.rotationStore, id, secret, facts.tokenId).catch((error: unknown) => this.options.log.error('Recording the new token\'s id failed', error));
        // A token put back unchecked: the session's own check (scheduled by the store's change) says how it is.
        if (store.active()?.id === id && facts.organizations) {
          const client = session.clientFor(secret);
          session.acceptVerification(updated, { organizations: facts.organizations, roundTripMs: 0, scheme: client.scheme, apiUrl: client.baseUrl });
        }
      },
    };
  }

  #actions = {
    retryRevocation: (connectionId: string) => this.retryRevocation(connectionId),
    keepOldToken: (connectionId: string) => this.keepOldToken(connectionId),
    showTokens: async () => vscode.commands.executeCommand('workbench.view.extension.qovery'),
    updateToken: async () => executeCommand(Commands.updateToken),
    testAuthentication: async () => executeCommand(Commands.testAuthentication),
  };

  #named(report: RotationReport): RotationReport {
    const name = report.connectionId ? this.options.session.store.get(report.connectionId)?.name : undefined;
    return { ...report, connectionName: report.connectionName ?? name };
  }

  /** "Qovery: Rotate Token" for the active connection: asks, rotates, and reports. */
  async rotate(): Promise<RotationReport> {
    const connection = this.options.session.store.active();
    if (!connection) {
      void this.options.ui.prompter.info(vscode.l10n.t('Qovery: you are not signed in.'), {});
      return { outcome: 'cancelled', revoked: false };
    }
    const report = this.#named(
      await this.engine.rotate(connection.id, () => this.#planner.plan(connection), { interactive: true }, (run) =>
        this.#presenter.withProgress(connection.name, (control) => run(control)),
      ),
    );
    await this.#presenter.present(report, this.#actions);
    return report;
  }

  /** Finishes or rolls back every rotation that a previous run of VS Code left unfinished. */
  async recover(): Promise<RotationReport[]> {
    await this.#legacy();
    const reports = (await this.engine.recover()).map((r) => this.#named(r));
    for (const report of reports) {
      if (report.outcome !== 'busy') {
        void this.#presenter.present(report, this.#actions);
      }
    }
    // Another window holds a lease: look again once it must have ended (that window may have died).
    if (reports.some((r) => r.outcome === 'busy' || r.errorKind === 'storageRead') && this.#retries < 3 && !this.#disposed) {
      this.#retries++;
      clearTimeout(this.#retry);
      this.#retry = setTimeout(() => void this.recover().catch((error: unknown) => this.options.log.error('Finishing an interrupted token rotation failed', error)), LEASE_TTL_MS + 1_000);
    }
    return reports;
  }

  /** Version 0.1 kept journals in globalState: say what may be left, once, then forget them. */
  async #legacy(): Promise<void> {
    const legacy = parseLegacyJournals(this.options.globalState.get<unknown>(LEGACY_JOURNAL_KEY));
    if (legacy.length === 0) {
      return;
    }
    await this.options.globalState.update(LEGACY_JOURNAL_KEY, undefined);
    for (const journal of legacy) {
      const name = this.options.session.store.get(journal.connectionId)?.name ?? journal.connectionId;
      this.options.log.warn(`A token rotation of "${name}" from an earlier version was left at step "${journal.step}".`);
      void this.options.ui.prompter.warn(
        vscode.l10n.t(
          'Qovery: a token rotation of "{0}" from an earlier version of the extension did not finish. Check the API Tokens view: the token "{1}" may be left over, and the old token "{2}" may still exist.',
          name,
          journal.newTokenName ?? '?',
          journal.oldTokenName ?? '?',
        ),
        {},
      );
    }
  }

  /** Tries again to revoke the old token of a rotation whose last step failed. */
  async retryRevocation(connectionId: string): Promise<RotationReport> {
    const report = this.#named(await this.engine.retryRevocation(connectionId, { interactive: true }));
    await this.#presenter.present(report, this.#actions);
    return report;
  }

  async keepOldToken(connectionId: string): Promise<void> {
    await this.engine.keepOldToken(connectionId);
  }

  journals(): Promise<RotationJournal[]> {
    return this.engine.journals();
  }

  journalFor(connectionId: string): Promise<RotationJournal | undefined> {
    return this.engine.journal(connectionId);
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#retry);
  }
}
