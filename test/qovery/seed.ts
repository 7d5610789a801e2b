// The demo account: every environment mode, service type and many states, with ids fixed by position.
import type {
  DatabaseModeEnum,
  DatabaseTypeEnum,
  EnvironmentModeEnum,
  PlanEnum,
  ServiceDeploymentStatusEnum,
  StateEnum,
  TerraformEngineEnum,
} from 'qovery-typescript-axios';
import { addHours, helmRepository, lastDeploymentDate, registry, type HelmRepositoryKey, type RegistryKey } from './catalog';
import { seedApiTokens, seedUser } from './credentials';
import { AccountCode, IdKind, encodeId } from './ids';
import {
  IndexedAccount,
  RoleIndex,
  rolesOf,
  type ClusterRecord,
  type EnvironmentRecord,
  type GitSourceRecord,
  type OrganizationRecord,
  type ProjectRecord,
  type QoveryAccount,
  type SeedApiToken,
  type ServiceRecord,
  type ServiceSource,
  type UserRecord,
} from './model';

type SeedSource =
  | { type: 'APPLICATION'; repository: string; branch: string; port: number }
  | { type: 'CONTAINER'; image: string; tag: string; registry: RegistryKey; port: number }
  | { type: 'DATABASE'; engine: DatabaseTypeEnum; version: string; mode: DatabaseModeEnum }
  | { type: 'JOB'; schedule: { cron: string; timezone: string } | 'lifecycle'; image: string; tag: string; registry: RegistryKey; git?: GitSourceRecord }
  | { type: 'HELM'; chart: string; chartVersion: string; repository: HelmRepositoryKey; git?: GitSourceRecord }
  | { type: 'TERRAFORM'; engine: TerraformEngineEnum; repository: string; rootPath: string };

interface SeedService {
  key: string;
  name: string;
  state: StateEnum;
  deployment: ServiceDeploymentStatusEnum;
  source: SeedSource;
}

interface SeedEnvironment {
  key: string;
  name: string;
  mode: EnvironmentModeEnum;
  cluster: number;
  services: readonly SeedService[];
}

interface SeedProject {
  key: string;
  name: string;
  description?: string;
  environments: readonly SeedEnvironment[];
}

interface SeedOrganization {
  key: string;
  name: string;
  plan: PlanEnum;
  description: string;
  websiteUrl: string;
  adminEmails: readonly string[];
  createdAt: string;
  clusters: readonly Omit<ClusterRecord, 'id'>[];
  projects: readonly SeedProject[];
}

const app = (repository: string, port = 8080, branch = 'main'): SeedSource => ({ type: 'APPLICATION', repository, branch, port });
const container = (image: string, tag: string, registryKey: RegistryKey, port = 8080): SeedSource => ({
  type: 'CONTAINER',
  image,
  tag,
  registry: registryKey,
  port,
});
const database = (engine: DatabaseTypeEnum, version: string, mode: DatabaseModeEnum): SeedSource => ({ type: 'DATABASE', engine, version, mode });
const cronJob = (cron: string, image: string, tag: string): SeedSource => ({
  type: 'JOB',
  schedule: { cron, timezone: 'Europe/Paris' },
  image,
  tag,
  registry: 'github',
});
const lifecycleJob = (image: string, tag: string): SeedSource => ({ type: 'JOB', schedule: 'lifecycle', image, tag, registry: 'github' });
const helm = (chart: string, chartVersion: string, repository: HelmRepositoryKey): SeedSource => ({ type: 'HELM', chart, chartVersion, repository });
/** A cron job built from a Dockerfile in git (`source.docker`): it deploys a commit, like an application. */
const gitCronJob = (cron: string, repository: string, branch: string, rootPath: string): SeedSource => ({
  type: 'JOB',
  schedule: { cron, timezone: 'Europe/Paris' },
  image: repository,
  tag: 'latest',
  registry: 'github',
  git: { repository, branch, rootPath },
});
/** A chart read from git (`source.git`). */
const gitHelm = (chart: string, repository: string, branch: string, rootPath: string): SeedSource => ({ type: 'HELM', chart, chartVersion: '0.1.0', repository: 'bitnami', git: { repository, branch, rootPath } });
const terraform = (repository: string, rootPath: string, engine: TerraformEngineEnum = 'TERRAFORM'): SeedSource => ({
  type: 'TERRAFORM',
  engine,
  repository,
  rootPath,
});

