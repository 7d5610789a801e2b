import * as vscode from 'vscode';
import { Commands, executeCommand } from './contributions';
import { noIcons, noLinks } from './api/errors';

/**
 * The dialogs the extension shows. One seam, so integration tests can answer them in real VS Code
 * without a person; the default implementation is VS Code's window API.
 */
export interface Prompter {
  inputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  info(message: string, options: vscode.MessageOptions, ...actions: string[]): Thenable<string | undefined>;
  warn(message: string, options: vscode.MessageOptions, ...actions: string[]): Thenable<string | undefined>;
  error(message: string, options: vscode.MessageOptions, ...actions: string[]): Thenable<string | undefined>;
  /**
   * A progress notification. It shows Cancel only when `cancellable` is set, and then the task must
   * honour the token; `report` changes the message under the title.
   */
  progress<R>(title: string, task: (token: vscode.CancellationToken, report: (message: string) => void) => Thenable<R>, options?: { cancellable?: boolean }): Thenable<R>;
}

const windowPrompter: Prompter = {
  inputBox: (options) => vscode.window.showInputBox(options),
  quickPick: (items, options) => vscode.window.showQuickPick(items, options),
  // Text from elsewhere (names, commit messages, server answers) is in these: Ui makes it link-free.
  info: (message, options, ...actions) => vscode.window.showInformationMessage(message, options, ...actions),
  warn: (message, options, ...actions) => vscode.window.showWarningMessage(message, options, ...actions),
  error: (message, options, ...actions) => vscode.window.showErrorMessage(message, options, ...actions),
  progress: (title, task, options) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: options?.cancellable ?? false }, (progress, token) =>
      task(token, (message) => progress.report({ message })),
    ),
};

/**
 * Holds the current prompter; tests swap it through the extension's test API. Whatever prompter is
 * set, every message, detail and progress text reaches it link-free (names, commit messages and server
 * answers are in them), so no call site has to remember.
 */
export class Ui {
  #prompter: Prompter = linkFree(windowPrompter);

  get prompter(): Prompter {
    return this.#prompter;
  }

  set prompter(prompter: Prompter) {
    this.#prompter = linkFree(prompter);
  }
}

const LINK_FREE = Symbol('linkFree');

/**
 * A quick pick whose items show names as typed: VS Code renders `$(name)` in a label, description or
 * detail as an icon, so only an item's own leading icon stays one (noIcons). The prompter sees copies;
 * the caller gets back the item it gave.
 */
async function iconFreePick<T extends vscode.QuickPickItem>(prompter: Prompter, items: readonly T[], o: vscode.QuickPickOptions): Promise<T | undefined> {
  const originals = new Map<vscode.QuickPickItem, T>();
  const shown = items.map((item) => {
    const copy: T = { ...item, label: noIcons(item.label, true) };
    if (item.description !== undefined) {
      copy.description = noIcons(item.description);
    }
    if (item.detail !== undefined) {
      copy.detail = noIcons(item.detail);
    }
    originals.set(copy, item);
    return copy;
  });
  const picked: unknown = await prompter.quickPick(shown, o);
  const original = (item: unknown): unknown => originals.get(item as vscode.QuickPickItem) ?? item;
  // With canPickMany VS Code answers an array of the items.
  return (Array.isArray(picked) ? picked.map(original) : picked === undefined ? undefined : original(picked)) as T | undefined;
}

/** `prompter` with noLinks applied to every text it shows, and noIcons to every pick item. */
function linkFree(prompter: Prompter): Prompter {
  if ((prompter as { [LINK_FREE]?: true })[LINK_FREE]) {
    return prompter;
  }
  const options = (o: vscode.MessageOptions): vscode.MessageOptions => (o.detail === undefined ? o : { ...o, detail: noLinks(o.detail) });
  const wrapped: Prompter & { [LINK_FREE]: true } = {
    [LINK_FREE]: true,
    inputBox: (o) => prompter.inputBox(o),
    quickPick: (items, o) => iconFreePick(prompter, items, o),
    info: (message, o, ...actions) => prompter.info(noLinks(message), options(o), ...actions),
    warn: (message, o, ...actions) => prompter.warn(noLinks(message), options(o), ...actions),
    error: (message, o, ...actions) => prompter.error(noLinks(message), options(o), ...actions),
    progress: (title, task, o) => prompter.progress(noLinks(title), (token, report) => task(token, (message) => report(noLinks(message))), o),
  };
  return wrapped;
}

/** An AbortSignal that follows a VS Code cancellation token. */
export function signalFrom(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort();
  }
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** The buttons that several messages offer, and what each does: one handler for all of them. */
export type CommonAction = 'showLog' | 'openSettings' | 'updateToken' | 'signIn';

export function actionLabel(action: CommonAction): string {
  switch (action) {
    case 'showLog':
      return vscode.l10n.t('Show Log');
    case 'openSettings':
      return vscode.l10n.t('Open Settings');
    case 'updateToken':
      return vscode.l10n.t('Update Token');
    case 'signIn':
      return vscode.l10n.t('Sign In');
  }
}

/**
 * Runs the common action whose label is `answer`; `settings` is the setting (or prefix) that Open
 * Settings shows. Returns false when `answer` is none of them, so the caller handles its own buttons.
 */
export async function runCommonAction(answer: string | undefined, settings = 'qovery'): Promise<boolean> {
  if (answer === actionLabel('showLog')) {
    await executeCommand(Commands.showLog);
  } else if (answer === actionLabel('openSettings')) {
    await vscode.commands.executeCommand('workbench.action.openSettings', settings);
  } else if (answer === actionLabel('updateToken')) {
    await executeCommand(Commands.updateToken);
  } else if (answer === actionLabel('signIn')) {
    await executeCommand(Commands.signIn);
  } else {
    return false;
  }
  return true;
}

/** A command that needs a connection, run while signed out: says so once, with Sign In. */
export function askToSignIn(ui: Ui): void {
  void Promise.resolve(ui.prompter.info(vscode.l10n.t('Qovery: this command needs a connection. Sign in with a Qovery API token first.'), {}, actionLabel('signIn'))).then((answer) =>
    runCommonAction(answer),
  );
}

/** "Acme Corp", or "Acme Corp (2)" when that name is taken. */
export function suggestConnectionName(base: string, taken: ReadonlySet<string>): string {
  let suggestion = base;
  for (let n = 2; taken.has(suggestion); n++) {
    suggestion = `${base} (${n})`;
  }
  return suggestion;
}

/** Asks for a connection name that no other connection has; undefined when the user gives up. */
export async function askConnectionName(ui: Ui, taken: ReadonlySet<string>, base: string): Promise<string | undefined> {
  const name = await ui.prompter.inputBox({
    title: vscode.l10n.t('Qovery: Name this connection'),
    prompt: vscode.l10n.t('A name to tell this connection from the others, for example "staging" or "production".'),
    value: suggestConnectionName(base, taken),
    ignoreFocusOut: true,
    validateInput: (value) =>
      value.trim() === '' ? vscode.l10n.t('Enter a name.') : taken.has(value.trim()) ? vscode.l10n.t('A connection named "{0}" exists already.', value.trim()) : undefined,
  });
  return name?.trim() || undefined;
}
