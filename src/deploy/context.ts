// What every deploy command shares: its dependencies, the one prologue (the target, then the client or
// the one signed-out message), the environment's mode read again, one action at a time, the
// confirmation and the failure message.
import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import { errorKind } from '../api/errors';
import { listEnvironments } from '../api/explorer';
import type { SessionManager } from '../auth/session';
import { errorText } from '../format';
import type { IDisposable } from '../lifecycle';
import type { Logger } from '../logger';
import type { EnvironmentStatusService } from '../shared/environmentStatus';
import { askToSignIn, type Ui } from '../ui';
import type { FolderLink } from '../workspace/links';
import { EnvironmentModes } from './actions';
import { confirmation } from './decide';
import type { DeployTarget, EnvironmentTarget, EnvironmentVerb, FailureExplanation, ServiceVerb } from './model';
import { workspaceRowLinkOf } from '../shared/targets';
import { environmentTargetOf, serviceTargetOf } from './targets';

export interface DeployDeps {
  session: SessionManager;
  ui: Ui;
  log: Logger;
  /** The workspace chunk's link and status service (loaded on first use). */
  workspace(): {
    links: { activeLink(): FolderLink | undefined; linkOf?(folder: vscode.WorkspaceFolder): FolderLink | undefined; refresh(): Promise<void>; refreshDeployedCommits?(environmentId: string): Promise<void> };
    statuses: EnvironmentStatusService;
  };
  /** Qovery's own explanation of a failed deployment, from its log (the logs chunk). */
  explain?(args: DeploymentLogsArgs): Promise<FailureExplanation | undefined>;
  /** A deployment of the service succeeded: the Problems of its last failed build go (the logs chunk's). */
  succeeded?(serviceId: string): void;
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

export class DeployContext implements IDisposable {
  /** Services (and environments) with an action being sent: a second click does nothing. */
  readonly #inFlight = new Set<string>();
  /** Environment modes read by this feature (a tree row or a scan may be hours old). */
  readonly #modes = new EnvironmentModes();

  readonly #connection: IDisposable;

  constructor(readonly deps: DeployDeps) {
    this.#connection = deps.session.onDidChangeConnection(() => this.#modes.clear());
  }

  dispose(): void {
    this.#connection.dispose();
  }

  linked(): { target: DeployTarget; folder: FolderLink } | undefined {
    const folder = this.deps.workspace().links.activeLink();
    const target = folder?.status === 'linked' ? serviceTargetOf(folder.link) : undefined;
    return target && folder ? { target, folder } : undefined;
  }

  async serviceTarget(arg: unknown): Promise<{ target: DeployTarget; folder?: FolderLink } | undefined> {
    const given = serviceTargetOf(arg);
    if (given) {
      // A "This Workspace" row: its own folder's HEAD, whichever editor is active.
      const rowFolder = (workspaceRowLinkOf(arg) as Partial<FolderLink> | undefined)?.folder;
      const fromRow = rowFolder && this.deps.workspace().links.linkOf?.(rowFolder);
      const linked = fromRow?.status === 'linked' ? { target: serviceTargetOf(fromRow.link), folder: fromRow } : this.linked();
      return { target: given, folder: linked?.target?.serviceId === given.serviceId ? linked.folder : undefined };
    }
    await this.deps.workspace().links.refresh();
    const linked = this.linked();
    if (!linked) {
      void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: this workspace is not linked to a service. Link it (Qovery: Link Workspace to Service) or use the Qovery view.'), {});
    }
    return linked;
  }

  async environmentTarget(arg: unknown): Promise<EnvironmentTarget | undefined> {
    const given = environmentTargetOf(arg);
    if (given) {
      return given;
    }
    return (await this.serviceTarget(undefined))?.target;
  }

  async client(): Promise<QoveryClient | undefined> {
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
  async withEnvironment<T extends EnvironmentTarget>(client: QoveryClient, target: T): Promise<T> {
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
  async once<T>(key: string, task: () => Promise<T>): Promise<T | undefined> {
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

  /**
   * The one prologue of a command: the target (given, or the linked service), a check of it, the
   * client (or the one signed-out message), then `act`; with `key`, one at a time per key.
   */
  async run<T>(
    read: Promise<T | undefined>,
    act: (target: T, client: QoveryClient) => Promise<void>,
    options: { key?: (target: T) => string; check?: (target: T) => boolean } = {},
  ): Promise<void> {
    const target = await read;
    if (target === undefined || (options.check && !options.check(target))) {
      return;
    }
    const go = async (): Promise<void> => {
      const client = await this.client();
      if (client) {
        await act(target, client);
      }
    };
    await (options.key ? this.once(options.key(target), go) : go());
  }

  /** A modal confirmation for production (service, environment, commit) and for every Stop. */
  async confirm(verb: ServiceVerb | EnvironmentVerb | 'cancel', target: EnvironmentTarget & { serviceName?: string }, version?: string): Promise<boolean> {
    const asked = confirmation(verb, target, version, vscode.l10n);
    if (!asked) {
      return true;
    }
    const answer = await this.deps.ui.prompter.warn(asked.message, { modal: true }, asked.button);
    return answer === asked.button;
  }

  failed(error: unknown, what: string): void {
    if (errorKind(error) === 'cancelled') {
      return;
    }
    this.deps.log.error(`Deploy: ${what} failed`, error);
    void this.deps.ui.prompter.error(vscode.l10n.t('Qovery: {0}', errorText(error)), {});
    this.deps.session.reportFailure(error);
  }
}
