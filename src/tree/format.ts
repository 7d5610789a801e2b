import * as vscode from 'vscode';

/** "DEPLOYMENT_ERROR" -> "deployment error". */
export const humanize = (value: string | undefined): string => (value ?? '').toLowerCase().replace(/_/g, ' ');

/** A colour for a deployment state: green when running, red on error, yellow while moving, grey when stopped. */
export function stateColor(state: string | undefined): vscode.ThemeColor | undefined {
  if (!state) {
    return undefined;
  }
  if (/ERROR/.test(state)) {
    return new vscode.ThemeColor('charts.red');
  }
  if (state === 'DEPLOYED' || state === 'READY' || state === 'RESTARTED') {
    return new vscode.ThemeColor('charts.green');
  }
  if (/ING$|QUEUED|WAITING/.test(state)) {
    return new vscode.ThemeColor('charts.yellow');
  }
  if (state === 'STOPPED' || state === 'CANCELED' || state === 'DELETED' || state === 'UNAVAILABLE') {
    return new vscode.ThemeColor('disabledForeground');
  }
  return undefined;
}

/** Qovery's "DEPLOYED" reads as "running" to a person looking at a service. */
export function stateLabel(state: string | undefined): string {
  if (!state) {
    return vscode.l10n.t('state unknown');
  }
  return state === 'DEPLOYED' ? vscode.l10n.t('running') : humanize(state);
}

export const SERVICE_ICONS: Record<string, string> = {
  APPLICATION: 'code',
  CONTAINER: 'package',
  DATABASE: 'database',
  JOB: 'watch',
  HELM: 'layers',
  TERRAFORM: 'symbol-structure',
};
