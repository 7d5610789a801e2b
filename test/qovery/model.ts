// Compact records the fake API serves; shapes.ts turns them into the official response bodies.
import type {
  ContainerRegistryKindEnum,
  DatabaseModeEnum,
  DatabaseTypeEnum,
  EnvironmentModeEnum,
  PlanEnum,
  ServiceDeploymentStatusEnum,
  StateEnum,
  TerraformEngineEnum,
} from 'qovery-typescript-axios';
import { IdKind, encodeId, indexesOf } from './ids';

export type ServiceType = 'APPLICATION' | 'CONTAINER' | 'DATABASE' | 'JOB' | 'HELM' | 'TERRAFORM';
export const SERVICE_TYPES: readonly ServiceType[] = ['APPLICATION', 'CONTAINER', 'DATABASE', 'JOB', 'HELM', 'TERRAFORM'];
export const ENVIRONMENT_MODES: readonly EnvironmentModeEnum[] = ['PRODUCTION', 'STAGING', 'DEVELOPMENT', 'PREVIEW'];

export interface ClusterRecord {
  id: string;
  name: string;
  provider: 'aws' | 'scw' | 'gcp' | 'azure';
  region: string;
}

export interface OrganizationRecord {
  id: string;
  index: number;
  name: string;
  plan: PlanEnum;
  description?: string;
  websiteUrl?: string;
  adminEmails?: string[];
  createdAt: string;
  ownerId: string;
}

export interface ProjectRecord {
  id: string;
  organizationId: string;
  name: string;
  description?: string;
  createdAt: string;
  environmentCount: number;
}

export interface EnvironmentRecord {
  id: string;
  organizationId: string;
  projectId: string;
  name: string;
  mode: EnvironmentModeEnum;
  cluster: ClusterRecord;
  createdAt: string;
  lastUpdatedBy: string;
}

/** What a service is built from; one variant per service type. */
export type ServiceSource =
  | { type: 'APPLICATION'; repository: string; branch: string; port: number }
  | { type: 'CONTAINER'; image: string; tag: string; registry: RegistryRecord; port: number }
  | { type: 'DATABASE'; engine: DatabaseTypeEnum; version: string; mode: DatabaseModeEnum }
  | { type: 'JOB'; schedule: { cron: string; timezone: string } | 'lifecycle'; image: string; tag: string; registry: RegistryRecord; git?: GitSourceRecord }
  | { type: 'HELM'; chart: string; chartVersion: string; repository: HelmRepositoryRecord; git?: GitSourceRecord }
  | { type: 'TERRAFORM'; engine: TerraformEngineEnum; repository: string; rootPath: string; branch?: string };

/** A job built from a Dockerfile in git (`source.docker`), or a helm chart read from git (`source.git`). */
export interface GitSourceRecord {
  repository: string;
  branch: string;
  rootPath: string;
}

export interface RegistryRecord {
  id: string;
  name: string;
  url: string;
  kind: ContainerRegistryKindEnum;
}

export interface HelmRepositoryRecord {
  id: string;
  name: string;
  url: string;
}

export interface ServiceRecord {
  id: string;
  environmentId: string;
  name: string;
  createdAt: string;
  state: StateEnum;
  deploymentStatus: ServiceDeploymentStatusEnum;
  /** Absent for services that were never deployed. */
  lastDeployedAt?: string;
  source: ServiceSource;
  /** The answer after an edit through the API (PUT), served as it is. */
  json?: Record<string, unknown>;
}

export interface RoleRecord {
  id: string;
  name: string;
  builtIn: boolean;
  /** Only roles with this may create or delete API tokens. */
  canManageApiTokens: boolean;
}

export interface SeedApiToken {
  id: string;
  organizationId: string;
  name: string;
  description?: string;
  roleId: string;
  secret: string;
  createdAt: string;
}

/** A user who logs in with a JWT (Bearer); owner of every organization of the account. */
export interface UserRecord {
  id: string;
  jwt: string;
  nickname: string;
  firstName: string;
  lastName: string;
  email: string;
  pictureUrl: string;
  createdAt: string;
}

/** Read-only data of one Qovery account, looked up by id. */
export interface QoveryAccount {
  readonly summary: string;
  organizations(): readonly OrganizationRecord[];
  organization(id: string): OrganizationRecord | undefined;
  projects(organizationId: string): readonly ProjectRecord[];
  project(id: string): ProjectRecord | undefined;
  environments(projectId: string): readonly EnvironmentRecord[];
  environment(id: string): EnvironmentRecord | undefined;
  services(environmentId: string): readonly ServiceRecord[];
  roles(organizationId: string): readonly RoleRecord[];
  seedApiTokens(): readonly SeedApiToken[];
  users(): readonly UserRecord[];
}

