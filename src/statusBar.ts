import * as vscode from 'vscode';
import { describeSource, errorText, formatAge } from './format';
import { noIcons } from './api/errors';
import type { SessionManager, SessionState } from './auth/session';
import { readSettings } from './config';
import { Disposable } from './lifecycle';
import { Commands, type SessionStatus } from './contributions';

interface Look {
  text: string;
  background?: string;
}

function look(state: SessionState): Look {
  // A name is shown as typed: `$(x)` in it is no icon.
  const name = noIcons(state.connection?.organizationName ?? state.connection?.name ?? '');
  switch (state.status) {
    case 'signedOut':
      return { text: vscode.l10n.t('$(sign-in) Qovery: Sign In') };
    case 'checking':
      return { text: vscode.l10n.t('$(sync~spin) Qovery') };
    case 'signedIn':
      return { text: vscode.l10n.t('$(cloud) Qovery: {0}', name) };
    case 'invalidToken':
      return { text: vscode.l10n.t('$(error) Qovery: invalid token'), background: 'statusBarItem.errorBackground' };
    case 'forbidden':
      return { text: vscode.l10n.t('$(warning) Qovery: no permission'), background: 'statusBarItem.warningBackground' };
    case 'unreachable':
      return { text: vscode.l10n.t('$(cloud-offline) Qovery: unreachable') };
    case 'rateLimited':
      return { text: vscode.l10n.t('$(watch) Qovery: rate limited'), background: 'statusBarItem.warningBackground' };
    case 'misconfigured':
      return { text: vscode.l10n.t('$(gear) Qovery: check settings'), background: 'statusBarItem.warningBackground' };
    case 'apiError': {
      const e = state.error;
      if (e?.kind === 'insecureUrl' && e.origin) {
        return { text: vscode.l10n.t('$(warning) Qovery: redirected to {0}', e.origin), background: 'statusBarItem.warningBackground' };
      }
      if (e?.kind === 'notFound') {
        return { text: vscode.l10n.t('$(warning) Qovery: API URL answers 404'), background: 'statusBarItem.warningBackground' };
      }
      return { text: vscode.l10n.t('$(warning) Qovery: API error'), background: 'statusBarItem.warningBackground' };
    }
  }
}

/** The first tooltip line. Each text is a literal so that the l10n tooling can extract it. */
function summary(status: SessionStatus): string {
  switch (status) {
    case 'signedOut':
      return vscode.l10n.t('Signed out.');
    case 'checking':
      return vscode.l10n.t('Checking the token…');
    case 'signedIn':
      return vscode.l10n.t('Signed in.');
    case 'invalidToken':
      return vscode.l10n.t('The token was rejected (401): it is wrong or was revoked.');
    case 'forbidden':
      return vscode.l10n.t('The token\'s role lacks a permission (403).');
    case 'unreachable':
      return vscode.l10n.t('The Qovery API cannot be reached.');
    case 'rateLimited':
      return vscode.l10n.t('Qovery is rate limiting this token.');
    case 'misconfigured':
      return vscode.l10n.t('A Qovery setting is not valid.');
    case 'apiError':
      return vscode.l10n.t('The Qovery API answered, but not as expected. Your token was not rejected.');
  }
}

/** The plain-text tooltip: what a user needs to know about the connection at a glance. */
export function tooltipText(state: SessionState, extra: string[] = []): string {
  const c = state.connection;
  const lines = [summary(state.status)];
  if (state.problem) {
    lines.push(state.problem);
  } else if (state.error && state.status !== 'signedIn') {
    lines.push(errorText(state.error));
  }
  if (state.status === 'rateLimited' && state.retryAt) {
    lines.push(vscode.l10n.t('Checking again at {0}.', new Date(state.retryAt).toLocaleTimeString()));
  }
  lines.push(...extra);
  if (c) {
    lines.push(vscode.l10n.t('Connection: {0}', c.name));
    const organization = state.organizations && state.organizations.length > 1 ? state.organizations.map((o) => o.name).join(', ') : c.organizationName;
    lines.push(vscode.l10n.t('Organization: {0}', organization ?? vscode.l10n.t('unknown')));
    lines.push(vscode.l10n.t('Token role: {0}', c.roleName ?? vscode.l10n.t('unknown')));
    const created = c.tokenCreatedAt ? Date.parse(c.tokenCreatedAt) : c.addedAt;
    lines.push(vscode.l10n.t('Token age: {0} ({1})', formatAge(created), describeSource(c.source, c.sourceVariable)));
    lines.push(vscode.l10n.t('Last verified: {0}', c.verifiedAt ? new Date(c.verifiedAt).toLocaleString() : vscode.l10n.t('never')));
  }
  lines.push(vscode.l10n.t('API: {0}', state.apiUrl ?? readSettings().apiUrl ?? vscode.l10n.t('not set')));
  return lines.join('\n');
}

/** The status bar item: the auth state at a glance, and the actions that fit it on click. */
export class StatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;
  /** Extra tooltip lines and text decorations from other features (the rotation reminder). */
  readonly notes = new Map<string, { tooltip: string; badge?: string }>();

  constructor(
    private readonly session: SessionManager,
  ) {
    super();
    this.item = vscode.window.createStatusBarItem('qovery.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Qovery');
    this.item.command = Commands.statusBarActions;
    this.registerAll(
      this.item,
      session.onDidChange(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('qovery')) {
          this.update();
        }
      }),
    );
    this.update();
  }

  update(): void {
    const state = this.session.state;
    const { text, background } = look(state);
    const badges = [...this.notes.values()].map((n) => n.badge).filter(Boolean);
    this.item.text = badges.length > 0 && state.status === 'signedIn' ? `${text} ${badges.join(' ')}` : text;
    this.item.backgroundColor = background ? new vscode.ThemeColor(background) : undefined;
    this.item.tooltip = tooltipText(state, [...this.notes.values()].map((n) => n.tooltip));
    this.item.accessibilityInformation = { label: this.item.tooltip.split('\n').slice(0, 2).join(' ') };
    if (readSettings().showStatusBar) {
      this.item.show();
    } else {
      this.item.hide();
    }
  }



}
