// The organization and role pickers that creating a token and rotating one both need.
import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import type { Organization, OrganizationAvailableRole } from '../api/types';
import { errorKind, noIcons } from '../api/errors';
import type { Logger } from '../logger';
import { errorText } from '../format';
import { signalFrom, type Ui } from '../ui';

/** One organization: the only one there is, or the one the user picks; undefined when none or cancelled. */
export async function pickOrganization(ui: Ui, organizations: readonly Organization[], options: { title: string; placeHolder: string }): Promise<string | undefined> {
  if (organizations.length <= 1) {
    return organizations[0]?.id;
  }
  const picked = await ui.prompter.quickPick(
    organizations.map((o) => ({ label: noIcons(o.name), description: o.id, id: o.id })),
    options,
  );
  return picked?.id;
}

/**
 * Lists the organization's roles and lets the user pick one; `currentRoleId` is marked. Undefined
 * when cancelled or when the roles could not be listed (the user has been told why).
 */
export async function pickRole(
  deps: { ui: Ui; log: Logger },
  client: QoveryClient,
  organizationId: string,
  options: { title: string; placeHolder: string; currentRoleId?: string },
): Promise<OrganizationAvailableRole | undefined> {
  let roles: OrganizationAvailableRole[];
  try {
    roles = await deps.ui.prompter.progress(vscode.l10n.t('Qovery: reading the available roles…'), (cancel) => client.listAvailableRoles(organizationId, { signal: signalFrom(cancel) }), {
      cancellable: true,
    });
  } catch (error) {
    if (errorKind(error) === 'cancelled') {
      return undefined;
    }
    deps.log.error('Listing the available roles failed', error);
    void deps.ui.prompter.error(vscode.l10n.t('Qovery: the roles of the organization could not be listed: {0}', errorText(error)), {});
    return undefined;
  }
  const picked = await deps.ui.prompter.quickPick(
    roles.map((r) => ({ label: noIcons(r.name), description: r.id === options.currentRoleId ? vscode.l10n.t('role of the current token') : r.id, role: r })),
    { title: options.title, placeHolder: options.placeHolder },
  );
  return picked?.role;
}
