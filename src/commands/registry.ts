import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import { errorText } from '../format';
import type { ChunkName } from '../chunks/core';
import { Commands, type CommandId } from '../contributions';
import type { Logger } from '../logger';
import { actionLabel, runCommonAction, type Ui } from '../ui';

/**
 * The commands whose code is in a chunk's `handlers` map, by chunk: activation registers each id, and
 * the chunk loads the first time one of them runs (an integration test checks every chunk has them all).
 */
export const CHUNK_COMMANDS: readonly (readonly [ChunkName, readonly CommandId[]])[] = [
  ['preview', [Commands.createPreview, Commands.deletePreview]],
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
