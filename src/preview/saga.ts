// Creating a preview environment as a small saga: each step is recorded before its irreversible call,
// so a restart or a lost answer resumes it, or rolls it back, and never leaves an environment nobody
// knows of. A lease keeps two windows from creating the same branch's preview. No `vscode` here.
import { errorKind, isTransient } from '../api/errors';
import type { Lease, LeaseProvider } from '../auth/rotation/model';
import type { PreviewApi } from './api';
import { decideRecovery, deployBody, editBody, epochOf, madeByClone, previewName, previewNameBase, type PreviewJournal } from './model';

type Obj = Record<string, unknown>;

export interface PreviewJournalStore {
  get(key: string): PreviewJournal | undefined;
  list(): PreviewJournal[];
  save(journal: PreviewJournal): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface CreateRequest {
  /** journalKey(connection, project, repository, branch). */
  key: string;
  connectionId: string;
  organizationId: string;
  projectId: string;
  blueprintId: string;
  blueprintName: string;
  branch: string;
  /** The branch's pushed HEAD. */
  commitId: string;
  /** The names of the blueprint's services built from this repository: their copies are pointed at the branch. */
  pointNames: ReadonlySet<string>;
}

export type CreateOutcome =
  | { kind: 'created'; environmentId: string; name: string; pointed: string[]; deployed: boolean; deployError?: unknown }
  /** The branch's preview already exists: linked, nothing created. */
  | { kind: 'existing'; environmentId: string; name: string }
  /** Another window is creating this preview right now. */
  | { kind: 'busy' }
  /** This run lost its lease on the way (a step outlasted it): it stopped; the journal stays, so running it again goes on. */
  | { kind: 'interrupted'; name: string }
  /** An unfinished creation too old to resume, whose deletion the user declined: the environment is left as it is and forgotten. */
  | { kind: 'kept'; name: string; environmentId: string }
  /** The name is held by an environment this extension did not make; nothing was touched. */
  | { kind: 'conflict'; name: string }
  /**
   * It failed. `cleanup` says what became of an environment created on the way: deleted, or left
   * (then `name` names it, and the journal keeps it for the next start).
   */
  | { kind: 'failed'; error: unknown; step: string; cleanup: 'none' | 'deleted' | 'left'; name: string; environmentId?: string };

export interface SagaLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface SagaDeps {
  api: PreviewApi;
  journals: PreviewJournalStore;
  leases: LeaseProvider;
  now: () => number;
  log: SagaLog;
  /** Told after each step, for the progress notification. */
  report?: (step: 'clone' | 'point' | 'deploy', detail: string) => void;
  /**
   * Asked before an unfinished creation too old to resume is rolled back (its environment deleted);
   * without it the rollback goes on unasked (the user is creating the preview right now).
   */
  confirmRollback?: (journal: PreviewJournal, environmentId: string) => Promise<boolean>;
}

/** The answer was lost or the server failed: the call may or may not have taken effect. */
const mayHaveActed = (error: unknown): boolean => isTransient(error);

/** An environment of the project that builds this branch in PREVIEW mode, by the base name. */
async function findExisting(api: PreviewApi, branch: string, names: { id: string; name: string; mode?: string }[]): Promise<{ id: string; name: string } | undefined> {
  const base = previewNameBase(branch).toLowerCase();
  const candidates = names.filter((e) => e.mode === 'PREVIEW' && (e.name.toLowerCase() === base || e.name.toLowerCase().startsWith(`${base}-`)));
  for (const candidate of candidates) {
    const services = await api.services(candidate.id);
    if (services.some((s) => branchesOf(s).includes(branch))) {
      return candidate;
    }
  }
  return undefined;
}

/** The branches a service's git repository names, wherever its kind keeps it. */
export function branchesOf(service: unknown): string[] {
  const s = service && typeof service === 'object' ? (service as Obj) : {};
  const o = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
  const source = o(s.source);
  return [s.git_repository, o(source.docker).git_repository, o(source.git).git_repository, o(o(s.terraform_files_source).git).git_repository]
    .map((g) => o(g).branch)
    .filter((b): b is string => typeof b === 'string');
}

export class PreviewSaga {
  constructor(private readonly deps: SagaDeps) {}

