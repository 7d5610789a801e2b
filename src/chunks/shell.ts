// The shell chunk: Qovery: Open Shell and the "Qovery Shell" terminal profile over the gateway's
// `/shell/exec`, and the port forwards over `/shell/portforward` (the `ws` client is in the gateway
// chunk, loaded with the first connection).
import * as vscode from 'vscode';
import { isCancellation } from '../commands/registry';
import { Commands } from '../contributions';
import { errorText } from '../format';
import type { DuplexSocket } from '../shell/connection';
import { ShellCommands } from '../shell/commands';
import { ForwardCommands } from '../shell/forwards';
import type { ChunkHandlers, Core } from './core';

/** A shell's frames are keystrokes and screen updates; 1 MiB (the gateway chunk's default) bounds one. */
export function create(core: Core) {
  const sockets = (url: string, headers: Record<string, string>): DuplexSocket => core.load('gateway').connect(url, headers);
  const commands = new ShellCommands(core, sockets);
  const forwards = new ForwardCommands(core, commands, sockets);
  const handlers: ChunkHandlers = {
    [Commands.openShell]: (arg?: unknown) => commands.openShell(arg),
    [Commands.forwardPort]: (arg?: unknown) => forwards.forwardPort(arg),
    [Commands.showPortForwards]: () => forwards.showForwards(),
  };
  return {
    commands,
    forwards,
    handlers,
    /** The profile's terminal, or undefined with the reason shown (VS Code would only say the profile failed). */
    provideProfile: () =>
      commands.provideProfile().catch((error: unknown) => {
        if (!isCancellation(error)) {
          core.log.exception('The Qovery Shell profile could not open', error);
          void core.ui.prompter.error(vscode.l10n.t('Qovery: {0}', core.log.redact(errorText(error))), {});
        }
        return undefined;
      }),
    dispose: () => {
      forwards.dispose();
      commands.dispose();
    },
  };
}

declare module './core' {
  interface ChunkModules {
    shell: typeof create;
  }
}
