// "Deployment History" under a service in the explorer, and its rows: the last deployments. Clicking
// a row offers what can be done with it (Show Deployment Logs, Deploy This Commit, Open Commit Page).
import * as vscode from 'vscode';
import type * as Q from 'qovery-typescript-axios';
import { Commands } from '../contributions';
import { QoveryNode } from '../tree/nodes';
import { historyRow, isErrorState, isFinalState, type DeployTarget, type HistoryRow } from './model';

export const deploymentHistoryKey = (serviceId: string): string => `deploymentHistory:${serviceId}`;

/** The "Deployment History" row of a service; its rows come from the deploy chunk. */
export class DeploymentHistoryNode extends QoveryNode {
  readonly key: string;
  constructor(readonly target: DeployTarget) {
    super();
    this.key = deploymentHistoryKey(target.serviceId);
  }
  toTreeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(vscode.l10n.t('Deployment History'), vscode.TreeItemCollapsibleState.Collapsed);
    t.id = this.key;
    t.contextValue = 'qovery.deploymentHistory';
    t.iconPath = new vscode.ThemeIcon('history');
    t.tooltip = vscode.l10n.t('The last deployments of {0}', this.target.serviceName);
    return t;
  }
}

/** One deployment: what the history quick pick shows, as a row. */
export class DeploymentEntryNode extends QoveryNode {
  readonly key: string;
  readonly row: HistoryRow;
  constructor(
    readonly target: DeployTarget,
    entry: Q.DeploymentHistoryService,
    index: number,
  ) {
    super();
    this.row = historyRow(entry, vscode.l10n);
    this.key = `deployment:${target.serviceId}:${this.row.executionId ?? String(index)}`;
  }
  toTreeItem(): vscode.TreeItem {
    const label = this.row.label.replace(/^\$\([^)]*\)\s*/, '');
    const t = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    t.id = this.key;
    t.contextValue = 'qovery.deployment';
    t.description = this.row.description;
    t.tooltip = [label, this.row.description, this.row.detail].filter(Boolean).join('\n');
    const state = this.row.state;
    t.iconPath = isErrorState(state)
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
      : state === 'CANCELED'
        ? new vscode.ThemeIcon('circle-slash')
        : isFinalState(state)
          ? new vscode.ThemeIcon('pass')
          : new vscode.ThemeIcon('sync~spin');
    t.command = { command: Commands.showDeploymentHistory, title: vscode.l10n.t('Deployment Actions'), arguments: [{ deploymentEntry: { target: this.target, row: this.row } }] };
    return t;
  }
}