  /** Creates the branch's preview, or links the one that exists; one window at a time per branch. */
  async create(request: CreateRequest): Promise<CreateOutcome> {
    const lease = await this.deps.leases.tryAcquire(`preview.${request.key}`);
    if (!lease) {
      return { kind: 'busy' };
    }
    try {
      return await this.#create(request, lease);
    } finally {
      await lease.release().catch(() => undefined);
    }
  }

  async #create(request: CreateRequest, lease: Lease): Promise<CreateOutcome> {
    const { api, journals } = this.deps;
    const environments = await api.environments(request.projectId);
    let journal = journals.get(request.key);
    if (journal) {
      // A creation left unfinished (a restart, another window that stopped): resume or roll back.
      const found = environments.find((e) => e.name.toLowerCase() === journal!.name.toLowerCase());
      const recovery = decideRecovery(journal, found && { environmentId: found.id, mode: found.mode, onBranch: false, createdAt: epochOf(found.createdAt) }, this.deps.now());
      this.deps.log.info(`Preview ${journal.name}: an unfinished creation (step ${journal.step}) is ${recovery.kind === 'resume' ? `resumed from ${recovery.from}` : recovery.kind}.`);
      switch (recovery.kind) {
        case 'conflict':
          await journals.clear(request.key);
          return { kind: 'conflict', name: journal.name };
        case 'rollback':
          if (this.deps.confirmRollback && !(await this.deps.confirmRollback(journal, recovery.environmentId))) {
            // Declined: the environment stays as it is, and the journal goes (the user was told its name).
            await journals.clear(request.key);
            return { kind: 'kept', name: journal.name, environmentId: recovery.environmentId };
          }
          if (!(await lease.renew())) {
            return { kind: 'interrupted', name: journal.name };
          }
          // Too old to finish: the failure is the abandonment itself (no request failed).
          return this.#rollback(journal, recovery.environmentId, undefined, 'resume');
        case 'resume':
          journal = { ...journal, environmentId: recovery.environmentId, step: recovery.from === 'deploy' ? 'pointed' : journal.step === 'cloning' ? 'cloned' : journal.step };
          if (!(await lease.renew())) {
            return { kind: 'interrupted', name: journal.name };
          }
          await this.#save(journal);
          return this.#finish(journal, request.pointNames, lease);
        case 'restart':
          await journals.clear(request.key);
          journal = undefined;
          break;
      }
    }
    // The list may have been slow: renew before the reads of findExisting and before the clone.
    if (!(await lease.renew())) {
      return { kind: 'interrupted', name: previewNameBase(request.branch) };
    }
    const existing = await findExisting(api, request.branch, environments);
    if (existing) {
      return { kind: 'existing', environmentId: existing.id, name: existing.name };
    }
    const name = previewName(request.branch, environments.map((e) => e.name));
    const now = this.deps.now();
    journal = {
      key: request.key,
      connectionId: request.connectionId,
      organizationId: request.organizationId,
      projectId: request.projectId,
      blueprintId: request.blueprintId,
      blueprintName: request.blueprintName,
      branch: request.branch,
      commitId: request.commitId,
      pointNames: [...request.pointNames],
      name,
      step: 'cloning',
      edited: [],
      startedAt: now,
      updatedAt: now,
    };
    if (!(await lease.renew())) {
      return { kind: 'interrupted', name };
    }
    await this.#save(journal);
    this.deps.report?.('clone', name);
    let environmentId: string;
    try {
      environmentId = (await api.clone(request.blueprintId, name)).id;
    } catch (error) {
      if (!mayHaveActed(error)) {
        await journals.clear(request.key);
        if (errorKind(error) === 'conflict') {
          return { kind: 'conflict', name };
        }
        return { kind: 'failed', error, step: 'clone', cleanup: 'none', name };
      }
      // The answer was lost: the clone may exist under our name.
      const sent = journal;
      const found = await api.environments(request.projectId).then(
        (list) => list.find((e) => e.name.toLowerCase() === name.toLowerCase() && madeByClone(sent, { mode: e.mode, createdAt: epochOf(e.createdAt) })),
        () => undefined,
      );
      if (!found) {
        // Not there (or not readable now): the journal stays, so the next run looks again.
        return { kind: 'failed', error, step: 'clone', cleanup: 'none', name };
      }
      this.deps.log.warn(`Preview ${name}: the clone's answer was lost, but the environment exists; going on with it.`);
      environmentId = found.id;
    }
    journal = { ...journal, step: 'cloned', environmentId };
    await this.#save(journal);
    return this.#finish(journal, request.pointNames, lease);
  }

