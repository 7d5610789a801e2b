// Show Deployment Logs, Show Service Logs, and the live view's Pause/Resume, Filter by Pod and Clear.
import * as vscode from 'vscode';
import { askToSignIn } from '../ui';
import type { QoveryClient } from '../api/client';
import { apiPath } from '../api/client';
import { noIcons, QoveryApiError } from '../api/errors';
import { listEnvironments } from '../api/explorer';
import type { Core } from '../chunks/core';
import { explainFailureOf, latestExecutionId, ofExecution, ofService, parseDeploymentLogs, type DeploymentLogEntry, type FailureExplanation } from './deployment';
import { DeploymentLogView, type DeploymentLogsResult, type DeploymentLogTarget, type LogStreamState } from './deploymentView';
import { deploymentLogsUrl } from '../shared/deploymentStreams';
import { LogDocuments } from './documents';
import { LogFileLinks, type LinkScope } from './fileLinks';
import { GatewayStream, type SocketLike } from '../shared/gateway';
import { logTargetOf } from '../shared/targets';
import { DEFAULT_MAX_LINES, MAX_MAX_LINES, maxLinesValue, serviceLogsUrl } from './live';
import { LiveLogView } from './liveView';

/** A service the live logs can follow: every id the websocket query needs but the cluster's. */
export interface ServiceLogTarget {
  organizationId: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  serviceName?: string;
  environmentName?: string;
}

/** Opens a websocket; the chunk gives `ws`, the benchmark may give its own. */
export type SocketFactory = (url: string, headers: Record<string, string>) => SocketLike;

/** Reads `qovery.logs.maxLines`; a bad value is reported and replaced by the default. */
export function maxLinesSetting(raw: unknown): { value: number; problem?: string } {
  const value = maxLinesValue(raw);
  return value === undefined
    ? { value: DEFAULT_MAX_LINES, problem: vscode.l10n.t('qovery.logs.maxLines must be a whole number from 100 to {0}; using {1}.', MAX_MAX_LINES, DEFAULT_MAX_LINES) }
    : { value };
}

export class LogCommands implements vscode.Disposable {
  readonly documents = new LogDocuments();
  /** The settings problems already shown, so each is said once. */
  readonly #told = new Set<string>();

  readonly #connection: vscode.Disposable;
  /** Links from log lines to the workspace's files, and the Problems of failed builds. */
  readonly fileLinks: LogFileLinks;
  #linksWatch: vscode.Disposable | undefined;

