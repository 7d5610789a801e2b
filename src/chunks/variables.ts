// The variables chunk: the rows under "Variables" and the variable commands (show, add, edit,
// delete, override, alias, filter, import a .env file, pull to one). Loaded when a Variables row is
// expanded or one of its commands runs.
import type { QoveryClient } from '../api/client';
import type { QoveryNode } from '../tree/nodes';
import { VariableCommands } from '../variables/commands';
import { serviceScopeOf, type VariableTarget } from '../variables/model';
import * as vscode from 'vscode';
import { Commands } from '../contributions';
import type { ChunkHandlers, Core } from './core';

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
  const file = (f: unknown): vscode.Uri | undefined => (f instanceof vscode.Uri ? f : undefined);
  const handlers: ChunkHandlers = {
    [Commands.showVariables]: (node?: QoveryNode) => commands.showVariables(node),
    [Commands.addVariable]: (node?: QoveryNode) => commands.addVariable(node),
    [Commands.addSecret]: (node?: QoveryNode) => commands.addVariable(node, true),
    [Commands.editVariable]: (node?: QoveryNode) => commands.editValue(node),
    [Commands.deleteVariable]: (node?: QoveryNode) => commands.deleteVariable(node),
    [Commands.overrideVariable]: (node?: QoveryNode) => commands.overrideHere(node),
    [Commands.aliasVariable]: (node?: QoveryNode) => commands.createAlias(node),
    [Commands.filterVariables]: (node?: QoveryNode) => commands.filter(node),
    [Commands.importEnv]: (node?: QoveryNode, f?: unknown) => commands.importEnv(node, file(f)),
    [Commands.pullEnv]: (node?: QoveryNode, f?: unknown) => commands.pullEnv(node, file(f)),
  };
  return {
    commands,
    handlers,
    rows: (client: QoveryClient, target: VariableTarget, signal: AbortSignal): Promise<QoveryNode[]> => commands.rows(client, target, signal),
    dispose(): void {},
  };
}

declare module './core' {
  interface ChunkModules {
    variables: typeof create;
  }
}
