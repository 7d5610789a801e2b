import * as vscode from 'vscode';
import { DEFAULT_API_URL, parseApiUrl } from './api/url';
import type { AuthSchemeSetting } from './api/token';
import { AUTO_REFRESH_FLOOR_SECONDS, autoRefreshSeconds } from './settingRules';

export interface Settings {
  /** The API base URL; undefined when the setting is not usable (see apiUrlProblem): no request is sent then. */
  apiUrl?: string;
  /** Why `qovery.apiUrl` was not usable, in words for the user. */
  apiUrlProblem?: string;
  authScheme: AuthSchemeSetting;
  timeoutMs: number;
  showStatusBar: boolean;
  autoRefreshSeconds: number;
  tokenRotationDays: number;
  /** Settings that had a wrong type or range and were replaced by their default. */
  problems: string[];
}

function numberSetting(config: vscode.WorkspaceConfiguration, key: string, fallback: number, min: number, max: number, problems: string[]): number {
  const value = config.get<unknown>(key, fallback);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    problems.push(vscode.l10n.t('qovery.{0} must be a number from {1} to {2}; using {3}.', key, min, max, fallback));
    return fallback;
  }
  return value;
}

/** `qovery.autoRefreshSeconds`, raised to its floor when below it (see settingRules.ts). */
function refreshSeconds(config: vscode.WorkspaceConfiguration, problems: string[]): number {
  const raw = config.get<unknown>('autoRefreshSeconds', 0);
  const r = autoRefreshSeconds(raw);
  if (r.problem === 'belowFloor') {
    problems.push(vscode.l10n.t('qovery.autoRefreshSeconds is at least {0} seconds (0 is off); using {0} instead of {1}.', AUTO_REFRESH_FLOOR_SECONDS, String(raw)));
  } else if (r.problem === 'invalid') {
    problems.push(vscode.l10n.t('qovery.{0} must be a number from {1} to {2}; using {3}.', 'autoRefreshSeconds', 0, 86_400, 0));
  }
  return r.value;
}

/** Reads the `qovery.*` settings; a bad value falls back to its default and is reported, never thrown. */
export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('qovery');
  const problems: string[] = [];
  const rawUrl = config.get<unknown>('apiUrl', DEFAULT_API_URL);
  let apiUrl: string | undefined;
  let apiUrlProblem: string | undefined;
  if (typeof rawUrl !== 'string') {
    apiUrlProblem = vscode.l10n.t('The setting qovery.apiUrl must be a text URL.');
  } else {
    try {
      apiUrl = parseApiUrl(rawUrl).toString().replace(/\/$/, '');
    } catch (error) {
      apiUrlProblem = error instanceof Error ? error.message : String(error);
    }
  }
  const scheme = config.get<unknown>('authScheme', 'auto');
  let authScheme: AuthSchemeSetting = 'auto';
  if (scheme === 'auto' || scheme === 'token' || scheme === 'bearer') {
    authScheme = scheme;
  } else {
    problems.push(vscode.l10n.t('qovery.authScheme must be "auto", "token" or "bearer"; using "auto".'));
  }
  const showStatusBar = config.get<unknown>('showStatusBar', true);
  return {
    apiUrl,
    apiUrlProblem,
    authScheme,
    timeoutMs: numberSetting(config, 'requestTimeoutSeconds', 30, 1, 600, problems) * 1000,
    showStatusBar: showStatusBar !== false,
    autoRefreshSeconds: refreshSeconds(config, problems),
    tokenRotationDays: numberSetting(config, 'tokenRotationDays', 90, 0, 3650, problems),
    problems,
  };
}
