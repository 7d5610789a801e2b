import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import { errorKind, isTransient } from '../api/errors';
import type { SessionManager, SessionState } from '../auth/session';
import { ContextKeys, setContext, VIEW_ID } from '../contributions';
import type { Logger } from '../logger';
import { timeOfDay } from '../format';
import { apiTokensKey, ApiTokensNode, ErrorNode, InfoNode, OrganizationNode, StaleNode, type QoveryNode } from './nodes';
import { byDisplayName, presentUnrenderable } from './present';
import { Disposable } from '../lifecycle';

const ROOT = 'root';

interface Level {
  nodes: QoveryNode[];
  loadedAt: number;
  /** The kind of failure when the level failed: its rows (error or stale) stay until Retry or Refresh. */
  failed?: string;
  /** The failure may pass by itself: the level loads again once the API is back. */
  transient?: boolean;
}

/** Loads the rows under "API Tokens": given by the token management chunk, loaded on first expansion. */
export type TokenRowsLoader = (client: QoveryClient, organizationId: string, signal: AbortSignal) => Promise<QoveryNode[]>;

/** How the children of one row load. */
export interface ChildLevel {
  /** "environments": for the error row, "Could not load environments". */
  what: string;
  /** The row shown when the level is empty. */
  empty: string;
  load: (client: QoveryClient, signal: AbortSignal) => Promise<QoveryNode[]>;
}

/** The levels below an organization: the explorer chunk, loaded when an organization is first expanded. */
export interface LevelSource {
  projects(client: QoveryClient, organizationId: string, signal: AbortSignal): Promise<QoveryNode[]>;
  /** The children of a row this source made, or undefined for a row without children. */
  levelOf(node: QoveryNode): ChildLevel | undefined;
}

/**
 * Organizations -> projects -> environments -> services. Each level loads when expanded, with
 * one list call and one status call; loads of the same level share one request.
 */
export class OrganizationsTreeProvider extends Disposable implements vscode.TreeDataProvider<QoveryNode> {
  readonly #changed = this.register(new vscode.EventEmitter<QoveryNode | undefined>());
  readonly onDidChangeTreeData = this.#changed.event;
  readonly #levels = new Map<string, Level>();
  /** The last successful load of each level, kept to show (marked stale) when a reload fails. */
  readonly #stale = new Map<string, Level>();
  readonly #inflight = new Map<string, Promise<QoveryNode[]>>();
  readonly #nodes = new Map<string, QoveryNode>();
  readonly #parents = new Map<string, string>();
  #epoch = 0;
  #lastStatus: string | undefined;
  #refresh: { promise: Promise<void>; startedAt: number; pending: boolean } | undefined;
  view: vscode.TreeView<QoveryNode> | undefined;
  /** Whole-tree refreshes asked within this window of the last one join it. */
  coalesceMs = 1000;
  concurrency = 8;

  constructor(
    private readonly session: SessionManager,
    private readonly log: Logger,
    private readonly tokenRows: TokenRowsLoader,
    private readonly levels: LevelSource,
  ) {
    super();
    this.registerAll(
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
      this.#loaded,
    );
  }

  attach(view: vscode.TreeView<QoveryNode>): void {
    this.view = view;
    // What is on screen changes with the view's visibility too (auto refresh watches only what shows).
    this.register(view.onDidChangeVisibility(() => this.#loaded.fire()));
    this.#loaded.fire();
  }

  readonly #loaded = new vscode.EventEmitter<void>();
  /** A level loaded, every level was forgotten, or the view was shown or hidden: what is on screen changed. */
  readonly onDidChangeLevels = this.#loaded.event;

  /** The keys of the rows whose children are loaded (and did not fail). */
  loadedKeys(): string[] {
    return [...this.#levels].filter(([, level]) => !level.failed).map(([key]) => key);
  }

  /**
   * Lets `update` change rows of a loaded level in place (a state the status polling brought); the
   * rows it says changed are redrawn, nothing is requested.
   */
  updateRows(parentKey: string, update: (node: QoveryNode) => boolean): void {
    const level = this.#levels.get(parentKey);
    for (const node of level && !level.failed ? level.nodes : []) {
      if (update(node)) {
        this.#changed.fire(node);
      }
    }
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
    this.#loaded.fire();
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
      return this.#load(node.key, vscode.l10n.t('projects'), vscode.l10n.t('No projects'), (client, signal) => this.levels.projects(client, orgId, signal)).then((nodes) => [
        ...nodes,
        tokens,
      ]);
    }
    if (node instanceof ApiTokensNode) {
      return this.#load(node.key, vscode.l10n.t('API tokens'), vscode.l10n.t('No API tokens'), (client, signal) => this.tokenRows(client, node.organizationId, signal));
    }
    // Anything else is a row of the explorer chunk, which knows how to load its children.
    const level = this.levels.levelOf(node);
    return level ? this.#load(node.key, level.what, level.empty, level.load) : [];
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
        this.#loaded.fire();
        this.session.reportSuccess();
        return nodes.length > 0 ? nodes : [new InfoNode(`${key}:empty`, emptyLabel)];
      } catch (error) {
        if (epoch !== this.#epoch) {
          return [];
        }
        this.log.error(`Loading ${what} failed`, error);
        const previous = this.#stale.get(key);
        const kind = errorKind(error) ?? 'unknown';
        const transient = isTransient(error);
        // A failure that says nothing about the data (network, server...) leaves the last rows useful.
        const nodes = previous && transient ? [new StaleNode(key, previous.loadedAt, error), ...previous.nodes] : [new ErrorNode(key, what, error)];
        this.#remember(key, nodes.slice(0, 1));
        // Kept, so that a redraw (after the check a 401 starts, say) shows the failure instead of asking again.
        if (kind !== 'cancelled') {
          this.#levels.set(key, { nodes, loadedAt: Date.now(), failed: kind, transient });
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

  /** Reloads the "API Tokens" row of an organization when it is on screen. */
  refreshApiTokens(organizationId: string | undefined): void {
    const key = organizationId ? apiTokensKey(organizationId) : undefined;
    if (key && this.#nodes.has(key)) {
      this.refreshNode(key);
    }
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
      if (level.transient) {
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
}
