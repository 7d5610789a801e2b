import * as vscode from 'vscode';
import { Disposable, type IDisposable } from '../lifecycle';
import type { QoveryNode } from './nodes';
import type { OrganizationsTreeProvider } from './provider';

/** Rows another feature puts above the organizations (the workspace link's "This Workspace"), and their children. */
export interface TopRows {
  rows(): QoveryNode[];
  children(node: QoveryNode): QoveryNode[] | undefined;
}

/**
 * What the core registers as the view's data provider. The real provider, with every row type and
 * how each level loads, is in the tree chunk: it loads the first time VS Code asks for rows (when the
 * view is first shown) or a command needs it.
 */
export class ExplorerView extends Disposable implements vscode.TreeDataProvider<QoveryNode> {
  readonly #changed = this.register(new vscode.EventEmitter<QoveryNode | undefined>());
  readonly onDidChangeTreeData = this.#changed.event;
  #provider: OrganizationsTreeProvider | undefined;
  #view: vscode.TreeView<QoveryNode> | undefined;
  #top: TopRows | undefined;

  constructor(private readonly loadProvider: () => OrganizationsTreeProvider) {
    super();
  }

  /** The provider, loading the tree chunk if needed. */
  get provider(): OrganizationsTreeProvider {
    if (!this.#provider) {
      const provider = this.loadProvider();
      this.#provider = provider;
      this.register(provider.onDidChangeTreeData((node) => this.#changed.fire(node)));
      if (this.#view) {
        provider.attach(this.#view);
      }
    }
    return this.#provider;
  }

  /** The provider if the tree chunk is loaded: nothing to update in a tree nobody has shown. */
  get loaded(): OrganizationsTreeProvider | undefined {
    return this.#provider;
  }

  attach(view: vscode.TreeView<QoveryNode>): void {
    this.#view = view;
    this.#provider?.attach(view);
  }

  getTreeItem(node: QoveryNode): vscode.TreeItem {
    return this.provider.getTreeItem(node);
  }

  /** Shows `top` above the organizations (while there are organizations); `refresh()` redraws it. */
  setTopRows(top: TopRows): IDisposable {
    this.#top = top;
    this.refreshTop();
    return {
      dispose: () => {
        if (this.#top === top) {
          this.#top = undefined;
          this.refreshTop();
        }
      },
    };
  }

  refreshTop(): void {
    if (this.#provider) {
      this.#changed.fire(undefined);
    }
  }

  getChildren(node?: QoveryNode): vscode.ProviderResult<QoveryNode[]> {
    const top = this.#top;
    if (node && top) {
      const children = top.children(node);
      if (children) {
        return children;
      }
    }
    const rows = this.provider.getChildren(node);
    return node || !top ? rows : Promise.resolve(rows).then((nodes) => (nodes.length > 0 ? [...top.rows(), ...nodes] : nodes));
  }

  getParent(node: QoveryNode): QoveryNode | undefined {
    return this.provider.getParent(node);
  }
}
