import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Qovery', { log: true });
  context.subscriptions.push(log, vscode.commands.registerCommand('qovery.showLog', () => log.show()));
}

export function deactivate(): void {}
