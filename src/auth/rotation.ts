import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { describeError, isApiError, QoveryApiError, schemeFor, type OrganizationApiToken, type OrganizationApiTokenCreate, type QoveryClient } from '../api';
import { readSettings } from '../config';
import type { Logger } from '../logger';
import type { Ui } from '../ui';
import { isTokenOfRotation, isTransient, MAX_NAME_ATTEMPTS, parseJournals, rotatedTokenName, utcDay, type RotationJournal } from './rotationRules';
import type { SessionManager, Verification } from './session';
import type { ConnectionInfo } from './tokenStore';

const JOURNAL_KEY = 'qovery.rotations';

/**
 * The moments between two durable changes of a rotation, in order. `interruptAfter` ends a run at
 * one of them, as if VS Code quit there, so tests can check what the next start does.
 */
export type RotationPoint =
  | 'journaled'
  | 'created'
  | 'pendingStored'
  | 'createdJournaled'
  | 'verified'
  | 'tokenReplaced'
  | 'swapped'
  | 'pendingDeleted'
  | 'revoked'
  | 'rollingBack'
  | 'rolledBack';

export type RotationOutcome = 'rotated' | 'failed' | 'cancelled' | 'interrupted' | 'deferred';
export type RotationStage = 'prepare' | 'create' | 'store' | 'verify' | 'swap' | 'revoke' | 'rollback';

export interface TokenRef {
  id?: string;
  name?: string;
}

/** What a rotation did, for the message to the user and for tests. Never holds a secret. */
export interface RotationReport {
  outcome: RotationOutcome;
  connectionId?: string;
  connectionName?: string;
  newToken?: TokenRef;
  oldToken?: TokenRef;
  /** True when the old token was revoked (or was found gone). */
  revoked: boolean;
  /** The step that failed, for a failed rotation or an old token left in place. */
  stage?: RotationStage;
  errorKind?: string;
  /** Why the rotation failed, or why the old token was not revoked. */
  reason?: string;
  /** A token this rotation created that is still on Qovery although it is not in use. */
  orphan?: TokenRef;
  /** True when the report comes from finishing or rolling back an interrupted rotation. */
  resumed?: boolean;
  /** True when the journal is kept so the unfinished part is tried again later. */
  journalKept?: boolean;
}

interface Plan {
  connection: ConnectionInfo;
  token: string;
  client: QoveryClient;
  organizationId: string;
  old?: { id: string; name?: string };
  role: { id: string; name?: string };
  takenNames: string[];
}

interface RunContext {
  interactive: boolean;
  resumed?: boolean;
  /** The token being replaced, while this process still has it. */
  oldSecret?: string;
  newSecret?: string;
  verification?: Verification;
  /** The failure that started a roll back. */
  cause?: { stage: RotationStage; error: unknown };
}

/** Ends a run at a test's `interruptAfter` point without any clean-up, as a quit VS Code would. */
class Stop extends Error {
  constructor(readonly report: RotationReport) {
    super('Rotation interrupted');
  }
}

const kindOf = (error: unknown): string => (isApiError(error) ? error.kind : 'storage');

/**
 * "Qovery: Rotate Token". The API has no rotate call: create a token with the same role, check it,
 * store it, then delete the old one. Each step is journaled (without secrets) in globalState so that
 * `recover()` at the next start finishes or rolls back a rotation that VS Code did not finish.
 */
