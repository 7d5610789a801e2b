// Every command of the extension, once: the chunk whose `handlers` map runs it (or the core, for the
// few that activation itself holds) and whether it needs a connection. Activation registers each row
// through the registry's one error path, and the chunk loads the first time one of its commands runs.
import type { ChunkName } from '../chunks/core';
import { Commands, type CommandId } from '../contributions';

export interface CommandRow {
  readonly id: CommandId;
  /** The chunk whose `handlers` map has the command; `core` for one activation runs itself. */
  readonly chunk: ChunkName | 'core';
  /**
   * It acts on a Qovery account, so signed out (no active connection) it cannot do its work: the
   * registration answers that case for it with the one message (`askToSignIn`), before its chunk loads
   * or anything is asked (test/integration/signedOut.test.ts runs every such row signed out).
   */
  readonly connection: boolean;
}

const rows = (chunk: CommandRow['chunk'], connection: boolean, ...ids: CommandId[]): CommandRow[] => ids.map((id) => ({ id, chunk, connection }));

export const COMMAND_TABLE: readonly CommandRow[] = [
  ...rows('core', false, Commands.showLog),
  // Sign Out with no connection has nothing to do, and says that rather than asking to sign in.
  ...rows('connections', false, Commands.signIn, Commands.addConnection, Commands.updateToken, Commands.switchConnection, Commands.statusBarActions, Commands.signOut),
  ...rows('connections', true, Commands.testAuthentication),
  ...rows('rotation', true, Commands.rotateToken),
  ...rows('tokens', true, Commands.createApiToken, Commands.deleteApiToken),
  ...rows('tree', false, Commands.refresh, Commands.refreshNode, Commands.retryNode, Commands.openInConsole, Commands.copyId, Commands.copyName),
  ...rows('workspace', true, Commands.linkWorkspace),
  ...rows('workspace', false, Commands.unlinkWorkspace, Commands.workspaceActions),
  ...rows(
    'variables',
    true,
    Commands.showVariables,
    Commands.addVariable,
    Commands.addSecret,
    Commands.editVariable,
    Commands.deleteVariable,
    Commands.overrideVariable,
    Commands.aliasVariable,
    Commands.importEnv,
    Commands.pullEnv,
  ),
  ...rows('variables', false, Commands.filterVariables),
  ...rows(
    'deploy',
    true,
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
  ),
  ...rows('logs', true, Commands.showDeploymentLogs, Commands.showServiceLogs),
  ...rows('logs', false, Commands.toggleLogsPause, Commands.filterLogsByPod, Commands.clearLogs),
  ...rows('shell', true, Commands.openShell, Commands.forwardPort),
  ...rows('shell', false, Commands.showPortForwards),
  ...rows('preview', true, Commands.createPreview, Commands.deletePreview),
];
