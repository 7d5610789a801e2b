// Sending an action: the statuses read just before (what a new deployment must differ from), the
// POST, then the follow; a refusal told by its kind, and a 5xx or a lost answer checked against the
// statuses before Retry is offered.
import * as vscode from 'vscode';
import { errorKind } from '../api/errors';
import { getServiceStatuses } from '../api/explorer';
import { errorText } from '../format';
import type { ActionStatus } from './api';
import type { DeployContext } from './context';
import { answerUnknown, environmentVerbTitleOf, serviceVerbTitles } from './decide';
import type { DeployFollow } from './follow';
import { environmentStep, FOLLOW_SETTLE_MS, hasStarted, serviceStatusIn, statusesBefore, type DeployTarget, type EnvironmentTarget, type EnvironmentVerb, type ServiceVerb, type StatusesBefore } from './model';

/** The longest an action waits for the statuses read just before it. */
const BEFORE_READ_MS = 5_000;

const VERB_TITLES = (): Record<ServiceVerb, string> => serviceVerbTitles(vscode.l10n);

const environmentVerbTitle = (verb: EnvironmentVerb): string => environmentVerbTitleOf(verb, vscode.l10n);

export class DeploySend {
  constructor(
    private readonly ctx: DeployContext,
    private readonly follower: DeployFollow,
    /** Cancel Deployment, offered when a deployment runs already (409). */
    private readonly cancel: (target: EnvironmentTarget) => Promise<void>,
  ) {}

  private get deps(): DeployContext['deps'] {
    return this.ctx.deps;
  }

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
  sendServiceAction(target: DeployTarget, verb: ServiceVerb, what: string | undefined, send: () => Promise<ActionStatus>): Promise<void> {
    return this.#sendAction({
      target,
      key: target.serviceId,
      subject: vscode.l10n.t('{0} {1}', VERB_TITLES()[verb], target.serviceName),
      send,
      started: (answer, before) => {
        const status = serviceStatusIn(answer, target.serviceId);
        return status !== undefined && hasStarted(status, before);
      },
      follow: (before, sentAt) => void this.follower.follow(target, verb, before, what, sentAt),
    });
  }

  /** Sends an environment action, then follows it. */
  sendEnvironmentAction(target: EnvironmentTarget, verb: EnvironmentVerb, send: () => Promise<ActionStatus>): Promise<void> {
    return this.#sendAction({
      target,
      key: `env:${target.environmentId}`,
      subject: vscode.l10n.t('{0} {1}', environmentVerbTitle(verb), target.environmentName ?? target.environmentId),
      send,
      started: (answer, before) => environmentStep(answer, before, false, Infinity).started,
      follow: (before, sentAt) => void this.follower.followEnvironment(target, verb, before, sentAt),
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
        retry: () => this.ctx.once(a.key, () => this.#sendAction(a)),
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
          if (a.started(await getServiceStatuses(client, a.environmentId))) {
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
        void this.follower.followEnvironment(target, undefined);
      } else if (answer === cancel) {
        await this.cancel(target);
      }
      return;
    }
    if (kind === 'forbidden') {
      void p.error(vscode.l10n.t("Qovery: the token's role may not deploy in {0} (403).", target.environmentName ?? target.environmentId), {});
      return;
    }
    this.ctx.failed(error, target.serviceName ?? target.environmentName ?? target.environmentId);
  }
}