export class TokenRotation implements vscode.Disposable {
  /** Test seam: ends a run right after this point, as if VS Code quit there. */
  interruptAfter: RotationPoint | undefined;
  #busy = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: SessionManager,
    private readonly ui: Ui,
    private readonly log: Logger,
    private readonly state: vscode.Memento,
  ) {}

  journals(): RotationJournal[] {
    return parseJournals(this.state.get<unknown>(JOURNAL_KEY, []));
  }

  journalFor(connectionId: string): RotationJournal | undefined {
    return this.journals().find((j) => j.connectionId === connectionId);
  }

  async #save(journal: RotationJournal): Promise<void> {
    const others = this.journals().filter((j) => j.id !== journal.id && j.connectionId !== journal.connectionId);
    await this.state.update(JOURNAL_KEY, [...others, { ...journal }]);
  }

  async #clear(journal: RotationJournal): Promise<void> {
    await this.state.update(
      JOURNAL_KEY,
      this.journals().filter((j) => j.id !== journal.id),
    );
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #stopsAt(point: RotationPoint, journal: RotationJournal): void {
    if (this.interruptAfter === point) {
      this.log.info(`Rotation ${journal.id} interrupted after "${point}" (test seam).`);
      throw new Stop({ outcome: 'interrupted', connectionId: journal.connectionId, revoked: false });
    }
  }

  /** "Qovery: Rotate Token" for the active connection: asks, rotates, and reports. */
  async rotate(): Promise<RotationReport> {
    if (this.#busy) {
      void this.ui.prompter.info(vscode.l10n.t('Qovery: a token rotation is already running.'), {});
      return { outcome: 'cancelled', revoked: false };
    }
    this.#busy = true;
    let report: RotationReport;
    try {
      report = await this.#exclusive(() => this.#rotate());
    } finally {
      this.#busy = false;
    }
    await this.#present(report);
    return report;
  }

  /** Finishes or rolls back every rotation that a previous run of VS Code left unfinished. */
  async recover(): Promise<RotationReport[]> {
    const reports = await this.#exclusive(async () => {
      const out: RotationReport[] = [];
      for (const journal of this.journals()) {
        this.log.info(`Resuming the token rotation ${journal.id} of connection ${journal.connectionId}, left at step "${journal.step}".`);
        out.push(await this.#run(journal, { interactive: false, resumed: true }));
      }
      return out;
    });
    for (const report of reports) {
      void this.#present(report);
    }
    return reports;
  }

  /** Tries again to revoke the old token of a rotation whose last step failed. */
  async retryRevocation(connectionId: string): Promise<RotationReport> {
    const report = await this.#exclusive(async () => {
      const journal = this.journalFor(connectionId);
      if (!journal || journal.step !== 'swapped') {
        return { outcome: 'cancelled', revoked: false } satisfies RotationReport;
      }
      return this.#run(journal, { interactive: true });
    });
    await this.#present(report);
    return report;
  }

  /** The user keeps the old token: the rotation is over, the old token stays valid. */
  async keepOldToken(connectionId: string): Promise<void> {
    await this.#exclusive(async () => {
      const journal = this.journalFor(connectionId);
      if (journal?.step === 'swapped') {
        this.log.info(`The old token ${journal.oldTokenId ?? '?'} of connection ${connectionId} is kept at the user's request.`);
        await this.#clear(journal);
      }
    });
  }

  async #run(journal: RotationJournal, ctx: RunContext): Promise<RotationReport> {
    try {
      return await this.#advance(journal, ctx);
    } catch (error) {
      if (error instanceof Stop) {
        return error.report;
      }
      throw error;
    }
  }

  async #rotate(): Promise<RotationReport> {
    const connection = this.session.store.active();
    if (!connection) {
      void this.ui.prompter.info(vscode.l10n.t('Qovery: you are not signed in.'), {});
      return { outcome: 'cancelled', revoked: false };
    }
    const unfinished = this.journalFor(connection.id);
    if (unfinished) {
      this.log.info(`Connection "${connection.name}" has an unfinished rotation (step "${unfinished.step}"); finishing it first.`);
      return this.#run(unfinished, { interactive: true, resumed: true });
    }
    try {
      const plan = await this.#prepare(connection);
      if ('outcome' in plan) {
        return plan;
      }
      return await this.#execute(plan);
    } catch (error) {
      if (error instanceof Stop) {
        return error.report;
      }
      throw error;
    }
  }

  #failedToPrepare(connection: ConnectionInfo, reason: string, error?: unknown): RotationReport {
    if (error !== undefined) {
      this.log.error(`Token rotation of "${connection.name}" stopped before any change`, error);
    }
    return { outcome: 'failed', connectionId: connection.id, connectionName: connection.name, revoked: false, stage: 'prepare', reason, errorKind: error === undefined ? undefined : kindOf(error) };
  }

  /** Everything that needs the user, before anything changes. */
  async #prepare(connection: ConnectionInfo): Promise<Plan | RotationReport> {
    const store = this.session.store;
    const token = await store.getToken(connection.id);
    if (!token) {
      return this.#failedToPrepare(connection, vscode.l10n.t('the token of this connection is not in VS Code\'s secret storage'));
    }
    const settings = readSettings();
    if (schemeFor(token, settings.authScheme) === 'Bearer') {
      return this.#failedToPrepare(connection, vscode.l10n.t('this connection uses a user session (JWT), not an organization API token; rotation applies to API tokens only'));
    }
    if (store.storageProblem) {
      return this.#failedToPrepare(connection, vscode.l10n.t('VS Code\'s secret storage is not working, so the new token could not be kept safely'));
    }
    let client: QoveryClient;
    try {
      client = this.session.clientFor(token, settings);
    } catch (error) {
      return this.#failedToPrepare(connection, describeError(error), error);
    }
    const organizationId = await this.#organizationOf(connection, token);
    if (typeof organizationId !== 'string') {
      return organizationId;
    }
    let tokens: OrganizationApiToken[] | undefined;
    let listError: unknown;
    try {
      tokens = await this.ui.prompter.progress(vscode.l10n.t('Qovery: reading the organization\'s API tokens…'), () => client.listApiTokens(organizationId));
    } catch (error) {
      listError = error;
      this.log.error('Listing the organization\'s API tokens failed', error);
    }
    let old: Plan['old'];
    let oldRole: string | undefined;
    const known = connection.tokenId ? tokens?.find((t) => t.id === connection.tokenId) : undefined;
    if (known) {
      old = { id: known.id, name: known.name ?? undefined };
      oldRole = known.role_id ?? undefined;
    } else if (!tokens) {
      if (!connection.tokenId || !connection.roleId) {
        return this.#failedToPrepare(connection, vscode.l10n.t('the organization\'s API tokens could not be listed ({0})', describeError(listError)), listError);
      }
      old = { id: connection.tokenId, name: connection.tokenName };
      oldRole = connection.roleId;
    } else {
      const picked = await this.#pickOldToken(connection, tokens);
      if (picked === undefined) {
        return { outcome: 'cancelled', connectionId: connection.id, revoked: false };
      }
      if (picked !== 'none') {
        old = { id: picked.id, name: picked.name ?? undefined };
        oldRole = picked.role_id ?? undefined;
      }
    }
    let role: Plan['role'] | undefined;
    if (oldRole) {
      const fromList = tokens?.find((t) => t.role_id === oldRole)?.role_name;
      role = { id: oldRole, name: fromList ?? (connection.roleId === oldRole ? connection.roleName : undefined) };
    } else {
      role = await this.#pickRole(connection, client, organizationId);
      if (!role) {
        return { outcome: 'cancelled', connectionId: connection.id, revoked: false };
      }
    }
    const rotate = vscode.l10n.t('Rotate');
    const detail = [
      vscode.l10n.t('A new token with the role {0} is created and checked, then it replaces the current token in VS Code.', role.name ?? role.id),
      old
        ? vscode.l10n.t('The old token "{0}" is then revoked: anything else that uses it (CI, scripts, other machines) stops working.', old.name ?? old.id)
        : vscode.l10n.t('The old token is not revoked: it stays valid until you revoke it in the Qovery console.'),
    ].join('\n\n');
    const answer = await this.ui.prompter.warn(vscode.l10n.t('Rotate the token of "{0}"?', connection.name), { modal: true, detail }, rotate);
    if (answer !== rotate) {
      return { outcome: 'cancelled', connectionId: connection.id, revoked: false };
    }
    return { connection, token, client, organizationId, old, role, takenNames: (tokens ?? []).map((t) => t.name ?? '') };
  }

  async #organizationOf(connection: ConnectionInfo, token: string): Promise<string | RotationReport> {
    if (connection.organizationId) {
      return connection.organizationId;
    }
    let organizations = this.session.state.connection?.id === connection.id ? this.session.state.organizations : undefined;
    if (!organizations) {
      try {
        organizations = (await this.session.verify(token)).organizations;
      } catch (error) {
        return this.#failedToPrepare(connection, describeError(error), error);
      }
    }
    if (organizations.length === 1) {
      return organizations[0].id;
    }
    if (organizations.length === 0) {
      return this.#failedToPrepare(connection, vscode.l10n.t('this token sees no organization'));
    }
    const picked = await this.ui.prompter.quickPick(
      organizations.map((o) => ({ label: o.name, description: o.id, id: o.id })),
      { title: vscode.l10n.t('Qovery: Rotate Token'), placeHolder: vscode.l10n.t('Which organization does the token belong to?') },
    );
    return picked ? picked.id : { outcome: 'cancelled', connectionId: connection.id, revoked: false };
  }

  async #pickOldToken(connection: ConnectionInfo, tokens: OrganizationApiToken[]): Promise<OrganizationApiToken | 'none' | undefined> {
    const sorted = tokens.slice().sort((a, b) => Number(b.name === connection.tokenName) - Number(a.name === connection.tokenName) || (a.name ?? '').localeCompare(b.name ?? ''));
    const items: (vscode.QuickPickItem & { token?: OrganizationApiToken })[] = sorted.map((t) => ({
      label: t.name ?? t.id,
      description: [t.role_name ?? t.role_id ?? '', vscode.l10n.t('created {0}', t.created_at.slice(0, 10))].filter(Boolean).join(' · '),
      detail: [t.description ?? '', t.id].filter(Boolean).join(' · '),
      token: t,
    }));
    items.push({ label: vscode.l10n.t('$(circle-slash) None of these: rotate without revoking the old token') });
    const picked = await this.ui.prompter.quickPick(items, {
      title: vscode.l10n.t('Qovery: Which token does "{0}" use?', connection.name),
      placeHolder: vscode.l10n.t('Qovery does not tell which token is in use. Pick it so that it can be revoked once the new one works.'),
      matchOnDescription: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    if (!picked) {
      return undefined;
    }
    return picked.token ?? 'none';
  }

  async #pickRole(connection: ConnectionInfo, client: QoveryClient, organizationId: string): Promise<{ id: string; name?: string } | undefined> {
    let roles;
    try {
      roles = await client.listAvailableRoles(organizationId);
    } catch (error) {
      this.log.error('Listing the available roles failed', error);
      void this.ui.prompter.error(vscode.l10n.t('Qovery: the roles of the organization could not be listed: {0}', describeError(error)), {});
      return undefined;
    }
    const picked = await this.ui.prompter.quickPick(
      roles.map((r) => ({ label: r.name, description: r.id === connection.roleId ? vscode.l10n.t('role of the current token') : undefined, role: r })),
      { title: vscode.l10n.t('Qovery: Role of the new token'), placeHolder: vscode.l10n.t('The role of the current token is not known: pick the role the new token gets.') },
    );
    return picked ? { id: picked.role.id, name: picked.role.name } : undefined;
  }

  /** Steps 2 and 3: create the token, keep its secret at once, then hand over to the shared steps. */
  async #execute(plan: Plan): Promise<RotationReport> {
    const journal: RotationJournal = {
      id: randomUUID(),
      connectionId: plan.connection.id,
      organizationId: plan.organizationId,
      step: 'creating',
      oldTokenId: plan.old?.id,
      oldTokenName: plan.old?.name,
      roleId: plan.role.id,
      roleName: plan.role.name,
      startedAt: Date.now(),
    };
    const ctx: RunContext = { interactive: true, oldSecret: plan.token };
    const created = await this.#create(plan, journal, ctx);
    if ('outcome' in created) {
      return created;
    }
    this.log.protect(created.token);
    this.log.info(`Created the token "${created.name ?? journal.newTokenName ?? ''}" (${created.id}) for "${plan.connection.name}".`);
    this.#stopsAt('created', journal);
    journal.newTokenId = created.id;
    journal.newTokenCreatedAt = created.created_at;
    journal.roleName = created.role_name ?? journal.roleName;
    try {
      await this.session.store.storePending(plan.connection.id, created.token);
    } catch (error) {
      this.log.error('Keeping the new token in secret storage failed', error);
      await this.#rollBack(journal, ctx, { stage: 'store', error });
      return this.#advance(journal, ctx);
    }
    ctx.newSecret = created.token;
    this.#stopsAt('pendingStored', journal);
    journal.step = 'created';
    await this.#save(journal);
    this.#stopsAt('createdJournaled', journal);
    return this.#advance(journal, ctx);
  }

  /** The create call, with another name after a 409; each name is journaled before it is sent. */
  async #create(plan: Plan, journal: RotationJournal, ctx: RunContext): Promise<OrganizationApiTokenCreate | RotationReport> {
    const taken = new Set(plan.takenNames);
    const day = new Date();
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
      journal.newTokenName = rotatedTokenName(plan.connection.name, day, 0, taken);
      await this.#save(journal);
      this.#stopsAt('journaled', journal);
      try {
        return await this.ui.prompter.progress(vscode.l10n.t('Qovery: creating the new token…'), () =>
          plan.client.createApiToken(plan.organizationId, {
            name: journal.newTokenName ?? '',
            description: `Created by the Qovery VS Code extension on ${utcDay(day)} to replace ${plan.old?.name ? `"${plan.old.name}"` : 'a token'}.`,
            role_id: plan.role.id,
          }),
        );
      } catch (error) {
        lastError = error;
        if (isApiError(error) && error.kind === 'conflict') {
          this.log.warn(`The token name "${journal.newTokenName}" is taken (409); trying another.`);
          taken.add(journal.newTokenName);
          continue;
        }
        this.log.error(`Creating the new token for "${plan.connection.name}" failed`, error);
        if (isApiError(error) && ['network', 'timeout', 'invalidResponse', 'cancelled'].includes(error.kind)) {
          // The token may exist although the answer was lost: look for it before saying nothing changed.
          ctx.cause = { stage: 'create', error };
          return this.#advance(journal, ctx);
        }
        await this.#clear(journal);
        return { ...this.#base(journal, plan.connection), outcome: 'failed', stage: 'create', errorKind: kindOf(error), reason: this.#reason('create', error) };
      }
    }
    await this.#clear(journal);
    return {
      ...this.#base(journal, plan.connection),
      outcome: 'failed',
      stage: 'create',
      errorKind: 'conflict',
      reason: vscode.l10n.t('Qovery refused {0} names in a row as taken (409): {1}', MAX_NAME_ATTEMPTS, describeError(lastError)),
    };
  }

  #base(journal: RotationJournal, connection?: ConnectionInfo): RotationReport {
    return {
      outcome: 'failed',
      connectionId: journal.connectionId,
      connectionName: connection?.name ?? this.session.store.get(journal.connectionId)?.name,
      newToken: journal.newTokenName || journal.newTokenId ? { id: journal.newTokenId, name: journal.newTokenName } : undefined,
      oldToken: journal.oldTokenId ? { id: journal.oldTokenId, name: journal.oldTokenName } : undefined,
      revoked: false,
    };
  }

  /** The steps from a journal: verify, swap, revoke, or roll back. Shared by a run and by recovery. */
  async #advance(journal: RotationJournal, ctx: RunContext): Promise<RotationReport> {
    for (;;) {
      let report: RotationReport | undefined;
      switch (journal.step) {
        case 'creating':
          report = await this.#findCreated(journal, ctx);
          break;
        case 'created':
          report = await this.#verifyNew(journal, ctx);
          break;
        case 'verified':
          await this.#swap(journal, ctx);
          break;
        case 'swapped':
          return this.#revokeOld(journal, ctx);
        case 'rollingBack':
          return this.#finishRollBack(journal, ctx);
      }
      if (report) {
        return report;
      }
    }
  }

  /** Step 4: the new token must list the organization it was made in. */
  async #verifyNew(journal: RotationJournal, ctx: RunContext): Promise<RotationReport | undefined> {
    const secret = ctx.newSecret ?? (await this.#pending(journal.connectionId));
    if (!secret) {
      await this.#rollBack(journal, ctx, { stage: 'store', error: new Error('The new token is no longer in secret storage.') });
      return undefined;
    }
    try {
      const verification = await this.ui.prompter.progress(vscode.l10n.t('Qovery: checking the new token…'), () => this.session.verify(secret));
      if (!verification.organizations.some((o) => o.id === journal.organizationId)) {
        throw new QoveryApiError('forbidden', 'The new token does not see the organization it was created in.');
      }
      ctx.verification = verification;
    } catch (error) {
      this.log.error(`Checking the new token "${journal.newTokenName ?? ''}" failed`, error);
      if (!ctx.interactive && isTransient(kindOf(error))) {
        return { ...this.#base(journal), outcome: 'deferred', journalKept: true, resumed: ctx.resumed, errorKind: kindOf(error), reason: describeError(error) };
      }
      await this.#rollBack(journal, ctx, { stage: 'verify', error });
      return undefined;
    }
    journal.step = 'verified';
    await this.#save(journal);
    this.#stopsAt('verified', journal);
    return undefined;
  }

  /** Step 5: the new token becomes the connection's token, written to SecretStorage only. */
  async #swap(journal: RotationJournal, ctx: RunContext): Promise<void> {
    if (!ctx.verification) {
      // Resumed after a restart: check the new token again before it replaces the old one.
      journal.step = 'created';
      return;
    }
    const store = this.session.store;
    const connection = store.get(journal.connectionId);
    const secret = ctx.newSecret ?? (await this.#pending(journal.connectionId));
    if (!connection || !secret) {
      await this.#rollBack(journal, ctx, { stage: 'swap', error: new Error(connection ? 'The new token is no longer in secret storage.' : 'The connection was removed.') });
      return;
    }
    const updated: ConnectionInfo = {
      ...connection,
      source: 'rotated',
      sourceVariable: undefined,
      addedAt: Date.now(),
      verifiedAt: Date.now(),
      organizationId: journal.organizationId,
      tokenId: journal.newTokenId,
      tokenName: journal.newTokenName,
      tokenCreatedAt: journal.newTokenCreatedAt,
      roleId: journal.roleId,
      roleName: journal.roleName,
    };
    try {
      await store.replaceToken(updated, secret);
    } catch (error) {
      this.log.error('Storing the new token as the connection\'s token failed', error);
      // Never delete a token that did become the connection's token after all.
      if ((await store.getToken(connection.id).catch(() => undefined)) !== secret) {
        await this.#rollBack(journal, ctx, { stage: 'store', error });
        return;
      }
    }
    this.#stopsAt('tokenReplaced', journal);
    if (store.active()?.id === connection.id) {
      this.session.acceptVerification(updated, ctx.verification);
    }
    this.log.info(`The connection "${connection.name}" now uses the token "${journal.newTokenName ?? ''}" (${journal.newTokenId ?? '?'}).`);
    journal.step = 'swapped';
    await this.#save(journal);
    this.#stopsAt('swapped', journal);
    await this.#dropPending(journal.connectionId);
    this.#stopsAt('pendingDeleted', journal);
  }

  async #pending(connectionId: string): Promise<string | undefined> {
    try {
      return await this.session.store.getPending(connectionId);
    } catch (error) {
      this.log.error('Reading the pending token failed', error);
      return undefined;
    }
  }

  async #dropPending(connectionId: string): Promise<void> {
    try {
      await this.session.store.deletePending(connectionId);
    } catch (error) {
      this.log.error('Removing the pending token from secret storage failed', error);
    }
  }

  async #rollBack(journal: RotationJournal, ctx: RunContext, cause: RunContext['cause'] & object): Promise<void> {
    ctx.cause = cause;
    journal.step = 'rollingBack';
    journal.failure = kindOf(cause.error);
    await this.#save(journal);
    this.#stopsAt('rollingBack', journal);
  }

  /**
   * A journal at 'creating': the create call may or may not have reached Qovery. Looks for the
   * token by its name; returns a report when nothing more is to be done.
   */
  async #findCreated(journal: RotationJournal, ctx: RunContext): Promise<RotationReport | undefined> {
    const store = this.session.store;
    const oldSecret = ctx.oldSecret ?? (await store.getToken(journal.connectionId));
    const pending = await this.#pending(journal.connectionId);
    const lookWith = oldSecret ?? pending;
    const cause = ctx.cause;
    const failed = (extra: Partial<RotationReport>): RotationReport => ({
      ...this.#base(journal),
      outcome: 'failed',
      stage: cause?.stage ?? 'create',
      errorKind: cause ? kindOf(cause.error) : undefined,
      reason: cause ? this.#reason('create', cause.error) : vscode.l10n.t('VS Code stopped before the new token was created'),
      resumed: ctx.resumed,
      ...extra,
    });
    if (!lookWith) {
      await this.#clear(journal);
      return failed({ orphan: { name: journal.newTokenName } });
    }
    let tokens: OrganizationApiToken[];
    try {
      tokens = await this.session.clientFor(lookWith).listApiTokens(journal.organizationId);
    } catch (error) {
      this.log.error('Looking for the token of an unfinished rotation failed', error);
      if (isTransient(kindOf(error))) {
        return failed({ outcome: ctx.interactive ? 'failed' : 'deferred', journalKept: true, orphan: { name: journal.newTokenName } });
      }
      await this.#clear(journal);
      return failed({ orphan: { name: journal.newTokenName } });
    }
    const found = tokens.find((t) => isTokenOfRotation(t, journal));
    if (!found) {
      this.log.info(`No token named "${journal.newTokenName ?? ''}" exists: the unfinished rotation ${journal.id} created nothing.`);
      await this.#dropPending(journal.connectionId);
      await this.#clear(journal);
      return failed({ newToken: undefined });
    }
    journal.newTokenId = found.id;
    journal.newTokenCreatedAt = found.created_at;
    journal.roleName = found.role_name ?? journal.roleName;
    if (pending && !cause) {
      this.log.info(`The unfinished rotation ${journal.id} created "${found.name ?? found.id}" and kept its secret: going on.`);
      journal.step = 'created';
      await this.#save(journal);
      return undefined;
    }
    this.log.info(`The unfinished rotation ${journal.id} created "${found.name ?? found.id}" (${found.id}) whose secret is lost: deleting it.`);
    await this.#rollBack(journal, ctx, cause ?? { stage: 'create', error: new Error('VS Code stopped before the new token was kept.') });
    return undefined;
  }

  /** Deletes the new token with the old one, so that the old token stays the only one. */
  async #finishRollBack(journal: RotationJournal, ctx: RunContext): Promise<RotationReport> {
    const store = this.session.store;
    const connectionToken = await store.getToken(journal.connectionId);
    const pending = ctx.newSecret ?? (await this.#pending(journal.connectionId));
    const stage = ctx.cause?.stage ?? (journal.failure === 'storage' ? 'store' : 'verify');
    const report = (extra: Partial<RotationReport>): RotationReport => ({
      ...this.#base(journal),
      outcome: 'failed',
      stage,
      errorKind: ctx.cause ? kindOf(ctx.cause.error) : journal.failure,
      reason: ctx.cause ? this.#reason(stage, ctx.cause.error) : this.#reasonForKind(journal.failure),
      resumed: ctx.resumed,
      ...extra,
    });
    if (pending && connectionToken === pending) {
      // The new token is already the connection's token: finish forward instead.
      journal.step = 'swapped';
      await this.#save(journal);
      return this.#advance(journal, ctx);
    }
    if (!journal.newTokenId) {
      await this.#dropPending(journal.connectionId);
      await this.#clear(journal);
      return report({ orphan: journal.newTokenName ? { name: journal.newTokenName } : undefined });
    }
    const deleter = connectionToken ?? pending;
    if (!deleter) {
      await this.#clear(journal);
      return report({ orphan: { id: journal.newTokenId, name: journal.newTokenName } });
    }
    try {
      await this.session.clientFor(deleter).deleteApiToken(journal.organizationId, journal.newTokenId);
      this.log.info(`Deleted the new token "${journal.newTokenName ?? ''}" (${journal.newTokenId}): the rotation was rolled back.`);
    } catch (error) {
      if (!(isApiError(error) && error.kind === 'notFound')) {
        this.log.error(`Deleting the new token "${journal.newTokenName ?? ''}" (${journal.newTokenId}) failed`, error);
        const keep = isTransient(kindOf(error));
        if (!keep) {
          await this.#dropPending(journal.connectionId);
          await this.#clear(journal);
        }
        return report({ orphan: { id: journal.newTokenId, name: journal.newTokenName }, journalKept: keep, reason: `${report({}).reason ?? ''} ${vscode.l10n.t('Deleting the new token failed too: {0}', describeError(error))}`.trim() });
      }
    }
    this.#stopsAt('rolledBack', journal);
    await this.#dropPending(journal.connectionId);
    await this.#clear(journal);
    return report({ newToken: { id: journal.newTokenId, name: journal.newTokenName } });
  }

  /** Step 6: delete the old token with the new one. */
  async #revokeOld(journal: RotationJournal, ctx: RunContext): Promise<RotationReport> {
    await this.#dropPending(journal.connectionId);
    const done: RotationReport = { ...this.#base(journal), outcome: 'rotated', resumed: ctx.resumed };
    if (!journal.oldTokenId) {
      await this.#clear(journal);
      return { ...done, reason: vscode.l10n.t('you chose not to revoke the old token') };
    }
    if (!this.session.store.get(journal.connectionId)) {
      // Signed out meanwhile: nothing in VS Code can revoke it any more.
      await this.#clear(journal);
      return { ...done, stage: 'revoke', errorKind: 'unauthorized', reason: vscode.l10n.t('the connection was removed before the old token could be revoked') };
    }
    const secret = await this.session.store.getToken(journal.connectionId);
    let error: unknown;
    try {
      if (!secret) {
        throw new QoveryApiError('unauthorized', 'The connection has no token any more.');
      }
      await this.ui.prompter.progress(vscode.l10n.t('Qovery: revoking the old token…'), () => this.session.clientFor(secret).deleteApiToken(journal.organizationId, journal.oldTokenId ?? ''));
    } catch (e) {
      error = e;
    }
    if (error !== undefined && isApiError(error) && error.kind === 'notFound') {
      // Gone already, unless the old secret (still known in this run) says otherwise.
      const stillWorks = ctx.oldSecret ? await this.#works(ctx.oldSecret) : false;
      if (stillWorks === false) {
        this.log.info(`The old token ${journal.oldTokenId} was already gone (404).`);
        error = undefined;
      }
    }
    if (error !== undefined) {
      this.log.error(`Revoking the old token "${journal.oldTokenName ?? ''}" (${journal.oldTokenId}) failed`, error);
      journal.failure = kindOf(error);
      await this.#save(journal);
      if (!ctx.interactive && isTransient(journal.failure)) {
        return { ...done, outcome: 'deferred', stage: 'revoke', errorKind: journal.failure, reason: describeError(error), journalKept: true };
      }
      return { ...done, stage: 'revoke', errorKind: journal.failure, reason: this.#reason('revoke', error), journalKept: true };
    }
    this.#stopsAt('revoked', journal);
    this.log.info(`Revoked the old token "${journal.oldTokenName ?? ''}" (${journal.oldTokenId}).`);
    await this.#clear(journal);
    return { ...done, revoked: true };
  }

  /** Whether a token is still accepted; undefined when that cannot be told (network, 5xx). */
  async #works(secret: string): Promise<boolean | undefined> {
    try {
      await this.session.verify(secret);
      return true;
    } catch (error) {
      return isApiError(error) && error.kind === 'unauthorized' ? false : undefined;
    }
  }

  #reason(stage: RotationStage, error: unknown): string {
    if (!isApiError(error)) {
      return stage === 'store'
        ? vscode.l10n.t('VS Code\'s secret storage failed ({0})', describeError(error))
        : describeError(error);
    }
    if (error.kind === 'forbidden' && (stage === 'create' || stage === 'revoke')) {
      return vscode.l10n.t('the role of the token may not manage API tokens ({0})', describeError(error));
    }
    if (stage === 'verify') {
      return vscode.l10n.t('the new token did not pass the check ({0})', describeError(error));
    }
    return describeError(error);
  }

  #reasonForKind(kind: string | undefined): string {
    switch (kind) {
      case 'storage':
        return vscode.l10n.t('VS Code\'s secret storage failed');
      case undefined:
        return vscode.l10n.t('VS Code stopped before the new token was kept');
      default:
        return vscode.l10n.t('the new token did not pass the check ({0})', kind);
    }
  }

  /** Step 7: tells the user what happened, with the way out when something is left to do. */
  async #present(report: RotationReport): Promise<void> {
    const name = report.connectionName ?? report.connectionId ?? '';
    const newToken = `"${report.newToken?.name ?? '?'}" (${report.newToken?.id ?? '?'})`;
    const oldToken = report.oldToken ? `"${report.oldToken.name ?? '?'}" (${report.oldToken.id ?? '?'})` : '';
    const showLog = vscode.l10n.t('Show Log');
    const prefix = report.resumed ? vscode.l10n.t('An interrupted token rotation of "{0}" was finished.', name) + ' ' : '';
    switch (report.outcome) {
      case 'rotated': {
        if (report.revoked) {
          void this.ui.prompter.info(prefix + vscode.l10n.t('Qovery: the token of "{0}" was rotated. The new token {1} is in use; the old token {2} was revoked.', name, newToken, oldToken), {});
          return;
        }
        if (report.stage !== 'revoke') {
          void this.ui.prompter.info(
            prefix + vscode.l10n.t('Qovery: the token of "{0}" was rotated. The new token {1} is in use; the old token was not revoked: {2}. It stays valid until you revoke it in the Qovery console.', name, newToken, report.reason ?? ''),
            {},
          );
          return;
        }
        const retry = vscode.l10n.t('Retry Revocation');
        const keep = vscode.l10n.t('Keep Old Token');
        const answer = await this.ui.prompter.warn(
          prefix + vscode.l10n.t('Qovery: the token of "{0}" was rotated and the new token {1} is in use, but the old token {2} still exists on Qovery: {3}.', name, newToken, oldToken, report.reason ?? ''),
          {},
          ...(report.journalKept ? [retry, keep, showLog] : [showLog]),
        );
        if (answer === retry && report.connectionId) {
          await this.retryRevocation(report.connectionId);
        } else if (answer === keep && report.connectionId) {
          await this.keepOldToken(report.connectionId);
        } else if (answer === showLog) {
          this.log.show();
        }
        return;
      }
      case 'failed': {
        const parts = [
          report.resumed
            ? vscode.l10n.t('Qovery: an interrupted token rotation of "{0}" was rolled back ({1}). The current token is unchanged.', name, report.reason ?? '')
            : vscode.l10n.t('Qovery: the token of "{0}" was not rotated: {1}. The current token is unchanged.', name, report.reason ?? ''),
        ];
        if (report.orphan) {
          const orphan = `"${report.orphan.name ?? '?'}"${report.orphan.id ? ` (${report.orphan.id})` : ''}`;
          parts.push(
            report.journalKept
              ? vscode.l10n.t('The new token {0} may still exist on Qovery; VS Code tries to delete it again at the next start.', orphan)
              : vscode.l10n.t('The new token {0} may still exist on Qovery: delete it in the API Tokens view or the Qovery console.', orphan),
          );
        } else if (report.newToken?.id) {
          parts.push(vscode.l10n.t('The new token {0} was deleted.', newToken));
        }
        if (report.resumed && !report.orphan && !report.newToken?.id && report.stage !== 'verify' && report.stage !== 'store') {
          this.log.info(parts.join(' '));
          void this.ui.prompter.info(parts.join(' '), {});
          return;
        }
        const answer = await this.ui.prompter.error(parts.join(' '), {}, showLog);
        if (answer === showLog) {
          this.log.show();
        }
        return;
      }
      case 'deferred':
        this.log.warn(`The unfinished token rotation of "${name}" is kept for later: ${report.reason ?? ''}`);
        return;
      default:
        return;
    }
  }

  dispose(): void {
    this.interruptAfter = undefined;
  }
}
