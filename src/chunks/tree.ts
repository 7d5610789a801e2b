// The tree chunk: the explorer's provider, its rows (organizations, projects, environments,
// services) and its commands. Loaded when the view is first shown or one of its commands runs.
import * as vscode from 'vscode';
import { treeCommands } from '../commands/tree';
import { readSettings } from '../config';
import { Commands } from '../contributions';
import type { IDisposable } from '../lifecycle';
import { DeploymentHistoryNode } from '../deploy/nodes';
import { ExplorerLevels, type FeatureRows } from '../tree/levels';
import { OrganizationsTreeProvider } from '../tree/provider';
import type { QoveryNode } from '../tree/nodes';
import { serviceScopeOf } from '../variables/model';
import { VariablesNode } from '../variables/nodes';
import type { ChunkHandlers, Core } from './core';

const ENV_PREFIX = 'env:';

/**
 * The features' rows in the explorer: "Variables" under an environment (after its services) and under
 * a service, with "Deployment History" beside it (a database has neither: it shows its history from
 * its context menu). Their rows come from the variables and deploy chunks, loaded when one is expanded.
 */
function featureRows(core: Core): FeatureRows {
  return {
    service({ organizationId, projectId, environmentId, service }) {
      const scope = serviceScopeOf(service.service_type);
      if (!scope) {
        return [];
      }
      return [
        new VariablesNode({ scope, parentId: service.id, name: service.name, organizationId, projectId, environmentId, serviceId: service.id }),
        new DeploymentHistoryNode({ organizationId, projectId, environmentId, serviceId: service.id, serviceName: service.name, serviceType: scope }),
      ];
    },
    environment: ({ organizationId, projectId, environment }) => [
      new VariablesNode({ scope: 'ENVIRONMENT', parentId: environment.id, name: environment.name, organizationId, projectId, environmentId: environment.id }),
    ],
    levelOf(node) {
      if (node instanceof DeploymentHistoryNode) {
        return { what: vscode.l10n.t('deployments'), empty: vscode.l10n.t('No deployments'), load: (client, signal) => core.load('deploy').rows(client, node.target, signal) };
      }
      if (node instanceof VariablesNode) {
        return { what: vscode.l10n.t('variables'), empty: vscode.l10n.t('No variables'), load: (client, signal) => core.load('variables').rows(client, node.target, signal) };
      }
      return undefined;
    },
  };
}

export function create(core: Core) {
  // The shared environment status service, loaded with the first services level: its answers (for the
  // linked service, a followed deployment, or this view's auto refresh) update the rows on screen.
  let listening: IDisposable | undefined;
  const statuses = () => {
    const { service } = core.load('statuses');
    listening ??= service.listen((environmentId, answer) => {
      const updates = ExplorerLevels.statusUpdates(environmentId, answer);
      provider.updateRows(`${ENV_PREFIX}${environmentId}`, updates.services);
      const row = provider.nodeByKey(`${ENV_PREFIX}${environmentId}`);
      const parent = row && provider.getParent(row);
      if (parent) {
        provider.updateRows(parent.key, updates.parentOf);
      }
    });
    return service;
  };
  const provider = new OrganizationsTreeProvider(
    core.session,
    core.log,
    // The rows under "API Tokens" come from the token management chunk, loaded when one is expanded.
    (client, organizationId, signal) => core.load('tokens').tokenRows(client, organizationId, signal),
    new ExplorerLevels(core.log, (_client, environmentId) => statuses().fetch(environmentId), featureRows(core)),
  );

  // qovery.autoRefreshSeconds: while the view is visible, every expanded environment is watched through
  // the status service at that interval (which also stops while the window has no focus, and polls
  // every 3 s while a deployment moves). Lists reload on Refresh.
  const watches = new Map<string, IDisposable>();
  const syncWatches = (): void => {
    const seconds = readSettings().autoRefreshSeconds;
    const wanted = new Set(seconds > 0 && provider.view?.visible ? provider.loadedKeys().filter((k) => k.startsWith(ENV_PREFIX)).map((k) => k.slice(ENV_PREFIX.length)) : []);
    for (const [id, watch] of watches) {
      if (!wanted.has(id)) {
        watch.dispose();
        watches.delete(id);
      }
    }
    for (const id of wanted) {
      if (!watches.has(id)) {
        // The rows update through the listener; the subscription only sets the pace.
        watches.set(id, statuses().watch(id, { onStatuses: () => undefined, idleMs: seconds * 1000 }));
      }
    }
  };
  const setting = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('qovery.autoRefreshSeconds')) {
      for (const watch of watches.values()) {
        watch.dispose();
      }
      watches.clear();
      syncWatches();
    }
  });
  const levels = provider.onDidChangeLevels(syncWatches);
  const commands = treeCommands(provider);
  const handlers: ChunkHandlers = {
    [Commands.refresh]: () => commands.refresh(),
    [Commands.refreshNode]: (node?: QoveryNode) => commands.refreshNode(node),
    [Commands.retryNode]: (key: string) => commands.retryNode(key),
    [Commands.openInConsole]: (node?: QoveryNode) => commands.openInConsole(node),
    [Commands.copyId]: (node?: QoveryNode) => commands.copyId(node),
    [Commands.copyName]: (node?: QoveryNode) => commands.copyName(node),
  };
  return {
    provider,
    handlers,
    dispose: () => {
      for (const watch of watches.values()) {
        watch.dispose();
      }
      listening?.dispose();
      setting.dispose();
      levels.dispose();
      provider.dispose();
    },
  };
}

declare module './core' {
  interface ChunkModules {
    tree: typeof create;
  }
}
