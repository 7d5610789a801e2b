import * as vscode from 'vscode';
import { errorKind } from '../api/errors';
import type { Organization } from '../api/types';
import { Commands } from '../contributions';
import { consoleUrl } from '../shared/consoleLinks';
import { errorText, timeOfDay } from '../format';
import { presentOrganization, presentUnrenderable, type RowPresentation } from './present';


/** A row of the Qovery explorer. `key` is unique in the tree and stable across refreshes. */
export abstract class QoveryNode {
  abstract readonly key: string;
  abstract toTreeItem(): vscode.TreeItem;
  /** Id and name for "Copy ID" / "Copy Name", and the console link, when the row is a Qovery resource. */
  resource?: { id: string; name: string; consoleUrl: string };
}

/** A row built from API data: what it shows comes from a pure function of `present.ts`. */
export abstract class DataNode extends QoveryNode {
  /** What kind of row this is, for the placeholder shown when its data cannot be shown. */
  abstract readonly what: string;
  abstract present(): RowPresentation;
  /** Markdown tooltips for resources; API tokens use plain lines. */
  protected markdownTooltip = true;
  protected extraTooltipLines(): string[] {
    return [];
  }

  toTreeItem(): vscode.TreeItem {
    let p: RowPresentation;
    let extra: string[] = [];
    try {
      p = this.present();
      extra = this.extraTooltipLines();
    } catch {
      // The presenters read every field defensively; this is the last guard so one row never breaks the view.
      p = presentUnrenderable(this.what, vscode.l10n);
    }
    const t = new vscode.TreeItem(p.label, p.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    t.id = this.key;
    t.contextValue = p.contextValue;
    t.description = p.description;
    t.iconPath = new vscode.ThemeIcon(p.icon, p.iconColor ? new vscode.ThemeColor(p.iconColor) : undefined);
    t.tooltip = this.markdownTooltip ? markdownTooltip(p) : [p.tooltipTitle, ...p.tooltipRows.map(([label, value]) => `${label}: ${value}`), ...extra].join('\n');
    return t;
  }
}

function markdownTooltip(p: RowPresentation): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.appendMarkdown(`**${escapeMd(p.tooltipTitle)}**\n\n`);
  for (const [label, value] of p.tooltipRows) {
    md.appendMarkdown(`${escapeMd(label)}: ${escapeMd(value)}  \n`);
  }
  return md;
}

const escapeMd = (text: string): string => text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

export class OrganizationNode extends DataNode {
  readonly key: string;
  get what(): string {
    return vscode.l10n.t('organization');
  }
  constructor(readonly organization: Organization) {
    super();
    this.key = `org:${organization.id}`;
    this.resource = { id: organization.id, name: organization.name, consoleUrl: consoleUrl({ organizationId: organization.id }) };
  }
  present(): RowPresentation {
    return presentOrganization(this.organization, vscode.l10n);
  }
}

export const apiTokensKey = (organizationId: string): string => `apiTokens:${organizationId}`;

/**
 * The organization of an organization row or of its "API Tokens" row, read from the row's key:
 * rows made by another chunk are not instances of this chunk's classes.
 */
export function organizationIdOf(node: QoveryNode | undefined): string | undefined {
  const match = /^(?:org|apiTokens):(.+)$/.exec(node?.key ?? '');
  return match?.[1];
}

/** "API Tokens" under an organization: its rows come from the token management chunk, loaded when it is expanded. */
export class ApiTokensNode extends QoveryNode {
  readonly key: string;
  constructor(readonly organizationId: string) {
    super();
    this.key = apiTokensKey(organizationId);
  }
  toTreeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(vscode.l10n.t('API Tokens'), vscode.TreeItemCollapsibleState.Collapsed);
    t.id = this.key;
    t.contextValue = 'qovery.apiTokens';
    t.iconPath = new vscode.ThemeIcon('key');
    t.tooltip = vscode.l10n.t('The organization\'s API tokens. Qovery shows a token\'s secret only once, when it is created.');
    return t;
  }
}

/** A load that failed: the reason, and the way out (Retry, Show Log), never an endless spinner. */
export class ErrorNode extends QoveryNode {
  readonly key: string;
  constructor(
    readonly parentKey: string,
    readonly what: string,
    readonly error: unknown,
  ) {
    super();
    this.key = `error:${parentKey}`;
  }
  get kind(): string {
    return errorKind(this.error) ?? 'unknown';
  }
  toTreeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(vscode.l10n.t('Could not load {0}', this.what), vscode.TreeItemCollapsibleState.Expanded);
    t.id = this.key;
    t.contextValue = 'qovery.error';
    t.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    t.description = errorText(this.error);
    t.tooltip = errorText(this.error);
    return t;
  }
  children(): QoveryNode[] {
    return [
      new ActionNode(`${this.key}:retry`, vscode.l10n.t('Retry'), 'refresh', { command: Commands.retryNode, title: vscode.l10n.t('Retry'), arguments: [this.parentKey] }),
      new ActionNode(`${this.key}:log`, vscode.l10n.t('Show Log'), 'output', { command: Commands.showLog, title: vscode.l10n.t('Show Log') }),
    ];
  }
}

/** A clickable row that runs a command. */
class ActionNode extends QoveryNode {
  constructor(
    readonly key: string,
    readonly label: string,
    readonly icon: string,
    readonly command: vscode.Command,
  ) {
    super();
  }
  toTreeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    t.id = this.key;
    t.contextValue = 'qovery.action';
    t.iconPath = new vscode.ThemeIcon(this.icon);
    t.command = this.command;
    return t;
  }
}

/** Shown above data kept from the last success while the API cannot be reached. */
export class StaleNode extends QoveryNode {
  readonly key: string;
  constructor(
    readonly parentKey: string,
    readonly loadedAt: number,
    readonly error: unknown,
  ) {
    super();
    this.key = `stale:${parentKey}`;
  }
  toTreeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(vscode.l10n.t('Offline: showing data from {0}', timeOfDay(this.loadedAt)), vscode.TreeItemCollapsibleState.None);
    t.id = this.key;
    t.contextValue = 'qovery.stale';
    t.iconPath = new vscode.ThemeIcon('cloud-offline', new vscode.ThemeColor('charts.yellow'));
    t.description = errorText(this.error);
    t.tooltip = vscode.l10n.t('{0} The rows below are from the last successful load at {1}. Click to retry.', errorText(this.error), new Date(this.loadedAt).toLocaleString());
    t.command = { command: Commands.retryNode, title: vscode.l10n.t('Retry'), arguments: [this.parentKey] };
    return t;
  }
}

/** A row that says why a level is empty. */
export class InfoNode extends QoveryNode {
  constructor(
    readonly key: string,
    readonly label: string,
  ) {
    super();
  }
  toTreeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    t.id = this.key;
    t.contextValue = 'qovery.info';
    t.iconPath = new vscode.ThemeIcon('info');
    return t;
  }
}
