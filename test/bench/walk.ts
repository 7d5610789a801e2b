// Loads the extension's tree the way VS Code's tree view does when a user expands rows: children of
// a row are asked with getChildren, each child's TreeItem is resolved with getTreeItem, and every
// expanded child loads its own children at once (no waiting for its siblings).
import type * as vscode from 'vscode';
import type { QoveryNode } from '../../src/tree/nodes';
import type { OrganizationsTreeProvider } from '../../src/tree/provider';
import type { Scope } from './protocol';

/** 'error' is a failed load (error or offline row); 'other' is any other row, e.g. the API tokens group or "No items". */
export type RowKind = 'organization' | 'project' | 'environment' | 'service' | 'error' | 'other';

export type RowCounts = Record<RowKind, number>;

export const emptyCounts = (): RowCounts => ({ organization: 0, project: 0, environment: 0, service: 0, error: 0, other: 0 });

export function kindOf(item: vscode.TreeItem): RowKind {
  const context = item.contextValue ?? '';
  for (const kind of ['organization', 'project', 'environment', 'service'] as const) {
    if (context === `qovery.${kind}` || context.startsWith(`qovery.${kind}.`)) {
      return kind;
    }
  }
  return context === 'qovery.error' || context === 'qovery.stale' ? 'error' : 'other';
}

export interface WalkResult {
  /** From `start` to the organizations' rows. */
  firstLevelMs: number;
  /** From `start` to the last row of the scope. */
  wholeMs: number;
  rows: RowCounts;
}

/** Expands the scope of the account, from the root; `start` is the performance.now() the times count from. */
export async function walkTree(tree: OrganizationsTreeProvider, scope: Scope, start: number): Promise<WalkResult> {
  const rows = emptyCounts();
  let firstLevelMs = 0;
  const expand = async (node: QoveryNode | undefined): Promise<void> => {
    const children = await tree.getChildren(node);
    if (!node) {
      firstLevelMs = performance.now() - start;
    }
    const loads: Promise<void>[] = [];
    let projects = 0;
    for (const child of children) {
      const kind = kindOf(tree.getTreeItem(child));
      rows[kind]++;
      if (kind === 'project' && scope.expandProjects !== undefined && projects++ >= scope.expandProjects) {
        continue;
      }
      if (kind === 'organization' || kind === 'project' || kind === 'environment') {
        loads.push(expand(child));
      }
    }
    await Promise.all(loads);
  };
  await expand(undefined);
  return { firstLevelMs, wholeMs: performance.now() - start, rows };
}

/**
 * Stands in for the tree view while the tree is expanded: on each onDidChangeTreeData it reloads the
 * expanded rows, as VS Code does for a visible view (events that arrive during a reload cause one
 * more reload afterwards, not one each).
 */
export class ViewStandIn implements vscode.Disposable {
  readonly #subscription: vscode.Disposable;
  #running: Promise<void> | undefined;
  #again = false;
  #lastActivity = performance.now();
  reloads = 0;

  constructor(
    private readonly tree: OrganizationsTreeProvider,
    private readonly scope: Scope,
  ) {
    this.#subscription = tree.onDidChangeTreeData(() => this.#schedule());
  }

  #schedule(): void {
    this.#lastActivity = performance.now();
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        this.reloads++;
        await walkTree(this.tree, this.scope, performance.now());
      } while (this.#again);
    })().finally(() => {
      this.#running = undefined;
      this.#lastActivity = performance.now();
    });
  }

  /** Resolves once no reload has run or been asked for during `quietMs`. */
  async settled(quietMs: number): Promise<void> {
    for (;;) {
      if (this.#running) {
        await this.#running;
        continue;
      }
      const idle = performance.now() - this.#lastActivity;
      if (idle >= quietMs) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, quietMs - idle));
    }
  }

  dispose(): void {
    this.#subscription.dispose();
  }
}
