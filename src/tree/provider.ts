import * as vscode from 'vscode';
import { isApiError, type EnvironmentStatus, type QoveryClient, type ServiceStatus } from '../api';
import type { SessionManager, SessionState } from '../auth/session';
import { ContextKeys, setContext } from '../commands/registry';
import type { Logger } from '../logger';
import { readSettings } from '../config';
import { EnvironmentNode, ErrorNode, InfoNode, OrganizationNode, ProjectNode, ServiceNode, StaleNode, type QoveryNode } from './nodes';
import { timeOfDay } from './format';
import { byDisplayName, indexById, indexServiceStatuses, presentUnrenderable } from './present';
import { ApiTokensNode, loadApiTokenNodes } from './tokens';

export const VIEW_ID = 'qovery.organizations';
const ROOT = 'root';

interface Level {
  nodes: QoveryNode[];
  loadedAt: number;
  /** The kind of failure when the level failed: its rows (error or stale) stay until Retry or Refresh. */
  failed?: string;
}

/** Failures that end by themselves: a level that failed this way loads again once the API is back. */
const TRANSIENT = new Set(['network', 'timeout', 'server', 'rateLimited']);

/** Kinds of failure after which the rows of the last success stay useful (marked stale). */
const KEEP_STALE_ON = new Set(['network', 'timeout', 'server', 'rateLimited', 'invalidResponse']);

/**
 * Organizations -> projects -> environments -> services. Each level loads when expanded, with
 * one list call and one status call; loads of the same level share one request.
 */
