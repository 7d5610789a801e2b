import { needsSetupFix, verificationFailure } from './messages';
import type { SessionStatus } from '../contributions';
import type { SessionManager, SessionState } from './session';
import { actionLabel, runCommonAction, type CommonAction, type Ui } from '../ui';
import { Disposable } from '../lifecycle';

const PROMPTED: SessionStatus[] = ['invalidToken', 'forbidden', 'misconfigured'];

/**
 * Tells the user once when the auth state turns bad in the background, however many requests
 * failed: one prompt per change of state, never a storm.
 */
export class AuthNotifier extends Disposable {
  #last: string | undefined;

  constructor(session: SessionManager, ui: Ui) {
    super();
    this.register(session.onDidChange((state) => {
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
      const setup = state.status === 'misconfigured' || state.status === 'apiError';
      if (!setup) {
        tellTokenProblem(ui, state);
        return;
      }
      const message = `${state.connection?.name ?? 'Qovery'}: ${state.problem ?? verificationFailure(state.error)}`;
      const actions: CommonAction[] = ['openSettings', 'showLog'];
      void ui.prompter.error(message, {}, ...actions.map(actionLabel)).then((answer) => runCommonAction(answer, 'qovery.apiUrl'));
    }));
  }
}

/**
 * The one message for a token the active connection cannot use (a confirmed 401, a 403 on the
 * organizations), with Update Token: the background check and a command that met the refusal say it alike.
 */
export function tellTokenProblem(ui: Ui, state: SessionState): void {
  const message = `${state.connection?.name ?? 'Qovery'}: ${verificationFailure(state.error)}`;
  void Promise.resolve(ui.prompter.error(message, {}, actionLabel('updateToken'), actionLabel('showLog'))).then((answer) => runCommonAction(answer, 'qovery.apiUrl'));
}
