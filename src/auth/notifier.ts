import * as vscode from 'vscode';
import { needsSetupFix, verificationFailure } from './messages';
import type { SessionManager, SessionStatus } from './session';
import type { Ui } from '../ui';
import { Commands, executeCommand } from '../commands/registry';

const PROMPTED: SessionStatus[] = ['invalidToken', 'forbidden', 'misconfigured'];

/**
 * Tells the user once when the auth state turns bad in the background, however many requests
 * failed: one prompt per change of state, never a storm.
 */
export class AuthNotifier implements vscode.Disposable {
  #last: string | undefined;
  readonly #subscription: vscode.Disposable;

  constructor(session: SessionManager, ui: Ui) {
    this.#subscription = session.onDidChange((state) => {
      if (state.status === 'checking') {
        return;
      }
      const key = `${state.connection?.id ?? ''}:${state.status}`;
      if (key === this.#last) {
        return;
      }
      this.#last = key;
      const prompted = PROMPTED.includes(state.status) || (state.status === 'apiError' && needsSetupFix(state.error));
      if (!prompted || state.interactive) {
        return;
      }
      const updateToken = vscode.l10n.t('Update Token');
      const openSettings = vscode.l10n.t('Open Settings');
      const showLog = vscode.l10n.t('Show Log');
      const setup = state.status === 'misconfigured' || state.status === 'apiError';
      const reason = (setup ? state.problem : undefined) ?? verificationFailure(state.error);
      const message = `${state.connection?.name ?? 'Qovery'}: ${reason}`;
      const actions = setup ? [openSettings, showLog] : [updateToken, showLog];
      void ui.prompter.error(message, {}, ...actions).then(async (answer) => {
        if (answer === updateToken) {
          await executeCommand(Commands.updateToken);
        } else if (answer === openSettings) {
          await vscode.commands.executeCommand('workbench.action.openSettings', 'qovery.apiUrl');
        } else if (answer === showLog) {
          await executeCommand(Commands.showLog);
        }
      });
    });
  }

  dispose(): void {
    this.#subscription.dispose();
  }
}
