import * as vscode from 'vscode';
import { errorKind, isApiError } from '../api/errors';
import { tellTokenProblem } from '../auth/notifier';
import type { SessionState } from '../auth/session';
import { errorText } from '../format';
import type { CommandId } from '../contributions';
import type { Logger } from '../logger';
import { actionLabel, runCommonAction, type Ui } from '../ui';

/** What the command wrapper needs to report a failure. */
export interface CommandServices {
  log: Logger;
  ui: Ui;
  /** Confirms a 401 a command met: a token Qovery rejects is said with the one token message (Update Token). */
  session?: { readonly state: SessionState; check(options: { interactive?: boolean }): Promise<SessionState> };
}

/**
 * A command that failed with a 401: confirmed by a check (reported here, so the background prompt does
 * not double it), then said with the one token message. False when the token is fine (a 401 on one resource).
 */
async function toldTokenRejected(error: unknown, services: CommandServices): Promise<boolean> {
  const kind = errorKind(error);
  if (!services.session || (kind !== 'unauthorized' && kind !== 'invalidToken')) {
    return false;
  }
  const current = services.session.state;
  const state = current.status === 'invalidToken' ? current : await services.session.check({ interactive: true });
  if (state.status !== 'invalidToken') {
    return false;
  }
  tellTokenProblem(services.ui, state);
  return true;
}

/** A user who cancels (a dialog, a progress notification, an aborted request) needs no error message. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof vscode.CancellationError || (isApiError(error) && error.kind === 'cancelled')) {
    return true;
  }
  const name = error instanceof Error ? error.name : undefined;
  return name === 'AbortError' || name === 'Canceled';
}

/**
 * Registers a command through the one error path: an unexpected error is logged with its stack
 * (through the redactor) and shown once with Show Log; a cancellation stays quiet. The handler's
 * result is returned as is; a failed command resolves to undefined, so VS Code does not show it again.
 */
export function registerCommand<A extends unknown[], R>(
  id: CommandId,
  handler: (...args: A) => R | Thenable<R>,
  services: CommandServices,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: A): Promise<R | undefined> => {
    try {
      return await handler(...args);
    } catch (error) {
      if (isCancellation(error)) {
        services.log.debug(`Command ${id} was cancelled.`);
        return undefined;
      }
      services.log.exception(`Command ${id} failed`, error);
      if (await toldTokenRejected(error, services)) {
        return undefined;
      }
      void Promise.resolve(services.ui.prompter.error(vscode.l10n.t('Qovery: {0}', services.log.redact(errorText(error))), {}, actionLabel('showLog'))).then((answer) => runCommonAction(answer));
      return undefined;
    }
  });
}
