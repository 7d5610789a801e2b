// Deploy, Redeploy, Restart Service, Stop, the environment actions and Cancel Deployment; Deployment
// History and Open Service URL are in history.ts, the version a Deploy sends in version.ts, sending in
// send.ts and following in follow.ts. Each acts on the row it was called from, a variables target, or
// the workspace's linked service (context.ts); the decisions and their wording are in decide.ts and model.ts.
import * as vscode from 'vscode';
import type * as Q from 'qovery-typescript-axios';
import type { QoveryClient } from '../api/client';
import { errorKind } from '../api/errors';
import { getServiceStatuses } from '../api/explorer';
import type { IDisposable } from '../lifecycle';
import { shortSha } from '../shared/sha';
import type { QoveryNode } from '../tree/nodes';
import { DeployApi } from './api';
import { DeployContext, type DeployDeps } from './context';
import { cancelPlan, serviceVerbTitles, versionText } from './decide';
import { DeployFollow } from './follow';
import { DeployHistory } from './history';
import { deployBody, verbsOf, type DeployTarget, type EnvironmentTarget, type EnvironmentVerb, type ServiceVerb, type StatusesBefore } from './model';
import { DeploySend } from './send';
import { VersionChooser } from './version';

export type { DeployDeps, DeploymentLogsArgs } from './context';

export class DeployCommands implements IDisposable {
  private readonly ctx: DeployContext;
  readonly #follow: DeployFollow;
  readonly #send: DeploySend;
  readonly #version: VersionChooser;
  readonly #history: DeployHistory;

  constructor(deps: DeployDeps) {
    this.ctx = new DeployContext(deps);
    this.#follow = new DeployFollow(deps);
    this.#send = new DeploySend(this.ctx, this.#follow, (target) => this.cancel(target));
    this.#version = new VersionChooser(this.ctx);
    this.#history = new DeployHistory(this.ctx, this.#follow, (target, commitId) => this.deploy(target, commitId));
  }

  private get deps(): DeployDeps {
    return this.ctx.deps;
  }

  /** Deployments being followed now (tests wait for them to end). */
  get following(): number {
    return this.#follow.following;
  }

  dispose(): void {
    this.ctx.dispose();
    this.#follow.dispose();
  }

  // --- service actions -------------------------------------------------------------------------

  /** `confirmedMode`: as for redeploy (the Deploy HEAD tool's confirmation named this commit). */
  deploy(arg?: unknown, commitId?: string, confirmedMode?: string): Promise<void> {
    return this.#serviceAction('deploy', arg, commitId, confirmedMode);
  }

  /** `confirmedMode`: the user confirmed already (an agent tool's confirmation) for this environment mode; a mode read since as another one asks again. */
  redeploy(arg?: unknown, confirmedMode?: string): Promise<void> {
    return this.#serviceAction('redeploy', arg, undefined, confirmedMode);
  }

  restart(arg?: unknown, confirmedMode?: string): Promise<void> {
    return this.#serviceAction('restart-service', arg, undefined, confirmedMode);
  }

  stop(arg?: unknown): Promise<void> {
    return this.#serviceAction('stop', arg);
  }

