// The statuses chunk: the one environment status service every feature shares (the linked service's
// status bar item, the explorer's rows, a deployment being followed). Loaded by the first of them.
// A followed environment's statuses come from the gateway's `/deployment/status` stream (the `ws`
// client is in the gateway chunk, loaded with the first stream).
import * as vscode from 'vscode';
import { QoveryApiError } from '../api/errors';
import { getServiceStatuses } from '../api/explorer';
import { deploymentStatusUrl, parseStatusMessage } from '../shared/deploymentStreams';
import { EnvironmentStatusService, type StatusStreamOpener } from '../shared/environmentStatus';
import { GatewayStream, type SocketLike } from '../shared/gateway';
import { GatewayAccess } from '../shared/gatewayAccess';
import type { Core } from './core';

export function create(core: Core) {
  const access = new GatewayAccess(core);
  const openStream: StatusStreamOpener = (environmentId, ids, callbacks) => {
    let stream: GatewayStream | undefined;
    let closed = false;
    let badMessages = 0;
    void (async () => {
      let clusterId: string | undefined;
      try {
        clusterId = await access.clusterOf(ids.projectId, environmentId);
      } catch (error) {
        core.session.reportFailure(error);
      }
      if (closed) {
        return;
      }
      if (!clusterId) {
        core.log.warn(`Status stream of environment ${environmentId}: its cluster is not known; its statuses are polled.`);
        callbacks.onState('down');
        return;
      }
      const url = deploymentStatusUrl(access.baseUrl(), { organizationId: ids.organizationId, projectId: ids.projectId, clusterId, environmentId });
      stream = new GatewayStream({
        url,
        label: 'deployment status stream',
        authorization: () => access.authorization(),
        connect: (u, headers): SocketLike => core.load('gateway').connect(u, headers),
        onProblem: (text) => core.log.warn(`Status stream of environment ${environmentId}: ${text}`),
        onMessage: (text) => {
          try {
            callbacks.onStatuses(parseStatusMessage(text));
          } catch (error) {
            // A message that is not a statuses answer is skipped (said once per stream).
            if (badMessages++ === 0) {
              core.log.warn(`Status stream of environment ${environmentId}: a message was not a statuses answer (${error instanceof Error ? error.message : String(error)}).`);
            }
          }
        },
        onState: (state) => {
          if (state.kind === 'connected') {
            core.log.info(`Status stream of environment ${environmentId}: connected; its statuses are not polled meanwhile.`);
            callbacks.onState('connected');
          } else if (state.kind === 'connecting') {
            callbacks.onState('connecting');
          } else {
            callbacks.onState('down');
          }
          // A 401 on the upgrade, or the gateway's 1007/1008, goes through the token check (never a sign-out by itself).
          if (state.kind === 'stopped' && (state.reason === 'unauthorized' || (state.reason === 'forbidden' && state.closeCode !== undefined))) {
            core.session.reportFailure(new QoveryApiError('unauthorized', 'The status stream refused the token (401, or close code 1007/1008).'));
          }
        },
      });
      stream.start();
    })();
    return {
      close: () => {
        closed = true;
        stream?.close();
      },
    };
  };
  const service = new EnvironmentStatusService(
    async (environmentId) => {
      const client = await core.session.client();
      if (!client) {
        throw new vscode.CancellationError();
      }
      return getServiceStatuses(client, environmentId);
    },
    undefined,
    vscode.window.state.focused,
    openStream,
  );
  const focus = vscode.window.onDidChangeWindowState((state) => service.setFocused(state.focused));
  // Another account's statuses never show under this one.
  const connection = core.session.onDidChangeConnection(() => service.forgetAll());
  return {
    service,
    /** The gateway's URL, token and cluster lookups, shared by every deployment stream. */
    access,
    dispose: () => {
      connection.dispose();
      focus.dispose();
      service.dispose();
      access.dispose();
    },
  };
}

declare module './core' {
  interface ChunkModules {
    statuses: typeof create;
  }
}
