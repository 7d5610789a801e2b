// The connections chunk: sign in, add, update, switch, sign out and test a connection. The
// commands are registered at activation; this code loads the first time one of them runs.
import { signOut, switchConnection, testAuthentication, type AuthCommandDeps } from '../commands/auth';
import { SignInFlow } from '../auth/signIn';
import { pickStatusBarAction } from '../commands/statusBarActions';
import type { Core } from './core';

export function create(core: Core) {
  const signIn = new SignInFlow(core.session, core.ui, core.log);
  const deps: AuthCommandDeps = { session: core.session, signIn, ui: core.ui, log: core.log };
  return {
    signIn,
    signInCommand: () => signIn.signIn(),
    addConnection: () => signIn.addConnection(),
    updateToken() {
      const active = core.session.store.active();
      return active ? signIn.updateToken(active.id) : signIn.addConnection();
    },
    switchConnection: () => switchConnection(deps),
    signOut: (options?: { confirm?: boolean; connectionId?: string }) => signOut(deps, options),
    testAuthentication: () => testAuthentication(deps),
    statusBarActions: () => pickStatusBarAction(core.session, core.ui),
    dispose(): void {},
  };
}

declare module './core' {
  interface ChunkModules {
    connections: typeof create;
  }
}
