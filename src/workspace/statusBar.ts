// The linked service's item in the status bar, beside the auth item: name, environment and state of
// the service the active editor's folder deploys to, or "Link…" when there is none.
import * as vscode from 'vscode';
import { Commands } from '../contributions';
import { readSettings } from '../config';
import { Disposable } from '../lifecycle';
import { deploymentStatusText, stateLabel } from '../tree/present';
import { isMovingState } from '../shared/environmentStatus';
import type { FolderLink, ServiceState, WorkspaceLinks } from './links';
import { shortSha } from '../shared/sha';
import { noIcons } from '../api/errors';

export interface ItemLook {
  text: string;
  tooltip: string;
  background?: string;
  visible: boolean;
}

/** The item's text, colours and tooltip for a folder's link (a pure function of what it shows). */
export function lookOf(link: FolderLink | undefined, state: ServiceState | undefined): ItemLook {
  if (!link || link.status === 'noRepository' || link.status === 'signedOut') {
    return { text: '', tooltip: '', visible: false };
  }
  const folderLine = vscode.l10n.t('Folder: {0}', link.folder.name);
  const branchLine = vscode.l10n.t('Branch: {0}', link.local?.branch ?? vscode.l10n.t('detached HEAD'));
  switch (link.status) {
    case 'scanning':
      return { text: vscode.l10n.t('$(sync~spin) Qovery: finding this folder\'s service'), tooltip: [folderLine, branchLine].join('\n'), visible: true };
    case 'failed':
      return {
        text: vscode.l10n.t('$(warning) Qovery: Link…'),
        tooltip: [vscode.l10n.t('The services of the organization could not be read. Click to try again.'), folderLine, branchLine].join('\n'),
        visible: true,
      };
    case 'pick':
      return {
        text: vscode.l10n.t('$(link) Qovery: Choose Service…'),
        tooltip: [vscode.l10n.t('{0} services build this repository on this branch. Click to choose the one this folder deploys to.', link.matches.length), folderLine, branchLine].join('\n'),
        visible: true,
      };
    case 'missing':
      return {
        text: vscode.l10n.t('$(warning) Qovery: Link…'),
        tooltip: [vscode.l10n.t('The service this folder was linked to is gone. Click to link another.'), folderLine, branchLine].join('\n'),
        visible: true,
      };
    case 'none':
    case 'unlinked':
      if (link.status === 'none' && link.previewable) {
        return {
          text: vscode.l10n.t('$(git-branch) Qovery: Create Preview…'),
          tooltip: [vscode.l10n.t('No Qovery environment builds this branch. Click to create a preview environment for it, or to link a service.'), folderLine, branchLine].join('\n'),
          visible: true,
        };
      }
      return {
        text: vscode.l10n.t('$(link) Qovery: Link…'),
        tooltip: [
          link.status === 'none' ? vscode.l10n.t('No Qovery service builds this repository on this branch. Click to link one.') : vscode.l10n.t('This folder is not linked. Click to link it to a Qovery service.'),
          folderLine,
          branchLine,
        ].join('\n'),
        visible: true,
      };
    case 'linked':
      break;
  }
  const c = link.link!;
  const l10n = vscode.l10n;
  const stateText = state?.state ? stateLabel(state.state, l10n) : vscode.l10n.t('state unknown');
  const moving = isMovingState(state?.state);
  const error = typeof state?.state === 'string' && state.state.includes('ERROR');
  const icon = moving ? '$(sync~spin)' : error ? '$(error)' : '$(rocket)';
  const lines = [
    vscode.l10n.t('Service: {0} ({1})', c.serviceName, c.serviceType.toLowerCase()),
    vscode.l10n.t('Environment: {0} ({1})', c.environmentName, c.environmentMode ?? vscode.l10n.t('mode unknown')),
    vscode.l10n.t('Project: {0}', c.projectName),
    vscode.l10n.t('Organization: {0}', c.organizationName),
    branchLine,
    vscode.l10n.t('State: {0}', [stateText, deploymentStatusText(state?.deploymentStatus, l10n)].filter(Boolean).join(' · ')),
    vscode.l10n.t('Last deployment: {0}', state?.lastDeploymentDate ? new Date(state.lastDeploymentDate).toLocaleString() : vscode.l10n.t('unknown')),
  ];
  const head = shortSha(link.head);
  const deployed = shortSha(c.git.deployedCommitId);
  if (head && deployed) {
    lines.push(
      head === deployed
        ? vscode.l10n.t('HEAD {0} is what {1} runs.', head, c.environmentName)
        : vscode.l10n.t('HEAD {0} is not deployed; {1} runs {2}.', head, c.environmentName, deployed),
    );
  } else if (deployed) {
    lines.push(vscode.l10n.t('{0} runs {1}.', c.environmentName, deployed));
  }
  lines.push(folderLine);
  // A preview is named by the branch it builds: "web · preview feat/login: deploying".
  const where = c.environmentMode === 'PREVIEW' && c.git.branch ? vscode.l10n.t('preview {0}', c.git.branch) : c.environmentName;
  return {
    text: vscode.l10n.t('{0} {1} · {2}: {3}', icon, noIcons(c.serviceName), noIcons(where), stateText),
    tooltip: lines.join('\n'),
    background: error ? 'statusBarItem.errorBackground' : undefined,
    visible: true,
  };
}

export class WorkspaceStatusItem extends Disposable {
  readonly item: vscode.StatusBarItem;
  /** Whether the item is shown (VS Code's item has no getter for it). */
  visible = false;

  constructor(private readonly links: WorkspaceLinks) {
    super();
    // Priority just below the auth item (50), so it sits right beside it.
    this.item = this.register(vscode.window.createStatusBarItem('qovery.workspace', vscode.StatusBarAlignment.Left, 49));
    this.item.name = vscode.l10n.t('Qovery Service');
    this.item.command = Commands.workspaceActions;
    this.registerAll(
      links.onDidChange(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('qovery.showStatusBar') && this.update()),
    );
    this.update();
  }

  update(): void {
    const link = this.links.activeLink();
    const look = lookOf(link, this.links.serviceState(link?.link));
    this.item.text = look.text;
    this.item.tooltip = look.tooltip;
    this.item.backgroundColor = look.background ? new vscode.ThemeColor(look.background) : undefined;
    this.item.accessibilityInformation = { label: look.tooltip.split('\n').slice(0, 2).join(' ') || look.text };
    this.visible = look.visible && readSettings().showStatusBar;
    if (this.visible) {
      this.item.show();
    } else {
      this.item.hide();
    }
  }
}
