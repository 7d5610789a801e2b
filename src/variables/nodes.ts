import * as vscode from 'vscode';
import { DataNode, QoveryNode } from '../tree/nodes';
import type { RowPresentation } from '../tree/present';
import type { Variable, VariableTarget } from './model';
import { presentVariable } from './present';

export const variablesKey = (target: VariableTarget): string => `variables:${target.parentId}`;

/** "Variables" under a service or an environment: its rows come from the variables chunk, loaded when it is expanded. */
export class VariablesNode extends QoveryNode {
  readonly key: string;
  constructor(readonly target: VariableTarget) {
    super();
    this.key = variablesKey(target);
  }
  toTreeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(vscode.l10n.t('Variables'), vscode.TreeItemCollapsibleState.Collapsed);
    t.id = this.key;
    t.contextValue = this.target.serviceId ? 'qovery.variables.service' : 'qovery.variables.environment';
    t.iconPath = new vscode.ThemeIcon('symbol-variable');
    t.tooltip = vscode.l10n.t('Environment variables of {0}, with those it inherits. Secret values are never shown: Qovery does not return them.', this.target.name);
    return t;
  }
}

/** One variable: never a secret's value (the API does not return it). */
export class VariableNode extends DataNode {
  readonly key: string;
  constructor(
    readonly target: VariableTarget,
    readonly variable: Variable,
    readonly overridden: ReadonlySet<string>,
  ) {
    super();
    this.key = `variable:${target.parentId}:${variable.id}`;
  }
  get what(): string {
    return vscode.l10n.t('variable');
  }
  present(): RowPresentation {
    return presentVariable(this.variable, this.target, this.overridden, vscode.l10n);
  }
}
