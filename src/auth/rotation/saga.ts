// The steps of a token rotation, as a saga over small interfaces (journal, secrets, client, clock).
// No `vscode` import and no dialog: the planner asks, this runs, the presenter tells.
//
// Invariants, whatever fails and whenever a window dies:
// - the stored token works: a token is stored only after it passed the check, and a roll back never
//   deletes the stored token, the token the connection had before, or any token listed before the create;
// - only a token outside the list taken before the create, with the journaled name, is "the one we created";
// - a create with no clear answer is "maybe created": the journal stays until a lookup settles it;
// - after a revocation, when the old secret is known, it must get 401, or the user is told which token went.
import { randomUUID } from 'node:crypto';
import { isTransientKind } from '../../api/errors';
import { isTokenOfRotation, MAX_NAME_ATTEMPTS, rotatedTokenName, utcDay } from '../rotationRules';
import type { NewTokenFacts, RotationApi, RotationJournal, RotationPlan, RotationReport, RotationStage, SagaControl, SagaDeps, TokenRef } from './model';
import { describeError } from '../../api/errors';
import type { Organization, OrganizationApiToken, OrganizationApiTokenCreate } from '../../api';

import { fingerprint } from './records';
import { SHARED_SETTLE_MS } from './storage';

export { fingerprint };

/** The error kind of a typed API error (by shape, not `instanceof`: chunks have their own classes). */
export function kindOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { kind?: unknown }).kind === 'string') {
    return (error as { kind: string }).kind;
  }
  return 'storage';
}

/** The failure in words fit for the log (typed API errors get their plain heading). */
function messageOf(error: unknown): string {
  return describeError(error);
}

/** The failure for a report: the words, and the typed error for the UI to say in the user's language. */
function why(error: unknown): { detail: string; cause: unknown } {
  return { detail: messageOf(error), cause: error };
}

/** Answers that say the create did not happen. Anything else may have created the token. */
const CREATE_REFUSED = new Set(['unauthorized', 'invalidToken', 'forbidden', 'badRequest', 'notFound', 'insecureUrl']);

/** The run was stopped from outside (the lease was lost): nothing more may be done by this window. */
export class RotationHalted extends Error {
  constructor() {
    super('The rotation is being handled by another window.');
  }
}

/** SecretStorage could not be read (a locked keyring): nothing is known about the secrets, so nothing is decided. */
export class SecretReadError extends Error {
  readonly kind = 'storageRead';
  constructor(override readonly cause: unknown) {
    super('VS Code\'s secret storage could not be read.');
  }
}

interface RunState {
  control: SagaControl;
  oldSecret?: string;
  newSecret?: string;
  organizations?: Organization[];
  /** The failure that started a roll back, in this run. */
  cause?: { stage: RotationStage; error: unknown };
  /** The server's clock (its `Date` header) at the last token list, and ours then. */
  serverClock?: { server: number; local: number };
}

export class RotationSaga {
  constructor(private readonly deps: SagaDeps) {}