  async #serviceAction(verb: ServiceVerb, arg: unknown, commitId?: string, confirmedMode?: string): Promise<void> {
    const hasVerb = ({ target }: { target: DeployTarget }): boolean => {
      if (!verbsOf(target.serviceType).includes(verb)) {
        void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: a {0} has no "{1}" action.', target.serviceType.toLowerCase(), serviceVerbTitles(vscode.l10n)[verb]), {});
        return false;
      }
      return true;
    };
    await this.ctx.run(
      this.ctx.serviceTarget(arg),
      async (found, client) => {
        const api = new DeployApi(client);
        let target: DeployTarget;
        try {
          target = await this.ctx.withEnvironment(client, found.target);
        } catch (error) {
          this.ctx.failed(error, found.target.serviceName);
          return;
        }
        let choice: { commitId?: string; imageTag?: string; what?: string } = {};
        if (verb === 'deploy') {
          const chosen = commitId ? { commitId, what: shortSha(commitId) } : await this.#version.choose(api, client, target, found.folder);
          if (!chosen) {
            return;
          }
          choice = chosen;
        }
        const confirmed = confirmedMode !== undefined && confirmedMode === target.environmentMode;
        if (!confirmed && !(await this.ctx.confirm(verb, target, versionText(choice, shortSha(choice.commitId) ?? '', vscode.l10n)))) {
          return;
        }
        const body = verb === 'deploy' ? deployBody(target.serviceType, choice) : undefined;
        await this.#send.sendServiceAction(target, verb, choice.what, () => api.serviceAction(target.serviceType, target.serviceId, verb, body));
      },
      { key: (found) => found.target.serviceId, check: hasVerb },
    );
  }

  // --- environment actions ---------------------------------------------------------------------

  async environmentAction(verb: EnvironmentVerb, arg?: unknown): Promise<void> {
    await this.ctx.run(
      this.ctx.environmentTarget(arg),
      async (given, client) => {
        const target = await this.#withEnvironment(client, given);
        if (!target || !(await this.ctx.confirm(verb, target))) {
          return;
        }
        await this.#send.sendEnvironmentAction(target, verb, () => new DeployApi(client).environmentAction(target.environmentId, verb));
      },
      { key: (given) => `env:${given.environmentId}` },
    );
  }

  /**
   * Cancel Deployment: a request still queued is cancelled in the queue; anything under way through
   * the environment's cancel, forced only when the user asks.
   */
  async cancel(arg?: unknown): Promise<void> {
    await this.ctx.run(this.ctx.environmentTarget(arg), async (given, client) => {
      const target = await this.#withEnvironment(client, given);
      if (!target) {
        return;
      }
      // One cancel in flight per environment: from the tree and from a 409's button at once, one POST.
      await this.ctx.once(`cancel:${target.environmentId}`, () => this.#cancelConfirmed(client, target));
    });
  }

  /** The environment's name and mode as Qovery says now; undefined (and the user told) when they cannot be read. */
  async #withEnvironment(client: QoveryClient, given: EnvironmentTarget): Promise<EnvironmentTarget | undefined> {
    try {
      return await this.ctx.withEnvironment(client, given);
    } catch (error) {
      this.ctx.failed(error, given.environmentName ?? given.environmentId);
      return undefined;
    }
  }

  async #cancelConfirmed(client: QoveryClient, target: EnvironmentTarget): Promise<void> {
    const api = new DeployApi(client);
    const name = target.environmentName ?? target.environmentId;
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
      const plan = cancelPlan(await getServiceStatuses(client, target.environmentId), answer === force);
      if (plan.kind === 'requests') {
        for (const request of plan.requestIds) {
          await api.cancelRequest(request);
        }
      } else {
        await api.cancelEnvironment(target.environmentId, plan.force);
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
      this.ctx.failed(error, name);
      return;
    }
    void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: cancelling the deployment in {0}.', name), {});
    void this.deps.workspace().statuses.refresh(target.environmentId);
  }

  // --- following, history and links ------------------------------------------------------------

  follow(target: DeployTarget, verb: ServiceVerb, before: StatusesBefore, what?: string, sentAt = Date.now()): Promise<string | undefined> {
    return this.#follow.follow(target, verb, before, what, sentAt);
  }

  followEnvironment(target: EnvironmentTarget, verb: EnvironmentVerb | undefined, before?: StatusesBefore, sentAt = Date.now()): Promise<Q.Status[] | undefined> {
    return this.#follow.followEnvironment(target, verb, before, sentAt);
  }

  /** The rows under a service's "Deployment History" in the explorer. */
  rows(client: QoveryClient, target: DeployTarget, signal: AbortSignal): Promise<QoveryNode[]> {
    return this.#history.rows(client, target, signal);
  }

  history(arg?: unknown): Promise<void> {
    return this.#history.history(arg);
  }

  openUrl(arg?: unknown): Promise<void> {
    return this.#history.openUrl(arg);
  }
}
