import * as vscode from 'vscode';
import type { QoveryNode } from '../tree/nodes';
import type { OrganizationsTreeProvider } from '../tree/provider';
import { Commands, registerCommand, type CommandServices } from './registry';

export function registerTreeCommands(tree: OrganizationsTreeProvider, services: CommandServices): vscode.Disposable[] {
  const resourceOf = (node: QoveryNode | undefined) => node?.resource ?? tree.view?.selection[0]?.resource;
  return [
    registerCommand(Commands.refresh, () => tree.refresh(), services),
    registerCommand(Commands.refreshNode, (node?: QoveryNode) => (node ? tree.refreshNode(node) : tree.refresh()), services),
    registerCommand(Commands.retryNode, (key: string) => tree.refreshNode(key), services),
    registerCommand(
      Commands.openInConsole,
      async (node?: QoveryNode) => {
        const resource = resourceOf(node);
        if (resource) {
          await vscode.env.openExternal(vscode.Uri.parse(resource.consoleUrl));
        }
      },
      services,
    ),
    registerCommand(
      Commands.copyId,
      async (node?: QoveryNode) => {
        const resource = resourceOf(node);
        if (resource) {
          await vscode.env.clipboard.writeText(resource.id);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the ID of {0}', resource.name), 3000);
        }
      },
      services,
    ),
    registerCommand(
      Commands.copyName,
      async (node?: QoveryNode) => {
        const resource = resourceOf(node);
        if (resource) {
          await vscode.env.clipboard.writeText(resource.name);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the name {0}', resource.name), 3000);
        }
      },
      services,
    ),
  ];
}