  constructor(
    private readonly core: Core,
    private readonly sockets: SocketFactory,
  ) {
    this.fileLinks = new LogFileLinks({
      scopeOf: (uri) => this.#scopeOf(uri),
      links: () => ((vscode.workspace.workspaceFolders?.length ?? 0) > 0 ? this.core.load('workspace').links.links : []),
    });
    // Another connection or token: live streams connect again with it (or stop when there is none).
    this.#connection = core.session.onDidChangeConnection(() => {
      // The Problems came from the previous connection's deployments.
      this.fileLinks.clearProblems();
      for (const s of this.documents.sessions()) {
        if (s instanceof LiveLogView) {
          s.reconnect();
        } else if (s instanceof DeploymentLogView) {
          // Its stream was opened with the previous token: the next status answer opens it again.
          s.dropStream();
        }
      }
    });
  }

  async #client(): Promise<QoveryClient> {
    const client = await this.core.session.client();
    if (!client) {
      askToSignIn(this.core.ui);
      throw new vscode.CancellationError();
    }
    return client;
  }

  /** The argument, or the workspace's linked service. */
  async #target(arg: unknown): Promise<(DeploymentLogTarget & { environmentName?: string }) | undefined> {
    const given = logTargetOf(arg);
    if (given || (arg !== undefined && !(arg instanceof vscode.Uri))) {
      return given;
    }
    const link = (await this.core.load('workspace').links.currentLink())?.link;
    if (!link) {
      void this.core.ui.prompter.info(vscode.l10n.t('Qovery: link this workspace to a service first, or use the command on a service in the Qovery view.'), {});
      return undefined;
    }
    return logTargetOf(link);
  }

  /** The service (or environment) whose log a document shows. */
  #scopeOf(uri: vscode.Uri): LinkScope | undefined {
    const s = this.documents.session(uri);
    if (s instanceof DeploymentLogView) {
      return { environmentId: s.target.environmentId, serviceId: s.target.serviceId };
    }
    return s instanceof LiveLogView ? { serviceId: s.serviceId } : undefined;
  }

  /** A failed deployment's entries: its build errors become Problems of the linked folders' files. */
  async showProblems(entries: readonly DeploymentLogEntry[], scope: LinkScope): Promise<void> {
    if ((vscode.workspace.workspaceFolders?.length ?? 0) === 0) {
      return;
    }
    try {
      // A folder unlinked later takes its service's Problems with it.
      this.#linksWatch ??= this.core.load('workspace').links.onDidChange(() => this.fileLinks.keepLinked());
      await this.fileLinks.setProblems(entries, scope);
    } catch (error) {
      this.core.log.warn(`The build errors of a failed deployment could not be shown as Problems: ${this.core.log.redact(String((error as Error)?.message ?? error))}`);
    }
  }

  // ---- deployment logs ----

  /** The entries of the deployment (the latest when no execution id is given), of one service when one is given. */
  async fetchDeploymentLogs(target: DeploymentLogTarget, signal?: AbortSignal): Promise<DeploymentLogsResult> {
    const client = await this.#client();
    const base = apiPath`/environment/${target.environmentId}/logs`;
    const path = target.executionId ? `${base}?version=${encodeURIComponent(target.executionId)}` : base;
    let entries = parseDeploymentLogs(await client.get(path, { signal }));
    const executionId = target.executionId ?? latestExecutionId(entries);
    entries = ofService(ofExecution(entries, executionId), target.serviceId);
    return { entries, executionId };
  }

  /** Qovery's explanation of a failed deployment, or undefined when its log holds no error. */
  async explainFailure(target: DeploymentLogTarget, signal?: AbortSignal): Promise<FailureExplanation | undefined> {
    const { entries } = await this.fetchDeploymentLogs(target, signal);
    const explanation = explainFailureOf(entries);
    if (explanation) {
      void this.showProblems(entries, { environmentId: target.environmentId, serviceId: target.serviceId });
    }
    // Told on the environment's lines: the reader learns it was not the service's own step that failed.
    if (explanation?.origin === 'precheck') {
      explanation.message = vscode.l10n.t('The precheck failed: {0}', explanation.message);
    } else if (explanation?.origin === 'environment') {
      explanation.message = vscode.l10n.t('The environment reported: {0}', explanation.message);
    }
    return explanation;
  }

  async showDeploymentLogs(arg?: unknown): Promise<DeploymentLogView | undefined> {
    const target = await this.#target(arg);
    if (!target) {
      return undefined;
    }
    await this.#client();
    const same = this.documents
      .sessions()
      .find((s): s is DeploymentLogView => s instanceof DeploymentLogView && s.target.environmentId === target.environmentId && s.target.serviceId === target.serviceId && s.target.executionId === target.executionId);
    if (same) {
      await this.documents.reveal(same);
      void same.load();
      return same;
    }
    const title = [target.serviceName, target.environmentName].filter(Boolean).join(' · ') || target.environmentId;
    const view = new DeploymentLogView({
      uri: this.documents.uri(`${target.serviceName ?? 'environment'} deployment`, 'deployment'),
      target,
      title,
      documents: this.documents,
      fetch: (t, signal) => this.fetchDeploymentLogs(t, signal),
      // The shared status polling (3 s while something moves): no polling of its own.
      // The answer `watch` hands over at once may be up to two minutes old: it is skipped, and a fresh
      // one is asked for, so "the deployment is over" is never said from an old answer.
      watch: (environmentId, onStatuses) => {
        const service = this.core.load('statuses').service;
        let fresh = false;
        // An open deployment log follows its environment: its statuses are streamed meanwhile.
        const follow = target.organizationId && target.projectId ? { organizationId: target.organizationId, projectId: target.projectId } : undefined;
        const watch = service.watch(environmentId, { onStatuses: (s) => fresh && onStatuses(s), ...(follow ? { follow } : {}) });
        fresh = true;
        void service.refresh(environmentId);
        return watch;
      },
      stream: target.organizationId && target.projectId ? (onEntries, onState) => this.#deploymentLogStream({ ...target, organizationId: target.organizationId!, projectId: target.projectId! }, onEntries, onState) : undefined,
      onError: (error) => {
        this.core.session.reportFailure(error);
        this.core.log.warn(`Deployment logs of ${target.environmentId} could not be loaded: ${this.core.log.redact(String((error as Error)?.message ?? error))}`);
      },
    });
    await this.documents.show(view);
    await view.start();
    void this.showProblems(view.entries, { environmentId: target.environmentId, serviceId: target.serviceId });
    return view;
  }

  /**
   * The environment's `/deployment/logs` stream (the newest deployment, live, as Qovery's console reads
   * it): array messages of log entries. A 401 on the upgrade or a close 1007/1008 runs the token check.
   */
  #deploymentLogStream(
    target: DeploymentLogTarget & { organizationId: string; projectId: string },
    onEntries: (entries: DeploymentLogEntry[]) => void,
    onState: (state: LogStreamState) => void,
  ): { close(): void } {
    const access = this.core.load('statuses').access;
    let stream: GatewayStream | undefined;
    let closed = false;
    let bad = 0;
    const where = `Deployment log stream of environment ${target.environmentId}`;
    void (async () => {
      let clusterId: string | undefined;
      try {
        clusterId = await access.clusterOf(target.projectId, target.environmentId);
      } catch (error) {
        this.core.session.reportFailure(error);
      }
      if (closed) {
        return;
      }
      if (!clusterId) {
        this.core.log.warn(`${where}: the environment's cluster is not known; the log is fetched instead.`);
        onState('down');
        return;
      }
      stream = new GatewayStream({
        url: deploymentLogsUrl(access.baseUrl(), { organizationId: target.organizationId, projectId: target.projectId, clusterId, environmentId: target.environmentId }),
        label: 'deployment log stream',
        authorization: () => access.authorization(),
        connect: this.sockets,
        onProblem: (text) => this.core.log.warn(`${where}: ${text}`),
        onMessage: (text) => {
          try {
            onEntries(parseDeploymentLogs(JSON.parse(text)));
          } catch (error) {
            if (bad++ === 0) {
              this.core.log.warn(`${where}: a message was not a list of log entries (${error instanceof Error ? error.message : String(error)}).`);
            }
          }
        },
        onState: (state) => {
          onState(state.kind === 'connected' ? 'connected' : state.kind === 'connecting' ? 'connecting' : 'down');
          if (state.kind === 'stopped' && (state.reason === 'unauthorized' || (state.reason === 'forbidden' && state.closeCode !== undefined))) {
            this.core.session.reportFailure(new QoveryApiError('unauthorized', 'The deployment log stream refused the token (401, or close code 1007/1008).'));
          }
        },
      });
      stream.start();
    })();
    return {
      close: () => {
        closed = true;
        stream?.close();
      },
    };
  }

  // ---- live service logs ----

  /** The websocket base URL (the gateway access every stream shares says a bad setting) and `qovery.logs.maxLines`. */
  #settings(): { url: string; maxLines: number } {
    const url = this.core.load('statuses').access.baseUrl();
    const max = maxLinesSetting(vscode.workspace.getConfiguration('qovery').get<unknown>('logs.maxLines'));
    if (max.problem && !this.#told.has(max.problem)) {
      this.#told.add(max.problem);
      this.core.log.warn(max.problem);
      void this.core.ui.prompter.warn(vscode.l10n.t('Qovery: {0}', max.problem), {});
    }
    return { url, maxLines: max.value };
  }

  async showServiceLogs(arg?: unknown): Promise<LiveLogView | undefined> {
    const target = await this.#target(arg);
    if (!target) {
      return undefined;
    }
    if (!target.serviceId || !target.organizationId || !target.projectId) {
      void this.core.ui.prompter.info(vscode.l10n.t('Qovery: live logs are shown for a service: choose one in the Qovery view.'), {});
      return undefined;
    }
    const existing = this.documents.sessions().find((s): s is LiveLogView => s instanceof LiveLogView && s.serviceId === target.serviceId);
    if (existing) {
      if (existing.stream.state.kind === 'stopped') {
        existing.reconnect();
      }
      await this.documents.reveal(existing);
      return existing;
    }
    const client = await this.#client();
    let clusterId: string | undefined;
    try {
      clusterId = (await listEnvironments(client, target.projectId)).find((e) => e.id === target.environmentId)?.cluster_id;
    } catch (error) {
      this.core.session.reportFailure(error);
      throw error;
    }
    if (!clusterId) {
      throw new QoveryApiError('notFound', vscode.l10n.t('The environment of this service was not found.'));
    }
    const settings = this.#settings();
    const url = serviceLogsUrl(settings.url, {
      organizationId: target.organizationId,
      projectId: target.projectId,
      environmentId: target.environmentId,
      clusterId,
      serviceId: target.serviceId,
    });
    const title = [target.serviceName, target.environmentName].filter(Boolean).join(' · ') || target.serviceId;
    const view = new LiveLogView({
      uri: this.documents.uri(`${target.serviceName ?? 'service'} live`, 'live'),
      title,
      serviceId: target.serviceId,
      maxLines: settings.maxLines,
      documents: this.documents,
      stream: { url, authorization: () => this.core.load('statuses').access.authorization(), connect: this.sockets, onProblem: (text) => this.core.log.warn(`Live logs of service ${target.serviceId}: ${text}`) },
      onUnauthorized: () => this.core.session.reportFailure(new QoveryApiError('unauthorized', 'The log stream refused the token (401, or close code 1007/1008).')),
    });
    this.core.log.info(`Live logs of service ${target.serviceId}: connecting to ${settings.url}.`);
    await this.documents.show(view);
    view.start();
    return view;
  }

  /** The live view a command acts on: the editor's (given by the editor title menu) or the active one. */
  #live(uri: unknown): LiveLogView | undefined {
    const u = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    const s = this.documents.session(u);
    if (s instanceof LiveLogView) {
      return s;
    }
    const all = this.documents.sessions().filter((x): x is LiveLogView => x instanceof LiveLogView);
    return all.length === 1 ? all[0] : undefined;
  }

  togglePause(uri?: unknown): void {
    const view = this.#live(uri);
    view?.setPaused(!view.paused);
  }

  clear(uri?: unknown): void {
    this.#live(uri)?.clear();
  }

  async filterPod(uri?: unknown): Promise<void> {
    const view = this.#live(uri);
    if (!view) {
      return;
    }
    type Item = vscode.QuickPickItem & { pod: string | undefined };
    view.buffer.lines(); // parses what is kept, so every kept line's pod is known
    const all: Item = { label: vscode.l10n.t('All pods'), pod: undefined };
    const items: Item[] = [all, ...[...view.buffer.pods].sort().map((pod): Item => ({ label: noIcons(pod || '-'), pod, description: pod === view.pod ? vscode.l10n.t('shown now') : undefined }))];
    const picked = await this.core.ui.prompter.quickPick(items, { title: vscode.l10n.t('Qovery: show the lines of which pod?') });
    if (picked) {
      view.setPod(picked.pod);
    }
  }

  dispose(): void {
    this.#connection.dispose();
    this.#linksWatch?.dispose();
    this.fileLinks.dispose();
    this.documents.dispose();
  }
}
