// The token management chunk: create and delete API tokens, and the rows under "API Tokens".
import type { QoveryClient } from '../api/client';
import { createApiToken, deleteApiToken } from '../commands/tokens';
import type { QoveryNode } from '../tree/nodes';
import { loadApiTokenNodes } from '../tree/tokens';
import type { Core } from './core';

export function create(core: Core) {
  return {
    createApiToken: (node?: QoveryNode) => createApiToken(core, node),
    deleteApiToken: (node?: QoveryNode) => deleteApiToken(core, node),
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
