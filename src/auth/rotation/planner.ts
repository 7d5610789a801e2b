// Every question a rotation asks, before anything changes: which organization, which token is in
// use, which role, and the confirmation.
import * as vscode from 'vscode';
import { schemeFor } from '../../api/token';
import type { OrganizationApiToken, QoveryClient } from '../../api';
import type { OrganizationPolicyApiToken } from '../../api/types';
import { pickOrganization, pickRole } from '../../commands/pickers';
import { errorText } from '../../format';
import { readSettings } from '../../config';
import type { Logger } from '../../logger';
import { signalFrom, type Ui } from '../../ui';
import type { SessionManager } from '../session';
import type { ConnectionInfo } from '../tokenStore';
import { tokenInUse, type ListedToken } from './policyTokens';
import { kindOf } from './saga';
import type { RotationPlan, RotationReport } from './model';
import { readTokenRecord, tokenIdOf } from './records';
import { noIcons } from '../../api/errors';

export class RotationPlanner {
  constructor(
    private readonly session: SessionManager,
    private readonly ui: Ui,
    private readonly log: Logger,
  ) {}

  #failed(connection: ConnectionInfo, detail: string, error?: unknown): RotationReport {
    if (error !== undefined) {
      this.log.error(`Token rotation of "${connection.name}" stopped before any change`, error);
    }
    return { outcome: 'failed', connectionId: connection.id, connectionName: connection.name, revoked: false, stage: 'prepare', detail, errorKind: error === undefined ? undefined : kindOf(error) };
  }

  #cancelled(connection: ConnectionInfo): RotationReport {
    return { outcome: 'cancelled', connectionId: connection.id, connectionName: connection.name, revoked: false };
  }

  async plan(connection: ConnectionInfo): Promise<RotationPlan | RotationReport> {
    const store = this.session.store;
    const token = await store.getToken(connection.id);
    if (!token) {
      return this.#failed(connection, vscode.l10n.t('the token of this connection is not in VS Code\'s secret storage'));
    }
    const settings = readSettings();
    if (schemeFor(token, settings.authScheme) === 'Bearer') {
      return this.#failed(connection, vscode.l10n.t('this connection uses a user session (JWT), not an organization API token; rotation applies to API tokens only'));
    }
    if (store.storageProblem) {
      return this.#failed(connection, vscode.l10n.t('VS Code\'s secret storage is not working, so the new token could not be kept safely'));
    }
    let client: QoveryClient;
    try {
      client = this.session.clientFor(token, settings);
    } catch (error) {
      return this.#failed(connection, errorText(error), error);
    }
    const organizationId = await this.#organizationOf(connection, token);
    if (typeof organizationId !== 'string') {
      return organizationId;
    }
    let tokens: OrganizationApiToken[];
    let serverClock: RotationPlan['serverClock'];
    try {
      const local = Date.now();
      tokens = await this.ui.prompter.progress(
        vscode.l10n.t('Qovery: reading the organization\'s API tokens…'),
        (cancel) => client.listApiTokens(organizationId, { signal: signalFrom(cancel), onServerDate: (server) => (serverClock = { server, local }) }),
        { cancellable: true },
      );
    } catch (error) {
      if (kindOf(error) === 'cancelled') {
        return this.#cancelled(connection);
      }
      // Without the list, a token made by this rotation could not be told from the others.
      return this.#failed(connection, vscode.l10n.t('the organization\'s API tokens could not be listed ({0})', errorText(error)), error);
    }
    let old: RotationPlan['old'];
    let oldRole: string | undefined;
    // The record kept with the secret names its token; globalState lags behind other windows.
    const record = await readTokenRecord(store.rotationStore, connection.id).catch(() => undefined);
    const tokenId = tokenIdOf(token, record, connection.tokenId);
    const known = tokenId ? tokens.find((t) => t.id === tokenId) : undefined;
    if (known) {
      old = { id: known.id, name: known.name ?? undefined };
      oldRole = known.role_id ?? undefined;
    } else {
      // A policy API token never shows in the API token list: asked apart, so the user learns why.
      const policyTokens = await this.#policyTokens(client, organizationId);
      const inUse = tokenInUse(connection.tokenId, tokens, policyTokens);
      if (inUse.kind === 'policyToken') {
        return this.#policyToken(connection, inUse.token);
      }
      const picked = await this.#pickOldToken(connection, tokens, policyTokens ?? []);
      if (picked === undefined) {
        return this.#cancelled(connection);
      }
      if (picked !== 'none' && 'policy' in picked) {
        return this.#policyToken(connection, picked.policy);
      }
      if (picked !== 'none') {
        old = { id: picked.id, name: picked.name ?? undefined };
        oldRole = picked.role_id ?? undefined;
      }
    }
    let role: RotationPlan['role'] | undefined;
    if (oldRole) {
      const fromList = tokens.find((t) => t.role_id === oldRole)?.role_name;
      role = { id: oldRole, name: fromList ?? (connection.roleId === oldRole ? connection.roleName : undefined) };
    } else {
      role = await pickRole({ ui: this.ui, log: this.log }, client, organizationId, {
        title: vscode.l10n.t('Qovery: Role of the new token'),
        placeHolder: vscode.l10n.t('The role of the current token is not known: pick the role the new token gets.'),
        currentRoleId: connection.roleId,
      });
      if (!role) {
        return this.#cancelled(connection);
      }
    }
    const rotate = vscode.l10n.t('Rotate');
    const detail = [
      vscode.l10n.t('A new token with the role {0} is created and checked, then it replaces the current token in VS Code.', role.name ?? role.id),
      old
        ? vscode.l10n.t('The old token "{0}" is then revoked: anything else that uses it (CI, scripts, other machines) stops working.', old.name ?? old.id)
        : vscode.l10n.t('The old token is not revoked: it stays valid until you revoke it in the Qovery console.'),
    ].join('\n\n');
    const answer = await this.ui.prompter.warn(vscode.l10n.t('Rotate the token of "{0}"?', connection.name), { modal: true, detail }, rotate);
    if (answer !== rotate) {
      return this.#cancelled(connection);
    }
    return {
      connectionId: connection.id,
      connectionName: connection.name,
      organizationId,
      oldSecret: token,
      old,
      role,
      knownTokens: tokens.map((t) => ({ id: t.id, name: t.name })),
      previousTokenId: tokenId ?? connection.tokenId,
      serverClock,
    };
  }

  async #organizationOf(connection: ConnectionInfo, token: string): Promise<string | RotationReport> {
    if (connection.organizationId) {
      return connection.organizationId;
    }
    let organizations = this.session.state.connection?.id === connection.id ? this.session.state.organizations : undefined;
    if (!organizations) {
      try {
        organizations = (await this.session.verify(token)).organizations;
      } catch (error) {
        return this.#failed(connection, errorText(error), error);
      }
    }
    if (organizations.length === 1) {
      return organizations[0].id;
    }
    if (organizations.length === 0) {
      return this.#failed(connection, vscode.l10n.t('this token sees no organization'));
    }
    const picked = await pickOrganization(this.ui, organizations, { title: vscode.l10n.t('Qovery: Rotate Token'), placeHolder: vscode.l10n.t('Which organization does the token belong to?') });
    return picked ?? this.#cancelled(connection);
  }

  /** The organization's policy API tokens, or undefined when they cannot be read (a role that may not, an older API). */
  async #policyTokens(client: QoveryClient, organizationId: string): Promise<OrganizationPolicyApiToken[] | undefined> {
    try {
      return await client.listPolicyApiTokens(organizationId);
    } catch (error) {
      this.log.info(`Token rotation: the policy API tokens could not be listed (${errorText(error)}).`);
      return undefined;
    }
  }

  #policyToken(connection: ConnectionInfo, token: ListedToken): RotationReport {
    return this.#failed(
      connection,
      vscode.l10n.t(
        '"{0}" uses the policy API token "{1}". Qovery lists policy tokens apart from the API tokens and this extension cannot rotate or delete them: replace it in the Qovery console (organization settings, API tokens)',
        connection.name,
        token.name ?? token.id,
      ),
    );
  }

  async #pickOldToken(connection: ConnectionInfo, tokens: OrganizationApiToken[], policyTokens: readonly OrganizationPolicyApiToken[] = []): Promise<OrganizationApiToken | { policy: OrganizationPolicyApiToken } | 'none' | undefined> {
    const sorted = tokens.slice().sort((a, b) => Number(b.name === connection.tokenName) - Number(a.name === connection.tokenName) || (a.name ?? '').localeCompare(b.name ?? ''));
    const items: (vscode.QuickPickItem & { token?: OrganizationApiToken })[] = sorted.map((t) => ({
      label: noIcons(t.name ?? t.id),
      description: [t.role_name ?? t.role_id ?? '', vscode.l10n.t('created {0}', t.created_at.slice(0, 10))].filter(Boolean).join(' · '),
      detail: [t.description ?? '', t.id].filter(Boolean).join(' · '),
      token: t,
    }));
    // Shown so that a connection using one finds it, and is told why it cannot be rotated here.
    const policyItems: (vscode.QuickPickItem & { policy: OrganizationPolicyApiToken })[] = policyTokens.map((t) => ({
      label: `$(shield) ${t.name ?? t.id}`,
      description: vscode.l10n.t('policy API token · cannot be rotated here'),
      detail: t.id,
      policy: t,
    }));
    const none: vscode.QuickPickItem = { label: vscode.l10n.t('$(circle-slash) None of these: rotate without revoking the old token') };
    const picked = await this.ui.prompter.quickPick<vscode.QuickPickItem & { token?: OrganizationApiToken; policy?: OrganizationPolicyApiToken }>([...items, ...policyItems, none], {
      title: vscode.l10n.t('Qovery: Which token does "{0}" use?', connection.name),
      placeHolder: vscode.l10n.t('Qovery does not tell which token is in use. Pick it so that it can be revoked once the new one works.'),
      matchOnDescription: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    if (!picked) {
      return undefined;
    }
    return picked.policy ? { policy: picked.policy } : (picked.token ?? 'none');
  }
}