const DEMO_SEED = [
  {
    key: 'acme',
    name: 'Acme Corp',
    plan: 'TEAM_2025',
    description: 'Production workloads of Acme Corp',
    websiteUrl: 'https://acme.example',
    adminEmails: ['ops@acme.example'],
    createdAt: '2023-03-01T09:00:00.000Z',
    clusters: [
      { name: 'acme-prod-eu', provider: 'aws', region: 'eu-west-3' },
      { name: 'acme-nonprod-us', provider: 'aws', region: 'us-east-2' },
    ],
    projects: [
      {
        key: 'storefront',
        name: 'storefront',
        description: 'Customer-facing web shop',
        environments: [
          {
            key: 'storefrontProduction',
            name: 'production',
            mode: 'PRODUCTION',
            cluster: 0,
            services: [
              { key: 'storefrontWeb', name: 'web', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: app('acme/storefront-web', 3000) },
              { key: 'storefrontApi', name: 'api', state: 'DEPLOYED', deployment: 'OUT_OF_DATE', source: container('acme/storefront-api', '2.14.1', 'github') },
              { key: 'storefrontPostgres', name: 'postgres', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: database('POSTGRESQL', '16', 'MANAGED') },
              { key: 'storefrontRedis', name: 'redis', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: database('REDIS', '7', 'CONTAINER') },
              { key: 'storefrontMigrations', name: 'db-migrations', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: lifecycleJob('acme/storefront-migrations', '2.14.1') },
              { key: 'storefrontSitemap', name: 'sitemap-nightly', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: cronJob('0 3 * * *', 'acme/sitemap', '1.4.0') },
              { key: 'storefrontDatadog', name: 'datadog-agent', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: helm('datadog', '3.69.0', 'datadog') },
              { key: 'storefrontCdn', name: 'cdn-and-dns', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: terraform('acme/infra', '/storefront/cdn') },
            ],
          },
          {
            key: 'storefrontStaging',
            name: 'staging',
            mode: 'STAGING',
            cluster: 1,
            services: [
              { key: 'stagingWeb', name: 'web', state: 'DEPLOYING', deployment: 'OUT_OF_DATE', source: app('acme/storefront-web', 3000, 'develop') },
              { key: 'stagingApi', name: 'api', state: 'DEPLOYMENT_ERROR', deployment: 'OUT_OF_DATE', source: container('acme/storefront-api', '2.15.0-rc.2', 'github') },
              { key: 'stagingPostgres', name: 'postgres', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: database('POSTGRESQL', '16', 'CONTAINER') },
              { key: 'stagingMigrations', name: 'db-migrations', state: 'DEPLOYMENT_QUEUED', deployment: 'OUT_OF_DATE', source: lifecycleJob('acme/storefront-migrations', '2.15.0-rc.2') },
            ],
          },
          {
            key: 'storefrontDev',
            name: 'dev-alice',
            mode: 'DEVELOPMENT',
            cluster: 1,
            services: [
              { key: 'devWeb', name: 'web', state: 'STOPPED', deployment: 'UP_TO_DATE', source: app('acme/storefront-web', 3000, 'feature/search') },
              { key: 'devPostgres', name: 'postgres', state: 'STOPPED', deployment: 'UP_TO_DATE', source: database('POSTGRESQL', '16', 'CONTAINER') },
            ],
          },
          {
            key: 'storefrontPreview',
            name: 'pr-142-new-checkout',
            mode: 'PREVIEW',
            cluster: 1,
            services: [
              { key: 'previewWeb', name: 'web', state: 'BUILDING', deployment: 'NEVER_DEPLOYED', source: app('acme/storefront-web', 3000, 'pr/142') },
              { key: 'previewApi', name: 'api', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: container('acme/storefront-api', 'pr-142', 'github') },
            ],
          },
        ],
      },
      {
        key: 'dataPlatform',
        name: 'data-platform',
        description: 'Event pipeline and analytics',
        environments: [
          {
            key: 'dataProduction',
            name: 'production',
            mode: 'PRODUCTION',
            cluster: 0,
            services: [
              { key: 'dataIngest', name: 'ingest-api', state: 'RESTARTING', deployment: 'UP_TO_DATE', source: app('acme/ingest-api') },
              { key: 'dataKafka', name: 'kafka', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: helm('kafka', '31.0.0', 'bitnami') },
              { key: 'dataEvents', name: 'events-db', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: database('MONGODB', '7.0', 'MANAGED') },
              { key: 'dataEtl', name: 'hourly-etl', state: 'EXECUTING', deployment: 'UP_TO_DATE', source: cronJob('15 * * * *', 'acme/etl', '0.9.3') },
              { key: 'dataLake', name: 'data-lake-buckets', state: 'DEPLOYED', deployment: 'OUT_OF_DATE', source: terraform('acme/infra', '/data/lake', 'OPEN_TOFU') },
            ],
          },
          {
            key: 'dataStaging',
            name: 'staging',
            mode: 'STAGING',
            cluster: 1,
            services: [
              { key: 'dataStagingKafka', name: 'kafka', state: 'STOPPED', deployment: 'UP_TO_DATE', source: helm('kafka', '31.0.0', 'bitnami') },
              { key: 'dataStagingLake', name: 'data-lake-buckets', state: 'DEPLOYMENT_ERROR', deployment: 'OUT_OF_DATE', source: terraform('acme/infra', '/data/lake', 'OPEN_TOFU') },
            ],
          },
        ],
      },
      {
        key: 'internalTools',
        name: 'internal-tools',
        description: 'Back-office tools',
        environments: [
          {
            key: 'toolsDevelopment',
            name: 'development',
            mode: 'DEVELOPMENT',
            cluster: 1,
            services: [
              { key: 'toolsAdmin', name: 'admin-dashboard', state: 'READY', deployment: 'NEVER_DEPLOYED', source: app('acme/admin-dashboard', 4000) },
              { key: 'toolsMysql', name: 'mysql', state: 'READY', deployment: 'NEVER_DEPLOYED', source: database('MYSQL', '8.0', 'CONTAINER') },
            ],
          },
        ],
      },
      { key: 'sandbox', name: 'sandbox', description: 'Empty project for experiments', environments: [] },
    ],
  },
  {
    key: 'side',
    name: 'Side Projects',
    plan: 'USER_2025',
    description: 'Hobby projects',
    websiteUrl: 'https://alex.example',
    adminEmails: ['alex.martin@acme.example'],
    createdAt: '2024-01-20T19:30:00.000Z',
    clusters: [{ name: 'side-par', provider: 'scw', region: 'fr-par' }],
    projects: [
      {
        key: 'blog',
        name: 'blog',
        description: 'Personal blog',
        environments: [
          {
            key: 'blogProduction',
            name: 'production',
            mode: 'PRODUCTION',
            cluster: 0,
            services: [
              { key: 'blogGhost', name: 'ghost', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: container('library/ghost', '5.96', 'dockerHub', 2368) },
              { key: 'blogMysql', name: 'mysql', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: database('MYSQL', '8.0', 'CONTAINER') },
              { key: 'blogBackup', name: 'nightly-backup', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: cronJob('0 2 * * *', 'alex/backup', '1.0.0') },
            ],
          },
          { key: 'blogQa', name: 'qa', mode: 'STAGING', cluster: 0, services: [] },
          {
            key: 'blogPreview',
            name: 'pr-7-dark-mode',
            mode: 'PREVIEW',
            cluster: 0,
            services: [
              { key: 'blogPreviewGhost', name: 'ghost', state: 'DELETE_QUEUED', deployment: 'UP_TO_DATE', source: container('library/ghost', '5.96', 'dockerHub', 2368) },
            ],
          },
        ],
      },
      {
        key: 'weekendHack',
        name: 'weekend-hack',
        environments: [
          {
            key: 'hackDev',
            name: 'dev',
            mode: 'DEVELOPMENT',
            cluster: 0,
            services: [
              { key: 'hackBot', name: 'discord-bot', state: 'BUILD_ERROR', deployment: 'NEVER_DEPLOYED', source: app('alex/discord-bot', 8080, 'master') },
              { key: 'hackScraper', name: 'scraper', state: 'CANCELED', deployment: 'OUT_OF_DATE', source: lifecycleJob('alex/scraper', '0.2.0') },
              { key: 'hackUptime', name: 'uptime-kuma', state: 'STOPPED', deployment: 'UP_TO_DATE', source: helm('uptime-kuma', '2.21.2', 'uptimeKuma') },
              { key: 'hackDns', name: 'dns-records', state: 'READY', deployment: 'NEVER_DEPLOYED', source: terraform('alex/infra', '/dns') },
              { key: 'hackDigest', name: 'weekly-digest', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: gitCronJob('0 8 * * 1', 'alex/digest', 'main', '/') },
              { key: 'hackCharts', name: 'bot-chart', state: 'DEPLOYED', deployment: 'UP_TO_DATE', source: gitHelm('bot', 'alex/charts', 'main', '/bot') },
            ],
          },
        ],
      },
    ],
  },
] as const satisfies readonly SeedOrganization[];

