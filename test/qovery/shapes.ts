// Turns records into the response bodies of the official spec (types from qovery-typescript-axios).
import { createHash } from 'node:crypto';
import type {
  AccountInfo,
  ApplicationGitRepository,
  ContainerRegistryProviderDetailsResponse,
  Environment,
  EnvironmentDeploymentStatusEnum,
  EnvironmentStatus,
  EnvironmentStatuses,
  Healthcheck,
  ListServicesByEnvironmentId200ResponseResultsInner,
  Organization,
  OrganizationApiToken,
  OrganizationEnvironmentResponse,
  ServiceLightResponse,
  OrganizationAvailableRole,
  Project,
  StateEnum,
  Status,
  StatusDetails,
} from 'qovery-typescript-axios';
import { addHours } from './catalog';
import { IdKind, decodeId, encodeId } from './ids';
import type {
  EnvironmentRecord,
  OrganizationRecord,
  ProjectRecord,
  RegistryRecord,
  RoleRecord,
  ServiceRecord,
  ServiceType,
  UserRecord,
} from './model';

const ICON_BASE = 'app://qovery-console';
const STATUS_KEYS: Record<ServiceType, keyof Omit<EnvironmentStatuses, 'environment' | 'agentic_workflows'>> = {
  APPLICATION: 'applications',
  CONTAINER: 'containers',
  DATABASE: 'databases',
  JOB: 'jobs',
  HELM: 'helms',
  TERRAFORM: 'terraforms',
};

export function organizationJson(org: OrganizationRecord): Organization {
  return {
    id: org.id,
    created_at: org.createdAt,
    updated_at: addHours(org.createdAt, 24 * 30),
    name: org.name,
    description: org.description ?? null,
    plan: org.plan,
    website_url: org.websiteUrl ?? null,
    repository: null,
    logo_url: null,
    icon_url: null,
    admin_emails: org.adminEmails ?? null,
    owner: org.ownerId,
    billing_deployment_restriction: null,
    organization_plan: { plan: org.plan, audit_logs_retention_in_days: org.plan === 'USER_2025' ? 7 : 30 },
  };
}

export function projectJson(project: ProjectRecord): Project {
  return {
    id: project.id,
    created_at: project.createdAt,
    updated_at: project.createdAt,
    name: project.name,
    ...(project.description === undefined ? {} : { description: project.description }),
    associated_environments_count: project.environmentCount,
    organization: { id: project.organizationId },
  };
}

export function environmentJson(environment: EnvironmentRecord): Environment {
  return {
    id: environment.id,
    created_at: environment.createdAt,
    updated_at: addHours(environment.createdAt, 48),
    name: environment.name,
    organization: { id: environment.organizationId },
    project: { id: environment.projectId },
    last_updated_by: environment.lastUpdatedBy,
    cloud_provider: { provider: environment.cluster.provider, cluster: environment.cluster.region },
    mode: environment.mode,
    cluster_id: environment.cluster.id,
    cluster_name: environment.cluster.name,
    expires_at: null,
  };
}

/** An item of `GET /organization/{id}/environments`. */
export function organizationEnvironmentJson(environment: EnvironmentRecord): OrganizationEnvironmentResponse {
  return {
    id: environment.id,
    created_at: environment.createdAt,
    updated_at: addHours(environment.createdAt, 48),
    name: environment.name,
    organization: { id: environment.organizationId },
    project: { id: environment.projectId },
    mode: environment.mode,
  };
}

/** An item of `GET /organization/{id}/services`: no git data, as upstream. */
export function serviceLightJson(service: ServiceRecord, environment: EnvironmentRecord, project: ProjectRecord): ServiceLightResponse {
  const source = service.source;
  return {
    id: service.id,
    name: service.name,
    description: '',
    icon_uri: `${ICON_BASE}/${source.type === 'DATABASE' ? source.engine.toLowerCase() : source.type.toLowerCase()}`,
    service_type: source.type,
    project_id: project.id,
    project_name: project.name,
    environment_id: environment.id,
    environment_name: environment.name,
    cluster_id: environment.cluster.id,
    ...(source.type === 'JOB' ? { job_type: source.schedule === 'lifecycle' ? ('LIFECYCLE' as const) : ('CRON' as const) } : {}),
  };
}

