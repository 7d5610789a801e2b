import * as vscode from 'vscode';

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

export const windowPrompter: Prompter = {
  inputBox: (options) => vscode.window.showInputBox(options),
  quickPick: (items, options) => vscode.window.showQuickPick(items, options),
  info: (message, options, ...actions) => vscode.window.showInformationMessage(message, options, ...actions),
  warn: (message, options, ...actions) => vscode.window.showWarningMessage(message, options, ...actions),
  error: (message, options, ...actions) => vscode.window.showErrorMessage(message, options, ...actions),
  progress: (title, task, options) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: options?.cancellable ?? false }, (progress, token) =>
      task(token, (message) => progress.report({ message })),
    ),
};

/** Holds the current prompter; tests swap it through the extension's test API. */
export class Ui {
  prompter: Prompter = windowPrompter;
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
