// The names the extension shares with its manifest (package.json): command ids, context keys and the
// view id, with the typed ways to run a command and set a key. A leaf: it imports nothing of the
// extension, so every layer can name a command without reaching up to the features that handle it.
import * as vscode from 'vscode';

/** The explorer view (package.json `contributes.views`). */
export const VIEW_ID = 'qovery.organizations';

/**
 * Every command id the extension contributes (package.json is the source of truth; a unit test
 * checks both lists match). Code outside this module names commands through this object only.
 */
export const Commands = {
  signIn: 'qovery.signIn',
  addConnection: 'qovery.addConnection',
  updateToken: 'qovery.updateToken',
  switchConnection: 'qovery.switchConnection',
  testAuthentication: 'qovery.testAuthentication',
  signOut: 'qovery.signOut',
  refresh: 'qovery.refresh',
  showLog: 'qovery.showLog',
  statusBarActions: 'qovery.statusBarActions',
  refreshNode: 'qovery.refreshNode',
  retryNode: 'qovery.retryNode',
  openInConsole: 'qovery.openInConsole',
  copyId: 'qovery.copyId',
  copyName: 'qovery.copyName',
  rotateToken: 'qovery.rotateToken',
  createApiToken: 'qovery.createApiToken',
  deleteApiToken: 'qovery.deleteApiToken',
  linkWorkspace: 'qovery.linkWorkspace',
  unlinkWorkspace: 'qovery.unlinkWorkspace',
  workspaceActions: 'qovery.workspaceActions',
  showVariables: 'qovery.showVariables',
  addVariable: 'qovery.addVariable',
  addSecret: 'qovery.addSecret',
  editVariable: 'qovery.editVariable',
  deleteVariable: 'qovery.deleteVariable',
  overrideVariable: 'qovery.overrideVariable',
  aliasVariable: 'qovery.aliasVariable',
  filterVariables: 'qovery.filterVariables',
  importEnv: 'qovery.importEnv',
  pullEnv: 'qovery.pullEnv',
  deploy: 'qovery.deploy',
  redeploy: 'qovery.redeploy',
  restartService: 'qovery.restartService',
  stopService: 'qovery.stopService',
  deployEnvironment: 'qovery.deployEnvironment',
  redeployEnvironment: 'qovery.redeployEnvironment',
  stopEnvironment: 'qovery.stopEnvironment',
  cancelDeployment: 'qovery.cancelDeployment',
  showDeploymentHistory: 'qovery.showDeploymentHistory',
  openServiceUrl: 'qovery.openServiceUrl',
  showDeploymentLogs: 'qovery.showDeploymentLogs',
  showServiceLogs: 'qovery.showServiceLogs',
  toggleLogsPause: 'qovery.toggleLogsPause',
  filterLogsByPod: 'qovery.filterLogsByPod',
  clearLogs: 'qovery.clearLogs',
  openShell: 'qovery.openShell',
  forwardPort: 'qovery.forwardPort',
  showPortForwards: 'qovery.showPortForwards',
  createPreview: 'qovery.createPreview',
  deletePreview: 'qovery.deletePreview',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The states of the active connection, as package.json's `when` clauses read them (`qovery.state == ...`). */
export type SessionStatus =
  | 'signedOut'
  | 'checking'
  | 'signedIn'
  | 'invalidToken'
  | 'forbidden'
  | 'unreachable'
  | 'rateLimited'
  | 'misconfigured'
  /** The API answered, but not with the organizations: a redirect elsewhere, a 404 (wrong path), a 5xx, garbage. */
  | 'apiError';

/** Every context key the extension sets, for `when` clauses of package.json. */
export const ContextKeys = {
  signedIn: 'qovery.signedIn',
  state: 'qovery.state',
  hasConnections: 'qovery.hasConnections',
  noOrganizations: 'qovery.noOrganizations',
} as const;

export type ContextKey = (typeof ContextKeys)[keyof typeof ContextKeys];

/** The type of each context key's value. */
export interface ContextValues {
  'qovery.signedIn': boolean;
  'qovery.state': SessionStatus;
  'qovery.hasConnections': boolean;
  'qovery.noOrganizations': boolean;
}

export function setContext<K extends ContextKey>(key: K, value: ContextValues[K]): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}

/** Runs one of the extension's own commands. */
export function executeCommand<T = unknown>(id: CommandId, ...args: unknown[]): Thenable<T> {
  return vscode.commands.executeCommand<T>(id, ...args);
}