/** The action and progress Qovery reports alongside a state. */
function statusDetails(state: StateEnum): StatusDetails {
  const details = (action: StatusDetails['action'], status: StatusDetails['status']): StatusDetails => ({ action, status, sub_action: 'NONE' });
  switch (state) {
    case 'DEPLOYED':
      return details('DEPLOY', 'SUCCESS');
    case 'BUILDING':
    case 'DEPLOYING':
      return details('DEPLOY', 'ONGOING');
    case 'QUEUED':
    case 'DEPLOYMENT_QUEUED':
      return details('DEPLOY', 'QUEUED');
    case 'BUILD_ERROR':
    case 'DEPLOYMENT_ERROR':
      return details('DEPLOY', 'ERROR');
    case 'EXECUTING':
      return details('DEPLOY', 'EXECUTING');
    case 'CANCELED':
      return details('DEPLOY', 'CANCELED');
    case 'CANCELING':
      return details('DEPLOY', 'CANCELING');
    case 'STOPPED':
      return details('STOP', 'SUCCESS');
    case 'STOPPING':
    case 'WAITING_STOPPING':
      return details('STOP', 'ONGOING');
    case 'STOP_QUEUED':
      return details('STOP', 'QUEUED');
    case 'STOP_ERROR':
      return details('STOP', 'ERROR');
    case 'RESTARTED':
      return details('RESTART', 'SUCCESS');
    case 'RESTARTING':
    case 'WAITING_RESTARTING':
      return details('RESTART', 'ONGOING');
    case 'RESTART_QUEUED':
      return details('RESTART', 'QUEUED');
    case 'RESTART_ERROR':
      return details('RESTART', 'ERROR');
    case 'DELETED':
      return details('DELETE', 'SUCCESS');
    case 'DELETING':
    case 'WAITING_DELETING':
      return details('DELETE', 'ONGOING');
    case 'DELETE_QUEUED':
      return details('DELETE', 'QUEUED');
    case 'DELETE_ERROR':
      return details('DELETE', 'ERROR');
    default:
      return details('UNKNOWN', 'NEVER');
  }
}

const ERROR_STATES = new Set<StateEnum>(['BUILD_ERROR', 'DEPLOYMENT_ERROR', 'STOP_ERROR', 'RESTART_ERROR', 'DELETE_ERROR']);
const BUSY_STATES = new Set<StateEnum>([
  'BUILDING',
  'DEPLOYING',
  'DEPLOYMENT_QUEUED',
  'QUEUED',
  'RESTARTING',
  'RESTART_QUEUED',
  'STOPPING',
  'STOP_QUEUED',
  'DELETING',
  'DELETE_QUEUED',
  'CANCELING',
  'EXECUTING',
]);

function latest(dates: readonly (string | undefined)[]): string | undefined {
  return dates.reduce<string | undefined>((best, date) => (date !== undefined && (best === undefined || date > best) ? date : best), undefined);
}

/** The environment's state as the worst/busiest of its services, like the console's summary. */
export function environmentStatusJson(environment: EnvironmentRecord, services: readonly ServiceRecord[]): EnvironmentStatus {
  const states = services.map((service) => service.state);
  const neverDeployed = services.every((service) => service.deploymentStatus === 'NEVER_DEPLOYED');
  const lastDate = latest(services.map((service) => service.lastDeployedAt));
  let state: StateEnum;
  if (states.some((s) => ERROR_STATES.has(s))) {
    state = states.find((s) => ERROR_STATES.has(s))!;
  } else if (states.some((s) => BUSY_STATES.has(s))) {
    state = states.find((s) => BUSY_STATES.has(s))!;
  } else if (states.length > 0 && states.every((s) => s === 'STOPPED')) {
    state = 'STOPPED';
  } else if (neverDeployed) {
    state = 'READY';
  } else {
    state = 'DEPLOYED';
  }
  const deploymentStatus: EnvironmentDeploymentStatusEnum = neverDeployed
    ? 'NEVER_DEPLOYED'
    : services.some((service) => service.deploymentStatus === 'OUT_OF_DATE')
      ? 'OUT_OF_DATE'
      : 'UP_TO_DATE';
  const deployed = lastDate !== undefined;
  return {
    id: environment.id,
    state,
    last_deployment_date: lastDate ?? null,
    last_deployment_state: deployed ? lastDeploymentState(state) : 'READY',
    last_deployment_id: deployed ? deploymentId(environment.id) : null,
    total_deployment_duration_in_seconds: deployed ? 95 + services.length * 41 : null,
    origin: deployed ? (environment.mode === 'PREVIEW' ? 'GIT' : 'CONSOLE') : null,
    triggered_by: deployed ? 'Alex Martin' : null,
    deployment_status: deploymentStatus,
    deployment_request_id: null,
  };
}

