// The rows below an organization (projects, environments, services) and how each level loads:
// the explorer chunk, loaded when an organization is first expanded.
import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import { errorKind } from '../api/errors';
import { getServiceStatuses, listEnvironments, listEnvironmentStatuses, listProjects, listServices } from '../api/explorer';
import type { Environment, EnvironmentServiceStatuses, EnvironmentStatus, Project, Service, ServiceStatus } from '../api/types';
import type { Logger } from '../logger';
import { consoleUrl } from '../consoleLinks';
import { DataNode, type QoveryNode } from './nodes';
import { byDisplayName, indexById, indexServiceStatuses, presentEnvironment, presentProject, presentService, type RowPresentation } from './present';
import type { ChildLevel, LevelSource } from './provider';
import { serviceScopeOf, type VariableTarget } from '../variables/model';
import { VariablesNode } from '../variables/nodes';
import { DeploymentHistoryNode } from '../deploy/nodes';
import type { DeployTarget } from '../deploy/model';

/** Loads the rows under "Deployment History": given by the deploy chunk, loaded on first expansion. */
export type DeploymentRowsLoader = (client: QoveryClient, target: DeployTarget, signal: AbortSignal) => Promise<QoveryNode[]>;

/** Loads the rows under "Variables": given by the variables chunk, loaded on first expansion. */
export type VariableRowsLoader = (client: QoveryClient, target: VariableTarget, signal: AbortSignal) => Promise<QoveryNode[]>;

class ProjectNode extends DataNode {
  readonly key: string;
  get what(): string {
    return vscode.l10n.t('project');
  }
  constructor(
    readonly organizationId: string,
    readonly project: Project,
  ) {
    super();
    this.key = `project:${project.id}`;
    this.resource = { id: project.id, name: project.name, consoleUrl: consoleUrl({ organizationId, projectId: project.id }) };
  }
  present(): RowPresentation {
    return presentProject(this.project, vscode.l10n);
  }
}

/** Whether a state changed in what a row shows (the fields a status poll moves). */
function sameStatus(a: object | undefined, b: object | undefined): boolean {
  const fields = (s: object | undefined) => {
    const o = (s ?? {}) as Record<string, unknown>;
    return JSON.stringify([o.state, o.running_status, o.service_deployment_status, o.last_deployment_date, o.status_details]);
  };
  return fields(a) === fields(b);
}

class EnvironmentNode extends DataNode {
  readonly key: string;
  get what(): string {
    return vscode.l10n.t('environment');
  }
  constructor(
    readonly organizationId: string,
    readonly projectId: string,
    readonly environment: Environment,
    public status: EnvironmentStatus | undefined,
  ) {
    super();
    this.key = `env:${environment.id}`;
    this.resource = {
      id: environment.id,
      name: environment.name,
      consoleUrl: consoleUrl({ organizationId, projectId, environmentId: environment.id }),
    };
  }
  present(): RowPresentation {
    return presentEnvironment(this.environment, this.status, vscode.l10n);
  }
}

class ServiceNode extends DataNode {
  readonly key: string;
  get what(): string {
    return vscode.l10n.t('service');
  }
  constructor(
    readonly organizationId: string,
    readonly projectId: string,
    readonly environmentId: string,
    readonly service: Service,
    public status: ServiceStatus | undefined,
  ) {
    super();
    this.key = `service:${service.id}`;
    this.resource = { id: service.id, name: service.name, consoleUrl: consoleUrl({ organizationId, projectId, environmentId, serviceId: service.id }) };
  }
  present(): RowPresentation {
    // A service with variables (every type but databases) opens on its "Variables" row.
    return { ...presentService(this.service, this.status, vscode.l10n), collapsible: this.variablesTarget() !== undefined };
  }
  variablesTarget(): VariableTarget | undefined {
    const scope = serviceScopeOf(this.service.service_type);
    return scope && { scope, parentId: this.service.id, name: this.service.name, organizationId: this.organizationId, projectId: this.projectId, environmentId: this.environmentId, serviceId: this.service.id };
  }
}

/** The explorer's levels. Rows it made are instances of its own classes, so `instanceof` is safe here. */
export class ExplorerLevels implements LevelSource {
  constructor(
    private readonly log: Logger,
    private readonly variableRows?: VariableRowsLoader,
    /** Where a services level gets its states: the shared environment status service when given. */
    private readonly serviceStatuses: (client: QoveryClient, environmentId: string, signal: AbortSignal) => Promise<EnvironmentServiceStatuses> = (client, id, signal) =>
      getServiceStatuses(client, id, { signal }),
    private readonly deploymentRows?: DeploymentRowsLoader,
  ) {}

