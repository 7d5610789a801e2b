// The variables chunk: the rows under "Variables" and the variable commands (show, add, edit,
// delete, override, alias, filter, import a .env file, pull to one). Loaded when a Variables row is
// expanded or one of its commands runs.
import type { QoveryClient } from '../api/client';
import type { QoveryNode } from '../tree/nodes';
import { VariableCommands } from '../variables/commands';
import { serviceScopeOf, type VariableTarget } from '../variables/model';
import type { Core } from './core';

export function create(core: Core) {
  const commands = new VariableCommands({
    session: core.session,
    ui: core.ui,
    log: core.log,
    tree: core.tree,
    linkedTarget: () => {
      // Only when the workspace link runs already: asking never starts a scan.
      const link = core.isLoaded('workspace') ? core.load('workspace').links.activeLink()?.link : undefined;
      const scope = link ? serviceScopeOf(link.serviceType) : undefined;
      return link && scope
        ? { scope, parentId: link.serviceId, name: link.serviceName, organizationId: link.organizationId, projectId: link.projectId, environmentId: link.environmentId, serviceId: link.serviceId }
        : undefined;
    },
  });
  return {
    commands,
    rows: (client: QoveryClient, target: VariableTarget, signal: AbortSignal): Promise<QoveryNode[]> => commands.rows(client, target, signal),
    dispose(): void {},
  };
}