/** The state the last deployment ended in: the current one, or DEPLOYED while a new action runs. */
function lastDeploymentState(state: StateEnum): StateEnum {
  return BUSY_STATES.has(state) && state !== 'BUILDING' && state !== 'DEPLOYING' ? 'DEPLOYED' : state;
}

function deploymentId(environmentId: string): string {
  const decoded = decodeId(environmentId);
  const [a, b, c] = decoded ? decoded.indexes : [0, 0, 0];
  return encodeId(IdKind.deployment, decoded?.account ?? 0, a, b, c);
}

export function serviceStatusJson(service: ServiceRecord): Status {
  return {
    id: service.id,
    state: service.state,
    service_deployment_status: service.deploymentStatus,
    ...(service.lastDeployedAt === undefined ? {} : { last_deployment_date: service.lastDeployedAt }),
    is_part_last_deployment: service.lastDeployedAt !== undefined,
    status_details: statusDetails(service.state),
    deployment_request_id: null,
    deployment_requests_count: 0,
  };
}

export function environmentStatusesJson(environment: EnvironmentRecord, services: readonly ServiceRecord[]): EnvironmentStatuses {
  const body: EnvironmentStatuses = {
    environment: environmentStatusJson(environment, services),
    applications: [],
    containers: [],
    jobs: [],
    databases: [],
    helms: [],
    terraforms: [],
  };
  for (const service of services) {
    body[STATUS_KEYS[service.source.type]].push(serviceStatusJson(service));
  }
  return body;
}

const fakeCommit = (seed: string): string => createHash('sha1').update(seed).digest('hex');

function gitRepository(fullName: string, branch: string, rootPath: string, serviceId: string): ApplicationGitRepository {
  const [owner, name] = fullName.split('/');
  return {
    has_access: true,
    provider: 'GITHUB',
    owner,
    name: fullName,
    url: `https://github.com/${owner}/${name}.git`,
    branch,
    root_path: rootPath,
    deployed_commit_id: fakeCommit(serviceId),
  };
}

function registryJson(registry: RegistryRecord): ContainerRegistryProviderDetailsResponse {
  return { id: registry.id, name: registry.name, url: registry.url, kind: registry.kind };
}

function healthchecks(port: number): Healthcheck {
  const timing = { initial_delay_seconds: 30, period_seconds: 10, timeout_seconds: 5, success_threshold: 1, failure_threshold: 3 };
  return {
    readiness_probe: { type: { http: { path: '/health', scheme: 'HTTP', port } }, ...timing },
    liveness_probe: { type: { tcp: { port, host: null } }, ...timing },
  };
}

const DATABASE_PORTS = { POSTGRESQL: 5432, MYSQL: 3306, MONGODB: 27017, REDIS: 6379 } as const;

/** One element of GET /environment/{id}/services, shaped by its service_type; an edited service as its edit left it. */
export function serviceJson(service: ServiceRecord): ListServicesByEnvironmentId200ResponseResultsInner {
  return service.json ? ({ ...service.json, id: service.id, environment: { id: service.environmentId } } as unknown as ListServicesByEnvironmentId200ResponseResultsInner) : seededServiceJson(service);
}

