import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { errorKind } from '../api/errors';
import type { OrganizationApiTokenCreate, OrganizationAvailableRole } from '../api/types';
import type { SessionManager, Verification } from '../auth/session';
import type { ConnectionInfo } from '../auth/tokenStore';
import { errorText } from '../format';
import type { Logger } from '../logger';
import { organizationIdOf, type QoveryNode } from '../tree/nodes';
import type { ExplorerView } from '../tree/view';
import { isApiTokenNode } from '../tree/tokens';
import { askConnectionName, type Ui } from '../ui';
import { pickOrganization, pickRole } from './pickers';
import { Commands, executeCommand } from '../contributions';

/** What the token management commands need from the core of the extension. */
export interface TokenCommandDeps {
  session: SessionManager;
  ui: Ui;
  log: Logger;
  tree: ExplorerView;
}

async function organizationFor(deps: TokenCommandDeps, node: QoveryNode | undefined): Promise<string | undefined> {
  const fromRow = organizationIdOf(node);
  if (fromRow) {
    return fromRow;
  }
  const organizations = deps.session.state.organizations ?? [];
  if (organizations.length === 0) {
    return deps.session.store.active()?.organizationId;
  }
  return pickOrganization(deps.ui, organizations, { title: vscode.l10n.t('Qovery: Create API Token'), placeHolder: vscode.l10n.t('Organization of the new token') });
}

/** "Qovery: Create API Token": name, description and role; the secret is offered once (copy, or save as a connection). */
export async function createApiToken(deps: TokenCommandDeps, node?: QoveryNode): Promise<OrganizationApiTokenCreate | undefined> {
  const { session, ui, log } = deps;
  const client = await session.client();
  if (!client) {
    void ui.prompter.info(vscode.l10n.t('Qovery: you are not signed in.'), {});
    return undefined;
  }
  const organizationId = await organizationFor(deps, node);
  if (!organizationId) {
    return undefined;
  }
  const title = vscode.l10n.t('Qovery: Create API Token');
  const name = await ui.prompter.inputBox({
    title,
    prompt: vscode.l10n.t('Name of the new token, unique in the organization.'),
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Enter a name.') : value.trim().length > 255 ? vscode.l10n.t('At most 255 characters.') : undefined),
  });
  if (!name?.trim()) {
    return undefined;
  }
  const description = await ui.prompter.inputBox({
    title,
    prompt: vscode.l10n.t('Description (optional): what or who uses this token.'),
    ignoreFocusOut: true,
  });
  if (description === undefined) {
    return undefined;
  }
  const role = await pickRole(deps, client, organizationId, { title, placeHolder: vscode.l10n.t('Role of the new token: what it may do in the organization') });
  if (!role) {
    return undefined;
  }
  let created: OrganizationApiTokenCreate;
  try {
    created = await ui.prompter.progress(vscode.l10n.t('Qovery: creating the token…'), () =>
      client.createApiToken(organizationId, { name: name.trim(), description: description.trim() || undefined, role_id: role.id }),
    );
  } catch (error) {
    log.error('Creating an API token failed', error);
    const kind = errorKind(error);
    const message =
      kind === 'conflict'
        ? vscode.l10n.t('A token named "{0}" exists already in this organization (409).', name.trim())
        : kind === 'forbidden'
          ? vscode.l10n.t('The role of the current token may not create API tokens ({0}).', errorText(error))
          : errorText(error);
    void ui.prompter.error(vscode.l10n.t('Qovery: the token was not created: {0}', message), {});
    return undefined;
  }
  log.protect(created.token);
  log.info(`Created the API token "${created.name ?? name}" (${created.id}) with the role ${role.name}.`);
  deps.tree.loaded?.refreshApiTokens(organizationId);
  await offerSecret(deps, organizationId, created, role);
  return { ...created, token: '' };
}

/** The one chance to take the secret: copy it, or keep it as a new connection. It is never displayed. */
async function offerSecret(deps: TokenCommandDeps, organizationId: string, created: OrganizationApiTokenCreate, role: OrganizationAvailableRole): Promise<void> {
  const copy = vscode.l10n.t('Copy');
  const save = vscode.l10n.t('Save as Connection');
  const label = created.name ?? created.id;
  let copied = false;
  for (;;) {
    const message = copied
      ? vscode.l10n.t('The token "{0}" is in the clipboard. Save it as a connection too?', label)
      : vscode.l10n.t('The API token "{0}" was created with the role {1}.', label, role.name);
    const answer = await deps.ui.prompter.info(
      message,
      { modal: true, detail: vscode.l10n.t('Qovery shows its secret only this once: copy it, or save it as a VS Code connection, before closing this message.') },
      ...(copied ? [save] : [copy, save]),
    );
    if (answer === copy) {
      try {
        await vscode.env.clipboard.writeText(created.token);
        copied = true;
      } catch (error) {
        deps.log.error('Copying the token to the clipboard failed', error);
        void deps.ui.prompter.error(vscode.l10n.t('Qovery: the token could not be copied to the clipboard. Save it as a connection instead.'), {});
      }
      continue;
    }
    if (answer === save) {
      await saveAsConnection(deps, organizationId, created, role);
    }
    return;
  }
}

