import * as vscode from 'vscode';
import type { QoveryNode } from '../tree/nodes';
import type { OrganizationsTreeProvider } from '../tree/provider';

/** The explorer's commands. The core registers them; this code is in the tree chunk. */
export function treeCommands(tree: OrganizationsTreeProvider) {
  const resourceOf = (node: QoveryNode | undefined) => node?.resource ?? tree.view?.selection[0]?.resource;
  return {
    refresh: () => tree.refresh(),
    refreshNode: (node?: QoveryNode) => (node ? tree.refreshNode(node) : tree.refresh()),
    retryNode: (key: string) => tree.refreshNode(key),
    async openInConsole(node?: QoveryNode): Promise<void> {
      const resource = resourceOf(node);
      if (resource) {
        await vscode.env.openExternal(vscode.Uri.parse(resource.consoleUrl));
      }
    },
    async copyId(node?: QoveryNode): Promise<void> {
      const resource = resourceOf(node);
      if (resource) {
        await vscode.env.clipboard.writeText(resource.id);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the ID of {0}', resource.name), 3000);
      }
    },
    async copyName(node?: QoveryNode): Promise<void> {
      const resource = resourceOf(node);
      if (resource) {
        await vscode.env.clipboard.writeText(resource.name);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the name {0}', resource.name), 3000);
      }
    },
  };
}
