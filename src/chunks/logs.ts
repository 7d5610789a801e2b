// The logs chunk: a deployment's log (and Qovery's explanation of a failure) and a service's live logs
// over Qovery's websocket (the `ws` client is in the gateway chunk, loaded with the first stream).
import { Commands } from '../contributions';
import { explainFailureOf } from '../logs/deployment';
import type { DeploymentLogTarget } from '../logs/deploymentView';
import { LogCommands } from '../logs/commands';
import type { SocketLike } from '../shared/gateway';
import type { ChunkHandlers, Core } from './core';

export function create(core: Core) {
  const commands = new LogCommands(
    core,
    // Frames over 1 MiB (the gateway chunk's default) are not log lines.
    (url, headers): SocketLike => core.load('gateway').connect(url, headers),
  );
  const handlers: ChunkHandlers = {
    [Commands.showDeploymentLogs]: (arg?: unknown) => commands.showDeploymentLogs(arg),
    [Commands.showServiceLogs]: (arg?: unknown) => commands.showServiceLogs(arg),
    [Commands.toggleLogsPause]: (uri?: unknown) => commands.togglePause(uri),
    [Commands.filterLogsByPod]: (uri?: unknown) => commands.filterPod(uri),
    [Commands.clearLogs]: (uri?: unknown) => commands.clear(uri),
  };
  return {
    commands,
    handlers,
    /** Qovery's own explanation of a failed deployment (fetches its log): for the deploy feature's notification. */
    explainFailure: (target: DeploymentLogTarget, signal?: AbortSignal) => commands.explainFailure(target, signal),
    /** The same explanation from entries already fetched (pure). */
    explainFailureOf,
    dispose: () => commands.dispose(),
  };
}

declare module './core' {
  interface ChunkModules {
    logs: typeof create;
  }
}
