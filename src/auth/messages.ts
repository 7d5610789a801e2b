import * as vscode from 'vscode';
import { isApiError, isTransient } from '../api/errors';
import { errorText } from '../format';

/** One sentence that says what went wrong with a token check and what it means for the token. */
export function verificationFailure(error: unknown): string {
  if (!isApiError(error)) {
    return errorText(error);
  }
  switch (error.kind) {
    case 'unauthorized':
      return vscode.l10n.t('Qovery rejected this token (401): it is wrong, or it was revoked.');
    case 'forbidden':
      return vscode.l10n.t(
        'The token is valid, but its role may not list organizations (403: {0}). Use a token whose role can read the organization (for example Viewer or Admin).',
        error.detail ?? errorText(error),
      );
    case 'invalidToken':
    case 'insecureUrl':
      return errorText(error);
    default:
      return isTransient(error) ? vscode.l10n.t('{0} The token was not checked: this does not mean it is wrong.', errorText(error)) : errorText(error);
  }
}

/** Whether a failure leaves the token's validity unknown (so saving it anyway makes sense). */
export function leavesTokenUnknown(error: unknown): boolean {
  return isTransient(error);
}

/** What an answer of the API that is neither the organizations nor an auth failure says about the setup. */
export function apiProblem(error: unknown, apiUrl: string | undefined): string {
  if (isApiError(error) && error.kind === 'insecureUrl' && error.origin) {
    return vscode.l10n.t('The Qovery API redirected to {0}, not followed: the token is not sent there. Check qovery.apiUrl.', error.origin);
  }
  if (isApiError(error) && error.kind === 'notFound') {
    return vscode.l10n.t('The API URL answers 404: check qovery.apiUrl ({0}).', apiUrl ?? '');
  }
  return verificationFailure(error);
}

/** Whether a failure asks the user to fix the setup (a prompt is worth it), rather than to wait. */
export function needsSetupFix(error: unknown): boolean {
  return isApiError(error) && ((error.kind === 'insecureUrl' && error.origin !== undefined) || error.kind === 'notFound');
}
