// The "This Workspace" row at the top of the explorer: each folder's linked service and its state.
import * as vscode from 'vscode';
import { Commands } from '../contributions';
import { QoveryNode } from '../tree/nodes';
import { stateColorId, stateLabel } from '../tree/present';
import type { TopRows } from '../tree/view';
import { serviceConsoleUrl } from './commands';
import type { FolderLink, WorkspaceLinks } from './links';

const l10n = vscode.l10n;

export class WorkspaceNode extends QoveryNode {
  readonly key = 'workspace';

  constructor(private readonly count: number) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(vscode.l10n.t('This Workspace'), vscode.TreeItemCollapsibleState.Expanded);
    t.id = this.key;
    t.description = this.count === 1 ? vscode.l10n.t('1 folder') : vscode.l10n.t('{0} folders', this.count);
    t.contextValue = 'qovery.workspace';
    t.iconPath = new vscode.ThemeIcon('root-folder');
    return t;
  }
}

/** One folder: its linked service (a service row: Open in Qovery Console and Copy ID apply) or Link…. */
export class WorkspaceFolderNode extends QoveryNode {
  readonly key: string;

  constructor(
    private readonly link: FolderLink,
    private readonly state: string | undefined,
  ) {
    super();
    this.key = `workspace:${link.folder.uri.toString()}`;
    const c = link.status === 'linked' ? link.link : undefined;
    if (c) {
      this.resource = { id: c.serviceId, name: c.serviceName, consoleUrl: serviceConsoleUrl(c) };
    }
  }

  toTreeItem(): vscode.TreeItem {
    const c = this.link.status === 'linked' ? this.link.link : undefined;
    if (!c) {
      const t = new vscode.TreeItem(this.link.folder.name, vscode.TreeItemCollapsibleState.None);
      t.id = this.key;
      t.description = this.link.status === 'pick' ? vscode.l10n.t('several services: choose…') : vscode.l10n.t('not linked: Link…');
      t.iconPath = new vscode.ThemeIcon('link');
      t.contextValue = 'qovery.workspaceFolder';
      t.command = { command: Commands.linkWorkspace, title: vscode.l10n.t('Link Workspace to Service'), arguments: [this.link.folder] };
      if (this.link.status === 'none' && this.link.previewable) {
        // No environment builds this branch: its preview is the natural offer.
        t.description = vscode.l10n.t('no environment on {0}: Create Preview…', this.link.local?.branch ?? '');
        t.iconPath = new vscode.ThemeIcon('git-branch');
        t.command = { command: Commands.createPreview, title: vscode.l10n.t('Create Preview Environment for This Branch'), arguments: [this.link.folder] };
      }
      return t;
    }
    const t = new vscode.TreeItem(c.serviceName, vscode.TreeItemCollapsibleState.None);
    t.id = this.key;
    const stateText = this.state ? stateLabel(this.state, l10n) : vscode.l10n.t('state unknown');
    t.description = `${c.environmentName} · ${stateText}`;
    t.tooltip = [
      vscode.l10n.t('Folder: {0}', this.link.folder.name),
      vscode.l10n.t('Environment: {0} ({1})', c.environmentName, c.environmentMode ?? vscode.l10n.t('mode unknown')),
      vscode.l10n.t('Project: {0}', c.projectName),
      vscode.l10n.t('Organization: {0}', c.organizationName),
    ].join('\n');
    const color = stateColorId(this.state);
    t.iconPath = new vscode.ThemeIcon('rocket', color ? new vscode.ThemeColor(color) : undefined);
    t.contextValue = `qovery.service.${c.serviceType.toLowerCase()}.linked`;
    t.command = { command: Commands.workspaceActions, title: vscode.l10n.t('Show Service Actions') };
    return t;
  }
}

/** The rows the explorer shows above the organizations: only when a folder holds a repository. */
export function workspaceTopRows(links: WorkspaceLinks): TopRows {
  const shown = () => links.links.filter((l) => l.status !== 'noRepository' && l.status !== 'signedOut');
  return {
    rows: () => {
      const folders = shown();
      return folders.length > 0 ? [new WorkspaceNode(folders.length)] : [];
    },
    children: (node) => (node instanceof WorkspaceNode ? shown().map((l) => new WorkspaceFolderNode(l, links.serviceState(l.link)?.state)) : undefined),
  };
}