  /** From `cloned` (or later): point the copies at the branch, then deploy. */
  async #finish(start: PreviewJournal, pointNames: ReadonlySet<string>, lease: Lease): Promise<CreateOutcome> {
    const { api } = this.deps;
    let journal = start;
    const environmentId = journal.environmentId!;
    // The clone (or the recovery's reads) may have outlasted the lease: renew before going on.
    if (!(await lease.renew())) {
      return { kind: 'interrupted', name: journal.name };
    }
    let services: Obj[];
    try {
      services = await api.services(environmentId);
    } catch (error) {
      return this.#rollback(journal, environmentId, error, 'point');
    }
    const pointed: string[] = [];
    if (journal.step === 'cloned' || journal.step === 'pointing') {
      for (const service of services) {
        if (typeof service.id !== 'string' || typeof service.name !== 'string' || !pointNames.has(service.name)) {
          continue;
        }
        const plan = editBody(service, journal.branch);
        if (plan.kind !== 'edit') {
          continue;
        }
        pointed.push(service.id);
        if (journal.edited.includes(service.id)) {
          continue;
        }
        if (!(await lease.renew())) {
          return { kind: 'interrupted', name: journal.name };
        }
        journal = { ...journal, step: 'pointing' };
        await this.#save(journal);
        this.deps.report?.('point', service.name);
        const serviceId = service.id;
        try {
          await api.editService(plan.serviceKind, serviceId, plan.body).catch(async (error: unknown) => {
            // A whole-body PUT is idempotent: once more after a lost answer.
            if (!mayHaveActed(error)) {
              throw error;
            }
            await api.editService(plan.serviceKind, serviceId, plan.body);
          });
        } catch (error) {
          return this.#rollback(journal, environmentId, error, 'point');
        }
        journal = { ...journal, edited: [...journal.edited, service.id] };
        await this.#save(journal);
      }
      journal = { ...journal, step: 'pointed' };
      await this.#save(journal);
    } else {
      pointed.push(...journal.edited);
    }
    // Deploy the branch's pushed HEAD on the copies pointed at it, the rest as the blueprint ran it.
    journal = { ...journal, step: 'deploying' };
    await this.#save(journal);
    this.deps.report?.('deploy', journal.commitId);
    let deployError: unknown;
    try {
      const fresh = await api.services(environmentId);
      await api.deployServices(environmentId, deployBody(fresh, new Set(pointed), journal.commitId));
    } catch (error) {
      deployError = error;
      if (mayHaveActed(error)) {
        // Lost answer: the statuses tell whether it started.
        const moving = await api.statuses(environmentId).then(
          (s) => [...s.applications, ...s.containers, ...s.jobs, ...s.databases, ...s.helms, ...s.terraforms].some((x) => /(ING|QUEUED)$/.test(String(x.state))),
          () => false,
        );
        if (moving) {
          deployError = undefined;
        }
      }
    }
    // The environment is whole (cloned and pointed at the branch) whether or not the deploy went out: done.
    await this.deps.journals.clear(journal.key);
    return { kind: 'created', environmentId, name: journal.name, pointed, deployed: deployError === undefined, deployError };
  }

  /** A failure after the clone: delete the half-made environment; if that fails too, keep the journal and name it. */
  async #rollback(journal: PreviewJournal, environmentId: string, error: unknown, step: string): Promise<CreateOutcome> {
    try {
      await this.deps.api.deleteEnvironment(environmentId);
    } catch (deleteError) {
      if (errorKind(deleteError) !== 'notFound') {
        this.deps.log.warn(`Preview ${journal.name}: it could not be deleted after a failure; it is left for the next start.`);
        await this.#save({ ...journal, environmentId });
        return { kind: 'failed', error, step, cleanup: 'left', name: journal.name, environmentId };
      }
    }
    await this.deps.journals.clear(journal.key);
    return { kind: 'failed', error, step, cleanup: 'deleted', name: journal.name, environmentId };
  }

  async #save(journal: PreviewJournal): Promise<void> {
    await this.deps.journals.save({ ...journal, updatedAt: this.deps.now() });
  }
}
