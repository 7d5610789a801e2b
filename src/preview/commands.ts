// Create Preview Environment for This Branch and Delete Preview Environment: the dialogs around the
// creation saga (saga.ts) and the delete. The decisions are in model.ts and saga.ts, free of `vscode`.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorKind, noIcons, QoveryApiError } from '../api/errors';
import type { SessionManager } from '../auth/session';
import { FileLeases, LayeredLeases, SharedLeases, type SharedStore } from '../auth/rotation/storage';
import { errorText } from '../format';
import type { IDisposable } from '../lifecycle';
import type { Logger } from '../logger';
import { isMovingState, POLL_MOVING_MS, type EnvironmentStatusService } from '../shared/environmentStatus';
import { gitApi } from '../shared/git';
import { runGit } from '../shared/gitRun';
import { askToSignIn, type Ui } from '../ui';
import type { FolderLink, LeftBranch } from '../workspace/links';
import type { ServiceCandidate } from '../workspace/match';
import type { ScanResult } from '../workspace/scan';
import { previewApiOf, type PreviewApi } from './api';
import { chooseBlueprint, journalKey, nightlyRuleBody, nightlyStop, type EnvironmentCandidate, type PreviewJournal } from './model';
import { MementoJournals } from './journals';
import { PreviewSaga, type CreateOutcome, type CreateRequest, type SagaDeps } from './saga';

/** The longest a new preview's deployment is followed. */
const FOLLOW_LIMIT_MS = 60 * 60_000;

export interface PreviewDeps {
  session: SessionManager;
  ui: Ui;
  log: Logger;
  globalState: vscode.Memento;
  storageDir: string;
  /** The workspace chunk's link and the shared status service (loaded on first use). */
  workspace(): {
    links: { links: readonly FolderLink[]; activeLink(): FolderLink | undefined; services(): Promise<ScanResult>; refresh(options?: { rescan?: boolean }): Promise<void> };
    statuses: EnvironmentStatusService;
  };
  /** Tests swap the clock of leases and journals. */
  now?: () => number;
}

/** The shared half of the lease, in globalState (it reaches windows whose extension host runs elsewhere). */
function mementoStore(memento: vscode.Memento): SharedStore {
  return {
    get: (key) => Promise.resolve(memento.get<string>(key)),
    store: async (key, value) => memento.update(key, value),
    delete: async (key) => memento.update(key, undefined),
  };
}

/** The preview's target from a tree row (an environment row) or the linked service. */
interface EnvironmentRef {
  organizationId: string;
  projectId: string;
  environmentId: string;
  environmentName?: string;
  environmentMode?: string;
}

function environmentRefOf(arg: unknown): EnvironmentRef | undefined {
  const a = (arg && typeof arg === 'object' ? arg : {}) as Record<string, unknown>;
  const environment = a.environment as Record<string, unknown> | undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  if (environment && str(a.organizationId) && str(a.projectId) && str(environment.id)) {
    return { organizationId: str(a.organizationId)!, projectId: str(a.projectId)!, environmentId: str(environment.id)!, environmentName: str(environment.name), environmentMode: str(environment.mode) };
  }
  if (str(a.organizationId) && str(a.projectId) && str(a.environmentId)) {
    return { organizationId: str(a.organizationId)!, projectId: str(a.projectId)!, environmentId: str(a.environmentId)!, environmentName: str(a.environmentName), environmentMode: str(a.environmentMode) };
  }
  return undefined;
}

