// Following a deployment through the environment status service: one cancellable progress
// notification per service or environment, then its outcome (Qovery's explanation of a failure and
// Show Deployment Logs when it failed).
import * as vscode from 'vscode';
import type * as Q from 'qovery-typescript-axios';
import type { EnvironmentServiceStatuses } from '../api/types';
import { cleanMessage, errorKind, isTransient } from '../api/errors';
import { listServices } from '../api/explorer';
import { Commands, executeCommand } from '../contributions';
import { errorText } from '../format';
import type { IDisposable } from '../lifecycle';
import { stateLabel } from '../tree/present';
import { isMovingState, POLL_MOVING_MS } from '../shared/environmentStatus';
import { followProgressText, type FollowIds } from '../shared/deploymentStreams';
import type { DeployDeps, DeploymentLogsArgs } from './context';
import { environmentVerbTitleOf, serviceVerbTitles } from './decide';
import {
  allServiceStatuses,
  environmentOutcome,
  environmentStep,
  failureText,
  FOLLOW_SETTLE_MS,
  followStep,
  isErrorState,
  serviceStatusIn,
  stepText,
  type DeployTarget,
  type EnvironmentTarget,
  type EnvironmentVerb,
  type FailureExplanation,
  type ServiceVerb,
  type StatusesBefore,
} from './model';

/** Refreshes asked for while a deployment does not show yet (3 s apart). */
const NUDGES = 10;

const VERB_TITLES = (): Record<ServiceVerb, string> => serviceVerbTitles(vscode.l10n);

const environmentVerbTitle = (verb: EnvironmentVerb): string => environmentVerbTitleOf(verb, vscode.l10n);

/** Whether the last statuses answer shows something moving (the status service then polls every 3 s itself). */
const statusesMove = (answer: EnvironmentServiceStatuses | undefined): boolean => answer !== undefined && allServiceStatuses(answer).some((s) => isMovingState(s.state));

export class DeployFollow implements IDisposable {
  readonly #follows = new Set<IDisposable>();

  constructor(private readonly deps: DeployDeps) {}

  /** Deployments being followed now (tests wait for them to end). */
  get following(): number {
    return this.#follows.size;
  }

  dispose(): void {
    for (const f of this.#follows) {
      f.dispose();
    }
    this.#follows.clear();
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
      if (verb === 'deploy' || verb === 'redeploy') {
        this.deps.succeeded?.(target.serviceId);
      }
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

  /** Show Deployment Logs of one deployment (the history's action). */
  showLogs(target: DeployTarget, executionId: string): Thenable<unknown> {
    return this.#showLogs(target, executionId);
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
    if (verb === 'deploy' || verb === 'redeploy') {
      // The services of this deployment that did not fail: the Problems of their last failed build go.
      allServiceStatuses(result)
        .filter((s) => s.is_part_last_deployment === true && !isErrorState(s.state) && s.state !== 'CANCELED')
        .forEach((s) => this.deps.succeeded?.(s.id));
    }
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
}
