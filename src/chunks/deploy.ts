// The deploy chunk: Deploy, Redeploy, Restart Service, Stop, the environment actions, Cancel
// Deployment, Deployment History and Open Service URL, with live progress through the workspace
// chunk's environment status service. Loaded when one of its commands first runs.
import { Commands } from '../contributions';
import { DeployCommands } from '../deploy/commands';
import type { QoveryClient } from '../api/client';
import type { DeployTarget } from '../deploy/model';
import type { QoveryNode } from '../tree/nodes';
import type { ChunkHandlers, Core } from './core';

export function create(core: Core) {
  const commands = new DeployCommands({
    session: core.session,
    ui: core.ui,
    log: core.log,
    // The linked service comes from the workspace link; the shared status service from its own chunk.
    workspace: () => ({ links: core.load('workspace').links, statuses: core.load('statuses').service }),
    // Qovery's explanation of a failure comes from the deployment's log: the logs chunk reads it.
    explain: (args) => core.load('logs').explainFailure(args),
    // Problems exist only once the logs chunk is loaded.
    succeeded: (serviceId) => (core.isLoaded('logs') ? core.load('logs').commands.fileLinks.clearProblems(serviceId) : undefined),
  });
  const handlers: ChunkHandlers = {
    [Commands.deploy]: (arg?: unknown) => commands.deploy(arg),
    [Commands.redeploy]: (arg?: unknown) => commands.redeploy(arg),
    [Commands.restartService]: (arg?: unknown) => commands.restart(arg),
    [Commands.stopService]: (arg?: unknown) => commands.stop(arg),
    [Commands.deployEnvironment]: (arg?: unknown) => commands.environmentAction('deploy', arg),
    [Commands.redeployEnvironment]: (arg?: unknown) => commands.environmentAction('redeploy', arg),
    [Commands.stopEnvironment]: (arg?: unknown) => commands.environmentAction('stop', arg),
    [Commands.cancelDeployment]: (arg?: unknown) => commands.cancel(arg),
    [Commands.showDeploymentHistory]: (arg?: unknown) => commands.history(arg),
    [Commands.openServiceUrl]: (arg?: unknown) => commands.openUrl(arg),
  };
  return {
    commands,
    handlers,
    /** The rows under a service's "Deployment History". */
    rows: (client: QoveryClient, target: DeployTarget, signal: AbortSignal): Promise<QoveryNode[]> => commands.rows(client, target, signal),
    dispose: () => commands.dispose(),
  };
}

declare module './core' {
  interface ChunkModules {
    deploy: typeof create;
  }
}
