// The API chunk: the client and its HTTP engine (timeouts, retries, the redirect and scheme rules).
// Loaded by the session the first time it needs a client, which is after activation.
import { QoveryClient, type QoveryClientOptions } from '../api/client';

export function create() {
  return {
    createClient: (options: QoveryClientOptions): QoveryClient => new QoveryClient(options),
    dispose(): void {},
  };
}

declare module './core' {
  interface ChunkModules {
    api: typeof create;
  }
}