type Seed = typeof DEMO_SEED;
export type DemoOrganizationKey = Seed[number]['key'];
export type DemoProjectKey = Seed[number]['projects'][number]['key'];
type DemoEnvironments = Seed[number]['projects'][number]['environments'][number];
export type DemoEnvironmentKey = DemoEnvironments['key'];
export type DemoServiceKey = DemoEnvironments['services'][number]['key'];

const seed: readonly SeedOrganization[] = DEMO_SEED;
const ACCOUNT = AccountCode.demo;
const DAY = 24;

class DemoAccount extends IndexedAccount {
  readonly summary = 'demo account: 2 organizations (Acme Corp, Side Projects)';
  protected readonly accountCode = ACCOUNT;
  private readonly organizationRecords: OrganizationRecord[];
  private readonly tokens: SeedApiToken[];
  private readonly user = seedUser(ACCOUNT);

  constructor() {
    super();
    this.organizationRecords = seed.map((org, index) => ({
      id: encodeId(IdKind.organization, ACCOUNT, index),
      index,
      name: org.name,
      plan: org.plan,
      description: org.description,
      websiteUrl: org.websiteUrl,
      adminEmails: [...org.adminEmails],
      createdAt: org.createdAt,
      ownerId: this.user.id,
    }));
    this.tokens = seedApiTokens(ACCOUNT, this.organizationRecords);
  }