function seededServiceJson(service: ServiceRecord): ListServicesByEnvironmentId200ResponseResultsInner {
  const base = {
    id: service.id,
    created_at: service.createdAt,
    updated_at: service.lastDeployedAt ?? service.createdAt,
    name: service.name,
    environment: { id: service.environmentId },
  };
  const compute = { cpu: 500, memory: 512, gpu: 0, maximum_cpu: 16000, maximum_memory: 32768, maximum_gpu: 0 };
  const source = service.source;
  switch (source.type) {
    case 'APPLICATION':
      return {
        ...base,
        service_type: 'APPLICATION',
        icon_uri: `${ICON_BASE}/application`,
        git_repository: gitRepository(source.repository, source.branch, '/', service.id),
        build_mode: 'DOCKER',
        dockerfile_path: 'Dockerfile',
        cpu: compute.cpu,
        memory: compute.memory,
        gpu: compute.gpu,
        maximum_cpu: compute.maximum_cpu,
        maximum_memory: compute.maximum_memory,
        min_running_instances: 1,
        max_running_instances: 2,
        healthchecks: healthchecks(source.port),
        auto_preview: false,
        auto_deploy: true,
        arguments: [],
      };
    case 'CONTAINER':
      return {
        ...base,
        ...compute,
        service_type: 'CONTAINER',
        icon_uri: `${ICON_BASE}/container`,
        image_name: source.image,
        tag: source.tag,
        registry_id: source.registry.id,
        registry: registryJson(source.registry),
        min_running_instances: 1,
        max_running_instances: 3,
        healthchecks: healthchecks(source.port),
        auto_preview: false,
        auto_deploy: false,
        arguments: [],
      };
    case 'DATABASE':
      return {
        ...base,
        service_type: 'DATABASE',
        icon_uri: `${ICON_BASE}/${source.engine.toLowerCase()}`,
        type: source.engine,
        version: source.version,
        mode: source.mode,
        accessibility: 'PRIVATE',
        cpu: 250,
        memory: 256,
        storage: 10,
        ...(source.mode === 'MANAGED' ? { instance_type: 'db.t3.medium' } : {}),
        host: `z${service.id.slice(0, 8)}-${service.name}`,
        port: DATABASE_PORTS[source.engine],
      };
    case 'JOB': {
      const job = {
        ...base,
        ...compute,
        service_type: 'JOB' as const,
        icon_uri: `${ICON_BASE}/job`,
        auto_preview: false,
        auto_deploy: true,
        max_nb_restart: 0,
        max_duration_seconds: 300,
        port: null,
        healthchecks: {},
        source: source.git
          ? { docker: { git_repository: gitRepository(source.git.repository, source.git.branch, source.git.rootPath, service.id), dockerfile_path: 'Dockerfile' } }
          : { image: { image_name: source.image, tag: source.tag, registry_id: source.registry.id, registry: registryJson(source.registry) } },
      };
      return source.schedule === 'lifecycle'
        ? { ...job, job_type: 'LIFECYCLE', schedule: { on_start: { arguments: ['migrate'] }, lifecycle_type: 'GENERIC' } }
        : {
            ...job,
            job_type: 'CRON',
            schedule: { cronjob: { arguments: [], timezone: source.schedule.timezone, scheduled_at: source.schedule.cron } },
          };
    }
    case 'HELM':
      return {
        ...base,
        service_type: 'HELM',
        icon_uri: `${ICON_BASE}/helm`,
        timeout_sec: 600,
        auto_preview: false,
        auto_deploy: false,
        source: source.git
          ? { git: { git_repository: gitRepository(source.git.repository, source.git.branch, source.git.rootPath, service.id) } }
          : {
              repository: {
                chart_name: source.chart,
                chart_version: source.chartVersion,
                repository: { id: source.repository.id, name: source.repository.name, url: source.repository.url },
              },
            },
        arguments: ['--wait'],
        allow_cluster_wide_resources: false,
        values_override: { set: [], set_string: [], set_json: [], file: null },
      };
    case 'TERRAFORM':
      return {
        ...base,
        service_type: 'TERRAFORM',
        icon_uri: `${ICON_BASE}/terraform`,
        timeout_sec: 1800,
        auto_deploy: false,
        terraform_files_source: { git: { git_repository: gitRepository(source.repository, source.branch ?? 'main', source.rootPath, service.id) } },
        terraform_variables_source: { tf_var_file_paths: [`${source.rootPath}/terraform.tfvars`], tf_vars: [{ key: 'region', value: 'eu-west-3', secret: false }] },
        engine: source.engine,
        backend: { kubernetes: {} },
        provider_version: { read_from_terraform_block: false, explicit_version: source.engine === 'OPEN_TOFU' ? '1.8.5' : '1.9.8' },
        job_resources: { cpu_milli: 500, ram_mib: 512, gpu: 0, storage_gib: 1 },
        use_cluster_credentials: true,
        action_extra_arguments: {},
      };
  }
}

export function roleJson(role: RoleRecord): OrganizationAvailableRole {
  return { id: role.id, name: role.name };
}

export interface ApiTokenFields {
  id: string;
  name: string;
  description?: string;
  roleId: string;
  roleName: string;
  createdAt: string;
}

/** A listed token: never carries the secret. */
export function apiTokenJson(token: ApiTokenFields): OrganizationApiToken {
  return {
    id: token.id,
    created_at: token.createdAt,
    name: token.name,
    ...(token.description === undefined ? {} : { description: token.description }),
    role_name: token.roleName,
    role_id: token.roleId,
  };
}

export function accountJson(user: UserRecord): AccountInfo {
  return {
    id: user.id,
    created_at: user.createdAt,
    nickname: user.nickname,
    first_name: user.firstName,
    last_name: user.lastName,
    profile_picture_url: user.pictureUrl,
    communication_email: user.email,
  };
}
