// What the user sees of a rotation: one progress notification that reports each stage and offers
// Cancel while cancelling is still safe, then one message with the way out when something is left.
import * as vscode from 'vscode';
import { errorText } from '../../format';
import type { Logger } from '../../logger';
import type { Ui } from '../../ui';
import type { ProgressStage, RotationReport, RotationStage, SagaControl } from './model';

/** Stages after which Cancel can no longer undo anything: the new token is (being) put in use. */
const PAST_RETURN: ReadonlySet<ProgressStage> = new Set(['swap', 'revoke']);

export interface PresenterActions {
  retryRevocation(connectionId: string): Promise<unknown>;
  keepOldToken(connectionId: string): Promise<unknown>;
  showTokens(): Promise<unknown>;
  /** "Qovery: Update Token", for a stored token Qovery deleted. */
  updateToken?(): Promise<unknown>;
  /** "Qovery: Test Authentication", for a stored token that could not be checked. */
  testAuthentication?(): Promise<unknown>;
}

export class RotationPresenter {
  constructor(
    private readonly ui: Ui,
    private readonly log: Logger,
  ) {}

  #stageText(stage: ProgressStage): string {
    switch (stage) {
      case 'create':
        return vscode.l10n.t('creating the new token…');
      case 'store':
        return vscode.l10n.t('keeping the new token in secret storage…');
      case 'verify':
        return vscode.l10n.t('checking the new token…');
      case 'swap':
        return vscode.l10n.t('putting the new token in use (no longer cancellable)…');
      case 'revoke':
        return vscode.l10n.t('revoking the old token (no longer cancellable)…');
      case 'rollback':
        return vscode.l10n.t('deleting the new token again…');
      case 'lookup':
        return vscode.l10n.t('looking for a token the rotation may have created…');
    }
  }

  /** Runs `task` under one cancellable progress notification. */
  withProgress(connectionName: string, task: (control: Pick<SagaControl, 'onStage' | 'cancelRequested'>) => Promise<RotationReport>): Promise<RotationReport> {
    return Promise.resolve(
      this.ui.prompter.progress(
        vscode.l10n.t('Qovery: rotating the token of "{0}"', connectionName),
        (cancel, report) => {
          let past = false;
          cancel.onCancellationRequested(() => {
            if (past) {
              report(vscode.l10n.t('too late to cancel: finishing so that you keep a working token…'));
            }
          });
          return task({
            onStage: (stage) => {
              past ||= PAST_RETURN.has(stage);
              report(this.#stageText(stage));
            },
            cancelRequested: () => cancel.isCancellationRequested && !past,
          });
        },
        { cancellable: true },
      ),
    );
  }

  #reason(stage: RotationStage | undefined, report: RotationReport): string {
    const detail = report.cause !== undefined ? errorText(report.cause) : (report.detail ?? '');
    switch (report.errorKind) {
      case undefined:
        return detail || vscode.l10n.t('VS Code stopped before the new token was kept');
      case 'storage':
        return stage === 'store' || stage === 'swap' ? vscode.l10n.t('VS Code\'s secret storage failed ({0})', detail) : detail;
      case 'forbidden':
        if (stage === 'create' || stage === 'revoke') {
          return vscode.l10n.t('the role of the token may not manage API tokens ({0})', detail);
        }
        break;
      case 'leaseLost':
        if (stage === 'swap') {
          return vscode.l10n.t('this window was paused past its lease (a sleeping computer, a debugger, a stalled remote) and another window took the rotation over');
        }
        break;
      case 'conflict':
        if (stage === 'create') {
          return vscode.l10n.t('Qovery refused every name tried as taken (409)');
        }
        break;
    }
    if (stage === 'verify') {
      return vscode.l10n.t('the new token did not pass the check ({0})', detail || report.errorKind || '');
    }
    return detail || report.errorKind || '';
  }

  /** Tells the user what happened, with the way out when something is left to do. */
  async present(report: RotationReport, actions: PresenterActions): Promise<void> {
    const name = report.connectionName ?? report.connectionId ?? '';
    const token = (t: { id?: string; name?: string } | undefined): string => `"${t?.name ?? '?'}"${t?.id ? ` (${t.id})` : ''}`;
    const showLog = vscode.l10n.t('Show Log');
    const prefix = report.resumed ? vscode.l10n.t('An interrupted token rotation of "{0}" was finished.', name) + ' ' : '';
    switch (report.outcome) {
      case 'busy':
        void this.ui.prompter.info(vscode.l10n.t('Qovery: the token of "{0}" is being rotated in another window.', name), {});
        return;
      case 'rotated': {
        if (report.revoked) {
          void this.ui.prompter.info(prefix + vscode.l10n.t('Qovery: the token of "{0}" was rotated. The new token {1} is in use; the old token {2} was revoked.', name, token(report.newToken), token(report.oldToken)), {});
          return;
        }
        if (report.revocationUnconfirmed) {
          const answer = await this.ui.prompter.warn(
            prefix +
              vscode.l10n.t(
                'Qovery: the token of "{0}" was rotated and the new token {1} is in use. The old token {2} was deleted, but Qovery could not confirm that it stopped working ({3}); VS Code checks again at the next start.',
                name,
                token(report.newToken),
                token(report.oldToken),
                this.#reason('revoke', report),
              ),
            {},
            showLog,
          );
          if (answer === showLog) {
            this.log.show();
          }
          return;
        }
        if (report.wrongTokenRevoked) {
          const answer = await this.ui.prompter.warn(
            prefix +
              vscode.l10n.t(
                'Qovery: the token of "{0}" was rotated and the new token {1} is in use, but the token revoked, {2}, was not the one this connection used: the old token still works. Revoke it in the Qovery console, and check what used {2}.',
                name,
                token(report.newToken),
                token(report.wrongTokenRevoked),
              ),
            {},
            showLog,
          );
          if (answer === showLog) {
            this.log.show();
          }
          return;
        }
        if (report.notRevoked) {
          const why = report.notRevoked === 'userChoice' ? vscode.l10n.t('you chose not to revoke the old token') : vscode.l10n.t('the connection was removed before the old token could be revoked');
          void this.ui.prompter.info(
            prefix + vscode.l10n.t('Qovery: the token of "{0}" was rotated. The new token {1} is in use; the old token was not revoked: {2}. It stays valid until you revoke it in the Qovery console.', name, token(report.newToken), why),
            {},
          );
          return;
        }
        const retry = vscode.l10n.t('Retry Revocation');
        const keep = vscode.l10n.t('Keep Old Token');
        const answer = await this.ui.prompter.warn(
          prefix + vscode.l10n.t('Qovery: the token of "{0}" was rotated and the new token {1} is in use, but the old token {2} still exists on Qovery: {3}.', name, token(report.newToken), token(report.oldToken), this.#reason('revoke', report)),
          {},
          ...(report.journalKept ? [retry, keep, showLog] : [showLog]),
        );
        if (answer === retry && report.connectionId) {
          await actions.retryRevocation(report.connectionId);
        } else if (answer === keep && report.connectionId) {
          await actions.keepOldToken(report.connectionId);
        } else if (answer === showLog) {
          this.log.show();
        }
        return;
      }
      case 'cancelled':
        if (report.newToken?.id || report.orphan) {
          return this.#failed(report, name, token, showLog, actions, vscode.l10n.t('Qovery: the rotation of "{0}" was cancelled. The current token is unchanged.', name));
        }
        return;
      case 'failed': {
        if (report.lateSwap === 'lost' || report.lateSwap === 'unconfirmed' || report.lateSwap === 'putBackFailed') {
          return this.#lateSwap(report, name, showLog, actions);
        }
        const head = report.resumed
          ? vscode.l10n.t('Qovery: an interrupted token rotation of "{0}" was rolled back ({1}). The current token is unchanged.', name, this.#reason(report.stage, report))
          : vscode.l10n.t('Qovery: the token of "{0}" was not rotated: {1}. The current token is unchanged.', name, this.#reason(report.stage, report));
        return this.#failed(report, name, token, showLog, actions, head);
      }
      case 'deferred':
        this.log.warn(`The unfinished token rotation of "${name}" is kept for later: ${report.detail ?? report.errorKind ?? ''}`);
        if (report.maybeCreated || report.orphan) {
          const show = vscode.l10n.t('Show API Tokens');
          void this.ui.prompter
            .warn(vscode.l10n.t('Qovery: an unfinished token rotation of "{0}" may have left the token {1} on Qovery; VS Code checks again at the next start.', name, token(report.orphan)), {}, show)
            .then((answer) => (answer === show ? actions.showTokens() : undefined));
        }
        return;
    }
  }

  /** A late swap stored a token Qovery deleted, or one that could not be checked: the user must know, and how to get out. */
  async #lateSwap(report: RotationReport, name: string, showLog: string, actions: PresenterActions): Promise<void> {
    const update = vscode.l10n.t('Update Token');
    const detail = report.cause !== undefined ? errorText(report.cause) : (report.detail ?? report.errorKind ?? '');
    const refused = report.lateSwap === 'lost' || report.lateSwap === 'putBackFailed';
    const message =
      report.lateSwap === 'lost'
        ? vscode.l10n.t(
            'Qovery: a token rotation of "{0}" was interrupted and its new token was deleted after a paused window had stored it; the token used before does not work either, so Qovery now refuses the stored token. Update the token with a working one.',
            name,
          )
        : report.lateSwap === 'putBackFailed'
          ? vscode.l10n.t(
              'Qovery: a token rotation of "{0}" was interrupted and its new token was deleted after a paused window had stored it; putting the token used before back failed in VS Code\'s secret storage, so Qovery now refuses the stored token. Update the token.',
              name,
            )
          : vscode.l10n.t(
            'Qovery: a token rotation of "{0}" was interrupted (a window was paused while another window took it over), and the token now stored could not be checked ({1}). If Qovery refuses it, update the token.',
            name,
            detail,
          );
    this.log.warn(message);
    const buttons = actions.updateToken ? [update, showLog] : [showLog];
    const answer = await (refused ? this.ui.prompter.error(message, {}, ...buttons) : this.ui.prompter.warn(message, {}, ...buttons));
    if (answer === update) {
      await actions.updateToken?.();
    } else if (answer === showLog) {
      this.log.show();
    }
  }

  async #failed(report: RotationReport, _name: string, token: (t: { id?: string; name?: string } | undefined) => string, showLog: string, actions: PresenterActions, head: string): Promise<void> {
    const parts = [head];
    const show = vscode.l10n.t('Show API Tokens');
    if (report.orphan) {
      if (report.maybeCreated) {
        parts.push(
          report.journalKept
            ? vscode.l10n.t('Qovery gave no clear answer to the create: a token {0} may exist on Qovery. VS Code looks for it again at the next start and deletes it.', token(report.orphan))
            : vscode.l10n.t('Qovery gave no clear answer to the create: a token {0} may exist on Qovery; delete it in the API Tokens view or the Qovery console.', token(report.orphan)),
        );
      } else {
        parts.push(
          report.journalKept
            ? vscode.l10n.t('The new token {0} may still exist on Qovery; VS Code tries to delete it again at the next start.', token(report.orphan))
            : vscode.l10n.t('The new token {0} may still exist on Qovery: delete it in the API Tokens view or the Qovery console.', token(report.orphan)),
        );
      }
    } else if (report.newToken?.id) {
      parts.push(vscode.l10n.t('The new token {0} was deleted.', token(report.newToken)));
    }
    if (report.lateSwap === 'undone') {
      parts.push(vscode.l10n.t('A paused window stored the new token after it was deleted: the token used before was put back, and it works.'));
    }
    // Put back although its check gave no clear answer: the user checks it, or replaces it.
    const unchecked = report.lateSwap === 'undoneUnchecked';
    if (unchecked) {
      parts.push(vscode.l10n.t('A paused window stored the new token after it was deleted: the token used before was put back; it could not be checked now.'));
    }
    const message = parts.join(' ');
    if (report.resumed && !report.orphan && !report.newToken?.id && !unchecked && report.stage !== 'verify' && report.stage !== 'store') {
      this.log.info(message);
      void this.ui.prompter.info(message, {});
      return;
    }
    const test = vscode.l10n.t('Test Authentication');
    const update = vscode.l10n.t('Update Token');
    const checks = unchecked ? [...(actions.testAuthentication ? [test] : []), ...(actions.updateToken ? [update] : [])] : [];
    const buttons = [...checks, ...(report.orphan ? [show, showLog] : [showLog])];
    const answer = await (report.outcome === 'cancelled' ? this.ui.prompter.info(message, {}, ...buttons) : this.ui.prompter.error(message, {}, ...buttons));
    if (answer === showLog) {
      this.log.show();
    } else if (answer === show) {
      await actions.showTokens();
    } else if (answer === test) {
      await actions.testAuthentication?.();
    } else if (answer === update) {
      await actions.updateToken?.();
    }
  }
}
