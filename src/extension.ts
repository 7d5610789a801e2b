import * as path from 'node:path';
import * as vscode from 'vscode';
import { QoveryAuthenticationProvider } from './auth/authProvider';
import { AuthNotifier } from './auth/notifier';
import { SessionManager } from './auth/session';
import { TokenStore } from './auth/tokenStore';
import { hasUnfinishedRotation } from './auth/rotation/pending';
import { Chunks, type ChunkHandlers, type ChunkOf, type Core } from './chunks/core';
import { readSettings } from './config';
import { Logger } from './logger';
import { StatusBar } from './statusBar';
import type { OrganizationsTreeProvider } from './tree/provider';
import { ExplorerView } from './tree/view';
import { askToSignIn, Ui } from './ui';
import { registerCommand } from './commands/registry';
import { COMMAND_TABLE } from './commands/table';
import { Commands, ContextKeys, setContext, VIEW_ID } from './contributions';


/** What activate returns: the services, for the extension's own integration tests. */
export interface QoveryExtensionApi {
  log: Logger;
  ui: Ui;
  store: TokenStore;
  session: SessionManager;
  statusBar: StatusBar;
  authProvider: QoveryAuthenticationProvider;
  secrets: vscode.SecretStorage;
  globalState: vscode.Memento;
  chunks: Chunks;
  /** The folder every window shares (rotation journals and leases). */
  storageDir: string;
  /** The explorer's data provider as VS Code sees it (with the rows other features put on top). */
  view: ExplorerView;
  /** These load their chunk when first read. */
  readonly tree: OrganizationsTreeProvider;
  readonly signIn: ChunkOf<'connections'>['signIn'];
  readonly rotation: ChunkOf<'rotation'>['rotation'];
  readonly reminder: ChunkOf<'reminder'>['reminder'];
  readonly workspace: ChunkOf<'workspace'>;
  readonly agents: ChunkOf<'agents'>;
}