export class OrganizationsTreeProvider implements vscode.TreeDataProvider<QoveryNode>, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<QoveryNode | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;
  readonly #levels = new Map<string, Level>();
  /** The last successful load of each level, kept to show (marked stale) when a reload fails. */
  readonly #stale = new Map<string, Level>();
  readonly #inflight = new Map<string, Promise<QoveryNode[]>>();
  readonly #nodes = new Map<string, QoveryNode>();
  readonly #parents = new Map<string, string>();
  readonly #disposables: vscode.Disposable[] = [];
  #epoch = 0;
  #lastStatus: string | undefined;
  #refresh: { promise: Promise<void>; startedAt: number; pending: boolean } | undefined;
  #autoRefresh: ReturnType<typeof setInterval> | undefined;
  view: vscode.TreeView<QoveryNode> | undefined;
  /** Whole-tree refreshes asked within this window of the last one join it. */
  coalesceMs = 1000;
  concurrency = 8;

  constructor(
    private readonly session: SessionManager,
    private readonly log: Logger,
  ) {
    this.#disposables.push(
      session.onDidChangeConnection(() => this.clear()),
      session.onDidChange((state) => {
        if (state.status === 'checking') {
          return;
        }
        this.#showRetryTime(state);
        const before = this.#lastStatus;
        this.#lastStatus = state.status;
        if (state.status === 'signedIn' && before !== undefined && before !== 'signedIn') {
          this.#forgetTransientFailures();
        }
        this.#changed.fire(undefined);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('qovery.autoRefreshSeconds')) {
          this.#scheduleAutoRefresh();
        }
      }),
      vscode.window.onDidChangeWindowState(() => this.#scheduleAutoRefresh()),
    );
  }

  attach(view: vscode.TreeView<QoveryNode>): void {
    this.view = view;
    this.#disposables.push(view.onDidChangeVisibility(() => this.#scheduleAutoRefresh()));
    this.#scheduleAutoRefresh();
  }

  /** While rate limited, the view says when it checks again (the welcome text points here). */
  #showRetryTime(state: SessionState): void {
    if (this.view) {
      this.view.message =
        state.status === 'rateLimited' && state.retryAt ? vscode.l10n.t('Qovery is rate limiting this token: checking again at {0}.', timeOfDay(state.retryAt)) : undefined;
    }
  }

  /** Forgets everything at once: another account's rows must never show under this one. */
  clear(): void {
    this.#epoch++;
    this.#levels.clear();
    this.#stale.clear();
    this.#inflight.clear();
    this.#nodes.clear();
    this.#parents.clear();
    this.#refresh = undefined;
    this.#changed.fire(undefined);
  }

  getTreeItem(node: QoveryNode): vscode.TreeItem {
    try {
      return node.toTreeItem();
    } catch (error) {
      // Never an exception into VS Code's tree: the row says it cannot be shown.
      this.log.exception('A row could not be shown', error);
      const p = presentUnrenderable(vscode.l10n.t('row'), vscode.l10n);
      const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.None);
      item.id = node.key;
      item.description = p.description;
      item.contextValue = p.contextValue;
      item.iconPath = new vscode.ThemeIcon(p.icon);
      return item;
    }
  }

  getParent(node: QoveryNode): QoveryNode | undefined {
    const parent = this.#parents.get(node.key);
    return parent ? this.#nodes.get(parent) : undefined;
  }

  nodeByKey(key: string): QoveryNode | undefined {
    return this.#nodes.get(key);
  }

  getChildren(node?: QoveryNode): Promise<QoveryNode[]> | QoveryNode[] {
    if (!node) {
      return this.#root();
    }
    if (node instanceof ErrorNode) {
      return node.children();
    }
    if (node instanceof OrganizationNode) {
      const orgId = node.organization.id;
      const tokens = new ApiTokensNode(orgId);
      this.#remember(node.key, [tokens]);
      return this.#load(node.key, vscode.l10n.t('projects'), vscode.l10n.t('No projects'), async (client, signal) =>
        (await client.listProjects(orgId, { signal })).sort(byDisplayName).map((p) => new ProjectNode(orgId, p)),
      ).then((nodes) => [...nodes, tokens]);
    }
    if (node instanceof ApiTokensNode) {
      const store = this.session.store;
      return this.#load(node.key, vscode.l10n.t('API tokens'), vscode.l10n.t('No API tokens'), (client, signal) =>
        loadApiTokenNodes(client, node.organizationId, store.connections(), store.active()?.id, signal),
      );
    }
    if (node instanceof ProjectNode) {
      const { organizationId } = node;
      const projectId = node.project.id;
      return this.#load(node.key, vscode.l10n.t('environments'), vscode.l10n.t('No environments'), async (client, signal) => {
        const [environments, statuses] = await Promise.all([
          client.listEnvironments(projectId, { signal }),
          client.listEnvironmentStatuses(projectId, { signal }).catch((error: unknown) => this.#partial('environment states', error)),
        ]);
        const byId = indexById(statuses);
        return environments.sort(byDisplayName).map((e) => new EnvironmentNode(organizationId, projectId, e, byId.get(e.id) as EnvironmentStatus | undefined));
      });
    }
    if (node instanceof EnvironmentNode) {
      const { organizationId, projectId } = node;
      const environmentId = node.environment.id;
      return this.#load(node.key, vscode.l10n.t('services'), vscode.l10n.t('No services'), async (client, signal) => {
        const [services, statuses] = await Promise.all([
          client.listServices(environmentId, { signal }),
          client.getServiceStatuses(environmentId, { signal }).catch((error: unknown) => this.#partial('service states', error)),
        ]);
        const byId = indexServiceStatuses(statuses);
        return services.sort(byDisplayName).map((s) => new ServiceNode(organizationId, projectId, environmentId, s, byId.get(s.id) as ServiceStatus | undefined));
      });
    }
    return [];
  }

  /** States are secondary: when only their call fails, the rows show without them. */
  #partial(what: string, error: unknown): undefined {
    this.log.error(`Loading ${what} failed; showing the rows without them`, error);
    if (isApiError(error) && error.kind === 'cancelled') {
      throw error;
    }
    return undefined;
  }

  async #root(): Promise<QoveryNode[]> {
    const epoch = this.#epoch;
    let state = this.session.state;
    if (state.status === 'checking') {
      state = await this.#withProgress(() => this.session.check());
    }
    if (epoch !== this.#epoch) {
      return [];
    }
    void setContext(ContextKeys.noOrganizations, state.status === 'signedIn' && (state.organizations ?? []).length === 0);
    if (state.status === 'signedIn') {
      const nodes = (state.organizations ?? []).slice().sort(byDisplayName).map((o) => new OrganizationNode(o));
      this.#remember(ROOT, nodes);
      const level = { nodes, loadedAt: state.checkedAt ?? Date.now() };
      this.#levels.set(ROOT, level);
      this.#stale.set(ROOT, level);
      return nodes;
    }
    const previous = this.#stale.get(ROOT);
    if (previous && (state.status === 'unreachable' || state.status === 'rateLimited' || state.status === 'apiError')) {
      return [new StaleNode(ROOT, previous.loadedAt, state.error), ...previous.nodes];
    }
    // Every other state has a welcome view that says what is wrong and what to do.
    return [];
  }

  #load(key: string, what: string, emptyLabel: string, loader: (client: QoveryClient, signal: AbortSignal) => Promise<QoveryNode[]>): Promise<QoveryNode[]> {
    const done = this.#levels.get(key);
    if (done) {
      return Promise.resolve(done.nodes.length > 0 ? done.nodes : [new InfoNode(`${key}:empty`, emptyLabel)]);
    }
    const running = this.#inflight.get(key);
    if (running) {
      return running;
    }
    const epoch = this.#epoch;
    const controller = new AbortController();
    const load = async (): Promise<QoveryNode[]> => {
      try {
        const client = await this.session.client();
        if (!client) {
          return [];
        }
        const nodes = await this.#withProgress(() => loader(client, controller.signal));
        if (epoch !== this.#epoch) {
          return [];
        }
        const level = { nodes, loadedAt: Date.now() };
        this.#levels.set(key, level);
        this.#stale.set(key, level);
        this.#remember(key, nodes);
        this.session.reportSuccess();
        return nodes.length > 0 ? nodes : [new InfoNode(`${key}:empty`, emptyLabel)];
      } catch (error) {
        if (epoch !== this.#epoch) {
          return [];
        }
        this.log.error(`Loading ${what} failed`, error);
        const previous = this.#stale.get(key);
        const kind = isApiError(error) ? error.kind : 'unknown';
        const nodes =
          previous && KEEP_STALE_ON.has(kind) ? [new StaleNode(key, previous.loadedAt, error), ...previous.nodes] : [new ErrorNode(key, what, error)];
        this.#remember(key, nodes.slice(0, 1));
        // Kept, so that a redraw (after the check a 401 starts, say) shows the failure instead of asking again.
        if (kind !== 'cancelled') {
          this.#levels.set(key, { nodes, loadedAt: Date.now(), failed: kind });
        }
        this.session.reportFailure(error);
        return nodes;
      }
    };
    const promise = load().finally(() => {
      if (this.#inflight.get(key) === promise) {
        this.#inflight.delete(key);
      }
    });
    this.#inflight.set(key, promise);
    return promise;
  }

  #remember(parentKey: string, nodes: QoveryNode[]): void {
    for (const node of nodes) {
      this.#nodes.set(node.key, node);
      this.#parents.set(node.key, parentKey);
    }
  }

  #withProgress<T>(task: () => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, task));
  }

  /**
   * Reloads the whole tree. Refreshes asked while one runs, or within `coalesceMs` of its start,
   * join it instead of sending the requests again.
   */
  refresh(): Promise<void> {
    const current = this.#refresh;
    // Joining a recent refresh is only right when it worked; after a failure, Refresh means "try again".
    const recent = current && Date.now() - current.startedAt < this.coalesceMs && this.session.state.status === 'signedIn';
    if (current && (current.pending || recent)) {
      return current.promise;
    }
    this.#levels.clear();
    const entry = { startedAt: Date.now(), pending: true, promise: Promise.resolve() };
    // The check ends with a session change, which redraws the tree (see the constructor).
    entry.promise = this.session
      .check()
      .then(() => undefined)
      .finally(() => {
        entry.pending = false;
      });
    this.#refresh = entry;
    return entry.promise;
  }

  /** Reloads one row's children. */
  refreshNode(node: QoveryNode | string): void {
    const key = typeof node === 'string' ? node : node.key;
    if (key === ROOT) {
      this.#refresh = undefined;
      void this.refresh();
      return;
    }
    this.#forget(key);
    this.#changed.fire(this.#nodes.get(key));
  }

  /** After the API is back: levels that failed for a passing reason load again when next shown. */
  #forgetTransientFailures(): void {
    for (const [key, level] of this.#levels) {
      if (level.failed !== undefined && TRANSIENT.has(level.failed)) {
        this.#levels.delete(key);
      }
    }
  }

  #forget(key: string): void {
    this.#levels.delete(key);
    for (const [child, parent] of this.#parents) {
      if (parent === key) {
        this.#forget(child);
      }
    }
  }

  #scheduleAutoRefresh(): void {
    clearInterval(this.#autoRefresh);
    this.#autoRefresh = undefined;
    const seconds = readSettings().autoRefreshSeconds;
    // Only while someone can see it: no polling for a hidden view or an unfocused window.
    if (seconds > 0 && this.view?.visible && vscode.window.state.focused) {
      this.#autoRefresh = setInterval(() => {
        if (this.session.state.status === 'signedIn' || this.session.state.status === 'unreachable') {
          void this.refresh();
        }
      }, seconds * 1000);
    }
  }

  dispose(): void {
    clearInterval(this.#autoRefresh);
    for (const d of this.#disposables) {
      d.dispose();
    }
    this.#changed.dispose();
  }
}
