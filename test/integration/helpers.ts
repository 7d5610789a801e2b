import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { QoveryExtensionApi } from '../../src/extension';
import type { Prompter } from '../../src/ui';
import { startQoveryServer, type QoveryServer } from '../qovery';

export const EXTENSION_ID = 'qovery-community.qovery';

export async function extensionApi(): Promise<QoveryExtensionApi> {
  const ext = vscode.extensions.getExtension<QoveryExtensionApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  const api = await ext.activate();
  assert.ok(api, 'the extension exposes its services in test mode');
  return api;
}

export type PromptKind = 'inputBox' | 'quickPick' | 'info' | 'warn' | 'error' | 'progress';

export interface PromptRecord {
  kind: PromptKind;
  message: string;
  actions: string[];
  options: unknown;
  items?: readonly vscode.QuickPickItem[];
}

/** An answer for the next prompt: a text for an input box, a label (or label part) for a pick or a button. */
export type Answer = string | undefined | ((record: PromptRecord) => unknown);

/**
 * Answers the extension's dialogs from a script, and records every one of them, so a test can
 * walk a flow in real VS Code and check what the user would have read.
 */
export class ScriptedPrompter implements Prompter {
  readonly shown: PromptRecord[] = [];
  readonly #answers: Answer[] = [];

  answer(...answers: Answer[]): this {
    this.#answers.push(...answers);
    return this;
  }

  get pending(): number {
    return this.#answers.length;
  }

  messages(kind?: PromptKind): string[] {
    return this.shown.filter((r) => (kind ? r.kind === kind : r.kind !== 'progress')).map((r) => r.message);
  }

  #next(record: PromptRecord): unknown {
    this.shown.push(record);
    if (this.#answers.length === 0) {
      return undefined;
    }
    const answer = this.#answers.shift();
    return typeof answer === 'function' ? answer(record) : answer;
  }

  inputBox(options: vscode.InputBoxOptions): Thenable<string | undefined> {
    const value = this.#next({ kind: 'inputBox', message: options.title ?? options.prompt ?? '', actions: [], options });
    return Promise.resolve(value as string | undefined);
  }

  quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined> {
    const value = this.#next({ kind: 'quickPick', message: options.title ?? '', actions: items.map((i) => i.label), options, items });
    if (value === undefined) {
      return Promise.resolve(undefined);
    }
    if (typeof value === 'object') {
      return Promise.resolve(value as T);
    }
    const found = items.find((i) => i.label.includes(String(value)));
    assert.ok(found, `quick pick "${options.title}" has an item "${String(value)}" among ${items.map((i) => i.label).join(' | ')}`);
    return Promise.resolve(found);
  }

  #message(kind: PromptKind, message: string, options: vscode.MessageOptions, actions: string[]): Thenable<string | undefined> {
    const value = this.#next({ kind, message, actions, options });
    if (value === undefined) {
      return Promise.resolve(undefined);
    }
    assert.ok(actions.includes(String(value)), `message "${message}" offers "${String(value)}" among ${actions.join(', ')}`);
    return Promise.resolve(String(value));
  }

  info(message: string, options: vscode.MessageOptions, ...actions: string[]): Thenable<string | undefined> {
    return this.#message('info', message, options, actions);
  }

  warn(message: string, options: vscode.MessageOptions, ...actions: string[]): Thenable<string | undefined> {
    return this.#message('warn', message, options, actions);
  }

  error(message: string, options: vscode.MessageOptions, ...actions: string[]): Thenable<string | undefined> {
    return this.#message('error', message, options, actions);
  }

  /** Messages reported under progress titles, in order. */
  readonly reported: string[] = [];
  /** Clicks Cancel on a cancellable progress when a reported message matches. */
  cancelWhen: RegExp | undefined;

  progress<R>(title: string, task: (token: vscode.CancellationToken, report: (message: string) => void) => Thenable<R>, options?: { cancellable?: boolean }): Thenable<R> {
    this.shown.push({ kind: 'progress', message: title, actions: [], options: { cancellable: options?.cancellable ?? false } });
    const source = new vscode.CancellationTokenSource();
    const report = (message: string): void => {
      this.reported.push(message);
      if (options?.cancellable && this.cancelWhen?.test(message)) {
        source.cancel();
      }
    };
    return Promise.resolve(task(source.token, report)).finally(() => source.dispose());
  }
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('qovery').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Removes every connection and resets the settings the tests change, so each test starts signed out. */
export async function resetExtension(api: QoveryExtensionApi): Promise<void> {
  for (const c of api.store.connections()) {
    await api.store.remove(c.id);
  }
  await api.store.setActive(undefined);
  for (const key of ['apiUrl', 'authScheme', 'requestTimeoutSeconds', 'showStatusBar', 'autoRefreshSeconds', 'tokenRotationDays']) {
    await setSetting(key, undefined);
  }
  await api.session.check();
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) {
      return last as T;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Every token string a test hands to the extension, for the no-secret-in-files check at the end. */
export const usedTokens = new Set<string>();

/** Every secret variable value a test types, for the same check: a secret value is never written to disk. */
export const usedSecrets = new Set<string>();

/** Signs in through the real sign-in flow with a scripted input box. */
export async function signInWith(api: QoveryExtensionApi, token: string, name?: string): Promise<void> {
  usedTokens.add(token);
  const prompter = new ScriptedPrompter().answer(token);
  if (api.store.connections().length > 0) {
    prompter.answer(name ?? `connection ${api.store.connections().length + 1}`);
  }
  api.ui.prompter = prompter;
  const connection = await api.signIn.addConnection();
  assert.ok(connection, `signed in (prompts: ${JSON.stringify(prompter.shown.map((s) => s.message))})`);
  assert.strictEqual(api.session.state.status, 'signedIn');
}

/**
 * A fresh Qovery-compatible server for a test: its tokens are known to the secrets-on-disk scan, and
 * the extension is signed out and pointed at it.
 */
export async function freshServer(api: QoveryExtensionApi): Promise<QoveryServer> {
  const server = await startQoveryServer();
  Object.values(server.tokens).forEach((t) => usedTokens.add(t));
  await resetExtension(api);
  await setSetting('apiUrl', server.url);
  // Its websocket gateway too (the deployment and live log streams).
  await setSetting('websocketUrl', server.url.replace('http:', 'ws:'));
  return server;
}