  /** Runs a new rotation from a plan. The caller holds the connection's lease. */
  async start(plan: RotationPlan, control: SagaControl): Promise<RotationReport> {
    const { journals, secrets, log, clock } = this.deps;
    const journal: RotationJournal = {
      id: randomUUID(),
      connectionId: plan.connectionId,
      organizationId: plan.organizationId,
      step: 'creating',
      knownTokenIds: plan.knownTokens.map((t) => t.id),
      previousTokenId: plan.previousTokenId,
      oldTokenId: plan.old?.id,
      oldTokenName: plan.old?.name,
      oldFingerprint: fingerprint(plan.oldSecret),
      roleId: plan.role.id,
      roleName: plan.role.name,
      startedAt: clock.now(),
      serverStartedAt: plan.serverClock ? plan.serverClock.server + Math.max(0, clock.now() - plan.serverClock.local) : undefined,
    };
    const run: RunState = { control, oldSecret: plan.oldSecret };
    const base = (): RotationReport => ({ ...this.#base(journal), connectionName: plan.connectionName });
    const taken = new Set(plan.knownTokens.map((t) => t.name ?? ''));
    const day = new Date(clock.now());
    let client: RotationApi;
    try {
      client = this.deps.api(plan.oldSecret);
    } catch (error) {
      return { ...base(), outcome: 'failed', stage: 'prepare', errorKind: kindOf(error), ...why(error) };
    }
    let created: OrganizationApiTokenCreate | undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS && !created; attempt++) {
      if (control.cancelRequested?.()) {
        await journals.clear(journal).catch(() => undefined);
        return { ...base(), outcome: 'cancelled', newToken: undefined };
      }
      journal.newTokenName = rotatedTokenName(plan.connectionName, day, 0, taken);
      await this.#checkpoint(journal, run);
      control.onStage?.('create');
      await this.#fence(run);
      try {
        created = await client.createApiToken(plan.organizationId, {
          name: journal.newTokenName,
          description: `Created by the Qovery VS Code extension on ${utcDay(day)} to replace ${plan.old?.name ? `"${plan.old.name}"` : 'a token'}.`,
          role_id: plan.role.id,
        });
      } catch (error) {
        lastError = error;
        const kind = kindOf(error);
        if (kind === 'conflict') {
          log.warn(`The token name "${journal.newTokenName}" is taken (409); trying another.`);
          taken.add(journal.newTokenName);
          continue;
        }
        log.error(`Creating the new token for "${plan.connectionName}" failed`, error);
        // Look for it before saying nothing changed. A refusal (4xx) is checked once; with no clear
        // answer (5xx, timeout, reset) Qovery may still make it: looked for now and at the next start.
        journal.uncertainCreate = !CREATE_REFUSED.has(kind);
        journal.failure = kind;
        journal.failureStage = 'create';
        run.cause = { stage: 'create', error };
        try {
          await this.#checkpoint(journal, run);
        } catch (halted) {
          if (halted instanceof RotationHalted && journal.uncertainCreate) {
            return this.#abandonUncertain(journal, base, error);
          }
          throw halted;
        }
        return this.#advance(journal, run);
      }
    }
    if (!created) {
      await journals.clear(journal);
      return { ...base(), outcome: 'failed', stage: 'create', errorKind: 'conflict', ...why(lastError), newToken: undefined };
    }
    log.protect(created.token);
    log.info(`Created the token "${created.name ?? journal.newTokenName ?? ''}" (${created.id}) for "${plan.connectionName}".`);
    journal.newTokenId = created.id;
    journal.newTokenCreatedAt = created.created_at;
    journal.newFingerprint = fingerprint(created.token);
    journal.roleName = created.role_name ?? journal.roleName;
    run.newSecret = created.token;
    if (journal.knownTokenIds.includes(created.id)) {
      // Cannot happen with Qovery; never treat a token listed before as ours.
      log.error(`Qovery answered the create with the id of an existing token (${created.id}); stopping.`);
      await journals.clear(journal);
      return { ...base(), outcome: 'failed', stage: 'create', errorKind: 'invalidResponse', newToken: undefined };
    }
    control.onStage?.('store');
    let pendingStored = false;
    try {
      await this.#fence(run);
      try {
        await secrets.storePending(plan.connectionId, created.token);
        pendingStored = true;
      } catch (error) {
        log.error('Keeping the new token in secret storage failed', error);
        this.#turnBack(journal, run, 'store', error);
        await this.#checkpoint(journal, run);
        return this.#advance(journal, run);
      }
      journal.step = 'created';
      await this.#checkpoint(journal, run);
    } catch (error) {
      if (error instanceof RotationHalted) {
        return this.#abandon(journal, client, created, pendingStored, base);
      }
      throw error;
    }
    return this.#advance(journal, run);
  }

  /**
   * This window lost the lease right after a create with no clear answer: Qovery may have made the
   * token. The journal keeps saying so when it is still this rotation's (the next start looks again),
   * and the user is told the name of the token that may be left.
   */
  async #abandonUncertain(journal: RotationJournal, base: () => RotationReport, error: unknown): Promise<RotationReport> {
    const { journals, log } = this.deps;
    const now = await journals.get(journal.connectionId).catch(() => undefined);
    if (now?.id === journal.id) {
      await journals.save({ ...now, uncertainCreate: true, failure: journal.failure, failureStage: 'create' }).catch((e: unknown) => log.error('Saving the rotation journal failed', e));
    }
    log.warn(`The lease on rotation ${journal.id} was lost right after a create with no clear answer: the token "${journal.newTokenName ?? ''}" may exist.`);
    return { ...base(), outcome: 'failed', stage: 'create', errorKind: 'leaseLost', ...why(error), orphan: { name: journal.newTokenName }, maybeCreated: true, newToken: undefined };
  }

