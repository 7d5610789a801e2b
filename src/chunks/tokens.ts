// The token management chunk: create and delete API tokens, and the rows under "API Tokens".
import type { QoveryClient } from '../api/client';
import { createApiToken, deleteApiToken } from '../commands/tokens';
import type { QoveryNode } from '../tree/nodes';
import { loadApiTokenNodes } from '../tree/tokens';
import { Commands } from '../contributions';
import type { ChunkHandlers, Core } from './core';

export function create(core: Core) {
  const handlers: ChunkHandlers = {
    [Commands.createApiToken]: (node?: QoveryNode) => createApiToken(core, node),
    [Commands.deleteApiToken]: (node?: QoveryNode) => deleteApiToken(core, node),
  };
  return {
    handlers,
    tokenRows(client: QoveryClient, organizationId: string, signal: AbortSignal): Promise<QoveryNode[]> {
      const store = core.session.store;
      return loadApiTokenNodes(client, organizationId, store.connections(), store.active()?.id, signal);
    },
    dispose(): void {},
  };
}

declare module './core' {
  interface ChunkModules {
    tokens: typeof create;
  }
}
