import * as vscode from 'vscode';
import { errorKind, noIcons } from '../api/errors';
import { describeSource } from '../format';
import { verificationFailure } from '../auth/messages';
import type { SessionManager } from '../auth/session';
import type { SignInFlow } from '../auth/signIn';
import type { Logger } from '../logger';
import { actionLabel, runCommonAction, type Ui } from '../ui';
import { Commands, executeCommand } from '../contributions';

export interface AuthCommandDeps {
  session: SessionManager;
  signIn: SignInFlow;
  ui: Ui;
  log: Logger;
}

export async function switchConnection({ session, signIn, ui }: AuthCommandDeps): Promise<void> {
  const store = session.store;
  const active = store.active();
  const items = store.connections().map((c) => ({
    label: `${c.id === active?.id ? '$(check) ' : ''}${noIcons(c.name)}`,
    description: c.organizationName ?? '',
    detail: describeSource(c.source, c.sourceVariable),
    id: c.id,
  }));
  const addItem = { label: vscode.l10n.t('$(add) Add Connection…'), description: '', detail: '', id: '' };
  items.push(addItem);
  const picked = await ui.prompter.quickPick(items, {
    title: vscode.l10n.t('Qovery: Switch Connection'),
    placeHolder: active ? vscode.l10n.t('Active: {0}', active.name) : vscode.l10n.t('No active connection'),
  });
  if (!picked) {
    return;
  }
  if (picked === addItem) {
    await signIn.addConnection();
  } else if (picked.id !== active?.id) {
    await store.setActive(picked.id);
  }
}

export async function signOut({ session, ui, log }: AuthCommandDeps, options: { confirm?: boolean; connectionId?: string } = {}): Promise<boolean> {
  const store = session.store;
  const connection = options.connectionId ? store.get(options.connectionId) : store.active();
  if (!connection) {
    void ui.prompter.info(vscode.l10n.t('Qovery: you are not signed in.'), {});
    return false;
  }
  if (options.confirm ?? true) {
    const signOutAction = vscode.l10n.t('Sign Out');
    const answer = await ui.prompter.warn(
      vscode.l10n.t('Sign out of "{0}"?', connection.name),
      {
        modal: true,
        detail: vscode.l10n.t('The token is removed from VS Code. It stays valid on Qovery until it is revoked in the Qovery console.'),
      },
      signOutAction,
    );
    if (answer !== signOutAction) {
      return false;
    }
  }
  const { left } = await store.remove(connection.id);
  if (left.length > 0) {
    log.error(`Signed out of "${connection.name}", but ${left.length} of its secrets could not be removed from VS Code's secret storage.`);
    const showLog = vscode.l10n.t('Show Log');
    void ui.prompter
      .error(
        vscode.l10n.t(
          'Qovery: signed out of "{0}", but VS Code\'s secret storage refused to delete its token, even after retrying. It may still be in your keyring: remove the entries starting with "qovery." from your OS keyring, or sign in and out again later.',
          connection.name,
        ),
        {},
        showLog,
      )
      .then((answer) => (answer === showLog ? log.show() : undefined));
  } else {
    log.info(`Signed out of "${connection.name}".`);
  }
  return true;
}

export async function testAuthentication(deps: AuthCommandDeps): Promise<void> {
  const { session, ui, log } = deps;
  const connection = session.store.active();
  if (!connection) {
    const signInAction = vscode.l10n.t('Sign In');
    if ((await ui.prompter.info(vscode.l10n.t('Qovery: you are not signed in.'), {}, signInAction)) === signInAction) {
      await executeCommand(Commands.signIn);
    }
    return;
  }
  const state = await ui.prompter.progress(vscode.l10n.t('Qovery: testing authentication…'), () => session.check({ interactive: true }));
  if (state.status === 'signedIn') {
    const organizations = (state.organizations ?? []).map((o) => o.name).join(', ') || vscode.l10n.t('none');
    const parts = [
      vscode.l10n.t('Qovery: authenticated as "{0}".', state.connection?.name ?? connection.name),
      vscode.l10n.t('Organizations: {0}.', organizations),
      state.connection?.roleName ? vscode.l10n.t('Role: {0}.', state.connection.roleName) : vscode.l10n.t('Role: unknown (Qovery does not say which token is in use).'),
      vscode.l10n.t('Scheme: {0}.', state.scheme ?? '?'),
      vscode.l10n.t('API: {0}.', state.apiUrl ?? '?'),
      vscode.l10n.t('Round trip: {0} ms.', state.roundTripMs ?? '?'),
    ];
    log.info(parts.join(' '));
    void ui.prompter.info(parts.join(' '), {});
    return;
  }
  const message =
    state.status === 'misconfigured' || state.status === 'apiError'
      ? state.problem ?? verificationFailure(state.error)
      : state.status === 'signedOut'
        ? state.problem ?? vscode.l10n.t('Qovery: you are not signed in.')
        : verificationFailure(state.error);
  const updateToken = actionLabel('updateToken');
  const openSettings = actionLabel('openSettings');
  const showLog = actionLabel('showLog');
  const retry = vscode.l10n.t('Retry');
  const tokenProblem = state.status === 'invalidToken' || state.status === 'forbidden' || state.status === 'signedOut';
  const actions = tokenProblem ? [updateToken, showLog, retry] : state.status === 'misconfigured' ? [openSettings, showLog] : [retry, openSettings, showLog];
  const severe = tokenProblem || state.status === 'misconfigured';
  const answer = severe ? await ui.prompter.error(message, {}, ...actions) : await ui.prompter.warn(message, {}, ...actions);
  if (answer === retry) {
    await testAuthentication(deps);
  } else {
    await runCommonAction(answer, errorKind(state.error) === 'insecureUrl' || errorKind(state.error) === 'notFound' ? 'qovery.apiUrl' : 'qovery');
  }
}