/** Built-in roles plus one custom role, the same set in every organization. */
const ROLE_TEMPLATES: readonly Omit<RoleRecord, 'id'>[] = [
  { name: 'Admin', builtIn: true, canManageApiTokens: true },
  { name: 'DevOps', builtIn: true, canManageApiTokens: false },
  { name: 'Billing Manager', builtIn: true, canManageApiTokens: false },
  { name: 'Viewer', builtIn: true, canManageApiTokens: false },
  { name: 'deployer', builtIn: false, canManageApiTokens: false },
];
export const RoleIndex = { admin: 0, devops: 1, billingManager: 2, viewer: 3, deployer: 4 } as const;

export function rolesOf(account: number, organizationIndex: number): RoleRecord[] {
  return ROLE_TEMPLATES.map((template, index) => ({ ...template, id: encodeId(IdKind.role, account, organizationIndex, index) }));
}

/** Lookups for accounts addressed by (org, project, environment, service) indexes, decoded from ids. */
export abstract class IndexedAccount implements QoveryAccount {
  abstract readonly summary: string;
  protected abstract readonly accountCode: number;

  protected abstract organizationCount(): number;
  protected abstract organizationAt(org: number): OrganizationRecord;
  protected abstract projectCount(org: number): number;
  protected abstract projectAt(org: number, project: number): ProjectRecord;
  protected abstract environmentCount(org: number, project: number): number;
  protected abstract environmentAt(org: number, project: number, environment: number): EnvironmentRecord;
  protected abstract serviceCount(org: number, project: number, environment: number): number;
  protected abstract serviceAt(org: number, project: number, environment: number, service: number): ServiceRecord;
  abstract seedApiTokens(): readonly SeedApiToken[];
  abstract users(): readonly UserRecord[];

  private indexes(id: string, kind: IdKind): [number, number, number, number] | undefined {
    return indexesOf(id, kind, this.accountCode);
  }

  private orgIndex(id: string): number | undefined {
    const at = this.indexes(id, IdKind.organization);
    return at && at[0] < this.organizationCount() ? at[0] : undefined;
  }

  private projectIndexes(id: string): [number, number] | undefined {
    const at = this.indexes(id, IdKind.project);
    return at && at[0] < this.organizationCount() && at[1] < this.projectCount(at[0]) ? [at[0], at[1]] : undefined;
  }

  private environmentIndexes(id: string): [number, number, number] | undefined {
    const at = this.indexes(id, IdKind.environment);
    if (!at || at[0] >= this.organizationCount() || at[1] >= this.projectCount(at[0])) {
      return undefined;
    }
    return at[2] < this.environmentCount(at[0], at[1]) ? [at[0], at[1], at[2]] : undefined;
  }

  organizations(): OrganizationRecord[] {
    return Array.from({ length: this.organizationCount() }, (_, org) => this.organizationAt(org));
  }

  organization(id: string): OrganizationRecord | undefined {
    const org = this.orgIndex(id);
    return org === undefined ? undefined : this.organizationAt(org);
  }

  projects(organizationId: string): ProjectRecord[] {
    const org = this.orgIndex(organizationId);
    return org === undefined ? [] : Array.from({ length: this.projectCount(org) }, (_, p) => this.projectAt(org, p));
  }

  project(id: string): ProjectRecord | undefined {
    const at = this.projectIndexes(id);
    return at && this.projectAt(...at);
  }

  environments(projectId: string): EnvironmentRecord[] {
    const at = this.projectIndexes(projectId);
    if (!at) {
      return [];
    }
    const [org, project] = at;
    return Array.from({ length: this.environmentCount(org, project) }, (_, e) => this.environmentAt(org, project, e));
  }

  environment(id: string): EnvironmentRecord | undefined {
    const at = this.environmentIndexes(id);
    return at && this.environmentAt(...at);
  }

  services(environmentId: string): ServiceRecord[] {
    const at = this.environmentIndexes(environmentId);
    if (!at) {
      return [];
    }
    const [org, project, environment] = at;
    return Array.from({ length: this.serviceCount(org, project, environment) }, (_, s) => this.serviceAt(org, project, environment, s));
  }

  roles(organizationId: string): RoleRecord[] {
    const org = this.orgIndex(organizationId);
    return org === undefined ? [] : rolesOf(this.accountCode, org);
  }
}
