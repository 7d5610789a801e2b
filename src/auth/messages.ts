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
