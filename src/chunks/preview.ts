// The preview chunk: Create Preview Environment for This Branch and Delete Preview Environment, with
// the creation saga. Loaded when one of its commands first runs, or at start when a creation was left
// unfinished.
import { Commands } from '../contributions';
import { PreviewCommands } from '../preview/commands';
import type { ChunkHandlers, Core } from './core';

export function create(core: Core) {
  const commands = new PreviewCommands({
    session: core.session,
    ui: core.ui,
    log: core.log,
    globalState: core.globalState,
    storageDir: core.storageDir,
    // The scan, the folder links and the status service come from the workspace chunk.
    workspace: () => ({ links: core.load('workspace').links, statuses: core.load('statuses').service }),
  });
  const handlers: ChunkHandlers = {
    [Commands.createPreview]: (arg?: unknown) => commands.create(arg),
    [Commands.deletePreview]: (arg?: unknown) => commands.delete(arg),
  };
  return {
    commands,
    handlers,
    dispose: () => commands.dispose(),
  };
}

declare module './core' {
  interface ChunkModules {
    preview: typeof create;
  }
}
