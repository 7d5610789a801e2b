// The tree chunk: the explorer's provider, its rows (organizations, projects, environments,
// services) and its commands. Loaded when the view is first shown or one of its commands runs.
import { treeCommands } from '../commands/tree';
import { ExplorerLevels } from '../tree/levels';
import { OrganizationsTreeProvider } from '../tree/provider';
import type { Core } from './core';

export function create(core: Core) {
  const provider = new OrganizationsTreeProvider(
    core.session,
    core.log,
    // The rows under "API Tokens" come from the token management chunk, loaded when one is expanded.
    (client, organizationId, signal) => core.load('tokens').tokenRows(client, organizationId, signal),
    // The rows under "Variables" come from the variables chunk, loaded when one is expanded.
    new ExplorerLevels(core.log, (client, target, signal) => core.load('variables').rows(client, target, signal)),
  );
  return {
    provider,
    commands: treeCommands(provider),
    dispose: () => provider.dispose(),
  };
}