async function saveAsConnection(deps: TokenCommandDeps, organizationId: string, created: OrganizationApiTokenCreate, role: OrganizationAvailableRole): Promise<void> {
  const { session, ui, log } = deps;
  const store = session.store;
  const name = await askConnectionName(ui, new Set(store.connections().map((c) => c.name)), created.name ?? 'Qovery');
  if (!name) {
    return;
  }
  let verification: Verification | undefined;
  try {
    verification = await session.verify(created.token);
  } catch (error) {
    log.error('Checking the created token failed; saving it unverified', error);
  }
  const organization = verification?.organizations.find((o) => o.id === organizationId) ?? session.state.organizations?.find((o) => o.id === organizationId);
  const info: ConnectionInfo = {
    id: randomUUID(),
    name,
    source: 'created',
    addedAt: Date.now(),
    verifiedAt: verification ? Date.now() : undefined,
    organizationId,
    organizationName: organization?.name,
    organizationCount: verification?.organizations.length,
    tokenId: created.id,
    tokenName: created.name ?? undefined,
    tokenCreatedAt: created.created_at,
    roleId: role.id,
    roleName: created.role_name ?? role.name,
  };
  await store.save(info, created.token, { activate: false });
  log.info(`Saved the token "${created.name ?? created.id}" as the connection "${info.name}".`);
  const switchTo = vscode.l10n.t('Switch to It');
  const answer = await ui.prompter.info(vscode.l10n.t('Qovery: saved as the connection "{0}".', info.name), {}, switchTo);
  if (answer === switchTo) {
    await store.setActive(info.id);
  }
}

/** "Delete Token" on a token row: asks first, and never deletes the token in use. */
export async function deleteApiToken(deps: TokenCommandDeps, node?: QoveryNode): Promise<boolean> {
  const { session, ui, log } = deps;
  if (!isApiTokenNode(node)) {
    return false;
  }
  const active = session.store.active();
  if (node.inUse || (active?.tokenId !== undefined && active.tokenId === node.token.id)) {
    const rotate = vscode.l10n.t('Rotate Token');
    const signOut = vscode.l10n.t('Sign Out');
    const answer = await ui.prompter.warn(
      vscode.l10n.t('"{0}" is the token that "{1}" uses: deleting it would lock you out. Rotate it instead (a new token replaces it, then it is revoked), or sign out first.', node.name, active?.name ?? ''),
      {},
      rotate,
      signOut,
    );
    if (answer === rotate) {
      await executeCommand(Commands.rotateToken);
    } else if (answer === signOut) {
      await executeCommand(Commands.signOut);
    }
    return false;
  }
  const detail = [vscode.l10n.t('Anything that uses it (CI, scripts, other machines) stops working at once. This cannot be undone.')];
  if (node.usedBy.length > 0) {
    detail.push(vscode.l10n.t('Saved connections that use this token and will be rejected: {0}.', node.usedBy.join(', ')));
  }
  if (active && !active.tokenId) {
    detail.push(vscode.l10n.t('VS Code does not know which token "{0}" uses: if it is this one, you will be signed out.', active.name));
  }
  const confirm = vscode.l10n.t('Delete');
  const answer = await ui.prompter.warn(vscode.l10n.t('Delete the API token "{0}"?', node.name), { modal: true, detail: detail.join('\n\n') }, confirm);
  if (answer !== confirm) {
    return false;
  }
  const client = await session.client();
  if (!client) {
    return false;
  }
  try {
    await ui.prompter.progress(vscode.l10n.t('Qovery: deleting the token…'), () => client.deleteApiToken(node.organizationId, node.token.id));
  } catch (error) {
    log.error(`Deleting the API token "${node.name}" (${node.token.id}) failed`, error);
    const reason = errorKind(error) === 'forbidden' ? vscode.l10n.t('the role of the current token may not delete API tokens ({0})', errorText(error)) : errorText(error);
    void ui.prompter.error(vscode.l10n.t('Qovery: the token "{0}" was not deleted: {1}', node.name, reason), {});
    return false;
  }
  log.info(`Deleted the API token "${node.name}" (${node.token.id}).`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Qovery: deleted the token "{0}"', node.name), 5000);
  deps.tree.loaded?.refreshApiTokens(node.organizationId);
  if (active && !active.tokenId) {
    void session.check();
  }
  return true;
}
