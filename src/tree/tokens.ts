import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import type { OrganizationApiToken } from '../api/types';
import type { ConnectionInfo } from '../auth/tokenStore';
import { formatAge } from '../format';
import { QoveryNode } from './nodes';

export const isApiTokenNode = (node: QoveryNode | undefined): node is ApiTokenNode =>
  node !== undefined && node.key.startsWith('apiToken:') && 'token' in node && 'organizationId' in node;

/** One API token of an organization (never its secret). Made by the token management chunk. */
export class ApiTokenNode extends QoveryNode {
  readonly key: string;
  constructor(
    readonly organizationId: string,
    readonly token: OrganizationApiToken,
    /** True when this is the token of the active connection. */
    readonly inUse: boolean,
    /** Names of the other saved connections that use this token. */
    readonly usedBy: string[],
  ) {
    super();
    this.key = `apiToken:${token.id}`;
  }
  get name(): string {
    return this.token.name ?? this.token.id;
  }
  toTreeItem(): vscode.TreeItem {
    const k = this.token;
    const t = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.None);
    t.id = this.key;
    t.contextValue = this.inUse ? 'qovery.apiToken.inUse' : 'qovery.apiToken';
    t.iconPath = this.inUse ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green')) : new vscode.ThemeIcon('key');
    const created = Date.parse(k.created_at);
    const age = Number.isNaN(created) ? undefined : formatAge(created);
    t.description = [k.role_name ?? undefined, age, this.inUse ? vscode.l10n.t('in use') : undefined].filter(Boolean).join(' · ');
    const lines = [
      this.name,
      vscode.l10n.t('Token ID: {0}', k.id),
      vscode.l10n.t('Role: {0}', k.role_name ?? k.role_id ?? vscode.l10n.t('unknown')),
      vscode.l10n.t('Created: {0}', k.created_at),
    ];
    if (k.description) {
      lines.push(vscode.l10n.t('Description: {0}', k.description));
    }
    if (this.inUse) {
      lines.push(vscode.l10n.t('In use by this VS Code connection.'));
    }
    if (this.usedBy.length > 0) {
      lines.push(vscode.l10n.t('Used by the saved connection(s): {0}', this.usedBy.join(', ')));
    }
    t.tooltip = lines.join('\n');
    return t;
  }
}

/** The token rows of an organization; the active connection's token (when its id is known) is marked. */
export async function loadApiTokenNodes(
  client: QoveryClient,
  organizationId: string,
  connections: readonly ConnectionInfo[],
  activeId: string | undefined,
  signal: AbortSignal,
): Promise<QoveryNode[]> {
  const tokens = await client.listApiTokens(organizationId, { signal });
  return tokens
    .slice()
    .sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id))
    .map((token) => {
      const users = connections.filter((c) => c.tokenId === token.id);
      return new ApiTokenNode(
        organizationId,
        token,
        users.some((c) => c.id === activeId),
        users.filter((c) => c.id !== activeId).map((c) => c.name),
      );
    });
}