/** The environments of the scan that build this folder's repository, with what they build. */
export function environmentsOfRepository(scan: readonly ServiceCandidate[], remoteKeys: ReadonlySet<string>): { candidates: EnvironmentCandidate[]; names: Map<string, Set<string>> } {
  const byId = new Map<string, EnvironmentCandidate>();
  const names = new Map<string, Set<string>>();
  for (const s of scan) {
    if (!s.repository || !remoteKeys.has(s.repository.key)) {
      continue;
    }
    let candidate = byId.get(s.environmentId);
    if (!candidate) {
      candidate = {
        organizationId: s.organizationId,
        projectId: s.projectId,
        projectName: s.projectName,
        environmentId: s.environmentId,
        environmentName: s.environmentName,
        mode: s.environmentMode,
        branches: [],
      };
      byId.set(s.environmentId, candidate);
      names.set(s.environmentId, new Set());
    }
    if (s.git.branch && !candidate.branches.includes(s.git.branch)) {
      candidate.branches.push(s.git.branch);
    }
    names.get(s.environmentId)!.add(s.serviceName);
  }
  return { candidates: [...byId.values()], names };
}

export class PreviewCommands implements IDisposable {
  readonly #journals: MementoJournals;
  readonly #leases: LayeredLeases;
  readonly #now: () => number;
  #running = false;
  #disposed = false;
  readonly #timers = new Set<ReturnType<typeof setInterval>>();

  constructor(private readonly deps: PreviewDeps) {
    this.#journals = new MementoJournals(deps.globalState);
    this.#now = deps.now ?? (() => Date.now());
    const clock = { now: this.#now };
    this.#leases = new LayeredLeases(new FileLeases(path.join(deps.storageDir, 'preview'), clock), new SharedLeases(mementoStore(deps.globalState), clock));
  }

  #saga(api: PreviewApi, report?: (message: string) => void, confirmRollback?: SagaDeps['confirmRollback']): PreviewSaga {
    return new PreviewSaga({
      api,
      confirmRollback,
      journals: this.#journals,
      leases: this.#leases,
      now: this.#now,
      log: { info: (m) => this.deps.log.info(m), warn: (m) => this.deps.log.warn(m) },
      report: (step, detail) => {
        const text =
          step === 'clone'
            ? vscode.l10n.t('cloning as {0}…', detail)
            : step === 'point'
              ? vscode.l10n.t('pointing {0} at the branch…', detail)
              : vscode.l10n.t('deploying {0}…', detail.slice(0, 7));
        this.deps.log.info(`Preview: ${text}`);
        report?.(text);
      },
    });
  }

