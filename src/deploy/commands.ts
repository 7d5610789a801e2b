// Deploy, Redeploy, Restart Service, Stop, the environment actions, Cancel Deployment, Deployment
// History and Open Service URL. Each acts on the row it was called from, a variables target, or the
// workspace's linked service; it follows what it started through the environment status service.
import * as vscode from 'vscode';
import type * as Q from 'qovery-typescript-axios';
import type { QoveryClient } from '../api/client';
import type { EnvironmentServiceStatuses } from '../api/types';
import { cleanMessage, errorKind, isTransient } from '../api/errors';
import { getServiceStatuses, listEnvironments, listServices } from '../api/explorer';
import type { SessionManager } from '../auth/session';
import { Commands, executeCommand } from '../contributions';
import { errorText } from '../format';
import type { IDisposable } from '../lifecycle';
import type { Logger } from '../logger';
import { stateLabel } from '../tree/present';
import { askToSignIn, type Ui } from '../ui';
import type { EnvironmentStatusService } from '../shared/environmentStatus';
import { gitApi } from '../shared/git';
import { treeState, type TreeState } from '../shared/gitRun';
import type { FolderLink } from '../workspace/links';
import { isMovingState, POLL_MOVING_MS } from '../shared/environmentStatus';
import { followProgressText, type FollowIds } from '../shared/deploymentStreams';
import type { QoveryNode } from '../tree/nodes';
import { buildSourceOf, EnvironmentModes, isProductionLike, type BuildSource } from './actions';
import { DeployApi, type ActionStatus } from './api';
import { DeploymentEntryNode } from './nodes';
import { environmentTargetOf, serviceTargetOf } from './targets';
import {
  allServiceStatuses,
  chooseCommit,
  commitText,
  deployBody,
  environmentOutcome,
  environmentStep,
  failureText,
  FOLLOW_SETTLE_MS,
  followStep,
  hasLinks,
  hasStarted,
  historyRow,
  isErrorState,
  serviceStatusIn,
  shortSha,
  statusesBefore,
  stepText,
  verbsOf,
  type DeployTarget,
  type EnvironmentTarget,
  type EnvironmentVerb,
  type FailureExplanation,
  type HistoryRow,
  type ServiceVerb,
  type StatusesBefore,
} from './model';

export interface DeployDeps {
  session: SessionManager;
  ui: Ui;
  log: Logger;
  /** The workspace chunk's link and status service (loaded on first use). */
  workspace(): { links: { activeLink(): FolderLink | undefined; refresh(): Promise<void>; refreshDeployedCommits?(environmentId: string): Promise<void> }; statuses: EnvironmentStatusService };
  /** Qovery's own explanation of a failed deployment, from its log (the logs chunk). */
  explain?(args: DeploymentLogsArgs): Promise<FailureExplanation | undefined>;
}

/** The one argument Show Deployment Logs (the logs feature) takes. */
export interface DeploymentLogsArgs {
  organizationId: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  serviceName: string;
  executionId: string;
}

/** Whether the folder has uncommitted changes to tracked files, asked of the git VS Code runs (`git.path`). */
async function workingTree(folder: string): Promise<TreeState> {
  const git = await gitApi().catch(() => undefined);
  return treeState(git?.git?.path, folder);
}

/** Why a working tree could not be checked, for the question asked instead. */
function uncheckedReason(state: TreeState): string {
  switch (state.kind === 'unknown' ? state.reason : 'failed') {
    case 'noGit':
      return vscode.l10n.t('git is not available in VS Code');
    case 'notFound':
      return vscode.l10n.t('the git executable was not found');
    case 'timeout':
      return vscode.l10n.t('git did not answer in time');
    case 'notRepository':
      return vscode.l10n.t('git does not see a repository there');
    default:
      return vscode.l10n.t('git could not run');
  }
}

/** Refreshes asked for while a deployment does not show yet (3 s apart). */
const NUDGES = 10;

/** The longest an action waits for the statuses read just before it. */
const BEFORE_READ_MS = 5_000;

const VERB_TITLES = (): Record<ServiceVerb, string> => ({
  deploy: vscode.l10n.t('Deploy'),
  redeploy: vscode.l10n.t('Redeploy'),
  'restart-service': vscode.l10n.t('Restart'),
  stop: vscode.l10n.t('Stop'),
});

const environmentVerbTitle = (verb: EnvironmentVerb): string => (verb === 'stop' ? vscode.l10n.t('Stop') : verb === 'redeploy' ? vscode.l10n.t('Redeploy') : vscode.l10n.t('Deploy'));

/**
 * A failure after which Qovery may have acted all the same: a 5xx, or an answer lost on the way (a
 * reset, a timeout). Not one where the request never left (DNS, refused, TLS, proxy).
 */
function answerUnknown(error: unknown): boolean {
  const kind = errorKind(error);
  if (kind === 'server' || kind === 'timeout') {
    return true;
  }
  const cause = (error as { networkCause?: unknown }).networkCause;
  return kind === 'network' && (cause === 'reset' || cause === 'unknown' || cause === undefined);
}

/** Whether the last statuses answer shows something moving (the status service then polls every 3 s itself). */
const statusesMove = (answer: EnvironmentServiceStatuses | undefined): boolean => answer !== undefined && allServiceStatuses(answer).some((s) => isMovingState(s.state));

export class DeployCommands implements IDisposable {
  /** Services (and environments) with an action being sent: a second click does nothing. */
  readonly #inFlight = new Set<string>();
  readonly #follows = new Set<IDisposable>();
  /** Environment modes read by this feature (a tree row or a scan may be hours old). */
  readonly #modes = new EnvironmentModes();

  readonly #connection: IDisposable;

  constructor(private readonly deps: DeployDeps) {
    this.#connection = deps.session.onDidChangeConnection(() => this.#modes.clear());
  }