  protected organizationCount(): number {
    return seed.length;
  }

  protected organizationAt(org: number): OrganizationRecord {
    return this.organizationRecords[org];
  }

  protected projectCount(org: number): number {
    return seed[org].projects.length;
  }

  protected projectAt(org: number, project: number): ProjectRecord {
    const source = seed[org].projects[project];
    return {
      id: encodeId(IdKind.project, ACCOUNT, org, project),
      organizationId: this.organizationRecords[org].id,
      name: source.name,
      description: source.description,
      createdAt: addHours(seed[org].createdAt, (project + 1) * 7 * DAY),
      environmentCount: source.environments.length,
    };
  }

  protected environmentCount(org: number, project: number): number {
    return seed[org].projects[project].environments.length;
  }

  protected environmentAt(org: number, project: number, environment: number): EnvironmentRecord {
    const source = seed[org].projects[project].environments[environment];
    const cluster = seed[org].clusters[source.cluster];
    return {
      id: encodeId(IdKind.environment, ACCOUNT, org, project, environment),
      organizationId: this.organizationRecords[org].id,
      projectId: encodeId(IdKind.project, ACCOUNT, org, project),
      name: source.name,
      mode: source.mode,
      cluster: { ...cluster, id: encodeId(IdKind.cluster, ACCOUNT, org, source.cluster) },
      createdAt: addHours(seed[org].createdAt, (project + 1) * 7 * DAY + (environment + 1) * DAY),
      lastUpdatedBy: this.user.id,
    };
  }

