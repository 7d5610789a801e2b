// Runs rotations under a cross-window lease: one window at a time works on a connection's rotation,
// and a window that dies lets go when its lease expires. No `vscode` import.
import type { LeaseProvider, RotationJournal, RotationPlan, RotationReport, SagaControl, SagaDeps } from './model';
import { RotationHalted, RotationSaga } from './saga';

export interface EngineDeps extends SagaDeps {
  leases: LeaseProvider;
  /** How often a held lease is renewed while a window works (default 10 s). */
  renewEveryMs?: number;
}

const leaseName = (connectionId: string): string => `rotation-${connectionId}`;

export class RotationEngine {
  readonly saga: RotationSaga;

  constructor(private readonly deps: EngineDeps) {
    this.saga = new RotationSaga(deps);
  }

  #busy(connectionId: string): RotationReport {
    return { outcome: 'busy', connectionId, revoked: false };
  }

  /** Runs `task` holding the connection's lease; 'busy' when another window holds a live one. */
  async #withLease(connectionId: string, task: (lease: Pick<SagaControl, 'keepLease' | 'holdsLease'>) => Promise<RotationReport>): Promise<RotationReport> {
    const lease = await this.deps.leases.tryAcquire(leaseName(connectionId));
    if (!lease) {
      this.deps.log.info(`The rotation of connection ${connectionId} is handled by another window.`);
      return this.#busy(connectionId);
    }
    const timer = setInterval(() => void lease.renew().catch(() => undefined), this.deps.renewEveryMs ?? 10_000);
    timer.unref?.();
    try {
      return await task({ keepLease: () => lease.renew(), holdsLease: () => lease.holds() });
    } catch (error) {
      if (error instanceof RotationHalted) {
        this.deps.log.warn(`The lease on the rotation of connection ${connectionId} was lost: another window goes on.`);
        return this.#busy(connectionId);
      }
      throw error;
    } finally {
      clearInterval(timer);
      await lease.release().catch(() => undefined);
    }
  }

  /**
   * A rotation asked for by the user: an unfinished one of this connection is finished first;
   * else `plan` asks the user (inside the lease, so two windows never plan one rotation).
   */
  rotate(
    connectionId: string,
    plan: () => Promise<RotationPlan | RotationReport>,
    control: SagaControl,
    around: (run: (extra: Partial<SagaControl>) => Promise<RotationReport>) => Promise<RotationReport> = (run) => run({}),
  ): Promise<RotationReport> {
    return this.#withLease(connectionId, async (lease) => {
      const unfinished = await this.deps.journals.get(connectionId);
      if (unfinished) {
        this.deps.log.info(`Connection ${connectionId} has an unfinished rotation (step "${unfinished.step}"); finishing it first.`);
        return around((extra) => this.saga.resume(unfinished, { ...control, ...extra, resumed: true, ...lease }));
      }
      const planned = await plan();
      if ('outcome' in planned) {
        return planned;
      }
      return around((extra) => this.saga.start(planned, { ...control, ...extra, ...lease }));
    });
  }

  /** Finishes or rolls back every rotation that no live window is working on. */
  async recover(control: Omit<SagaControl, 'interactive' | 'resumed' | 'keepLease' | 'holdsLease'> = {}): Promise<RotationReport[]> {
    const reports: RotationReport[] = [];
    let journals: RotationJournal[];
    try {
      journals = await this.deps.journals.list();
    } catch (error) {
      // A locked keyring: nothing is known, so nothing is decided; looked at again later.
      this.deps.log.error('The unfinished token rotations could not be read; they are looked at again later', error);
      return [{ outcome: 'deferred', revoked: false, journalKept: true, errorKind: 'storageRead' }];
    }
    for (const seen of journals) {
      reports.push(
        await this.#withLease(seen.connectionId, async (lease) => {
          // Read again under the lease: the window that held it may have finished meanwhile.
          const journal = await this.deps.journals.get(seen.connectionId);
          if (!journal) {
            return { outcome: 'cancelled', connectionId: seen.connectionId, revoked: false };
          }
          this.deps.log.info(`Resuming the token rotation ${journal.id} of connection ${journal.connectionId}, left at step "${journal.step}".`);
          return this.saga.resume(journal, { ...control, interactive: false, resumed: true, ...lease });
        }),
      );
    }
    return reports;
  }

  /** Tries again to revoke the old token of a rotation whose last step failed. */
  retryRevocation(connectionId: string, control: SagaControl): Promise<RotationReport> {
    return this.#withLease(connectionId, async (lease) => {
      const journal = await this.deps.journals.get(connectionId);
      if (!journal || journal.step !== 'swapped') {
        return { outcome: 'cancelled', connectionId, revoked: false };
      }
      return this.saga.resume(journal, { ...control, ...lease });
    });
  }

  /** The user keeps the old token: the rotation is over, the old token stays valid. */
  keepOldToken(connectionId: string): Promise<RotationReport> {
    return this.#withLease(connectionId, async () => {
      const journal = await this.deps.journals.get(connectionId);
      if (journal) {
        await this.saga.keepOld(journal);
      }
      return { outcome: 'cancelled', connectionId, revoked: false };
    });
  }

  journal(connectionId: string): Promise<RotationJournal | undefined> {
    return this.deps.journals.get(connectionId);
  }

  journals(): Promise<RotationJournal[]> {
    return this.deps.journals.list();
  }
}
