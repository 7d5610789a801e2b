// The logs chunk: a deployment's log (and Qovery's explanation of a failure) and a service's live logs
// over Qovery's websocket. The `ws` client is bundled here only, so activation never loads it.
import WebSocket from 'ws';
import { Commands } from '../contributions';
import { explainFailureOf } from '../logs/deployment';
import type { DeploymentLogTarget } from '../logs/deploymentView';
import { LogCommands } from '../logs/commands';
import type { SocketLike } from '../logs/live';
import type { ChunkHandlers, Core } from './core';

/** Frames over 1 MiB are not log lines: the socket is closed rather than the memory taken. */
const MAX_FRAME_BYTES = 1024 * 1024;

export function create(core: Core) {
  const commands = new LogCommands(
    core,
    (url, headers): SocketLike =>
      new WebSocket(url, { headers, handshakeTimeout: 15_000, maxPayload: MAX_FRAME_BYTES, followRedirects: false, perMessageDeflate: false }),
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
