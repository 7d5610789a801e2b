import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import type { OrganizationApiToken } from '../api/types';
import type { ConnectionInfo } from '../auth/tokenStore';
import { formatAge } from '../format';
import { DataNode, type QoveryNode } from './nodes';
import { byDisplayName, displayName, presentApiToken, type RowPresentation } from './present';

export const isApiTokenNode = (node: QoveryNode | undefined): node is ApiTokenNode =>
  node !== undefined && node.key.startsWith('apiToken:') && 'token' in node && 'organizationId' in node;

/** One API token of an organization (never its secret). Made by the token management chunk. */
export class ApiTokenNode extends DataNode {
  readonly key: string;
  protected override markdownTooltip = false;
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
  get what(): string {
    return vscode.l10n.t('API token');
  }
  get name(): string {
    return displayName(this.token, vscode.l10n);
  }
  present(): RowPresentation {
    return presentApiToken(this.token, { inUse: this.inUse, usedBy: this.usedBy, age: (created) => formatAge(created) }, vscode.l10n);
  }
  protected override extraTooltipLines(): string[] {
    const lines: string[] = [];
    if (this.inUse) {
      lines.push(vscode.l10n.t('In use by this VS Code connection.'));
    }
    if (this.usedBy.length > 0) {
      lines.push(vscode.l10n.t('Also used by: {0}', this.usedBy.join(', ')));
    }
    return lines;
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
    .sort(byDisplayName)
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
