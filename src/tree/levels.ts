// The rows below an organization (projects, environments, services) and how each level loads:
// the explorer chunk, loaded when an organization is first expanded.
import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import { errorKind } from '../api/errors';
import { getServiceStatuses, listEnvironments, listEnvironmentStatuses, listProjects, listServices } from '../api/explorer';
import type { Environment, EnvironmentServiceStatuses, EnvironmentStatus, Project, Service, ServiceStatus } from '../api/types';
import type { Logger } from '../logger';
import { consoleUrl } from '../shared/consoleLinks';
import { DataNode, type QoveryNode } from './nodes';
import { byDisplayName, indexById, indexServiceStatuses, presentEnvironment, presentProject, presentService, type RowPresentation } from './present';
import type { ChildLevel, LevelSource } from './provider';

/** A service row, as the features that hang rows under it read it. */
export interface ServiceFacts {
  organizationId: string;
  projectId: string;
  environmentId: string;
  service: Service;
}

/** An environment row, as the features that hang rows after its services read it. */
export interface EnvironmentFacts {
  organizationId: string;
  projectId: string;
  environment: Environment;
}

/**
 * The rows the features hang in the explorer (the Variables and Deployment History rows), given by the
 * wiring (src/chunks/tree.ts): the explorer knows no feature.
 */
export interface FeatureRows {
  /** The rows under a service, in order; a service with none does not open. */
  service(facts: ServiceFacts): QoveryNode[];
  /** The rows after an environment's services. */
  environment(facts: EnvironmentFacts): QoveryNode[];
  /** How a row made by `service` or `environment` loads its children; undefined for any other row. */
  levelOf(node: QoveryNode): ChildLevel | undefined;
}

const NO_FEATURE_ROWS: FeatureRows = { service: () => [], environment: () => [], levelOf: () => undefined };

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
    /** Whether the features hang rows under it (the Variables row: every type but databases). */
    readonly opens: boolean,
  ) {
    super();
    this.key = `service:${service.id}`;
    this.resource = { id: service.id, name: service.name, consoleUrl: consoleUrl({ organizationId, projectId, environmentId, serviceId: service.id }) };
  }
  get facts(): ServiceFacts {
    return { organizationId: this.organizationId, projectId: this.projectId, environmentId: this.environmentId, service: this.service };
  }
  present(): RowPresentation {
    return { ...presentService(this.service, this.status, vscode.l10n), collapsible: this.opens };
  }
}

/** The explorer's levels. Rows it made are instances of its own classes, so `instanceof` is safe here. */
export class ExplorerLevels implements LevelSource {
  constructor(
    private readonly log: Logger,
    /** Where a services level gets its states: the shared environment status service when given. */
    private readonly serviceStatuses: (client: QoveryClient, environmentId: string, signal: AbortSignal) => Promise<EnvironmentServiceStatuses> = (client, id, signal) =>
      getServiceStatuses(client, id, { signal }),
    /** The features' rows, hung by the wiring. */
    private readonly features: FeatureRows = NO_FEATURE_ROWS,
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
          const rows: QoveryNode[] = services.sort(byDisplayName).map((service) => {
            const facts = { organizationId, projectId, environmentId, service };
            return new ServiceNode(organizationId, projectId, environmentId, service, byId.get(service.id) as ServiceStatus | undefined, this.features.service(facts).length > 0);
          });
          return [...rows, ...this.features.environment({ organizationId, projectId, environment: node.environment })];
        },
      };
    }
    if (node instanceof ServiceNode) {
      return node.opens ? { what: vscode.l10n.t('variables'), empty: vscode.l10n.t('No variables'), load: () => Promise.resolve(this.features.service(node.facts)) } : undefined;
    }
    return this.features.levelOf(node);
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
