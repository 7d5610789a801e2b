// The connections chunk: sign in, add, update, switch, sign out and test a connection. The
// commands are registered at activation; this code loads the first time one of them runs.
import { signOut, switchConnection, testAuthentication, type AuthCommandDeps } from '../commands/auth';
import { SignInFlow } from '../auth/signIn';
import { pickStatusBarAction } from '../commands/statusBarActions';
import { Commands } from '../contributions';
import type { ChunkHandlers, Core } from './core';

export function create(core: Core) {
  const signIn = new SignInFlow(core.session, core.ui, core.log);
  const deps: AuthCommandDeps = { session: core.session, signIn, ui: core.ui, log: core.log };
  const handlers: ChunkHandlers = {
    [Commands.signIn]: () => signIn.signIn(),
    [Commands.addConnection]: () => signIn.addConnection(),
    [Commands.updateToken]: () => {
      const active = core.session.store.active();
      return active ? signIn.updateToken(active.id) : signIn.addConnection();
    },
    [Commands.switchConnection]: () => switchConnection(deps),
    [Commands.signOut]: () => signOut(deps),
    [Commands.testAuthentication]: () => testAuthentication(deps),
    [Commands.statusBarActions]: () => pickStatusBarAction(core.session, core.ui),
  };
  return {
    signIn,
    handlers,
    /** For the Accounts menu (VS Code's authentication provider). */
    addConnection: () => signIn.addConnection(),
    signOut: (options?: { confirm?: boolean; connectionId?: string }) => signOut(deps, options),
    dispose(): void {},
  };
}

declare module './core' {
  interface ChunkModules {
    connections: typeof create;
  }
}
