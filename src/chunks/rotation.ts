// The token rotation chunk: the only module that imports the rotation itself, loaded when a
// rotation is asked for or when the journal says one was left unfinished.
import { TokenRotation } from '../auth/rotation';
import { Commands } from '../contributions';
import type { ChunkHandlers, Core } from './core';

export function create(core: Core) {
  const rotation = new TokenRotation({ session: core.session, ui: core.ui, log: core.log, globalState: core.globalState, storageDir: core.storageDir });
  const handlers: ChunkHandlers = {
    /** "Qovery: Rotate Token", then the API Tokens row of the organization is reloaded. */
    [Commands.rotateToken]: async () => {
      const organizationId = core.session.store.active()?.organizationId;
      const report = await rotation.rotate();
      core.tree.loaded?.refreshApiTokens(core.session.store.active()?.organizationId ?? organizationId);
      return report;
    },
  };
  return {
    rotation,
    handlers,
    recover: () => rotation.recover(),
    dispose: () => rotation.dispose(),
  };
}

declare module './core' {
  interface ChunkModules {
    rotation: typeof create;
  }
}