  protected serviceCount(org: number, project: number, environment: number): number {
    return seed[org].projects[project].environments[environment].services.length;
  }

  protected serviceAt(org: number, project: number, environment: number, service: number): ServiceRecord {
    const source = seed[org].projects[project].environments[environment].services[service];
    const environmentDeployedAt = addHours('2025-06-02T10:00:00.000Z', -(org * 90 + project * 30 + environment * 7));
    return {
      id: encodeId(IdKind.service, ACCOUNT, org, project, environment, service),
      environmentId: encodeId(IdKind.environment, ACCOUNT, org, project, environment),
      name: source.name,
      createdAt: addHours(seed[org].createdAt, (project + 1) * 7 * DAY + (environment + 1) * DAY + service + 1),
      state: source.state,
      deploymentStatus: source.deployment,
      lastDeployedAt: lastDeploymentDate(source.deployment, source.state, environmentDeployedAt, service),
      source: resolveSource(source.source, org),
    };
  }

  seedApiTokens(): readonly SeedApiToken[] {
    return this.tokens;
  }

  users(): readonly UserRecord[] {
    return [this.user];
  }
}

function resolveSource(source: SeedSource, org: number): ServiceSource {
  switch (source.type) {
    case 'CONTAINER':
    case 'JOB':
      return { ...source, registry: registry(ACCOUNT, org, source.registry) };
    case 'HELM':
      return { ...source, repository: helmRepository(ACCOUNT, org, source.repository) };
    default:
      return source;
  }
}

/** The demo account served by default: same data and ids on every run. */
export function demoAccount(): QoveryAccount {
  return new DemoAccount();
}

type RoleIds = { [K in keyof typeof RoleIndex]: string };

function collectIds(): {
  organizations: Record<DemoOrganizationKey, string>;
  projects: Record<DemoProjectKey, string>;
  environments: Record<DemoEnvironmentKey, string>;
  services: Record<DemoServiceKey, string>;
  roles: Record<DemoOrganizationKey, RoleIds>;
} {
  const organizations: Record<string, string> = {};
  const projects: Record<string, string> = {};
  const environments: Record<string, string> = {};
  const services: Record<string, string> = {};
  const roles: Record<string, RoleIds> = {};
  seed.forEach((org, o) => {
    organizations[org.key] = encodeId(IdKind.organization, ACCOUNT, o);
    const orgRoles = rolesOf(ACCOUNT, o);
    roles[org.key] = {
      admin: orgRoles[RoleIndex.admin].id,
      devops: orgRoles[RoleIndex.devops].id,
      billingManager: orgRoles[RoleIndex.billingManager].id,
      viewer: orgRoles[RoleIndex.viewer].id,
      deployer: orgRoles[RoleIndex.deployer].id,
    };
    org.projects.forEach((project, p) => {
      projects[project.key] = encodeId(IdKind.project, ACCOUNT, o, p);
      project.environments.forEach((environment, e) => {
        environments[environment.key] = encodeId(IdKind.environment, ACCOUNT, o, p, e);
        environment.services.forEach((service, s) => {
          services[service.key] = encodeId(IdKind.service, ACCOUNT, o, p, e, s);
        });
      });
    });
  });
  return { organizations, projects, environments, services, roles };
}

/** Ids of the demo account by key, e.g. DEMO.projects.storefront or DEMO.services.stagingApi. */
export const DEMO = Object.freeze({
  ...collectIds(),
  apiTokens: {
    admin: encodeId(IdKind.apiToken, ACCOUNT, 0, 0),
    viewer: encodeId(IdKind.apiToken, ACCOUNT, 0, 1),
    deployer: encodeId(IdKind.apiToken, ACCOUNT, 0, 2),
    legacy: encodeId(IdKind.apiToken, ACCOUNT, 0, 3),
    secondOrgAdmin: encodeId(IdKind.apiToken, ACCOUNT, 1, 0),
  },
  userId: encodeId(IdKind.user, ACCOUNT, 0),
});
