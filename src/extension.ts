import * as vscode from 'vscode';
import { QoveryAuthenticationProvider } from './auth/authProvider';
import { AuthNotifier } from './auth/notifier';
import { RotationReminder } from './auth/reminder';
import { TokenRotation } from './auth/rotation';
import { SessionManager } from './auth/session';
import { SignInFlow } from './auth/signIn';
import { TokenStore } from './auth/tokenStore';
import { registerAuthCommands, signOut } from './commands/auth';
import { Commands, registerCommand } from './commands/registry';
import { registerTokenCommands } from './commands/tokens';
import { registerTreeCommands } from './commands/tree';
import { readSettings } from './config';
import { Logger } from './logger';
import { StatusBar } from './statusBar';
import { OrganizationsTreeProvider, VIEW_ID } from './tree/provider';
import { Ui } from './ui';

/** What activate returns: the services, for the extension's own integration tests. */
export interface QoveryExtensionApi {
  log: Logger;
  ui: Ui;
  store: TokenStore;
  session: SessionManager;
  signIn: SignInFlow;
  tree: OrganizationsTreeProvider;
  statusBar: StatusBar;
  authProvider: QoveryAuthenticationProvider;
  secrets: vscode.SecretStorage;
  rotation: TokenRotation;
  reminder: RotationReminder;
  globalState: vscode.Memento;
}

export function activate(context: vscode.ExtensionContext): QoveryExtensionApi | undefined {
  const log = new Logger();
  const ui = new Ui();
  const store = new TokenStore(context.secrets, context.globalState, log);
  const session = new SessionManager(store, log);
  const signIn = new SignInFlow(session, ui, log);
  const tree = new OrganizationsTreeProvider(session, log);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  tree.attach(view);
  const statusBar = new StatusBar(session, ui);
  const services = { log, ui };
  const authCommands = { session, signIn, ui, log };
  const rotation = new TokenRotation(session, ui, log, context.globalState);
  const reminder = new RotationReminder(session, statusBar, ui, log, context.globalState);
  const authProvider = new QoveryAuthenticationProvider(session, signIn, async (connectionId) => {
    await signOut(authCommands, { confirm: false, connectionId });
  });

  context.subscriptions.push(
    log,
    store,
    session,
    tree,
    view,
    statusBar,
    authProvider,
    new AuthNotifier(session, ui),
    registerCommand(Commands.showLog, () => log.show(), services),
    registerCommand(Commands.statusBarActions, () => statusBar.pickAction(), services),
    ...registerAuthCommands(authCommands),
    ...registerTreeCommands(tree, services),
    rotation,
    reminder,
    ...registerTokenCommands({ session, ui, log, rotation, tree }),
  );
  for (const problem of readSettings().problems) {
    log.warn(problem);
  }
  log.info(`Qovery extension ${String((context.extension.packageJSON as { version?: string }).version)} activated.`);
  // The first check runs after activation, in the background: activate itself sends nothing.
  setTimeout(() => void session.check(), 0);
  // A rotation that VS Code stopped in the middle is finished or rolled back, also in the background.
  setTimeout(() => void rotation.recover().catch((error: unknown) => log.error('Finishing an interrupted token rotation failed', error)), 0);
  const api = { log, ui, store, session, signIn, tree, statusBar, authProvider, secrets: context.secrets, rotation, reminder, globalState: context.globalState };
  return context.extensionMode === vscode.ExtensionMode.Test ? api : undefined;
}

export function deactivate(): void {}
