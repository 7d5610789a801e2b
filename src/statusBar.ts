import * as vscode from 'vscode';
import { describeError } from './api';
import { describeSource } from './commands/auth';
import type { SessionManager, SessionState, SessionStatus } from './auth/session';
import { readSettings } from './config';
import type { Ui } from './ui';
import { Commands } from './commands/registry';

interface Look {
  text: string;
  background?: string;
}

export function formatAge(from: number, now = Date.now()): string {
  const plural = (n: number, one: string, many: string): string => (n === 1 ? vscode.l10n.t(one, n) : vscode.l10n.t(many, n));
  const days = Math.floor((now - from) / 86_400_000);
  if (days >= 1) {
    return plural(days, '{0} day', '{0} days');
  }
  const hours = Math.floor((now - from) / 3_600_000);
  if (hours >= 1) {
    return plural(hours, '{0} hour', '{0} hours');
  }
  return plural(Math.max(0, Math.floor((now - from) / 60_000)), '{0} minute', '{0} minutes');
}

function look(state: SessionState): Look {
  const name = state.connection?.organizationName ?? state.connection?.name ?? '';
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
    lines.push(describeError(state.error));
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

/** The status bar item: the auth state at a glance, and the actions that fit it on click. */
export class StatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  readonly #disposables: vscode.Disposable[] = [];
  /** Extra tooltip lines and text decorations from other features (the rotation reminder). */
  readonly notes = new Map<string, { tooltip: string; badge?: string }>();

  constructor(
    private readonly session: SessionManager,
    private readonly ui: Ui,
  ) {
    this.item = vscode.window.createStatusBarItem('qovery.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Qovery');
    this.item.command = Commands.statusBarActions;
    this.#disposables.push(
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

  async pickAction(): Promise<void> {
    const state = this.session.state;
    const picked = await this.ui.prompter.quickPick(actionsFor(state, this.session.store.connections().length > 0), {
      title: vscode.l10n.t('Qovery'),
      placeHolder: tooltipText(state).split('\n')[0],
    });
    if (picked) {
      await vscode.commands.executeCommand(picked.command, ...(picked.args ?? []));
    }
  }

  dispose(): void {
    for (const d of this.#disposables) {
      d.dispose();
    }
  }
}
