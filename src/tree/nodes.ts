import * as vscode from 'vscode';
import { describeError, isApiError, type Environment, type EnvironmentStatus, type Organization, type Project, type Service, type ServiceStatus } from '../api';
import { Commands } from '../commands/registry';
import { humanize, SERVICE_ICONS, stateColor, stateLabel, timeOfDay } from './format';

export const CONSOLE_URL = 'https://console.qovery.com';

/** A row of the Qovery explorer. `key` is unique in the tree and stable across refreshes. */
export abstract class QoveryNode {
  abstract readonly key: string;
  abstract toTreeItem(): vscode.TreeItem;
  /** Id and name for "Copy ID" / "Copy Name", and the console link, when the row is a Qovery resource. */
  resource?: { id: string; name: string; consoleUrl: string };
}

function item(node: QoveryNode, label: string, collapsible: boolean, contextValue: string): vscode.TreeItem {
  const t = new vscode.TreeItem(label, collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  t.id = node.key;
  t.contextValue = contextValue;
  return t;
}

function tooltip(title: string, rows: [string, string | number | undefined][]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.appendMarkdown(`**${escapeMd(title)}**\n\n`);
  for (const [label, value] of rows) {
    if (value !== undefined && value !== '') {
      md.appendMarkdown(`${escapeMd(label)}: ${escapeMd(String(value))}  \n`);
    }
  }
  return md;
}

const escapeMd = (text: string): string => text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

export class OrganizationNode extends QoveryNode {
  readonly key: string;
  constructor(readonly organization: Organization) {
    super();
    this.key = `org:${organization.id}`;
    this.resource = { id: organization.id, name: organization.name, consoleUrl: `${CONSOLE_URL}/organization/${organization.id}` };
  }
  toTreeItem(): vscode.TreeItem {
    const o = this.organization;
    const t = item(this, o.name, true, 'qovery.organization');
    t.iconPath = new vscode.ThemeIcon('organization');
    t.description = o.plan ? humanize(o.plan) : undefined;
    t.tooltip = tooltip(o.name, [
      [vscode.l10n.t('Organization ID'), o.id],
      [vscode.l10n.t('Plan'), o.plan ? humanize(o.plan) : undefined],
      [vscode.l10n.t('Description'), o.description ?? undefined],
      [vscode.l10n.t('Created'), o.created_at],
    ]);
    return t;
  }
}

export class ProjectNode extends QoveryNode {
  readonly key: string;
  constructor(
    readonly organizationId: string,
    readonly project: Project,
  ) {
    super();
    this.key = `project:${project.id}`;
    this.resource = { id: project.id, name: project.name, consoleUrl: `${CONSOLE_URL}/organization/${organizationId}/project/${project.id}` };
  }
  toTreeItem(): vscode.TreeItem {
    const p = this.project;
    const t = item(this, p.name, true, 'qovery.project');
    t.iconPath = new vscode.ThemeIcon('project');
    const count = p.associated_environments_count;
    t.description = count === undefined ? undefined : count === 1 ? vscode.l10n.t('1 environment') : vscode.l10n.t('{0} environments', count);
    t.tooltip = tooltip(p.name, [
      [vscode.l10n.t('Project ID'), p.id],
      [vscode.l10n.t('Description'), p.description ?? undefined],
      [vscode.l10n.t('Environments'), count],
    ]);
    return t;
  }
}

export class EnvironmentNode extends QoveryNode {
  readonly key: string;
  constructor(
    readonly organizationId: string,
    readonly projectId: string,
    readonly environment: Environment,
    readonly status: EnvironmentStatus | undefined,
  ) {
    super();
    this.key = `env:${environment.id}`;
    this.resource = {
      id: environment.id,
      name: environment.name,
      consoleUrl: `${CONSOLE_URL}/organization/${organizationId}/project/${projectId}/environment/${environment.id}`,
    };
  }
  toTreeItem(): vscode.TreeItem {
    const e = this.environment;
    const s = this.status;
    const t = item(this, e.name, true, `qovery.environment.${e.mode.toLowerCase()}`);
    t.iconPath = new vscode.ThemeIcon(e.mode === 'PRODUCTION' ? 'server-environment' : e.mode === 'PREVIEW' ? 'git-pull-request' : 'server-environment', stateColor(s?.state));
    t.description = `${humanize(e.mode)} · ${stateLabel(s?.state)}`;
    t.tooltip = tooltip(e.name, [
      [vscode.l10n.t('Environment ID'), e.id],
      [vscode.l10n.t('Mode'), humanize(e.mode)],
      [vscode.l10n.t('State'), stateLabel(s?.state)],
      [vscode.l10n.t('Last deployment'), s?.last_deployment_state ? humanize(s.last_deployment_state) : undefined],
      [vscode.l10n.t('Deployed at'), s?.last_deployment_date ?? undefined],
      [vscode.l10n.t('Cluster'), e.cluster_name ?? e.cluster_id],
    ]);
    return t;
  }
}

export class ServiceNode extends QoveryNode {
  readonly key: string;
  constructor(
    readonly organizationId: string,
    readonly projectId: string,
    readonly environmentId: string,
    readonly service: Service,
    readonly status: ServiceStatus | undefined,
  ) {
    super();
    this.key = `service:${service.id}`;
    const type = service.service_type.toLowerCase();
    this.resource = {
      id: service.id,
      name: service.name,
      consoleUrl: `${CONSOLE_URL}/organization/${organizationId}/project/${projectId}/environment/${environmentId}/${type}/${service.id}/general`,
    };
  }
  toTreeItem(): vscode.TreeItem {
    const s = this.service;
    const st = this.status;
    const type = s.service_type;
    const t = item(this, s.name, false, `qovery.service.${type.toLowerCase()}`);
    t.iconPath = new vscode.ThemeIcon(SERVICE_ICONS[type] ?? 'symbol-misc', stateColor(st?.state));
    const deployment = st?.service_deployment_status ? humanize(st.service_deployment_status) : undefined;
    t.description = [humanize(type), stateLabel(st?.state), deployment].filter(Boolean).join(' · ');
    t.tooltip = tooltip(s.name, [
      [vscode.l10n.t('Service ID'), s.id],
      [vscode.l10n.t('Type'), humanize(type)],
      [vscode.l10n.t('State'), stateLabel(st?.state)],
      [vscode.l10n.t('Deployment'), deployment],
      [vscode.l10n.t('Last deployment'), st?.last_deployment_date ?? undefined],
      [vscode.l10n.t('Current action'), st?.status_details ? `${humanize(st.status_details.action)} ${humanize(st.status_details.status)}` : undefined],
    ]);
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
    return isApiError(this.error) ? this.error.kind : 'unknown';
  }
  toTreeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(vscode.l10n.t('Could not load {0}', this.what), vscode.TreeItemCollapsibleState.Expanded);
    t.id = this.key;
    t.contextValue = 'qovery.error';
    t.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    t.description = describeError(this.error);
    t.tooltip = describeError(this.error);
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
export class ActionNode extends QoveryNode {
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
    t.description = describeError(this.error);
    t.tooltip = vscode.l10n.t('{0} The rows below are from the last successful load at {1}. Click to retry.', describeError(this.error), new Date(this.loadedAt).toLocaleString());
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