  /** The folder to act for: the one given (a row of the view), the active one, else the first with a branch. */
  #folder(arg?: unknown): FolderLink | undefined {
    const { links } = this.deps.workspace();
    const given = arg && typeof arg === 'object' && 'uri' in arg ? links.links.find((l) => l.folder.uri.toString() === String(arg.uri)) : undefined;
    if (given?.local?.branch) {
      return given;
    }
    const active = links.activeLink();
    if (active?.local?.branch) {
      return active;
    }
    return links.links.find((l) => l.local?.branch && l.local.remotes.length > 0);
  }

  /** Qovery: Create Preview Environment for This Branch (for a folder of the view, or the active one). */
  async create(arg?: unknown): Promise<void> {
    const { ui, session, log } = this.deps;
    if (this.#running) {
      void ui.prompter.info(vscode.l10n.t('Qovery: a preview environment is being created already.'), {});
      return;
    }
    const client = await session.client();
    const connectionId = session.state.connection?.id;
    if (!client || !connectionId || session.state.status !== 'signedIn') {
      rejectedOrSignIn(ui, session.state);
      return;
    }
    const { links } = this.deps.workspace();
    await links.refresh();
    const folder = this.#folder(arg);
    const local = folder?.local;
    if (!folder || !local?.branch) {
      void ui.prompter.warn(vscode.l10n.t('Qovery: open a git repository on a branch (not a detached HEAD) to create its preview environment.'), {});
      return;
    }
    const branch = local.branch;
    const pushed = await this.#pushedHead(folder.folder.uri.fsPath, branch);
    if (pushed.kind !== 'pushed') {
      void ui.prompter.warn(
        pushed.kind === 'notPushed'
          ? vscode.l10n.t('Qovery: the branch "{0}" is not pushed: push it first, Qovery builds what it can read from your git provider.', branch)
          : vscode.l10n.t('Qovery: git could not tell the pushed commit of "{0}" ({1}).', branch, pushed.reason),
        {},
      );
      return;
    }
    let scan: ScanResult;
    try {
      scan = await links.services();
    } catch (error) {
      if (errorKind(error) === 'unauthorized') {
        throw error; // the registry confirms it and says the one token message
      }
      void ui.prompter.error(vscode.l10n.t('Qovery: the services of this repository could not be read: {0}', errorText(error)), {});
      return;
    }
    const remoteKeys = new Set(local.remotes.map((r) => r.key));
    const existing = scan.services.find((s) => s.environmentMode === 'PREVIEW' && s.git.branch === branch && s.repository && remoteKeys.has(s.repository.key));
    if (existing) {
      void ui.prompter.info(vscode.l10n.t('Qovery: the preview environment "{0}" already builds "{1}": the folder is linked to it.', existing.environmentName, branch), {});
      return;
    }
    const { candidates, names } = environmentsOfRepository(scan.services, remoteKeys);
    const defaultBranch = await this.#defaultBranch(folder.folder.uri.fsPath);
    const choice = chooseBlueprint(candidates, defaultBranch);
    if (choice.ordered.length === 0) {
      void ui.prompter.warn(vscode.l10n.t('Qovery: no environment builds this repository, so there is nothing to clone for a preview. Create one in the Qovery console first.'), {});
      return;
    }
    const items = choice.ordered.map((c) => ({
      label: c === choice.preselected ? `$(star-full) ${noIcons(c.environmentName)}` : c.mode === 'PRODUCTION' ? `$(warning) ${noIcons(c.environmentName)}` : noIcons(c.environmentName),
      description: `${c.projectName} · ${(c.mode ?? '').toLowerCase()}`,
      detail:
        defaultBranch && c.branches.includes(defaultBranch)
          ? vscode.l10n.t('builds {0} (the default branch); its services are copied, this one is never changed', defaultBranch)
          : vscode.l10n.t('builds {0}; its services are copied, this one is never changed', c.branches.join(', ')),
      candidate: c,
    }));
    const picked = await ui.prompter.quickPick(items, {
      title: vscode.l10n.t('Preview of "{0}": clone which environment?', branch),
      placeHolder: choice.preselected ? vscode.l10n.t('Enter clones {0}', choice.preselected.environmentName) : vscode.l10n.t('Production is never preselected: choose explicitly'),
    });
    if (!picked) {
      return;
    }
    const blueprint = picked.candidate;
    const request: CreateRequest = {
      key: journalKey(connectionId, blueprint.projectId, [...remoteKeys][0] ?? '', branch),
      connectionId,
      organizationId: blueprint.organizationId,
      projectId: blueprint.projectId,
      blueprintId: blueprint.environmentId,
      blueprintName: blueprint.environmentName,
      branch,
      commitId: pushed.sha,
      pointNames: names.get(blueprint.environmentId) ?? new Set(),
    };
    log.info(`Preview of ${branch}: cloning ${blueprint.environmentName} (${blueprint.environmentId}) in project ${blueprint.projectName}.`);
    const api = previewApiOf(client);
    this.#running = true;
    let outcome: CreateOutcome;
    try {
      outcome = await ui.prompter.progress(vscode.l10n.t('Qovery: creating the preview of {0}', branch), (_token, report) => this.#saga(api, report).create(request));
    } catch (error) {
      this.#running = false;
      throw error;
    }
    this.#running = false;
    await this.#after(outcome, api, request, blueprint.environmentName);
  }

  async #after(outcome: CreateOutcome, api: PreviewApi, request: Pick<CreateRequest, 'key' | 'branch' | 'organizationId' | 'projectId'>, blueprintName: string): Promise<void> {
    const { ui, log } = this.deps;
    const { links } = this.deps.workspace();
    switch (outcome.kind) {
      case 'existing':
        void links.refresh({ rescan: true });
        void ui.prompter.info(vscode.l10n.t('Qovery: the preview environment "{0}" already builds "{1}": the folder is linked to it.', outcome.name, request.branch), {});
        return;
      case 'busy':
        void ui.prompter.info(vscode.l10n.t('Qovery: another window is creating the preview of "{0}"; it will show here once made.', request.branch), {});
        this.#linkWhenDone(request.key);
        return;
      case 'conflict':
        void ui.prompter.error(vscode.l10n.t('Qovery: an environment named "{0}" exists and was not made for this branch; nothing was changed.', outcome.name), {});
        return;
      case 'interrupted':
        log.warn(`Preview ${outcome.name}: a step outlasted this window's lease; the creation stopped and its journal is kept.`);
        void ui.prompter.warn(vscode.l10n.t('Qovery: the creation of the preview of "{0}" was interrupted (Qovery answered slowly); run Create Preview again to go on.', request.branch), {});
        return;
      case 'kept':
        log.info(`Preview ${outcome.name}: an unfinished creation was too old to resume; the user kept the environment, the journal is dropped.`);
        void ui.prompter.info(
          vscode.l10n.t('Qovery: the unfinished preview environment "{0}" of "{1}" was left as it is and will not be asked about again; delete it from the Qovery view when you no longer need it.', outcome.name, request.branch),
          {},
        );
        return;
      case 'failed': {
        if (outcome.step === 'resume') {
          log.warn(`Preview ${outcome.name}: an unfinished creation was too old to resume; rolled back (cleanup: ${outcome.cleanup}).`);
          void ui.prompter.warn(
            outcome.cleanup === 'deleted'
              ? vscode.l10n.t('Qovery: the preview "{0}" of "{1}" was left unfinished more than a day ago; it was deleted. Run Create Preview again to make a new one.', outcome.name, request.branch)
              : vscode.l10n.t('Qovery: the preview "{0}" of "{1}" was left unfinished more than a day ago and could not be deleted: {2}', outcome.name, request.branch, errorText(outcome.error)),
            {},
          );
          return;
        }
        log.warn(`Preview ${outcome.name}: failed at ${outcome.step}: ${errorText(outcome.error)} (cleanup: ${outcome.cleanup}).`);
        const why = errorText(outcome.error);
        const text =
          outcome.cleanup === 'deleted'
            ? vscode.l10n.t('Qovery: the preview of "{0}" could not be made ({1}); the environment "{2}" created on the way was deleted.', request.branch, why, outcome.name)
            : outcome.cleanup === 'left'
              ? vscode.l10n.t('Qovery: the preview of "{0}" could not be made ({1}), and the environment "{2}" it created could not be deleted: run Create Preview again to finish it, or delete it.', request.branch, why, outcome.name)
              : vscode.l10n.t('Qovery: the preview of "{0}" could not be made: {1}', request.branch, why);
        void ui.prompter.error(text, {});
        return;
      }
      case 'created':
        break;
    }
    log.info(`Preview ${outcome.name}: created from ${blueprintName}, ${outcome.pointed.length} service(s) on ${request.branch}; deployed: ${outcome.deployed}.`);
    void links.refresh({ rescan: true });
    if (!outcome.deployed) {
      void ui.prompter.error(
        vscode.l10n.t('Qovery: the preview environment "{0}" was created, but its deployment could not be started: {1}', outcome.name, errorText(outcome.deployError)),
        {},
      );
      return;
    }
    // The nightly stop is offered beside the follow, never in its way.
    void this.#offerNightlyStop(api, outcome.environmentId, outcome.name);
    await this.#follow(api, outcome.environmentId, outcome.name);
  }

  /** After "busy": once the other window's journal is gone, scan again so this folder links to the preview it made (no request meanwhile). */
  #linkWhenDone(key: string): void {
    let checks = 0;
    const timer = setInterval(() => {
      checks++;
      if (this.#disposed || checks > 60) {
        clearInterval(timer);
        return;
      }
      if (!this.#journals.get(key)) {
        clearInterval(timer);
        void this.deps.workspace().links.refresh({ rescan: true });
      }
    }, 5_000);
    this.#timers.add(timer);
  }

  async #offerNightlyStop(api: PreviewApi, environmentId: string, name: string): Promise<void> {
    const { ui, log } = this.deps;
    const stopNightly = vscode.l10n.t('Stop Nightly');
    const answer = await ui.prompter.info(
      vscode.l10n.t('Qovery: the preview "{0}" runs until deleted. Stop it at night (20:00 to 08:00, and weekends) to save costs?', name),
      {},
      stopNightly,
      vscode.l10n.t('Keep Running'),
    );
    if (answer !== stopNightly) {
      return;
    }
    try {
      const rule = await api.deploymentRule(environmentId);
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      await api.editDeploymentRule(environmentId, String(rule.id), nightlyRuleBody(rule, nightlyStop(zone)));
      void ui.prompter.info(vscode.l10n.t('Qovery: "{0}" stops at 20:00 and starts at 08:00 on weekdays.', name), {});
    } catch (error) {
      log.warn(`Preview ${name}: the nightly stop could not be set: ${errorText(error)}`);
      void ui.prompter.error(vscode.l10n.t('Qovery: the nightly stop of "{0}" could not be set: {1}', name, errorText(error)), {});
    }
  }

  /** Follows the new preview's deployment to its end through the shared status service, then shows its URLs. */
  async #follow(api: PreviewApi, environmentId: string, name: string): Promise<void> {
    const { ui, log } = this.deps;
    const { statuses } = this.deps.workspace();
    const started = this.#now();
    const result = await ui.prompter.progress(
      vscode.l10n.t('Qovery: deploying the preview {0}', name),
      async (token, report) => {
        let seenMoving = false;
        while (!token.isCancellationRequested && this.#now() - started < FOLLOW_LIMIT_MS) {
          let all: { state?: string; name?: string }[] = [];
          try {
            const s = await statuses.fetch(environmentId);
            all = [...s.applications, ...s.containers, ...s.jobs, ...s.databases, ...s.helms, ...s.terraforms];
          } catch (error) {
            if (errorKind(error) === 'notFound') {
              return 'gone' as const;
            }
          }
          const moving = all.filter((x) => isMovingState(x.state));
          if (moving.length > 0) {
            seenMoving = true;
            report(vscode.l10n.t('{0} of {1} services still deploying', moving.length, all.length));
          } else if (seenMoving || all.some((x) => x.state !== 'READY')) {
            return all.some((x) => String(x.state).endsWith('_ERROR')) ? ('failed' as const) : ('deployed' as const);
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MOVING_MS));
        }
        return 'stopped' as const;
      },
      { cancellable: true },
    );
    log.info(`Preview ${name}: deployment ${result}.`);
    if (result === 'failed') {
      void ui.prompter.error(vscode.l10n.t('Qovery: the preview "{0}" did not deploy cleanly: see its services in the Qovery view.', name), {});
      return;
    }
    if (result !== 'deployed') {
      return;
    }
    const urls = await this.#urls(api, environmentId);
    const open = vscode.l10n.t('Open');
    const answer = await ui.prompter.info(
      urls.length > 0 ? vscode.l10n.t('Qovery: the preview "{0}" is running: {1}', name, urls.join(' ')) : vscode.l10n.t('Qovery: the preview "{0}" is running.', name),
      {},
      ...(urls.length > 0 ? [open] : []),
    );
    if (answer === open && urls[0]) {
      void vscode.env.openExternal(vscode.Uri.parse(urls[0]));
    }
  }

  async #urls(api: PreviewApi, environmentId: string): Promise<string[]> {
    try {
      const services = await api.services(environmentId);
      const apps = services.filter((s) => s.service_type === 'APPLICATION' && typeof s.id === 'string').slice(0, 5);
      const lists = await Promise.all(apps.map((s) => api.applicationLinks(String(s.id)).catch(() => [])));
      return [...new Set(lists.flat())];
    } catch {
      return [];
    }
  }

  /** The commit of `origin/<branch>` (what Qovery can build), read with git from the folder. */
  async #pushedHead(cwd: string, branch: string): Promise<{ kind: 'pushed'; sha: string } | { kind: 'notPushed' } | { kind: 'unknown'; reason: string }> {
    const git = await gitApi().catch(() => undefined);
    const run = await runGit(git?.git?.path, cwd, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}^{commit}`]);
    if (run.kind === 'unavailable') {
      return { kind: 'unknown', reason: run.reason };
    }
    const sha = run.stdout.trim();
    return run.code === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? { kind: 'pushed', sha } : { kind: 'notPushed' };
  }

  /** origin's default branch (`refs/remotes/origin/HEAD`), else main or master when one exists there. */
  async #defaultBranch(cwd: string): Promise<string | undefined> {
    const git = await gitApi().catch(() => undefined);
    const head = await runGit(git?.git?.path, cwd, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']);
    if (head.kind === 'ran' && head.code === 0) {
      return head.stdout.trim().replace(/^refs\/remotes\/origin\//, '') || undefined;
    }
    for (const name of ['main', 'master']) {
      const run = await runGit(git?.git?.path, cwd, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${name}`]);
      if (run.kind === 'ran' && run.code === 0) {
        return name;
      }
    }
    return undefined;
  }

  /** Qovery: Delete Preview Environment: a tree row's environment or the linked one; only a preview. */
  async delete(arg?: unknown): Promise<void> {
    const { ui, session, log } = this.deps;
    const client = await session.client();
    if (!client || session.state.status !== 'signedIn') {
      rejectedOrSignIn(ui, session.state);
      return;
    }
    let target = environmentRefOf(arg);
    if (!target) {
      const linked = this.deps.workspace().links.activeLink()?.link;
      target = linked && {
        organizationId: linked.organizationId,
        projectId: linked.projectId,
        environmentId: linked.environmentId,
        environmentName: linked.environmentName,
        environmentMode: linked.environmentMode,
      };
    }
    if (!target) {
      void ui.prompter.info(vscode.l10n.t('Qovery: no preview environment is linked to this folder. Run it from a preview environment in the Qovery view.'), {});
      return;
    }
    const api = previewApiOf(client);
    // The mode is read again: a row or a scan may be old, and only a preview may be deleted here.
    const environment = (await api.environments(target.projectId)).find((e) => e.id === target.environmentId);
    if (!environment) {
      void ui.prompter.info(vscode.l10n.t('Qovery: this environment does not exist any more.'), {});
      void this.deps.workspace().links.refresh({ rescan: true });
      return;
    }
    if (environment.mode !== 'PREVIEW') {
      void ui.prompter.warn(vscode.l10n.t('Qovery: "{0}" is a {1} environment, not a preview: it is never deleted from here.', environment.name, (environment.mode ?? '').toLowerCase()), {});
      return;
    }
    const services = await api.services(environment.id);
    const serviceNames = services.map((s) => (typeof s.name === 'string' ? s.name : '')).filter(Boolean);
    const remove = vscode.l10n.t('Delete');
    const answer = await ui.prompter.warn(
      vscode.l10n.t('Delete the preview environment "{0}"?', environment.name),
      {
        modal: true,
        detail:
          serviceNames.length > 0
            ? vscode.l10n.t('Its {0} services are deleted with it: {1}. Databases lose their data. This cannot be undone.', serviceNames.length, serviceNames.join(', '))
            : vscode.l10n.t('It has no services. This cannot be undone.'),
      },
      remove,
    );
    if (answer !== remove) {
      return;
    }
    try {
      await api.deleteEnvironment(environment.id);
    } catch (error) {
      if (errorKind(error) !== 'notFound') {
        void ui.prompter.error(vscode.l10n.t('Qovery: the preview "{0}" could not be deleted: {1}', environment.name, errorText(error)), {});
        return;
      }
    }
    log.info(`Preview ${environment.name} (${environment.id}) deleted.`);
    void this.deps.workspace().links.refresh({ rescan: true });
    void ui.prompter.info(vscode.l10n.t('Qovery: the preview environment "{0}" is being deleted.', environment.name), {});
  }

  /**
   * A folder left a branch that a preview builds: when the branch's upstream is gone (deleted after a
   * merge, then pruned, or `gh pr merge --delete-branch`), its preview is offered for deletion. Nothing
   * is asked while the branch still exists on the remote.
   */
  async offerDeleteAfterLeaving(left: LeftBranch): Promise<void> {
    const { ui, log } = this.deps;
    const cwd = left.folder.uri.fsPath;
    const git = await gitApi().catch(() => undefined);
    const upstream = await runGit(git?.git?.path, cwd, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${left.branch}`]);
    if (upstream.kind !== 'ran' || upstream.code === 0) {
      return;
    }
    const local = await runGit(git?.git?.path, cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${left.branch}`]);
    const environments = [...new Map(left.previews.map((p) => [p.environmentId, p])).values()];
    for (const preview of environments) {
      log.info(`Preview ${preview.environmentName}: the branch ${left.branch} is gone from the remote; offering to delete the preview.`);
      const offer = vscode.l10n.t('Delete Preview…');
      const answer = await ui.prompter.info(
        local.kind === 'ran' && local.code === 0
          ? vscode.l10n.t('Qovery: the branch "{0}" is gone from the remote (merged?). Delete its preview environment "{1}"?', left.branch, preview.environmentName)
          : vscode.l10n.t('Qovery: the branch "{0}" is deleted. Delete its preview environment "{1}"?', left.branch, preview.environmentName),
        {},
        offer,
      );
      if (answer === offer) {
        await this.delete({ organizationId: preview.organizationId, projectId: preview.projectId, environmentId: preview.environmentId, environmentName: preview.environmentName, environmentMode: preview.environmentMode });
      }
    }
  }

  /** Creations a previous run left unfinished, for this connection: resumed or rolled back, in the background. */
  async recover(): Promise<void> {
    const { session, log } = this.deps;
    const connectionId = session.state.connection?.id;
    const client = await session.client();
    if (!client || !connectionId) {
      return;
    }
    for (const journal of this.#journals.list().filter((j) => j.connectionId === connectionId)) {
      log.info(`Preview ${journal.name}: finishing a creation a previous run left at ${journal.step}.`);
      const api = previewApiOf(client);
      const request: CreateRequest = { ...journal, pointNames: new Set(journal.pointNames) };
      // At start nobody asked for this: deleting an environment waits for the user's yes.
      const outcome = await this.#saga(api, undefined, (j) => this.#confirmRollback(j)).create(request);
      if (outcome.kind === 'busy') {
        // Another window is at it (the journal is shared): it reports the outcome itself.
        continue;
      }
      await this.#after(outcome, api, journal, journal.blueprintName);
    }
  }

  /** The modal before an old unfinished creation's environment is deleted at start. */
  async #confirmRollback(journal: PreviewJournal): Promise<boolean> {
    const remove = vscode.l10n.t('Delete Environment');
    const answer = await this.deps.ui.prompter.warn(
      vscode.l10n.t('Qovery: the preview environment "{0}" of "{1}" was left unfinished more than a day ago. Delete it?', journal.name, journal.branch),
      { modal: true, detail: vscode.l10n.t('It was cloned from "{0}" by this extension and never finished. Cancel leaves it as it is, and it is not asked about again.', journal.blueprintName) },
      remove,
    );
    return answer === remove;
  }

  dispose(): void {
    // A running creation ends on its own, and its journal stays for the next start.
    this.#disposed = true;
    for (const timer of this.#timers) {
      clearInterval(timer);
    }
  }
}

/** Not signed in: a token Qovery rejected is thrown to the registry's one token message; otherwise Sign In is offered. */
function rejectedOrSignIn(ui: Ui, state: { status: string; error?: Error }): void {
  if (state.status === 'invalidToken') {
    throw state.error ?? new QoveryApiError('unauthorized');
  }
  askToSignIn(ui);
}
