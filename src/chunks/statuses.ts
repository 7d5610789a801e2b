// The statuses chunk: the one environment status service every feature shares (the linked service's
// status bar item, the explorer's rows, a deployment being followed). Loaded by the first of them.
import * as vscode from 'vscode';
import { getServiceStatuses } from '../api/explorer';
import { EnvironmentStatusService } from '../shared/environmentStatus';
import type { Core } from './core';

export function create(core: Core) {
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
  );
  const focus = vscode.window.onDidChangeWindowState((state) => service.setFocused(state.focused));
  // Another account's statuses never show under this one.
  const connection = core.session.onDidChangeConnection(() => service.forgetAll());
  return {
    service,
    dispose: () => {
      connection.dispose();
      focus.dispose();
      service.dispose();
    },
  };
}

declare module './core' {
  interface ChunkModules {
    statuses: typeof create;
  }
}