export function activate(context: vscode.ExtensionContext): QoveryExtensionApi | undefined {
  const log = new Logger();
  const ui = new Ui();
  const store = new TokenStore(context.secrets, context.globalState, log);
  // The API client (and its HTTP engine) is a chunk: it loads with the first request, after activation.
  const session = new SessionManager(store, log, (options) => chunks.get('api').createClient(options));
  // The context keys of package.json's `when` clauses follow the session's state.
  const publishState = session.onDidChange((state) => {
    void setContext(ContextKeys.signedIn, state.status === 'signedIn');
    void setContext(ContextKeys.state, state.status);
    void setContext(ContextKeys.hasConnections, store.connections().length > 0);
  });
  // The view is registered now; its rows and how they load come with the tree chunk, when first shown.
  const tree = new ExplorerView(() => chunks.get('tree').provider);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  tree.attach(view);
  const statusBar = new StatusBar(session);
  const storageDir = context.globalStorageUri.fsPath;
  const core: Core = { log, ui, session, tree, statusBar, globalState: context.globalState, workspaceState: context.workspaceState, storageDir, load: (name) => chunks.get(name), isLoaded: (name) => chunks.isLoaded(name) };
  const chunks = new Chunks(core, path.join(__dirname, 'chunks'));
  const connections = (): ChunkOf<'connections'> => chunks.get('connections');
  // The rotation reminder looks at the age of a signed-in token: its chunk loads when there is one.
  const loadReminder = (): void => {
    if (!chunks.isLoaded('reminder') && session.state.status === 'signedIn' && readSettings().tokenRotationDays > 0) {
      void chunks.get('reminder').reminder.evaluate();
    }
  };
  const authProvider = new QoveryAuthenticationProvider(
    session,
    () => connections().addConnection(),
    async (connectionId) => {
      await connections().signOut({ confirm: false, connectionId });
    },
  );
  // The workspace link loads in the background once signed in with a folder open, never during activate.
  const loadWorkspace = (): void => {
    if (!chunks.isLoaded('workspace') && session.state.status === 'signedIn' && (vscode.workspace.workspaceFolders?.length ?? 0) > 0) {
      setTimeout(() => chunks.get('workspace'), 0);
    }
  };
  const workspace = (): ChunkOf<'workspace'> => chunks.get('workspace');
  // The agent tools (VS Code 1.95+, feature-detected in the chunk) register in the background once signed in.
  const loadAgents = (): void => {
    if (!chunks.isLoaded('agents') && session.state.status === 'signedIn') {
      setTimeout(() => chunks.get('agents'), 0);
    }
  };
  // The commands activation runs itself; every other one is in its chunk's `handlers` map.
  const coreHandlers: ChunkHandlers = { [Commands.showLog]: () => log.show() };

  context.subscriptions.push(
    log,
    store,
    session,
    publishState,
    tree,
    view,
    statusBar,
    authProvider,
    new AuthNotifier(session, ui),
    session.onDidChange(loadReminder),
    session.onDidChange(loadWorkspace),
    session.onDidChange(loadAgents),
    vscode.workspace.onDidChangeWorkspaceFolders(loadWorkspace),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('qovery.tokenRotationDays') && loadReminder()),
    chunks,
    // The "Qovery Shell" terminal profile: the shell chunk loads when one is asked for.
    vscode.window.registerTerminalProfileProvider('qovery.shell', { provideTerminalProfile: () => chunks.get('shell').provideProfile() }),
    // Every command of the table, through the registry's one error path; a chunk loads the first time one of its commands runs.
    // Signed out, a command that needs a connection says so, the one way, and loads nothing.
    ...COMMAND_TABLE.map(({ id, chunk, connection }) =>
      registerCommand(id, (...args: unknown[]) => (connection && !store.active() ? askToSignIn(ui) : (chunk === 'core' ? coreHandlers[id]! : chunks.handler(chunk, id))(...args)), { log, ui, session }),
    ),
  );
  for (const problem of readSettings().problems) {
    log.warn(problem);
  }
  log.info(`Qovery extension ${String((context.extension.packageJSON as { version?: string }).version)} activated.`);
  // The first check runs after activation, in the background: activate itself sends nothing.
  setTimeout(() => void session.check(), 0);
  // A rotation that VS Code stopped in the middle is finished or rolled back, also in the background;
  // the rotation chunk loads only when the journal lists one.
  const recoverRotations = async (): Promise<void> => {
    if (await hasUnfinishedRotation(context.secrets, context.globalState, storageDir)) {
      void chunks
        .get('rotation')
        .recover()
        .catch((error: unknown) => log.error('Finishing an interrupted token rotation failed', error));
    }
  };
  setTimeout(() => void recoverRotations(), 0);
  // A preview creation stopped in the middle is resumed or rolled back once signed in; the preview chunk
  // loads only when a journal is recorded (src/preview/journals.ts: one key each, or the former single key).
  const recoverPreviews = session.onDidChange(() => {
    if (session.state.status !== 'signedIn') {
      return;
    }
    // Once, at the first sign-in of this run: later a journal is this window's own creation running.
    recoverPreviews.dispose();
    if (!context.globalState.keys().some((k) => k.startsWith('qovery.previewJournal'))) {
      return;
    }
    void chunks
      .get('preview')
      .commands.recover()
      .catch((error: unknown) => log.error('Finishing an interrupted preview creation failed', error));
  });
  context.subscriptions.push(recoverPreviews);
  const api: QoveryExtensionApi = {
    log,
    ui,
    store,
    session,
    statusBar,
    authProvider,
    secrets: context.secrets,
    globalState: context.globalState,
    storageDir,
    chunks,
    view: tree,
    get tree() {
      return tree.provider;
    },
    get signIn() {
      return connections().signIn;
    },
    get reminder() {
      return chunks.get('reminder').reminder;
    },
    get rotation() {
      return chunks.get('rotation').rotation;
    },
    get workspace() {
      return workspace();
    },
    get agents() {
      return chunks.get('agents');
    },
  };
  return context.extensionMode === vscode.ExtensionMode.Test ? api : undefined;
}

export function deactivate(): void {}