  /**
   * Puts an environment's new statuses on its rows: the environment row (under its project) and its
   * services. Returns the updates for `updateRows`, keyed by the parent row; nothing is requested.
   */
  static statusUpdates(environmentId: string, statuses: EnvironmentServiceStatuses): { parentOf: (node: QoveryNode) => boolean; services: (node: QoveryNode) => boolean } {
    const byId = indexServiceStatuses(statuses);
    return {
      parentOf: (node) => {
        if (!(node instanceof EnvironmentNode) || node.environment.id !== environmentId || !statuses.environment || sameStatus(node.status, statuses.environment)) {
          return false;
        }
        node.status = statuses.environment;
        return true;
      },
      services: (node) => {
        const status = node instanceof ServiceNode ? (byId.get(node.service.id) as ServiceStatus | undefined) : undefined;
        if (!(node instanceof ServiceNode) || !status || sameStatus(node.status, status)) {
          return false;
        }
        node.status = status;
        return true;
      },
    };
  }


  async projects(client: QoveryClient, organizationId: string, signal: AbortSignal): Promise<QoveryNode[]> {
    return (await listProjects(client, organizationId, { signal })).sort(byDisplayName).map((p) => new ProjectNode(organizationId, p));
  }

  levelOf(node: QoveryNode): ChildLevel | undefined {
    if (node instanceof ProjectNode) {
      const { organizationId } = node;
      const projectId = node.project.id;
      return {
        what: vscode.l10n.t('environments'),
        empty: vscode.l10n.t('No environments'),
        load: async (client, signal) => {
          const [environments, statuses] = await Promise.all([
            listEnvironments(client, projectId, { signal }),
            listEnvironmentStatuses(client, projectId, { signal }).catch((error: unknown) => this.#partial('environment states', error)),
          ]);
          const byId = indexById(statuses);
          return environments.sort(byDisplayName).map((e) => new EnvironmentNode(organizationId, projectId, e, byId.get(e.id) as EnvironmentStatus | undefined));
        },
      };
    }
    if (node instanceof EnvironmentNode) {
      const { organizationId, projectId } = node;
      const environmentId = node.environment.id;
      return {
        what: vscode.l10n.t('services'),
        empty: vscode.l10n.t('No services'),
        load: async (client, signal) => {
          const [services, statuses] = await Promise.all([
            listServices(client, environmentId, { signal }),
            this.serviceStatuses(client, environmentId, signal).catch((error: unknown) => this.#partial('service states', error)),
          ]);
          const byId = indexServiceStatuses(statuses);
          const rows: QoveryNode[] = services.sort(byDisplayName).map((s) => new ServiceNode(organizationId, projectId, environmentId, s, byId.get(s.id) as ServiceStatus | undefined));
          if (this.variableRows) {
            rows.push(new VariablesNode({ scope: 'ENVIRONMENT', parentId: environmentId, name: node.environment.name, organizationId, projectId, environmentId }));
          }
          return rows;
        },
      };
    }
    const variableRows = this.variableRows;
    if (node instanceof ServiceNode && variableRows) {
      const target = node.variablesTarget();
      // Beside "Variables", the deploy feature's "Deployment History" (a database shows it from its context menu).
      const history = this.deploymentRows && target && new DeploymentHistoryNode({
          organizationId: node.organizationId,
          projectId: node.projectId,
          environmentId: node.environmentId,
          serviceId: node.service.id,
          serviceName: node.service.name,
          serviceType: target.scope as DeployTarget['serviceType'],
        });
      return target && { what: vscode.l10n.t('variables'), empty: vscode.l10n.t('No variables'), load: () => Promise.resolve(history ? [new VariablesNode(target), history] : [new VariablesNode(target)]) };
    }
    const deploymentRows = this.deploymentRows;
    if (node instanceof DeploymentHistoryNode && deploymentRows) {
      return { what: vscode.l10n.t('deployments'), empty: vscode.l10n.t('No deployments'), load: (client, signal) => deploymentRows(client, node.target, signal) };
    }
    if (node instanceof VariablesNode && variableRows) {
      return { what: vscode.l10n.t('variables'), empty: vscode.l10n.t('No variables'), load: (client, signal) => variableRows(client, node.target, signal) };
    }
    return undefined;
  }

  /** States are secondary: when only their call fails, the rows show without them. */
  #partial(what: string, error: unknown): undefined {
    this.log.error(`Loading ${what} failed; showing the rows without them`, error);
    if (errorKind(error) === 'cancelled') {
      throw error;
    }
    return undefined;
  }
}
