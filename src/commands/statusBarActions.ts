import * as vscode from 'vscode';
import type { SessionManager, SessionState } from '../auth/session';
import { tooltipText } from '../statusBar';
import type { Ui } from '../ui';
import { Commands } from '../contributions';

interface Action extends vscode.QuickPickItem {
  command: string;
  args?: unknown[];
}

function actionsFor(state: SessionState, hasConnections: boolean): Action[] {
  const a = (label: string, command: string, ...args: unknown[]): Action => ({ label, command, args });
  const signIn = a(vscode.l10n.t('$(sign-in) Sign In'), Commands.signIn);
  const update = a(vscode.l10n.t('$(key) Update Token'), Commands.updateToken);
  const test = a(vscode.l10n.t('$(pass) Test Authentication'), Commands.testAuthentication);
  const refresh = a(vscode.l10n.t('$(refresh) Refresh'), Commands.refresh);
  const switchTo = a(vscode.l10n.t('$(arrow-swap) Switch Connection'), Commands.switchConnection);
  const add = a(vscode.l10n.t('$(add) Add Connection'), Commands.addConnection);
  const signOut = a(vscode.l10n.t('$(sign-out) Sign Out'), Commands.signOut);
  const settings = a(vscode.l10n.t('$(gear) Open Settings'), 'workbench.action.openSettings', 'qovery');
  const log = a(vscode.l10n.t('$(output) Show Log'), Commands.showLog);
  const rotate = a(vscode.l10n.t('$(sync) Rotate Token'), Commands.rotateToken);
  const list: Action[] = (() => {
    switch (state.status) {
      case 'signedOut':
        return [signIn, ...(hasConnections ? [switchTo] : [])];
      case 'checking':
        return [];
      case 'signedIn':
        return [test, refresh, rotate, switchTo, add, signOut];
      case 'invalidToken':
        return [update, switchTo, signOut];
      case 'forbidden':
        return [update, test, switchTo, signOut];
      case 'unreachable':
      case 'rateLimited':
      case 'apiError':
        return [test, settings, switchTo];
      case 'misconfigured':
        return [settings, test];
    }
  })();
  return [...list, log];
}

/** The click on the status bar item: the actions that fit the state. */
export async function pickStatusBarAction(session: SessionManager, ui: Ui): Promise<void> {
  const state = session.state;
  const picked = await ui.prompter.quickPick(actionsFor(state, session.store.connections().length > 0), {
    title: vscode.l10n.t('Qovery'),
    placeHolder: tooltipText(state).split('\n')[0],
  });
  if (picked) {
    await vscode.commands.executeCommand(picked.command, ...(picked.args ?? []));
  }
}