  /** Deployments being followed now (tests wait for them to end). */
  get following(): number {
    return this.#follows.size;
  }

  dispose(): void {
    this.#connection.dispose();
    for (const f of this.#follows) {
      f.dispose();
    }
    this.#follows.clear();
  }

  // --- targets ---------------------------------------------------------------------------------

  #linked(): { target: DeployTarget; folder: FolderLink } | undefined {
    const folder = this.deps.workspace().links.activeLink();
    const target = folder?.status === 'linked' ? serviceTargetOf(folder.link) : undefined;
    return target && folder ? { target, folder } : undefined;
  }

  async #serviceTarget(arg: unknown): Promise<{ target: DeployTarget; folder?: FolderLink } | undefined> {
    const given = serviceTargetOf(arg);
    if (given) {
      const linked = this.#linked();
      return { target: given, folder: linked?.target.serviceId === given.serviceId ? linked.folder : undefined };
    }
    await this.deps.workspace().links.refresh();
    const linked = this.#linked();
    if (!linked) {
      void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: this workspace is not linked to a service. Link it (Qovery: Link Workspace to Service) or use the Qovery view.'), {});
    }
    return linked;
  }

  async #environmentTarget(arg: unknown): Promise<EnvironmentTarget | undefined> {
    const given = environmentTargetOf(arg);
    if (given) {
      return given;
    }
    return (await this.#serviceTarget(undefined))?.target;
  }

  async #client(): Promise<QoveryClient | undefined> {
    const client = await this.deps.session.client();
    if (!client) {
      askToSignIn(this.deps.ui);
    }
    return client;
  }

  /**
   * The environment's name and mode as Qovery says now: what the caller knew (a tree row, a workspace
   * scan) may be hours old, so the mode is read again unless this feature read it in the last minutes.
   */
  async #withEnvironment<T extends EnvironmentTarget>(client: QoveryClient, target: T): Promise<T> {
    let facts = this.#modes.fresh(target.environmentId);
    if (!facts) {
      const environment = (await listEnvironments(client, target.projectId)).find((e) => e.id === target.environmentId);
      facts = { name: environment?.name, mode: typeof environment?.mode === 'string' ? environment.mode : undefined };
      if (environment) {
        this.#modes.remember(target.environmentId, facts);
      }
    }
    // Not found in its project: the mode stays unknown (and is confirmed as production).
    return { ...target, environmentName: facts.name ?? target.environmentName, environmentMode: facts.mode };
  }

  /** Runs `task` unless one runs for `key` already. */
  async #once<T>(key: string, task: () => Promise<T>): Promise<T | undefined> {
    if (this.#inFlight.has(key)) {
      this.deps.log.info(`Deploy: an action on ${key} is already being sent; this one is ignored.`);
      return undefined;
    }
    this.#inFlight.add(key);
    try {
      return await task();
    } finally {
      this.#inFlight.delete(key);
    }
  }

  // --- service actions -------------------------------------------------------------------------

  deploy(arg?: unknown, commitId?: string): Promise<void> {
    return this.#serviceAction('deploy', arg, commitId);
  }

  redeploy(arg?: unknown): Promise<void> {
    return this.#serviceAction('redeploy', arg);
  }

  restart(arg?: unknown): Promise<void> {
    return this.#serviceAction('restart-service', arg);
  }

  stop(arg?: unknown): Promise<void> {
    return this.#serviceAction('stop', arg);
  }

  async #serviceAction(verb: ServiceVerb, arg: unknown, commitId?: string): Promise<void> {
    const found = await this.#serviceTarget(arg);
    if (!found) {
      return;
    }
    const { folder } = found;
    await this.#once(found.target.serviceId, async () => {
      if (!verbsOf(found.target.serviceType).includes(verb)) {
        void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: a {0} has no "{1}" action.', found.target.serviceType.toLowerCase(), VERB_TITLES()[verb]), {});
        return;
      }
      const client = await this.#client();
      if (!client) {
        return;
      }
      const api = new DeployApi(client);
      let target: DeployTarget;
      try {
        target = await this.#withEnvironment(client, found.target);
      } catch (error) {
        this.#failed(error, found.target.serviceName);
        return;
      }
      let choice: { commitId?: string; imageTag?: string; what?: string } = {};
      if (verb === 'deploy') {
        const chosen = commitId ? { commitId, what: shortSha(commitId) } : await this.#chooseVersion(api, client, target, folder);
        if (!chosen) {
          return;
        }
        choice = chosen;
      }
      const version = choice.commitId ? vscode.l10n.t('Commit: {0}', choice.what ?? shortSha(choice.commitId)) : choice.imageTag ? vscode.l10n.t('Image tag: {0}', choice.imageTag) : undefined;
      if (!(await this.#confirm(verb, target, version))) {
        return;
      }
      const body = verb === 'deploy' ? deployBody(target.serviceType, choice) : undefined;
      await this.#sendServiceAction(target, verb, choice.what, () => api.serviceAction(target.serviceType, target.serviceId, verb, body));
    });
  }

  /** What the service is built from: known from a tree row, else read from the environment's services. */
  async #buildSource(client: QoveryClient, target: DeployTarget): Promise<BuildSource | undefined> {
    if (target.buildSource) {
      return target.buildSource;
    }
    if (target.serviceType === 'APPLICATION' || target.serviceType === 'DATABASE') {
      return buildSourceOf(target.serviceType, {});
    }
    const service = (await listServices(client, target.environmentId)).find((s) => s.id === target.serviceId);
    return buildSourceOf(target.serviceType, service);
  }

  /** The commit (or image tag) a deploy sends; undefined when the user gave up. */
  async #chooseVersion(api: DeployApi, client: QoveryClient, target: DeployTarget, folder: FolderLink | undefined): Promise<{ commitId?: string; imageTag?: string; what?: string } | undefined> {
    const p = this.deps.ui.prompter;
    let source: BuildSource | undefined;
    try {
      source = await this.#buildSource(client, target);
    } catch (error) {
      this.#failed(error, target.serviceName);
      return undefined;
    }
    switch (source?.kind) {
      case 'git':
        return this.#chooseCommit(api, target, folder);
      case 'image': {
        // The tag it runs is offered; a container needs one, an image job may keep its own (empty).
        const tag = await p.inputBox({
          title: vscode.l10n.t('Qovery: deploy {0}', target.serviceName),
          prompt: target.serviceType === 'CONTAINER' ? vscode.l10n.t('The image tag to deploy') : vscode.l10n.t('The image tag to deploy (empty: the current one)'),
          value: source.tag,
          ignoreFocusOut: true,
          validateInput: (v) => (target.serviceType === 'CONTAINER' && v.trim() === '' ? vscode.l10n.t('Enter an image tag.') : undefined),
        });
        if (tag === undefined) {
          return undefined;
        }
        return { imageTag: tag.trim() || undefined, what: tag.trim() ? vscode.l10n.t('tag {0}', tag.trim()) : undefined };
      }
      case undefined:
        if (target.serviceType === 'CONTAINER') {
          void p.warn(vscode.l10n.t('Qovery: could not read which image {0} runs.', target.serviceName), {});
          return undefined;
        }
        return {};
      default:
        return {};
    }
  }

  /**
   * The commit a git-built service (application, git job, helm from git, terraform) deploys: HEAD when
   * the workspace is linked to it, Qovery sees it and the tree is clean; otherwise the user decides.
   */
  async #chooseCommit(api: DeployApi, target: DeployTarget, folder: FolderLink | undefined): Promise<{ commitId?: string; what?: string } | undefined> {
    const p = this.deps.ui.prompter;
    let commits: Q.Commit[];
    try {
      commits = await p.progress(vscode.l10n.t('Qovery: reading the commits Qovery sees…'), () => api.commits(target.serviceType, target.serviceId));
    } catch (error) {
      this.#failed(error, target.serviceName);
      return undefined;
    }
    const tree = folder?.head ? await workingTree(folder.folder.uri.fsPath) : undefined;
    if (tree?.kind === 'unknown') {
      this.deps.log.warn(`Deploy: the working tree of ${folder?.folder.name ?? ''} could not be checked (${tree.reason}).`);
    }
    const decided = chooseCommit(folder?.head, tree === undefined ? false : tree.kind === 'unknown' ? 'unknown' : tree.kind === 'dirty', commits);
    const useLatest = (latest: Q.Commit | undefined) => (latest ? vscode.l10n.t('Deploy {0}', commitText(latest)) : undefined);
    switch (decided.kind) {
      case 'head':
        return { commitId: decided.commit.git_commit_id, what: commitText(decided.commit) };
      case 'dirty':
      case 'unchecked': {
        const head = vscode.l10n.t('Deploy HEAD {0}', shortSha(decided.head.git_commit_id));
        const latest = useLatest(decided.latest);
        const message =
          decided.kind === 'dirty'
            ? vscode.l10n.t('Qovery: the working tree has uncommitted changes; they are not deployed. Qovery can deploy the committed HEAD {0}.', commitText(decided.head))
            : vscode.l10n.t(
                'Qovery: the working tree could not be checked for uncommitted changes ({0}); any there are not deployed. Qovery can deploy the committed HEAD {1}.',
                uncheckedReason(tree ?? { kind: 'unknown', reason: 'failed' }),
                commitText(decided.head),
              );
        const answer = await p.warn(message, { modal: true }, ...[head, latest].filter((a): a is string => a !== undefined));
        return answer === head ? { commitId: decided.head.git_commit_id, what: commitText(decided.head) } : answer && decided.latest ? { commitId: decided.latest.git_commit_id, what: commitText(decided.latest) } : undefined;
      }
      case 'notVisible': {
        const latest = useLatest(decided.latest);
        const branch = folder?.link?.git.branch;
        const answer = await p.warn(
          branch
            ? vscode.l10n.t('Qovery: HEAD {0} is not among the commits Qovery sees on branch {1}: push it first.', shortSha(decided.head), branch)
            : vscode.l10n.t('Qovery: HEAD {0} is not among the commits Qovery sees: push it first.', shortSha(decided.head)),
          {},
          ...(latest ? [latest] : []),
        );
        return answer && decided.latest ? { commitId: decided.latest.git_commit_id, what: commitText(decided.latest) } : undefined;
      }
      case 'noHead': {
        if (commits.length === 0) {
          void p.warn(vscode.l10n.t('Qovery: Qovery sees no commit on the branch of {0}.', target.serviceName), {});
          return undefined;
        }
        const picked = await p.quickPick(
          commits.map((c) => ({ label: commitText(c), description: [c.author_name, c.created_at ? new Date(c.created_at).toLocaleString() : ''].filter(Boolean).join(' · '), commit: c })),
          { title: vscode.l10n.t('Qovery: deploy which commit of {0}?', target.serviceName), placeHolder: vscode.l10n.t('The commits Qovery sees on the service\'s branch, newest first') },
        );
        return picked && { commitId: picked.commit.git_commit_id, what: commitText(picked.commit) };
      }
    }
  }

  /** A modal confirmation for production (service, environment, commit) and for every Stop. */
  async #confirm(verb: ServiceVerb | EnvironmentVerb | 'cancel', target: EnvironmentTarget & { serviceName?: string }, version?: string): Promise<boolean> {
    // Any mode not known to be safe (PRODUCTION in any spelling, a new mode, one that could not be read)
    // is confirmed: asking once too often is the safe side.
    const production = isProductionLike(target.environmentMode);
    if (!production && verb !== 'stop') {
      return true;
    }
    const environment = target.environmentName ?? target.environmentId;
    const subject = target.serviceName ? vscode.l10n.t('{0} in {1}', target.serviceName, environment) : vscode.l10n.t('the environment {0}', environment);
    const button = verb === 'cancel' ? vscode.l10n.t('Cancel Deployment') : verb === 'restart-service' ? vscode.l10n.t('Restart') : verb === 'stop' ? vscode.l10n.t('Stop') : verb === 'redeploy' ? vscode.l10n.t('Redeploy') : vscode.l10n.t('Deploy');
    const lines = [
      production ? vscode.l10n.t('{0} {1} ({2})?', button, subject, target.environmentMode ?? vscode.l10n.t('mode unknown')) : vscode.l10n.t('{0} {1}?', button, subject),
      version,
      verb === 'stop' ? vscode.l10n.t('Stopped services do not serve anyone until they are deployed again.') : undefined,
    ].filter(Boolean);
    const answer = await this.deps.ui.prompter.warn(vscode.l10n.t('Qovery: {0}', lines.join('\n')), { modal: true }, button);
    return answer === button;
  }

  /** A refused POST: 409 (something runs), 403 (the role), or anything else. Auth changes only on a 401. */
  async #refused(error: unknown, target: EnvironmentTarget & { serviceName?: string }): Promise<void> {
    const p = this.deps.ui.prompter;
    const kind = errorKind(error);
    this.deps.log.warn(`Deploy: the action on ${target.serviceName ?? target.environmentId} was refused: ${errorText(error)}`);
    if (kind === 'conflict') {
      const follow = vscode.l10n.t('Follow');
      const cancel = vscode.l10n.t('Cancel Deployment');
      const answer = await p.warn(vscode.l10n.t('Qovery: a deployment is already running in {0}.', target.environmentName ?? target.environmentId), {}, follow, cancel);
      if (answer === follow) {
        void this.followEnvironment(target, undefined);
      } else if (answer === cancel) {
        await this.cancel(target);
      }
      return;
    }
    if (kind === 'forbidden') {
      void p.error(vscode.l10n.t("Qovery: the token's role may not deploy in {0} (403).", target.environmentName ?? target.environmentId), {});
      return;
    }
    this.#failed(error, target.serviceName ?? target.environmentName ?? target.environmentId);
  }

  #failed(error: unknown, what: string): void {
    if (errorKind(error) === 'cancelled') {
      return;
    }
    this.deps.log.error(`Deploy: ${what} failed`, error);
    void this.deps.ui.prompter.error(vscode.l10n.t('Qovery: {0}', errorText(error)), {});
    this.deps.session.reportFailure(error);
  }

  // --- following -------------------------------------------------------------------------------

  /**
   * The statuses just before an action is sent: a deployment that begins must differ from them (a
   * moving state or another execution id). A read that fails or takes more than a few seconds does not
   * hold the action back: the last answer known stands in, and without one only a moving state counts.
   */
  async #statusesBefore(environmentId: string): Promise<StatusesBefore> {
    const statuses = this.deps.workspace().statuses;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const answer = await Promise.race([statuses.fetch(environmentId), new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), BEFORE_READ_MS)))]);
      if (answer) {
        return statusesBefore(answer);
      }
      this.deps.log.warn(`Deploy: the statuses of environment ${environmentId} took too long before the action; the last answer known stands in.`);
    } catch (error) {
      this.deps.log.warn(`Deploy: the statuses of environment ${environmentId} could not be read before the action (${errorText(error)}); the last answer known stands in.`);
    } finally {
      clearTimeout(timer);
    }
    const latest = statuses.latest(environmentId);
    return latest ? statusesBefore(latest) : undefined;
  }

  /** Sends a service action, then follows it. */
  #sendServiceAction(target: DeployTarget, verb: ServiceVerb, what: string | undefined, send: () => Promise<ActionStatus>): Promise<void> {
    return this.#sendAction({
      target,
      key: target.serviceId,
      subject: vscode.l10n.t('{0} {1}', VERB_TITLES()[verb], target.serviceName),
      send,
      started: (answer, before) => {
        const status = serviceStatusIn(answer, target.serviceId);
        return status !== undefined && hasStarted(status, before);
      },
      follow: (before, sentAt) => void this.follow(target, verb, before, what, sentAt),
    });
  }

  /** Sends an environment action, then follows it. */
  #sendEnvironmentAction(target: EnvironmentTarget, verb: EnvironmentVerb, send: () => Promise<ActionStatus>): Promise<void> {
    return this.#sendAction({
      target,
      key: `env:${target.environmentId}`,
      subject: vscode.l10n.t('{0} {1}', environmentVerbTitle(verb), target.environmentName ?? target.environmentId),
      send,
      started: (answer, before) => environmentStep(answer, before, false, Infinity).started,
      follow: (before, sentAt) => void this.followEnvironment(target, verb, before, sentAt),
    });
  }

  /** Sends an action, then follows it; a 5xx or a lost answer first reads whether Qovery acted. */
  async #sendAction(a: {
    target: EnvironmentTarget & { serviceName?: string };
    /** What `#once` keeps one action in flight for. */
    key: string;
    subject: string;
    send: () => Promise<ActionStatus>;
    started(answer: unknown, before: StatusesBefore): boolean;
    follow(before: StatusesBefore, sentAt: number): void;
  }): Promise<void> {
    const before = await this.#statusesBefore(a.target.environmentId);
    const sentAt = Date.now();
    try {
      await a.send();
    } catch (error) {
      if (!answerUnknown(error)) {
        await this.#refused(error, a.target);
        return;
      }
      void this.#unsure(error, {
        subject: a.subject,
        environmentId: a.target.environmentId,
        sentAt,
        started: (answer) => a.started(answer, before),
        follow: () => a.follow(before, sentAt),
        retry: () => this.#once(a.key, () => this.#sendAction(a)),
      });
      return;
    }
    // The answer's execution id is not read: nothing shows it is the new deployment's (the statuses tell).
    this.deps.log.info(`Deploy: ${a.subject}: accepted.`);
    a.follow(before, sentAt);
  }

  /**
   * A 5xx or a lost answer does not say whether Qovery acted. The statuses are read again (once at
   * once, once more after the 3 s Qovery may take to show a deployment) and the user is told whether a
   * deployment started: then it is followed; otherwise a retry is offered.
   */
  async #unsure(
    error: unknown,
    a: { subject: string; environmentId: string; sentAt: number; started(answer: unknown): boolean; follow(): void; retry(): Promise<unknown> },
  ): Promise<void> {
    this.deps.log.warn(`Deploy: ${a.subject}: ${errorText(error)} Reading the statuses to see whether a deployment started.`);
    this.deps.session.reportFailure(error);
    const p = this.deps.ui.prompter;
    const began = await p.progress(vscode.l10n.t('Qovery: {0}: checking whether a deployment started…', a.subject), async () => {
      const client = await this.deps.session.client();
      if (!client) {
        return undefined;
      }
      for (let read = 0; ; read++) {
        try {
          if (a.started(await this.#freshStatuses(client, a.environmentId))) {
            return true;
          }
        } catch (readError) {
          this.deps.log.warn(`Deploy: the statuses could not be read after ${a.subject}: ${errorText(readError)}`);
          return undefined;
        }
        const wait = a.sentAt + FOLLOW_SETTLE_MS + 500 - Date.now();
        if (read > 0 || wait <= 0) {
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    });
    const reason = errorText(error);
    if (began === true) {
      this.deps.log.info(`Deploy: ${a.subject}: a deployment started despite the failed answer; following it.`);
      void p.info(vscode.l10n.t('Qovery: {0}: {1} A deployment started all the same; following it.', a.subject, reason), {});
      a.follow();
      return;
    }
    const retry = vscode.l10n.t('Retry');
    const text =
      began === false
        ? vscode.l10n.t('Qovery: {0}: {1} No deployment started in Qovery.', a.subject, reason)
        : vscode.l10n.t('Qovery: {0}: {1} Whether a deployment started could not be checked: look at the Deployment History before retrying.', a.subject, reason);
    if ((await p.error(text, {}, retry)) === retry) {
      await a.retry();
    }
  }

  /**
   * Follows one service through the environment status service until a final state: one progress
   * notification (its Cancel stops following, not the deployment), then the outcome. `before` is what
   * the statuses said just before the action was sent at `sentAt`.
   */
  async follow(target: DeployTarget, verb: ServiceVerb, before: StatusesBefore, what?: string, sentAt = Date.now()): Promise<string | undefined> {
    const title = vscode.l10n.t('Qovery: {0} {1} · {2}', VERB_TITLES()[verb], target.serviceName, target.environmentName ?? '');
    let last: Q.Status | undefined;
    let shown = '';
    const { result: final, lost, unseen } = await this.#track<string | undefined>(target.environmentId, title, false, (answer, started, report) => {
      const status = serviceStatusIn(answer, target.serviceId);
      const step = followStep(status, before, started, Date.now() - sentAt);
      if (status && step.started) {
        last = status;
        const text = followProgressText(stepText(status, vscode.l10n), answer, target.serviceId, vscode.l10n);
        if (text !== shown) {
          shown = text;
          report(text);
        }
      }
      return { started: step.started, done: step.done, result: status?.state };
    }, { organizationId: target.organizationId, projectId: target.projectId });
    this.#deployedCommitsMayHaveChanged(target.environmentId);
    if (unseen) {
      this.#unseen(target.serviceName);
      return undefined;
    }
    if (final === undefined) {
      this.#lost(lost, target.serviceName);
      return undefined;
    }
    const p = this.deps.ui.prompter;
    if (isErrorState(final)) {
      // The execution of the deployment seen under way, not the action's answer.
      await this.#showFailure(target, final, last?.execution_id ?? undefined);
    } else if (final === 'CANCELED') {
      void p.warn(vscode.l10n.t('Qovery: the deployment of {0} was cancelled.', target.serviceName), {});
    } else {
      void p.info(
        what ? vscode.l10n.t('Qovery: {0} is {1} ({2}).', target.serviceName, stateLabel(final, vscode.l10n), what) : vscode.l10n.t('Qovery: {0} is {1}.', target.serviceName, stateLabel(final, vscode.l10n)),
        {},
      );
    }
    return final;
  }

  /** A follow that ended, or a state that changed: the linked service's deployed commit is read again. */
  #deployedCommitsMayHaveChanged(environmentId: string): void {
    const links = this.deps.workspace().links;
    void links.refreshDeployedCommits?.(environmentId).catch((error: unknown) => this.deps.log.warn(`Deploy: the deployed commit could not be read again: ${errorText(error)}`));
  }

  /** No deployment showed in the statuses: said plainly, never taken for an outcome. */
  #unseen(name: string): void {
    this.deps.log.warn(`Deploy: no deployment of ${name} showed in the statuses ${Math.round((NUDGES * POLL_MOVING_MS) / 1000)} s after the action; stopped following.`);
    void this.deps.ui.prompter.warn(
      vscode.l10n.t('Qovery: no deployment of {0} shows in Qovery yet. It may still be waiting to start: look at its Deployment History or the Qovery view.', name),
      {},
    );
  }

  /**
   * Until a deployment shows in the statuses (Qovery may answer the old state for a moment), and while
   * what shows does not move (READY: the status service would wait 2 minutes), asks again every 3 s.
   * If nothing shows within 30 s, `giveUp`: the follow ends without taking an old state for its outcome.
   */
  #nudge(environmentId: string, seen: () => boolean, giveUp: () => void): IDisposable {
    const statuses = this.deps.workspace().statuses;
    let tries = 0;
    const timer = setInterval(() => {
      if (!seen() && ++tries > NUDGES) {
        clearInterval(timer);
        giveUp();
        return;
      }
      if (!seen() || !statusesMove(statuses.latest(environmentId))) {
        void statuses.refresh(environmentId);
      }
    }, POLL_MOVING_MS);
    return { dispose: () => clearInterval(timer) };
  }

  /** The failure, with Show Deployment Logs when the logs feature is there. */
  /** The failure, with Qovery's own explanation when its log has one, Show Deployment Logs, and its documentation link. */
  async #showFailure(target: DeployTarget, state: string, executionId: string | undefined): Promise<void> {
    let explanation: FailureExplanation | undefined;
    if (executionId && this.deps.explain) {
      // Secondary: the failure is told without it when the log cannot be read.
      explanation = await this.deps.explain(this.#logsArgs(target, executionId)).catch((error: unknown) => {
        this.deps.log.warn(`Reading the explanation of the failed deployment ${executionId} failed: ${errorText(error)}`);
        return undefined;
      });
    }
    const text = failureText(target.serviceName, state, vscode.l10n, explanation, (s) => cleanMessage(s, 300));
    const button = vscode.l10n.t('Show Deployment Logs');
    const docs = vscode.l10n.t('Open Documentation');
    const buttons = [...(executionId ? [button] : []), ...(explanation?.link ? [docs] : [])];
    const answer = await this.deps.ui.prompter.error(text, {}, ...buttons);
    if (answer === button && executionId) {
      await this.#showLogs(target, executionId);
    } else if (answer === docs && explanation?.link) {
      await vscode.env.openExternal(vscode.Uri.parse(explanation.link));
    }
  }

  #logsArgs(target: DeployTarget, executionId: string): DeploymentLogsArgs {
    return {
      organizationId: target.organizationId,
      projectId: target.projectId,
      environmentId: target.environmentId,
      serviceId: target.serviceId,
      serviceName: target.serviceName,
      executionId,
    };
  }

  #showLogs(target: DeployTarget, executionId: string): Thenable<unknown> {
    return executeCommand(Commands.showDeploymentLogs, this.#logsArgs(target, executionId));
  }

  /**
   * The one shape of a follow: a cancellable progress notification over the environment's status
   * answers until `step` says it is done. `result` is undefined when the user stopped following, when
   * no deployment showed (`unseen`), or when a failure that will not pass by itself (signed out, 401,
   * 403, the environment gone) ended it: that failure is `lost`.
   */
  async #track<T>(
    environmentId: string,
    title: string,
    startedAlready: boolean,
    step: (answer: EnvironmentServiceStatuses, started: boolean, report: (text: string) => void) => { started: boolean; done: boolean; result: T },
    /** The environment is followed: its statuses are streamed while the follow lasts. */
    follow?: FollowIds,
  ): Promise<{ result: T | undefined; lost: unknown; unseen: boolean }> {
    const statuses = this.deps.workspace().statuses;
    let lost: unknown;
    let unseen = false;
    let ended = false;
    const result = await this.deps.ui.prompter.progress(
      title,
      (token, report) =>
        new Promise<T | undefined>((resolve) => {
          let started = startedAlready;
          let armed = false;
          const finish = (value: T | undefined): void => {
            ended = true;
            nudge.dispose();
            clearTimeout(settle);
            watch.dispose();
            this.#follows.delete(watch);
            resolve(value);
          };
          // Called at once with the last answer (from before the POST): ignored until armed.
          const watch = statuses.watch(environmentId, {
            ...(follow ? { follow } : {}),
            onStatuses: (answer, error) => {
              if (!armed || ended) {
                return;
              }
              if (!answer) {
                if (error !== undefined && !isTransient(error)) {
                  lost = error;
                  finish(undefined);
                }
                return;
              }
              const s = step(answer, started, report);
              started = s.started;
              if (s.done) {
                finish(s.result);
              }
            },
          });
          this.#follows.add(watch);
          const nudge = this.#nudge(environmentId, () => started, () => {
            unseen = true;
            finish(undefined);
          });
          // A deployment over within its first 3 s ends on the answer read just after them, not at the next idle poll.
          const settle = setTimeout(() => void statuses.refresh(environmentId), FOLLOW_SETTLE_MS + 100);
          armed = true;
          token.onCancellationRequested(() => finish(undefined));
          // A fetch in flight may have left before the POST: a second one then shows the deployment.
          void statuses.refresh(environmentId).then(() => (started ? undefined : statuses.refresh(environmentId)));
        }),
      { cancellable: true },
    );
    return { result, lost, unseen };
  }

  /** A follow that ended without a final state: stopped by the user, or lost to a failure that stays. */
  #lost(error: unknown, name: string): void {
    if (error === undefined) {
      this.deps.log.info(`Deploy: stopped following ${name}; the deployment goes on.`);
      return;
    }
    this.deps.log.warn(`Deploy: stopped following ${name}: ${errorText(error)}`);
    // A 401 goes through the token check; a 403 or 404 changes nothing about the sign-in.
    this.deps.session.reportFailure(error);
    if (errorKind(error) !== 'cancelled' && !(error instanceof vscode.CancellationError)) {
      void this.deps.ui.prompter.warn(vscode.l10n.t('Qovery: stopped following {0}: {1} The deployment goes on in Qovery.', name, errorText(error)), {});
    }
  }

  /**
   * Follows a whole environment until nothing in it moves and Qovery gives its deployment a final
   * state. `before` and `sentAt` as for a service; without a verb, a deployment already running.
   */
  async followEnvironment(target: EnvironmentTarget, verb: EnvironmentVerb | undefined, before?: StatusesBefore, sentAt = Date.now()): Promise<Q.Status[] | undefined> {
    const name = target.environmentName ?? target.environmentId;
    const title = verb ? vscode.l10n.t('Qovery: {0} environment {1}', environmentVerbTitle(verb), name) : vscode.l10n.t('Qovery: following {0}', name);
    const running = verb === undefined;
    const { result, lost, unseen } = await this.#track<EnvironmentServiceStatuses>(target.environmentId, title, running, (answer, started, report) => {
      const s = environmentStep(answer, before, started, running ? Infinity : Date.now() - sentAt);
      if (s.started) {
        report(followProgressText(vscode.l10n.t('{0} of {1} services done', s.total - s.moving, s.total), answer, undefined, vscode.l10n));
      }
      return { started: s.started, done: s.done, result: answer };
    }, { organizationId: target.organizationId, projectId: target.projectId });
    this.#deployedCommitsMayHaveChanged(target.environmentId);
    if (unseen) {
      this.#unseen(name);
      return undefined;
    }
    if (!result) {
      this.#lost(lost, name);
      return undefined;
    }
    const outcome = environmentOutcome(result);
    const p = this.deps.ui.prompter;
    if (outcome.failed) {
      const state = stateLabel(outcome.state ?? outcome.failedServices[0]?.state ?? 'ERROR', vscode.l10n);
      const names = await this.#serviceNames(target.environmentId, outcome.failedServices);
      void p.error(
        names.length > 0 ? vscode.l10n.t('Qovery: the deployment of {0} failed ({1}): {2}.', name, state, names.join(', ')) : vscode.l10n.t('Qovery: the deployment of {0} failed: {1}.', name, state),
        {},
      );
    } else if (outcome.cancelled) {
      void p.warn(vscode.l10n.t('Qovery: the deployment of {0} was cancelled.', name), {});
    } else {
      void p.info(vscode.l10n.t('Qovery: {0} is done.', name), {});
    }
    return allServiceStatuses(result);
  }

  /** The names of some services of an environment (their ids when the list cannot be read). */
  async #serviceNames(environmentId: string, statuses: readonly Q.Status[]): Promise<string[]> {
    if (statuses.length === 0) {
      return [];
    }
    const client = await this.deps.session.client();
    const services = client ? await listServices(client, environmentId).catch(() => []) : [];
    const names = new Map(services.map((s) => [s.id, s.name]));
    return statuses.map((s) => names.get(s.id) ?? s.id);
  }

  // --- environment actions ---------------------------------------------------------------------

  async environmentAction(verb: EnvironmentVerb, arg?: unknown): Promise<void> {
    const given = await this.#environmentTarget(arg);
    if (!given) {
      return;
    }
    await this.#once(`env:${given.environmentId}`, async () => {
      const client = await this.#client();
      if (!client) {
        return;
      }
      let target: EnvironmentTarget;
      try {
        target = await this.#withEnvironment(client, given);
      } catch (error) {
        this.#failed(error, given.environmentName ?? given.environmentId);
        return;
      }
      if (!(await this.#confirm(verb, target))) {
        return;
      }
      await this.#sendEnvironmentAction(target, verb, () => new DeployApi(client).environmentAction(target.environmentId, verb));
    });
  }

  /**
   * Cancel Deployment: a request still queued is cancelled in the queue; anything under way through
   * the environment's cancel, forced only when the user asks.
   */
  async cancel(arg?: unknown): Promise<void> {
    const given = await this.#environmentTarget(arg);
    if (!given) {
      return;
    }
    const client = await this.#client();
    if (!client) {
      return;
    }
    const api = new DeployApi(client);
    const statuses = this.deps.workspace().statuses;
    let target: EnvironmentTarget;
    try {
      target = await this.#withEnvironment(client, given);
    } catch (error) {
      this.#failed(error, given.environmentName ?? given.environmentId);
      return;
    }
    const name = target.environmentName ?? target.environmentId;
    // One cancel in flight per environment: from the tree and from a 409's button at once, one POST.
    await this.#once(`cancel:${target.environmentId}`, () => this.#cancelConfirmed(api, client, target, name, statuses));
  }

  async #cancelConfirmed(api: DeployApi, client: QoveryClient, target: EnvironmentTarget, name: string, statuses: EnvironmentStatusService): Promise<void> {
    const cancel = vscode.l10n.t('Cancel Deployment');
    const force = vscode.l10n.t('Force Cancel');
    const answer = await this.deps.ui.prompter.warn(
      vscode.l10n.t('Qovery: cancel the deployment running in {0}? "Force Cancel" also stops what runs beside it (lifecycle jobs).', name),
      { modal: true },
      cancel,
      force,
    );
    if (answer !== cancel && answer !== force) {
      return;
    }
    try {
      const latest = await this.#freshStatuses(client, target.environmentId);
      const moving = allServiceStatuses(latest).filter((s) => isMovingState(s.state));
      const queued = [...new Set(moving.filter((s) => String(s.state).endsWith('QUEUED') && s.deployment_request_id).map((s) => String(s.deployment_request_id)))];
      if (answer === cancel && moving.length > 0 && queued.length > 0 && moving.every((s) => String(s.state).endsWith('QUEUED'))) {
        for (const request of queued) {
          await api.cancelRequest(request);
        }
      } else {
        await api.cancelEnvironment(target.environmentId, answer === force);
      }
    } catch (error) {
      if (errorKind(error) === 'conflict') {
        void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: nothing to cancel in {0}.', name), {});
        return;
      }
      if (errorKind(error) === 'forbidden') {
        void this.deps.ui.prompter.error(vscode.l10n.t("Qovery: the token's role may not cancel deployments in {0} (403).", name), {});
        return;
      }
      this.#failed(error, name);
      return;
    }
    void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: cancelling the deployment in {0}.', name), {});
    void statuses.refresh(target.environmentId);
  }

  #freshStatuses(client: QoveryClient, environmentId: string): Promise<unknown> {
    return getServiceStatuses(client, environmentId);
  }

  // --- history and links -----------------------------------------------------------------------

  /** The rows under a service's "Deployment History" in the explorer. */
  async rows(client: QoveryClient, target: DeployTarget, signal: AbortSignal): Promise<QoveryNode[]> {
    const entries = await new DeployApi(client).history(target.serviceType, target.serviceId, 20, { signal });
    return entries.map((entry, i) => new DeploymentEntryNode(target, entry, i));
  }

  async history(arg?: unknown): Promise<void> {
    // A row of "Deployment History" (made by this chunk, read by shape): its actions at once.
    const clicked = (arg as { deploymentEntry?: { target: DeployTarget; row: HistoryRow } } | undefined)?.deploymentEntry;
    if (clicked) {
      await this.#entryActions(clicked.target, clicked.row);
      return;
    }
    const found = await this.#serviceTarget(arg);
    if (!found) {
      return;
    }
    const client = await this.#client();
    if (!client) {
      return;
    }
    const target = found.target;
    const p = this.deps.ui.prompter;
    let entries: Q.DeploymentHistoryService[];
    try {
      entries = await p.progress(vscode.l10n.t('Qovery: reading the deployments of {0}…', target.serviceName), () => new DeployApi(client).history(target.serviceType, target.serviceId, 20));
    } catch (error) {
      this.#failed(error, target.serviceName);
      return;
    }
    if (entries.length === 0) {
      void p.info(vscode.l10n.t('Qovery: {0} has no deployment yet.', target.serviceName), {});
      return;
    }
    const rows = entries.map((e) => ({ ...historyRow(e, vscode.l10n), entry: e }));
    const picked = await p.quickPick(rows, { title: vscode.l10n.t('Qovery: deployments of {0}', target.serviceName), matchOnDescription: true, matchOnDetail: true });
    if (picked) {
      await this.#entryActions(target, picked);
    }
  }

  /** What can be done with one deployment: its logs, deploying its commit again, its commit page. */
  async #entryActions(target: DeployTarget, picked: HistoryRow): Promise<void> {
    const p = this.deps.ui.prompter;
    const canShowLogs = picked.executionId !== undefined;
    const actions: { label: string; run: () => unknown }[] = [];
    if (canShowLogs && picked.executionId) {
      const executionId = picked.executionId;
      actions.push({ label: vscode.l10n.t('$(output) Show Deployment Logs'), run: () => this.#showLogs(target, executionId) });
    }
    const commit = picked.commit;
    if (commit && target.serviceType !== 'CONTAINER' && target.serviceType !== 'DATABASE') {
      actions.push({ label: vscode.l10n.t('$(rocket) Deploy This Commit ({0})', shortSha(commit.git_commit_id)), run: () => this.deploy(target, commit.git_commit_id) });
    }
    if (commit?.commit_page_url && /^https:\/\//i.test(commit.commit_page_url)) {
      const url = commit.commit_page_url;
      actions.push({ label: vscode.l10n.t('$(git-commit) Open Commit Page'), run: () => vscode.env.openExternal(vscode.Uri.parse(url)) });
    }
    if (actions.length === 0) {
      return;
    }
    const action = await p.quickPick(actions, { title: picked.label });
    await action?.run();
  }

  async openUrl(arg?: unknown): Promise<void> {
    const found = await this.#serviceTarget(arg);
    if (!found) {
      return;
    }
    const target = found.target;
    const p = this.deps.ui.prompter;
    if (!hasLinks(target.serviceType)) {
      void p.info(vscode.l10n.t('Qovery: a {0} has no URL.', target.serviceType.toLowerCase()), {});
      return;
    }
    const client = await this.#client();
    if (!client) {
      return;
    }
    let links: Q.Link[];
    try {
      links = await new DeployApi(client).links(target.serviceType, target.serviceId);
    } catch (error) {
      this.#failed(error, target.serviceName);
      return;
    }
    // Only web addresses (plain http only for loopback) are opened.
    const usable = links.filter((l) => /^https:\/\//i.test(l.url) || /^http:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/i.test(l.url)).sort((a, b) => Number(b.is_default) - Number(a.is_default));
    if (usable.length === 0) {
      void p.info(vscode.l10n.t('Qovery: {0} has no public URL.', target.serviceName), {});
      return;
    }
    const describe = (l: Q.Link): string => [l.is_default ? vscode.l10n.t('default') : '', l.is_qovery_domain ? vscode.l10n.t('Qovery domain') : vscode.l10n.t('custom domain'), vscode.l10n.t('port {0}', l.internal_port)].filter(Boolean).join(' · ');
    const items = [
      ...usable.map((l) => ({ label: `$(globe) ${l.url}`, description: describe(l), url: l.url, copy: false })),
      ...usable.map((l) => ({ label: `$(copy) ${vscode.l10n.t('Copy {0}', l.url)}`, description: '', url: l.url, copy: true })),
    ];
    const picked = await p.quickPick(items, { title: vscode.l10n.t('Qovery: URL of {0}', target.serviceName) });
    if (!picked) {
      return;
    }
    if (picked.copy) {
      await vscode.env.clipboard.writeText(picked.url);
      void p.info(vscode.l10n.t('Qovery: copied {0}.', picked.url), {});
    } else {
      await vscode.env.openExternal(vscode.Uri.parse(picked.url));
    }
  }
}
