import * as vscode from 'vscode';
import type { QoveryNode } from '../tree/nodes';
import type { OrganizationsTreeProvider } from '../tree/provider';

export function registerTreeCommands(tree: OrganizationsTreeProvider): vscode.Disposable[] {
  const resourceOf = (node: QoveryNode | undefined) => node?.resource ?? tree.view?.selection[0]?.resource;
  return [
    vscode.commands.registerCommand('qovery.refresh', () => tree.refresh()),
    vscode.commands.registerCommand('qovery.refreshNode', (node?: QoveryNode) => (node ? tree.refreshNode(node) : tree.refresh())),
    vscode.commands.registerCommand('qovery.retryNode', (key: string) => tree.refreshNode(key)),
    vscode.commands.registerCommand('qovery.openInConsole', async (node?: QoveryNode) => {
      const resource = resourceOf(node);
      if (resource) {
        await vscode.env.openExternal(vscode.Uri.parse(resource.consoleUrl));
      }
    }),
    vscode.commands.registerCommand('qovery.copyId', async (node?: QoveryNode) => {
      const resource = resourceOf(node);
      if (resource) {
        await vscode.env.clipboard.writeText(resource.id);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the ID of {0}', resource.name), 3000);
      }
    }),
    vscode.commands.registerCommand('qovery.copyName', async (node?: QoveryNode) => {
      const resource = resourceOf(node);
      if (resource) {
        await vscode.env.clipboard.writeText(resource.name);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the name {0}', resource.name), 3000);
      }
    }),
  ];
}
