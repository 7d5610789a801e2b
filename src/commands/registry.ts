import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import { errorText } from '../format';
import type { SessionStatus } from '../auth/session';
import type { ChunkName } from '../chunks/core';
import type { Logger } from '../logger';
import { actionLabel, runCommonAction, type Ui } from '../ui';

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
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/**
 * The commands whose code is in a chunk's `handlers` map, by chunk: activation registers each id, and
 * the chunk loads the first time one of them runs (an integration test checks every chunk has them all).
 */
export const CHUNK_COMMANDS: readonly (readonly [ChunkName, readonly CommandId[]])[] = [
  [
    'variables',
    [
      Commands.showVariables,
      Commands.addVariable,
      Commands.addSecret,
      Commands.editVariable,
      Commands.deleteVariable,
      Commands.overrideVariable,
      Commands.aliasVariable,
      Commands.filterVariables,
      Commands.importEnv,
      Commands.pullEnv,
    ],
  ],
  [
    'deploy',
    [
      Commands.deploy,
      Commands.redeploy,
      Commands.restartService,
      Commands.stopService,
      Commands.deployEnvironment,
      Commands.redeployEnvironment,
      Commands.stopEnvironment,
      Commands.cancelDeployment,
      Commands.showDeploymentHistory,
      Commands.openServiceUrl,
    ],
  ],
  ['logs', [Commands.showDeploymentLogs, Commands.showServiceLogs, Commands.toggleLogsPause, Commands.filterLogsByPod, Commands.clearLogs]],
];


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

/** What the command wrapper needs to report a failure. */
export interface CommandServices {
  log: Logger;
  ui: Ui;
}

/** A user who cancels (a dialog, a progress notification, an aborted request) needs no error message. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof vscode.CancellationError || (isApiError(error) && error.kind === 'cancelled')) {
    return true;
  }
  const name = error instanceof Error ? error.name : undefined;
  return name === 'AbortError' || name === 'Canceled';
}

/**
 * Registers a command through the one error path: an unexpected error is logged with its stack
 * (through the redactor) and shown once with Show Log; a cancellation stays quiet. The handler's
 * result is returned as is; a failed command resolves to undefined, so VS Code does not show it again.
 */
export function registerCommand<A extends unknown[], R>(
  id: CommandId,
  handler: (...args: A) => R | Thenable<R>,
  services: CommandServices,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: A): Promise<R | undefined> => {
    try {
      return await handler(...args);
    } catch (error) {
      if (isCancellation(error)) {
        services.log.debug(`Command ${id} was cancelled.`);
        return undefined;
      }
      services.log.exception(`Command ${id} failed`, error);
      void Promise.resolve(services.ui.prompter.error(vscode.l10n.t('Qovery: {0}', services.log.redact(errorText(error))), {}, actionLabel('showLog'))).then((answer) => runCommonAction(answer));
      return undefined;
    }
  });
}