  /**
   * This window lost the lease after its create: the token it holds is deleted when no other window
   * can have taken it up (its secret was never stored), else named to the user.
   */
  async #abandon(journal: RotationJournal, client: RotationApi, created: OrganizationApiTokenCreate, pendingStored: boolean, base: () => RotationReport): Promise<RotationReport> {
    const { log } = this.deps;
    const orphan: TokenRef = { id: created.id, name: created.name ?? journal.newTokenName };
    const report = (extra: Partial<RotationReport>): RotationReport => ({ ...base(), outcome: 'busy', ...extra });
    if (pendingStored) {
      // Kept as pending: another window may go on with it, as long as it works on this rotation's journal.
      const now = await this.deps.journals.get(journal.connectionId).then(
        (j) => j?.id,
        () => journal.id,
      );
      if (now !== journal.id) {
        const pending = await this.deps.secrets.pending(journal.connectionId).catch(() => undefined);
        if (pending !== undefined && fingerprint(pending) === fingerprint(created.token)) {
          await this.#dropPending(journal.connectionId);
        }
        pendingStored = false;
      }
    }
    if (pendingStored) {
      log.warn(`Another window took over the rotation ${journal.id} after the token "${orphan.name ?? ''}" (${created.id}) was created and kept; it finishes or deletes it.`);
      return report({ outcome: 'failed', stage: 'store', errorKind: 'leaseLost', orphan });
    }
    try {
      const current = await this.deps.secrets.current(journal.connectionId);
      if (fingerprint(current) === fingerprint(created.token)) {
        return report({});
      }
      await client.deleteApiToken(journal.organizationId, created.id).catch((error: unknown) => {
        if (kindOf(error) !== 'notFound') {
          throw error;
        }
      });
      // A 204 or 404 is believed once the list agrees: a token left behind would be lost to the user.
      if ((await client.listApiTokens(journal.organizationId)).some((t) => t.id === created.id)) {
        throw Object.assign(new Error('Qovery still lists the token after deleting it.'), { kind: 'server' });
      }
      log.warn(`Another window took over the rotation ${journal.id}: the token "${orphan.name ?? ''}" (${created.id}) this window created is deleted.`);
      return report({ newToken: orphan });
    } catch (error) {
      log.error(`Another window took over the rotation ${journal.id}; deleting the token "${orphan.name ?? ''}" (${created.id}) this window created failed`, error);
      return report({ outcome: 'failed', stage: 'create', errorKind: 'leaseLost', orphan });
    }
  }

  /** Goes on from a journal: after a restart, or when the user rotates again. */
  async resume(journal: RotationJournal, control: SagaControl): Promise<RotationReport> {
    const run: RunState = { control };
    try {
      const current = await this.#current(journal.connectionId);
      if (current !== undefined && fingerprint(current) === journal.oldFingerprint) {
        run.oldSecret = current;
      }
    } catch (error) {
      return this.#unreadable(journal, run, error);
    }
    return this.#advance(journal, run);
  }

  /** A locked keyring says nothing about the tokens: everything is left as it is for a later start. */
  #unreadable(journal: RotationJournal, run: RunState, error: unknown): RotationReport {
    if (!(error instanceof SecretReadError)) {
      throw error;
    }
    this.deps.log.error(`Secret storage could not be read; the rotation ${journal.id} is left at step "${journal.step}" for later`, error.cause);
    return { ...this.#base(journal), outcome: run.control.interactive ? 'failed' : 'deferred', journalKept: true, resumed: run.control.resumed, errorKind: 'storageRead', detail: error.message, cause: error };
  }

  /**
   * The connection's stored token; a read failure is a `SecretReadError`, never "no token". So is no
   * token for a connection that still exists: VS Code answers "nothing" for a secret it cannot decrypt.
   */
  async #current(connectionId: string): Promise<string | undefined> {
    let value: string | undefined;
    try {
      value = await this.deps.secrets.current(connectionId);
    } catch (error) {
      throw error instanceof SecretReadError ? error : new SecretReadError(error);
    }
    if (value === undefined && this.deps.secrets.exists(connectionId)) {
      throw new SecretReadError(new Error('The connection\'s token reads as absent from secret storage.'));
    }
    return value;
  }

  /** The fence before an irreversible call: this window must still hold the lease. */
  async #fence(run: RunState): Promise<void> {
    if (run.control.holdsLease && !(await run.control.holdsLease())) {
      throw new RotationHalted();
    }
  }

  /** Finishes a rotation whose revocation failed by keeping the old token. */
  async keepOld(journal: RotationJournal): Promise<void> {
    if (journal.step === 'swapped') {
      this.deps.log.info(`The old token ${journal.oldTokenId ?? '?'} of connection ${journal.connectionId} is kept at the user's request.`);
      await this.deps.journals.clear(journal);
    }
  }

  #base(journal: RotationJournal): RotationReport {
    return {
      outcome: 'failed',
      connectionId: journal.connectionId,
      newToken: journal.newTokenName || journal.newTokenId ? { id: journal.newTokenId, name: journal.newTokenName } : undefined,
      oldToken: journal.oldTokenId ? { id: journal.oldTokenId, name: journal.oldTokenName } : undefined,
      revoked: false,
    };
  }

  /** Saves the journal, after making sure this window still holds the lease. */
  async #checkpoint(journal: RotationJournal, run: RunState): Promise<void> {
    if (run.control.keepLease && !(await run.control.keepLease())) {
      throw new RotationHalted();
    }
    await this.deps.journals.save(journal);
  }

  #turnBack(journal: RotationJournal, run: RunState, stage: RotationStage, error: unknown): void {
    run.cause = { stage, error };
    journal.step = 'rollingBack';
    journal.failure = kindOf(error);
    journal.failureStage = stage;
  }

  async #advance(journal: RotationJournal, run: RunState): Promise<RotationReport> {
    try {
      return await this.#steps(journal, run);
    } catch (error) {
      return this.#unreadable(journal, run, error);
    }
  }

  async #steps(journal: RotationJournal, run: RunState): Promise<RotationReport> {
    for (;;) {
      if (run.control.cancelRequested?.() && (journal.step === 'created' || journal.step === 'verified') && !(await this.#newIsStored(journal))) {
        this.deps.log.info(`Rotation ${journal.id} cancelled by the user before the swap: rolling back.`);
        this.#turnBack(journal, run, 'cancel', new Error('Cancelled by the user.'));
        await this.#checkpoint(journal, run);
      }
      let report: RotationReport | undefined;
      switch (journal.step) {
        case 'creating':
          report = await this.#lookUp(journal, run);
          break;
        case 'created':
          report = await this.#verify(journal, run);
          break;
        case 'verified':
          report = await this.#swap(journal, run);
          break;
        case 'swapped':
          return this.#revoke(journal, run);
        case 'rollingBack':
          return this.#rollBack(journal, run);
        default: {
          const never: never = journal.step;
          throw new Error(`Unknown rotation step ${String(never)}`);
        }
      }
      if (report) {
        return report;
      }
    }
  }

  async #newIsStored(journal: RotationJournal): Promise<boolean> {
    if (!journal.newFingerprint) {
      return false;
    }
    const current = await this.#current(journal.connectionId);
    return fingerprint(current) === journal.newFingerprint;
  }

  /** The organization's tokens, asked with the old secret, then with the pending one when the old gets 401. */
  async #listTokens(journal: RotationJournal, run: RunState, pending: string | undefined): Promise<{ tokens: OrganizationApiToken[] } | { error: unknown }> {
    const current = run.oldSecret ?? (await this.#current(journal.connectionId));
    const secrets = [...new Set([current, pending].filter((s): s is string => s !== undefined))];
    let lastError: unknown = new Error('No token of this connection is left to look with.');
    for (const secret of secrets) {
      try {
        const local = this.deps.clock.now();
        const tokens = await this.deps.api(secret).listApiTokens(journal.organizationId, { onServerDate: (server) => (run.serverClock = { server, local }) });
        return { tokens };
      } catch (error) {
        lastError = error;
        if (kindOf(error) !== 'unauthorized') {
          return { error };
        }
      }
    }
    return { error: lastError };
  }

  /** A journal at 'creating': the create may or may not have reached Qovery. */
  async #lookUp(journal: RotationJournal, run: RunState): Promise<RotationReport | undefined> {
    const { journals, log } = this.deps;
    run.control.onStage?.('lookup');
    const pending = run.newSecret ?? (await this.#pending(journal.connectionId));
    const failed = (extra: Partial<RotationReport>): RotationReport => ({
      ...this.#base(journal),
      outcome: 'failed',
      stage: run.cause?.stage ?? journal.failureStage ?? 'create',
      errorKind: run.cause ? kindOf(run.cause.error) : journal.failure,
      ...(run.cause ? why(run.cause.error) : {}),
      resumed: run.control.resumed,
      ...extra,
    });
    const listed = await this.#listTokens(journal, run, pending);
    if ('error' in listed) {
      log.error('Looking for the token of an unfinished rotation failed', listed.error);
      if (isTransientKind(kindOf(listed.error))) {
        await this.#checkpoint(journal, run);
        return failed({ outcome: run.control.interactive ? 'failed' : 'deferred', journalKept: true, orphan: { name: journal.newTokenName }, maybeCreated: true });
      }
      // Neither secret may list tokens: a token made with them could not be deleted by us either.
      await this.#dropPending(journal.connectionId);
      await journals.clear(journal);
      return failed({ orphan: { name: journal.newTokenName }, maybeCreated: true, errorKind: kindOf(listed.error), ...why(listed.error) });
    }
    const known = new Set(journal.knownTokenIds);
    const found = listed.tokens.find((t) => !known.has(t.id) && isTokenOfRotation(t, journal, this.#serverNow(run)));
    if (!found) {
      if (journal.uncertainCreate && (journal.emptyLookups ?? 0) < 1) {
        // The create may still land (a timeout): look once more at the next start.
        journal.emptyLookups = (journal.emptyLookups ?? 0) + 1;
        await this.#checkpoint(journal, run);
        log.info(`No token named "${journal.newTokenName ?? ''}" yet; looking again at the next start.`);
        return failed({ journalKept: true, orphan: { name: journal.newTokenName }, maybeCreated: true, newToken: undefined });
      }
      log.info(`No token named "${journal.newTokenName ?? ''}" exists: the rotation ${journal.id} created nothing.`);
      await this.#dropPending(journal.connectionId);
      await journals.clear(journal);
      return failed({ newToken: undefined });
    }
    journal.newTokenId = found.id;
    journal.newTokenCreatedAt = found.created_at;
    journal.roleName = found.role_name ?? journal.roleName;
    if (pending !== undefined && !run.cause) {
      log.info(`The unfinished rotation ${journal.id} created "${found.name ?? found.id}" and kept its secret: going on.`);
      journal.newFingerprint = fingerprint(pending);
      run.newSecret = pending;
      journal.step = 'created';
      await this.#checkpoint(journal, run);
      return undefined;
    }
    log.info(`The rotation ${journal.id} created "${found.name ?? found.id}" (${found.id}) whose secret is lost: deleting it.`);
    this.#turnBack(journal, run, run.cause?.stage ?? 'create', run.cause?.error ?? new Error('VS Code stopped before the new token was kept.'));
    await this.#checkpoint(journal, run);
    return undefined;
  }

  /** The new token must list the organization it was made in. */
  async #verify(journal: RotationJournal, run: RunState): Promise<RotationReport | undefined> {
    let secret = run.newSecret ?? (await this.#pending(journal.connectionId));
    let foreign = false;
    if (secret !== undefined && journal.newFingerprint !== undefined && fingerprint(secret) !== journal.newFingerprint) {
      // A pending secret left by another run (a window that lost its lease): never this rotation's token.
      this.deps.log.warn(`The pending token of connection ${journal.connectionId} is not the one rotation ${journal.id} created: it is ignored.`);
      if (run.newSecret === undefined) {
        await this.#fence(run);
        await this.#dropPending(journal.connectionId);
      }
      secret = undefined;
      foreign = true;
    }
    if (secret === undefined) {
      if (await this.#newIsStored(journal)) {
        journal.step = 'swapped';
        await this.#checkpoint(journal, run);
        return undefined;
      }
      if (!foreign && (journal.missingPending ?? 0) < 1 && fingerprint(await this.#current(journal.connectionId)) === journal.oldFingerprint) {
        // VS Code reads a secret it cannot decrypt as "nothing": the next start decides, once.
        journal.missingPending = (journal.missingPending ?? 0) + 1;
        await this.#checkpoint(journal, run);
        return this.#unreadable(journal, run, new SecretReadError(new Error('The new token reads as absent from secret storage.')));
      }
      this.#turnBack(journal, run, 'store', new Error('The new token is no longer in secret storage.'));
      await this.#checkpoint(journal, run);
      return undefined;
    }
    run.newSecret = secret;
    journal.newFingerprint ??= fingerprint(secret);
    run.control.onStage?.('verify');
    try {
      const organizations = await this.deps.api(secret).listOrganizations();
      if (!organizations.some((o) => o.id === journal.organizationId)) {
        throw Object.assign(new Error('The new token does not see the organization it was created in.'), { kind: 'forbidden' });
      }
      run.organizations = organizations;
    } catch (error) {
      this.deps.log.error(`Checking the new token "${journal.newTokenName ?? ''}" failed`, error);
      if (isTransientKind(kindOf(error)) && !run.control.interactive) {
        return { ...this.#base(journal), outcome: 'deferred', journalKept: true, resumed: run.control.resumed, stage: 'verify', errorKind: kindOf(error), ...why(error) };
      }
      if (await this.#newIsStored(journal)) {
        // Already in use (a window swapped before it stopped): never roll back a stored token.
        journal.step = 'swapped';
        await this.#checkpoint(journal, run);
        return undefined;
      }
      this.#turnBack(journal, run, 'verify', error);
      await this.#checkpoint(journal, run);
      return undefined;
    }
    journal.step = 'verified';
    await this.#checkpoint(journal, run);
    return undefined;
  }

  /** The new token becomes the connection's token; the pending copy goes. */
  async #swap(journal: RotationJournal, run: RunState): Promise<RotationReport | undefined> {
    const { secrets, log } = this.deps;
    const secret = run.newSecret;
    if (secret === undefined || !run.organizations) {
      // Resumed after a restart: check the new token again before it replaces the old one.
      journal.step = 'created';
      return undefined;
    }
    if (!secrets.exists(journal.connectionId)) {
      this.#turnBack(journal, run, 'swap', new Error('The connection was removed.'));
      await this.#checkpoint(journal, run);
      return undefined;
    }
    const stored = await this.#current(journal.connectionId);
    if (fingerprint(stored) === journal.newFingerprint) {
      journal.step = 'swapped';
      await this.#checkpoint(journal, run);
      return undefined;
    }
    if (journal.oldFingerprint !== undefined && fingerprint(stored) !== journal.oldFingerprint) {
      // The connection's token changed meanwhile (another window, Update Token): never overwrite it.
      log.warn(`The token of connection ${journal.connectionId} changed during rotation ${journal.id}: the new token is not stored.`);
      this.#turnBack(journal, run, 'swap', Object.assign(new Error('The connection\'s token changed during the rotation.'), { kind: 'conflict' }));
      await this.#checkpoint(journal, run);
      return undefined;
    }
    run.control.onStage?.('swap');
    await this.#fence(run);
    const facts: NewTokenFacts = {
      organizationId: journal.organizationId,
      tokenId: journal.newTokenId ?? '',
      tokenName: journal.newTokenName,
      tokenCreatedAt: journal.newTokenCreatedAt,
      roleId: journal.roleId,
      roleName: journal.roleName,
      organizations: run.organizations,
    };
    try {
      await secrets.swap(journal.connectionId, secret, facts);
    } catch (error) {
      log.error('Storing the new token as the connection\'s token failed', error);
      if (!(await this.#newIsStored(journal))) {
        this.#turnBack(journal, run, 'store', error);
        await this.#checkpoint(journal, run);
        return undefined;
      }
    }
    log.info(`The connection ${journal.connectionId} now uses the token "${journal.newTokenName ?? ''}" (${journal.newTokenId ?? '?'}).`);
    if (run.control.holdsLease && !(await run.control.holdsLease())) {
      return this.#lateSwap(journal, run, secret, stored);
    }
    journal.step = 'swapped';
    await this.#checkpoint(journal, run);
    return undefined;
  }

  /**
   * The swap landed after this window lost the lease (it froze past the fence): another window may
   * have rolled the rotation back and deleted the token just stored. Once the other windows' writes
   * had time to arrive, the new token is checked. A confirmed 401 while it is still the stored token
   * puts the token stored before back (when that one answers 200); no clear answer keeps what is
   * stored, and the journal, for the next start; a 200 leaves the rotation to the window that holds it.
   */
  async #lateSwap(journal: RotationJournal, run: RunState, secret: string, before: string | undefined): Promise<RotationReport> {
    const { journals, log } = this.deps;
    const name = `"${journal.newTokenName ?? ''}" (${journal.newTokenId ?? '?'})`;
    log.warn(`This window lost the lease on rotation ${journal.id} before its swap landed: checking the new token ${name} once other windows' writes arrived.`);
    await this.#sleep(SHARED_SETTLE_MS);
    const report = (extra: Partial<RotationReport>): RotationReport => ({ ...this.#base(journal), outcome: 'failed', stage: 'swap', errorKind: 'leaseLost', resumed: run.control.resumed, ...extra });
    const check = await this.#check(secret);
    if ('error' in check) {
      log.error(`Checking the new token ${name} after the late swap gave no clear answer; it stays stored and the next start decides`, check.error);
      const kept = await journals.get(journal.connectionId).then(
        (j) => j?.id === journal.id,
        () => true,
      );
      return report({ lateSwap: 'unconfirmed', errorKind: kindOf(check.error), ...why(check.error), journalKept: kept });
    }
    if (check.works) {
      // The other window finishes the rotation with it.
      throw new RotationHalted();
    }
    const put = await this.#putBack(journal, before);
    if (put === 'changed') {
      throw new RotationHalted();
    }
    if (put === 'undone' || put === 'undoneUnchecked') {
      log.warn(`The new token ${name} was deleted by the window that took over rotation ${journal.id} (401): the token stored before was put back${put === 'undoneUnchecked' ? ' (it could not be checked now)' : ''}; the rotation did not happen.`);
    }
    return report({ lateSwap: put, newToken: undefined });
  }

  /**
   * Puts `before` back as the connection's token, with its own facts, after a late swap stored a token
   * that was deleted: only while the deleted token is still the stored one, and unless `before` gets a
   * 401 too (a token whose check gave no clear answer beats one Qovery refuses: 'undoneUnchecked').
   * 'changed': the stored token is no longer the deleted one, left alone.
   */
  async #putBack(journal: RotationJournal, before: string | undefined): Promise<'undone' | 'undoneUnchecked' | 'lost' | 'putBackFailed' | 'changed'> {
    const { secrets, log } = this.deps;
    if (before === undefined || fingerprint(before) === journal.newFingerprint) {
      log.error(`The connection ${journal.connectionId} holds a token Qovery deleted, and no token stored before it is known: sign in again.`);
      return 'lost';
    }
    let organizations: Organization[] | undefined;
    try {
      organizations = await this.deps.api(before).listOrganizations();
    } catch (error) {
      if (kindOf(error) === 'unauthorized') {
        log.error(`The connection ${journal.connectionId} holds a token Qovery deleted, and the token stored before it is refused too (401): sign in again.`);
        return 'lost';
      }
      // Unclear (timeout, 5xx, the network coming back after a sleep): still better than a deleted token.
      log.warn(`Checking the token stored before gave no clear answer (${kindOf(error)}); it is put back unchecked.`);
      organizations = undefined;
    }
    const done = organizations ? 'undone' : 'undoneUnchecked';
    if (!secrets.exists(journal.connectionId)) {
      return 'changed';
    }
    const now = await this.#current(journal.connectionId);
    if (fingerprint(now) === fingerprint(before)) {
      return done;
    }
    if (fingerprint(now) !== journal.newFingerprint) {
      log.warn(`The token of connection ${journal.connectionId} changed meanwhile: it is left as it is.`);
      return 'changed';
    }
    // The record kept with the secret now names the deleted token: the journal knows the one before.
    const tokenId = journal.previousTokenId ?? '';
    const facts: NewTokenFacts = {
      organizationId: journal.organizationId,
      tokenId,
      tokenName: tokenId && tokenId === journal.oldTokenId ? journal.oldTokenName : undefined,
      roleId: journal.roleId,
      roleName: journal.roleName,
      organizations,
    };
    try {
      await secrets.swap(journal.connectionId, before, facts);
    } catch (error) {
      log.error('Putting the token stored before back failed', error);
      return 'putBackFailed';
    }
    return done;
  }

  async #sleep(ms: number): Promise<void> {
    await (this.deps.sleep ? this.deps.sleep(ms) : new Promise<void>((resolve) => setTimeout(resolve, ms)));
  }

  /** Deletes the old token with the new one, then checks that the old secret stopped working. */
  async #revoke(journal: RotationJournal, run: RunState): Promise<RotationReport> {
    const { journals, secrets, log } = this.deps;
    await this.#dropPending(journal.connectionId);
    const done: RotationReport = { ...this.#base(journal), outcome: 'rotated', resumed: run.control.resumed };
    if (!journal.oldTokenId) {
      await journals.clear(journal);
      return { ...done, notRevoked: 'userChoice' };
    }
    if (!secrets.exists(journal.connectionId)) {
      await journals.clear(journal);
      return { ...done, stage: 'revoke', errorKind: 'unauthorized', notRevoked: 'signedOut' };
    }
    if (journal.oldTokenId === journal.newTokenId) {
      log.error(`The token ${journal.oldTokenId} is the one in use: it is not revoked.`);
      await journals.clear(journal);
      return { ...done, stage: 'revoke', errorKind: 'conflict' };
    }
    run.control.onStage?.('revoke');
    let error: unknown;
    const secret = await this.#current(journal.connectionId);
    try {
      if (secret === undefined) {
        throw Object.assign(new Error('The connection has no token any more.'), { kind: 'unauthorized' });
      }
      await this.#fence(run);
      await this.deps.api(secret).deleteApiToken(journal.organizationId, journal.oldTokenId);
    } catch (e) {
      if (e instanceof RotationHalted) {
        throw e;
      }
      error = e;
    }
    const unconfirmed = async (checkError: unknown): Promise<RotationReport> => {
      // "Revoked" only when known: the journal stays and the next start asks again.
      log.warn(`The old token ${journal.oldTokenId ?? ''} was deleted, but whether it stopped working could not be confirmed (${kindOf(checkError)}).`);
      journal.failure = 'unconfirmed';
      journal.failureStage = 'revoke';
      await this.#checkpoint(journal, run);
      return { ...done, outcome: run.control.interactive ? 'rotated' : 'deferred', revocationUnconfirmed: true, stage: 'revoke', errorKind: kindOf(checkError), ...why(checkError), journalKept: true };
    };
    if (error !== undefined && kindOf(error) === 'notFound') {
      // Gone already, once the old secret (known in this run) gets 401, or the list no longer has it.
      const gone = await this.#oldIsGone(journal, run, secret);
      if (gone !== true && gone !== false) {
        return unconfirmed(gone.error);
      }
      if (gone) {
        log.info(`The old token ${journal.oldTokenId} was already gone (404).`);
        error = undefined;
      }
    }
    if (error !== undefined) {
      log.error(`Revoking the old token "${journal.oldTokenName ?? ''}" (${journal.oldTokenId}) failed`, error);
      journal.failure = kindOf(error);
      journal.failureStage = 'revoke';
      await this.#checkpoint(journal, run);
      const kind = kindOf(error);
      return { ...done, outcome: !run.control.interactive && isTransientKind(kind) ? 'deferred' : 'rotated', stage: 'revoke', errorKind: kind, ...why(error), journalKept: true };
    }
    // The API cannot tell which token a secret is: when the old secret is known, it must now fail.
    const check = run.oldSecret !== undefined ? await this.#check(run.oldSecret) : { works: false as const };
    if ('error' in check) {
      return unconfirmed(check.error);
    }
    const stillWorks = check.works;
    await journals.clear(journal);
    if (stillWorks) {
      log.warn(`The token ${journal.oldTokenId} was deleted, but the connection's old token still works: it was another token.`);
      return { ...done, revoked: false, stage: 'revoke', errorKind: 'wrongToken', wrongTokenRevoked: { id: journal.oldTokenId, name: journal.oldTokenName } };
    }
    log.info(`Revoked the old token "${journal.oldTokenName ?? ''}" (${journal.oldTokenId}).`);
    return { ...done, revoked: true };
  }

  /** Whether a token is still accepted (200) or not (401); anything else cannot tell (5xx, 409, 429, network). */
  async #check(secret: string): Promise<{ works: boolean } | { error: unknown }> {
    try {
      await this.deps.api(secret).listOrganizations();
      return { works: true };
    } catch (error) {
      return kindOf(error) === 'unauthorized' ? { works: false } : { error };
    }
  }

  /** After a 404 on the revoke: true when the old token is known gone, false when the old secret still works. */
  async #oldIsGone(journal: RotationJournal, run: RunState, lister: string | undefined): Promise<boolean | { error: unknown }> {
    if (run.oldSecret !== undefined) {
      const check = await this.#check(run.oldSecret);
      return 'error' in check ? check : !check.works;
    }
    if (lister === undefined) {
      return { error: Object.assign(new Error('The connection has no token any more.'), { kind: 'unauthorized' }) };
    }
    try {
      return !(await this.deps.api(lister).listApiTokens(journal.organizationId)).some((t) => t.id === journal.oldTokenId);
    } catch (error) {
      return { error };
    }
  }

  /** The server's time now, from the `Date` of its last answer plus the time passed here since. */
  #serverNow(run: RunState): { serverNow: number; localNow: number } | undefined {
    return run.serverClock ? { serverNow: run.serverClock.server, localNow: run.serverClock.local } : undefined;
  }

  /** Deletes the new token, so the old one stays the only one. Never deletes a token in use. */
  async #rollBack(journal: RotationJournal, run: RunState): Promise<RotationReport> {
    const { journals, secrets, log } = this.deps;
    const stage = run.cause?.stage ?? journal.failureStage ?? 'verify';
    const report = (extra: Partial<RotationReport>): RotationReport => ({
      ...this.#base(journal),
      outcome: stage === 'cancel' ? 'cancelled' : 'failed',
      stage,
      errorKind: run.cause ? kindOf(run.cause.error) : journal.failure,
      ...(run.cause ? why(run.cause.error) : {}),
      resumed: run.control.resumed,
      ...extra,
    });
    if (await this.#newIsStored(journal)) {
      const stored = await this.#current(journal.connectionId);
      const check = stored !== undefined ? await this.#check(stored) : { works: true };
      if (!('error' in check) && !check.works) {
        // A late swap stored the token this roll back deleted (Qovery refuses it: 401): nothing to finish.
        const put = await this.#putBack(journal, run.oldSecret);
        log.warn(`The connection ${journal.connectionId} holds the new token of rotation ${journal.id}, which a roll back deleted (401)${put === 'undone' || put === 'undoneUnchecked' ? ': the token stored before was put back' : ''}.`);
        await this.#dropPending(journal.connectionId);
        await journals.clear(journal);
        return report({ newToken: journal.newTokenId ? { id: journal.newTokenId, name: journal.newTokenName } : undefined, lateSwap: put === 'changed' ? undefined : put });
      }
      log.info(`The new token of rotation ${journal.id} is already the connection's token: finishing instead of rolling back.`);
      journal.step = 'swapped';
      await this.#checkpoint(journal, run);
      return this.#advance(journal, run);
    }
    const target = journal.newTokenId;
    if (!target) {
      await this.#dropPending(journal.connectionId);
      await journals.clear(journal);
      return report({ orphan: journal.newTokenName ? { name: journal.newTokenName } : undefined, maybeCreated: journal.uncertainCreate });
    }
    const current = await this.#current(journal.connectionId);
    const record = await secrets.tokenRecord(journal.connectionId).catch(() => undefined);
    const recordedId = record && record.fingerprint === fingerprint(current) ? record.tokenId : undefined;
    const protectedIds = new Set([...journal.knownTokenIds, journal.previousTokenId, journal.oldTokenId, secrets.storedTokenId(journal.connectionId), recordedId]);
    if (protectedIds.has(target)) {
      log.error(`The rotation ${journal.id} would delete the token ${target}, which is or was in use: it is kept.`);
      await this.#dropPending(journal.connectionId);
      await journals.clear(journal);
      return report({ newToken: undefined });
    }
    run.control.onStage?.('rollback');
    const pending = run.newSecret ?? (await this.#pending(journal.connectionId));
    const deleters = [...new Set([current, pending].filter((s): s is string => s !== undefined))];
    let lastError: unknown = new Error('No token of this connection is left to delete it with.');
    for (const deleter of deleters) {
      try {
        await this.#fence(run);
        await this.deps.api(deleter).deleteApiToken(journal.organizationId, target);
        lastError = undefined;
      } catch (error) {
        if (error instanceof RotationHalted) {
          throw error;
        }
        lastError = kindOf(error) === 'notFound' ? undefined : error;
        if (lastError !== undefined && kindOf(error) === 'unauthorized') {
          continue;
        }
      }
      if (lastError === undefined) {
        // A 204 or 404 is believed once the list agrees: a token left behind would be lost to the user.
        try {
          if ((await this.deps.api(deleter).listApiTokens(journal.organizationId)).some((t) => t.id === target)) {
            lastError = Object.assign(new Error('Qovery still lists the token after deleting it.'), { kind: 'server' });
          }
        } catch (error) {
          lastError = kindOf(error) === 'unauthorized' ? undefined : Object.assign(new Error(messageOf(error)), { kind: isTransientKind(kindOf(error)) ? kindOf(error) : 'server' });
        }
      }
      break;
    }
    const orphan: TokenRef = { id: target, name: journal.newTokenName };
    // A window frozen past its fence may have stored the new token after the check above (its swap
    // landed late): whether the delete is confirmed or not, the token stored before goes back, unless
    // the new token is still there and answers 200 (then it is in use: finishing instead).
    let lateSwap: RotationReport['lateSwap'];
    if (await this.#newIsStored(journal)) {
      if (lastError !== undefined && pending !== undefined) {
        const check = await this.#check(pending);
        if (!('error' in check) && check.works) {
          log.info(`A late swap stored the new token of rotation ${journal.id}, which was not deleted and works: finishing instead of rolling back.`);
          journal.step = 'swapped';
          await this.#checkpoint(journal, run);
          return this.#advance(journal, run);
        }
      }
      const put = await this.#putBack(journal, current);
      if (put === 'undone' || put === 'undoneUnchecked') {
        log.warn(`A late swap in another window stored the new token "${journal.newTokenName ?? ''}" (${target}) while it was being deleted: the token stored before was put back${put === 'undoneUnchecked' ? ' (it could not be checked now)' : ''}.`);
      }
      lateSwap = put === 'changed' ? undefined : put;
    }
    if (lastError !== undefined) {
      log.error(`Deleting the new token "${journal.newTokenName ?? ''}" (${target}) failed`, lastError);
      const keep = isTransientKind(kindOf(lastError));
      if (keep) {
        await this.#checkpoint(journal, run);
      } else {
        await this.#dropPending(journal.connectionId);
        await journals.clear(journal);
      }
      return report({ orphan, journalKept: keep, lateSwap, outcome: !run.control.interactive && keep ? 'deferred' : stage === 'cancel' ? 'cancelled' : 'failed' });
    }
    log.info(`Deleted the new token "${journal.newTokenName ?? ''}" (${target}): the rotation was rolled back.`);
    await this.#dropPending(journal.connectionId);
    await journals.clear(journal);
    return report({ newToken: { id: target, name: journal.newTokenName }, lateSwap });
  }

  /** The pending secret; a read failure is a `SecretReadError`, never "gone". */
  async #pending(connectionId: string): Promise<string | undefined> {
    try {
      return await this.deps.secrets.pending(connectionId);
    } catch (error) {
      throw new SecretReadError(error);
    }
  }

  async #dropPending(connectionId: string): Promise<void> {
    try {
      await this.deps.secrets.deletePending(connectionId);
    } catch (error) {
      this.deps.log.error('Removing the pending token from secret storage failed', error);
    }
  }
}
