// Large synthetic accounts for load tests: records are computed from their indexes only when served.
import type { EnvironmentModeEnum, PlanEnum, ServiceDeploymentStatusEnum, StateEnum } from 'qovery-typescript-axios';
import { addHours, helmRepository, lastDeploymentDate, registry } from './catalog';
import { seedApiTokens, seedUser } from './credentials';
import { AccountCode, IdKind, encodeId } from './ids';
import {
  ENVIRONMENT_MODES,
  IndexedAccount,
  SERVICE_TYPES,
  type ClusterRecord,
  type EnvironmentRecord,
  type OrganizationRecord,
  type ProjectRecord,
  type QoveryAccount,
  type SeedApiToken,
  type ServiceRecord,
  type ServiceSource,
  type UserRecord,
} from './model';

export interface LargeAccountOptions {
  organizations: number;
  projectsPerOrganization: number;
  /** Default 2. */
  environmentsPerProject?: number;
  /** Default 4. */
  servicesPerEnvironment?: number;
}

const ACCOUNT = AccountCode.large;
const MAX = 0xffff;
const PLANS: readonly PlanEnum[] = ['TEAM_2025', 'BUSINESS_2025', 'ENTERPRISE_2025', 'USER_2025'];
const STATES: readonly [StateEnum, ServiceDeploymentStatusEnum][] = [
  ['DEPLOYED', 'UP_TO_DATE'],
  ['DEPLOYED', 'UP_TO_DATE'],
  ['DEPLOYED', 'OUT_OF_DATE'],
  ['STOPPED', 'UP_TO_DATE'],
  ['DEPLOYING', 'OUT_OF_DATE'],
  ['DEPLOYMENT_ERROR', 'OUT_OF_DATE'],
  ['READY', 'NEVER_DEPLOYED'],
];
const BASE_DATE = '2024-01-01T00:00:00.000Z';

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** Small integer hash so states look scattered yet stay reproducible. */
function scatter(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const value of values) {
    h = Math.imul(h ^ value, 0x01000193) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

function sourceFor(kind: (typeof SERVICE_TYPES)[number], org: number, n: number): ServiceSource {
  switch (kind) {
    case 'APPLICATION':
      return { type: 'APPLICATION', repository: `loadtest/app-${pad(n, 4)}`, branch: 'main', port: 8080 };
    case 'CONTAINER':
      return { type: 'CONTAINER', image: `loadtest/api-${pad(n, 4)}`, tag: `1.${n % 20}.0`, registry: registry(ACCOUNT, org, 'github'), port: 8080 };
    case 'DATABASE':
      return { type: 'DATABASE', engine: n % 2 === 0 ? 'POSTGRESQL' : 'REDIS', version: n % 2 === 0 ? '16' : '7', mode: 'CONTAINER' };
    case 'JOB':
      return n % 2 === 0
        ? { type: 'JOB', schedule: { cron: '0 * * * *', timezone: 'UTC' }, image: 'loadtest/cron', tag: '1.0.0', registry: registry(ACCOUNT, org, 'github') }
        : { type: 'JOB', schedule: 'lifecycle', image: 'loadtest/migrate', tag: '1.0.0', registry: registry(ACCOUNT, org, 'github') };
    case 'HELM':
      return { type: 'HELM', chart: 'redis', chartVersion: '20.1.0', repository: helmRepository(ACCOUNT, org, 'bitnami') };
    case 'TERRAFORM':
      return { type: 'TERRAFORM', engine: 'TERRAFORM', repository: 'loadtest/infra', rootPath: `/stacks/${pad(n, 4)}` };
  }
}

class LargeAccount extends IndexedAccount {
  readonly summary: string;
  protected readonly accountCode = ACCOUNT;
  private readonly organizationRecords: OrganizationRecord[];
  private readonly user = seedUser(ACCOUNT);
  private readonly tokens: SeedApiToken[];

  constructor(
    private readonly sizes: Required<LargeAccountOptions>,
  ) {
    super();
    const { organizations, projectsPerOrganization, environmentsPerProject, servicesPerEnvironment } = sizes;
    this.summary = `large account: ${organizations} organizations x ${projectsPerOrganization} projects x ${environmentsPerProject} environments x ${servicesPerEnvironment} services`;
    this.organizationRecords = Array.from({ length: organizations }, (_, index) => ({
      id: encodeId(IdKind.organization, ACCOUNT, index),
      index,
      name: `Load Org ${pad(index + 1, 3)}`,
      plan: PLANS[index % PLANS.length],
      description: `Generated organization ${index + 1} of ${organizations}`,
      createdAt: addHours(BASE_DATE, index),
      ownerId: this.user.id,
    }));
    this.tokens = seedApiTokens(ACCOUNT, this.organizationRecords);
  }

  protected organizationCount(): number {
    return this.sizes.organizations;
  }

  protected organizationAt(org: number): OrganizationRecord {
    return this.organizationRecords[org];
  }

  protected projectCount(): number {
    return this.sizes.projectsPerOrganization;
  }

  protected projectAt(org: number, project: number): ProjectRecord {
    return {
      id: encodeId(IdKind.project, ACCOUNT, org, project),
      organizationId: this.organizationRecords[org].id,
      name: `project-${pad(project + 1, 4)}`,
      description: `Generated project ${project + 1}`,
      createdAt: addHours(BASE_DATE, org + project + 24),
      environmentCount: this.sizes.environmentsPerProject,
    };
  }

  protected environmentCount(): number {
    return this.sizes.environmentsPerProject;
  }

  private cluster(org: number, production: boolean): ClusterRecord {
    return production
      ? { id: encodeId(IdKind.cluster, ACCOUNT, org, 0), name: 'load-prod', provider: 'aws', region: 'eu-west-3' }
      : { id: encodeId(IdKind.cluster, ACCOUNT, org, 1), name: 'load-nonprod', provider: 'aws', region: 'us-east-2' };
  }

  protected environmentAt(org: number, project: number, environment: number): EnvironmentRecord {
    const mode: EnvironmentModeEnum = ENVIRONMENT_MODES[environment % ENVIRONMENT_MODES.length];
    const round = Math.floor(environment / ENVIRONMENT_MODES.length);
    return {
      id: encodeId(IdKind.environment, ACCOUNT, org, project, environment),
      organizationId: this.organizationRecords[org].id,
      projectId: encodeId(IdKind.project, ACCOUNT, org, project),
      name: round === 0 ? mode.toLowerCase() : `${mode.toLowerCase()}-${round + 1}`,
      mode,
      cluster: this.cluster(org, mode === 'PRODUCTION'),
      createdAt: addHours(BASE_DATE, org + project + environment + 48),
      lastUpdatedBy: this.user.id,
    };
  }

  protected serviceCount(): number {
    return this.sizes.servicesPerEnvironment;
  }

  protected serviceAt(org: number, project: number, environment: number, service: number): ServiceRecord {
    const kind = SERVICE_TYPES[service % SERVICE_TYPES.length];
    const [state, deploymentStatus] = STATES[scatter(org, project, environment, service) % STATES.length];
    const deployedAt = addHours('2025-06-01T12:00:00.000Z', -(scatter(project, environment) % 500));
    return {
      id: encodeId(IdKind.service, ACCOUNT, org, project, environment, service),
      environmentId: encodeId(IdKind.environment, ACCOUNT, org, project, environment),
      name: `${kind.toLowerCase()}-${pad(service + 1, 3)}`,
      createdAt: addHours(BASE_DATE, org + project + environment + service + 72),
      state,
      deploymentStatus,
      lastDeployedAt: lastDeploymentDate(deploymentStatus, state, deployedAt, service),
      source: sourceFor(kind, org, project),
    };
  }

  seedApiTokens(): readonly SeedApiToken[] {
    return this.tokens;
  }

  users(): readonly UserRecord[] {
    return [this.user];
  }
}

function checkSize(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > MAX) {
    throw new RangeError(`${name} must be an integer between ${min} and ${MAX}, got ${value}`);
  }
  return value;
}

/** A synthetic account of the given size, with the demo account's seeded credentials. */
export function generateLargeAccount(options: LargeAccountOptions): QoveryAccount {
  return new LargeAccount({
    organizations: checkSize('organizations', options.organizations, 1),
    projectsPerOrganization: checkSize('projectsPerOrganization', options.projectsPerOrganization, 0),
    environmentsPerProject: checkSize('environmentsPerProject', options.environmentsPerProject ?? 2, 0),
    servicesPerEnvironment: checkSize('servicesPerEnvironment', options.servicesPerEnvironment ?? 4, 0),
  });
}
