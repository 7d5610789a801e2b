// Preview environments: clone an environment, edit its services (full bodies, as Qovery's PUT replaces
// what it is sent), its deployment rule, and delete it. An account wrapper that adds the clones and
// hides the deleted environments, so every other store (deployments, variables, logs) sees them alike.
import type { EnvironmentModeEnum, WeekdayEnum } from 'qovery-typescript-axios';
import { IdKind, decodeId, encodeId } from './ids';
import type { EnvironmentRecord, ProjectRecord, QoveryAccount, RoleRecord, SeedApiToken, ServiceRecord, UserRecord } from './model';
import { serviceJson } from './shapes';

/** Clones get ids of their own account namespace, with indexes that decode to their environment. */
const CLONE_ACCOUNT = 0x50;
const MODES: readonly string[] = ['PRODUCTION', 'STAGING', 'DEVELOPMENT', 'PREVIEW'];
const WEEKDAYS: readonly string[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

export class PreviewProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export interface DeploymentRuleRecord {
  id: string;
  environmentId: string;
  createdAt: string;
  updatedAt?: string;
  autoStop: boolean;
  onDemandPreview: boolean;
  autoPreview: boolean;
  timezone: string;
  startTime: string;
  stopTime: string;
  weekdays: WeekdayEnum[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The keys of each service type that an edit request carries under the same name as the answer, and
 * the ones it reshapes (git repository, source, auto deploy): an edit that leaves one out resets it.
 */
const SAME_KEYS: Record<string, readonly string[]> = {
  APPLICATION: [
    'storage', 'name', 'description', 'build_mode', 'dockerfile_path', 'cpu', 'memory', 'gpu', 'ephemeral_storage_in_gib', 'min_running_instances',
    'max_running_instances', 'healthchecks', 'auto_preview', 'ports', 'arguments', 'entrypoint', 'auto_deploy', 'annotations_groups', 'labels_groups',
    'icon_uri', 'docker_target_build_stage', 'cpu_architecture', 'autoscaling',
  ],
  JOB: [
    'name', 'description', 'cpu', 'memory', 'gpu', 'ephemeral_storage_in_gib', 'max_nb_restart', 'max_duration_seconds', 'auto_preview', 'port',
    'cpu_architecture', 'healthchecks', 'schedule', 'auto_deploy', 'annotations_groups', 'labels_groups', 'icon_uri',
  ],
  HELM: ['ports', 'name', 'description', 'timeout_sec', 'auto_preview', 'auto_deploy', 'arguments', 'allow_cluster_wide_resources', 'values_override', 'icon_uri'],
  TERRAFORM: [
    'name', 'description', 'terraform_variables_source', 'backend', 'engine', 'provider_version', 'timeout_sec', 'icon_uri', 'job_resources',
    'use_cluster_credentials', 'action_extra_arguments', 'dockerfile_fragment',
  ],
};
const REQUIRED: Record<string, readonly string[]> = {
  APPLICATION: ['healthchecks'],
  JOB: ['name', 'healthchecks'],
  HELM: ['name', 'auto_deploy', 'source', 'arguments', 'values_override'],
  TERRAFORM: ['name', 'description', 'auto_deploy_config', 'terraform_files_source', 'terraform_variables_source', 'backend', 'engine', 'provider_version', 'job_resources'],
};
const TYPE_SEGMENT: Record<string, string> = { application: 'APPLICATION', job: 'JOB', helm: 'HELM', terraform: 'TERRAFORM' };

/** A git repository of an edit request read back into the answer's form (keeping what the answer alone has). */
function gitBack(before: unknown, request: unknown, what: string): Obj {
  if (!isObject(request) || typeof request.url !== 'string' || request.url === '') {
    throw new PreviewProblem(400, `${what}.url is required.`);
  }
  const old = isObject(before) ? before : {};
  const merged: Obj = { ...old, url: request.url };
  // A terraform repository request has no owner, name or provider: those stay as the answer had them.
  const keys = 'owner' in request || 'provider' in request ? (['owner', 'name', 'provider', 'branch', 'root_path'] as const) : (['branch', 'root_path'] as const);
  for (const key of keys) {
    if (typeof request[key] === 'string') {
      merged[key] = request[key];
    } else {
      delete merged[key];
    }
  }
  if (merged.branch === undefined) {
    merged.branch = 'main';
  }
  return merged;
}

/** The answer after a PUT: the read-only part of the old answer, then exactly what the request carried. */
export function applyEdit(type: string, before: Obj, request: Obj): Obj {
  for (const key of REQUIRED[type]) {
    if (request[key] === undefined || request[key] === null) {
      throw new PreviewProblem(400, `${key} is required.`);
    }
  }
  const after: Obj = { ...before };
  for (const key of SAME_KEYS[type]) {
    if (request[key] === undefined) {
      delete after[key];
    } else {
      after[key] = request[key];
    }
  }
  switch (type) {
    case 'APPLICATION':
      if (request.git_repository === undefined) {
        throw new PreviewProblem(400, 'git_repository is required to keep the application built from git.');
      }
      after.git_repository = gitBack(before.git_repository, request.git_repository, 'git_repository');
      break;
    case 'JOB': {
      const source = isObject(request.source) ? request.source : undefined;
      if (!source) {
        throw new PreviewProblem(400, 'source is required.');
      }
      const oldSource = isObject(before.source) ? before.source : {};
      if (isObject(source.docker)) {
        const docker = source.docker;
        const oldDocker = isObject(oldSource.docker) ? oldSource.docker : {};
        const next: Obj = { git_repository: gitBack(oldDocker.git_repository, docker.git_repository, 'source.docker.git_repository') };
        for (const key of ['dockerfile_path', 'dockerfile_raw', 'docker_target_build_stage']) {
          if (docker[key] !== undefined) {
            next[key] = docker[key];
          }
        }
        after.source = { docker: next };
      } else if (isObject(source.image)) {
        const oldImage = isObject(oldSource.image) ? oldSource.image : {};
        after.source = { image: { ...oldImage, ...source.image } };
      } else {
        throw new PreviewProblem(400, 'source must hold docker or image.');
      }
      break;
    }
    case 'HELM': {
      const source = request.source as Obj;
      const oldSource = isObject(before.source) ? before.source : {};
      if (isObject(source.git_repository)) {
        const oldGit = isObject(oldSource.git) ? oldSource.git : {};
        after.source = { git: { git_repository: gitBack(oldGit.git_repository, source.git_repository, 'source.git_repository') } };
      } else if (isObject(source.helm_repository)) {
        const chart = source.helm_repository;
        const old = isObject(oldSource.repository) ? oldSource.repository : {};
        after.source = { repository: { ...old, chart_name: chart.chart_name, chart_version: chart.chart_version } };
      } else {
        throw new PreviewProblem(400, 'source must hold git_repository or helm_repository.');
      }
      break;
    }
    case 'TERRAFORM': {
      const files = request.terraform_files_source as Obj;
      const config = isObject(request.auto_deploy_config) ? request.auto_deploy_config : {};
      const oldFiles = isObject(before.terraform_files_source) ? before.terraform_files_source : {};
      const oldGit = isObject(oldFiles.git) ? oldFiles.git : {};
      after.terraform_files_source = { git: { git_repository: gitBack(oldGit.git_repository, files.git_repository, 'terraform_files_source.git_repository') } };
      after.auto_deploy = config.auto_deploy === true;
      after.auto_deploy_config = { auto_deploy: config.auto_deploy === true, terraform_action: typeof config.terraform_action === 'string' ? config.terraform_action : 'DEFAULT' };
      break;
    }
  }
  return after;
}

/** The branch an answer's git repository names, wherever its type keeps it. */
function branchOf(json: Obj): string | undefined {
  const source = isObject(json.source) ? json.source : {};
  const files = isObject(json.terraform_files_source) ? json.terraform_files_source : {};
  const candidates = [json.git_repository, isObject(source.docker) ? source.docker.git_repository : undefined, isObject(source.git) ? source.git.git_repository : undefined, isObject(files.git) ? files.git.git_repository : undefined];
  const found = candidates.find(isObject);
  return found && typeof found.branch === 'string' ? found.branch : undefined;
}

/** The record with its branch moved, so the commits, the scan and the deployments follow the edit. */
function withBranch(service: ServiceRecord, branch: string | undefined, json: Obj): ServiceRecord {
  const source = service.source;
  if (branch === undefined) {
    return { ...service, json };
  }
  switch (source.type) {
    case 'APPLICATION':
      return { ...service, json, source: { ...source, branch } };
    case 'JOB':
    case 'HELM':
      return { ...service, json, source: source.git ? { ...source, git: { ...source.git, branch } } : source };
    case 'TERRAFORM':
      return { ...service, json, source: { ...source, branch } };
    default:
      return { ...service, json };
  }
}

/**
 * The base account plus the environments cloned through the API, minus the deleted ones, with the
 * services edited through the API.
 */
export class EditableAccount implements QoveryAccount {
  readonly #clones = new Map<string, EnvironmentRecord>();
  readonly #cloneServices = new Map<string, ServiceRecord[]>();
  readonly #edited = new Map<string, ServiceRecord>();
  readonly #deleted = new Set<string>();
  readonly #rules = new Map<string, DeploymentRuleRecord>();
  #cloned = 0;

  constructor(
    private readonly base: QoveryAccount,
    private readonly now: () => Date,
  ) {}

  get summary(): string {
    return this.base.summary;
  }

  organizations() {
    return this.base.organizations();
  }

  organization(id: string) {
    return this.base.organization(id);
  }

  #counted(project: ProjectRecord): ProjectRecord {
    // The base counts its own environments; only a project with a clone or a deletion is counted again
    // (a large generated account lists 25,000 projects: their environments are not made for this).
    const touched = [...this.#clones.values()].some((e) => e.projectId === project.id) || [...this.#deleted].some((id) => this.base.environment(id)?.projectId === project.id);
    return touched ? { ...project, environmentCount: this.environments(project.id).length } : project;
  }

  projects(organizationId: string): ProjectRecord[] {
    return this.base.projects(organizationId).map((p) => this.#counted(p));
  }

  project(id: string): ProjectRecord | undefined {
    const project = this.base.project(id);
    return project && this.#counted(project);
  }

  environments(projectId: string): EnvironmentRecord[] {
    const clones = [...this.#clones.values()].filter((e) => e.projectId === projectId && !this.#deleted.has(e.id));
    return [...this.base.environments(projectId).filter((e) => !this.#deleted.has(e.id)), ...clones];
  }

  environment(id: string): EnvironmentRecord | undefined {
    if (this.#deleted.has(id)) {
      return undefined;
    }
    return this.#clones.get(id) ?? this.base.environment(id);
  }

  services(environmentId: string): ServiceRecord[] {
    if (this.#deleted.has(environmentId)) {
      return [];
    }
    const services = this.#cloneServices.get(environmentId) ?? this.base.services(environmentId);
    return services.map((s) => this.#edited.get(s.id) ?? s);
  }

  roles(organizationId: string): readonly RoleRecord[] {
    return this.base.roles(organizationId);
  }

  seedApiTokens(): readonly SeedApiToken[] {
    return this.base.seedApiTokens();
  }

  users(): readonly UserRecord[] {
    return this.base.users();
  }

  /** Environments deleted through the API (for tests). */
  deletedEnvironments(): readonly string[] {
    return [...this.#deleted];
  }

  /** POST /environment/{id}/clone: a new environment with a copy of each service, never deployed. */
  clone(source: EnvironmentRecord, body: unknown): EnvironmentRecord {
    if (!isObject(body) || typeof body.name !== 'string' || body.name.trim() === '') {
      throw new PreviewProblem(400, 'name is required.');
    }
    if (body.mode !== undefined && (typeof body.mode !== 'string' || !MODES.includes(body.mode))) {
      throw new PreviewProblem(400, `mode must be one of ${MODES.join(', ')}.`);
    }
    const projectId = typeof body.project_id === 'string' ? body.project_id : source.projectId;
    const project = this.project(projectId);
    if (!project || project.organizationId !== source.organizationId) {
      throw new PreviewProblem(400, `project_id ${projectId} is not a project of this organization.`);
    }
    const name = body.name.trim();
    // Names are case insensitive and unique in a project.
    if (this.environments(projectId).some((e) => e.name.toLowerCase() === name.toLowerCase())) {
      throw new PreviewProblem(409, `An environment named "${name}" already exists in this project.`);
    }
    const source0 = decodeId(source.id);
    const [o, p] = source0?.indexes ?? [0, 0];
    const index = 0x4000 + this.#cloned++;
    const createdAt = this.now().toISOString();
    const environment: EnvironmentRecord = {
      ...source,
      id: encodeId(IdKind.environment, CLONE_ACCOUNT, o, p, index),
      projectId,
      name,
      mode: (body.mode as EnvironmentModeEnum | undefined) ?? source.mode,
      createdAt,
    };
    this.#clones.set(environment.id, environment);
    this.#cloneServices.set(
      environment.id,
      this.services(source.id).map((service, s) => ({
        ...service,
        id: encodeId(IdKind.service, CLONE_ACCOUNT, o, p, index, s),
        environmentId: environment.id,
        createdAt,
        state: 'READY',
        deploymentStatus: 'NEVER_DEPLOYED',
        lastDeployedAt: undefined,
        json: service.json && { ...service.json, environment: { id: environment.id } },
      })),
    );
    if (body.apply_deployment_rule === true && this.#rules.has(source.id)) {
      this.#rules.set(environment.id, { ...this.#rules.get(source.id)!, id: encodeId(IdKind.deployment, CLONE_ACCOUNT, o, p, index, 0xfff), environmentId: environment.id });
    }
    return environment;
  }

  /** The service of a GET or PUT /{type}/{id}, or a 404. */
  service(typeSegment: string, serviceId: string): { environment: EnvironmentRecord; service: ServiceRecord } {
    const type = TYPE_SEGMENT[typeSegment];
    const decoded = decodeId(serviceId);
    if (decoded?.kind === IdKind.service) {
      const [o, p, e] = decoded.indexes;
      const environment = this.environment(encodeId(IdKind.environment, decoded.account, o, p, e));
      const service = environment && this.services(environment.id).find((s) => s.id === serviceId);
      if (environment && service && service.source.type === type) {
        return { environment, service };
      }
    }
    throw new PreviewProblem(404, `${typeSegment} ${serviceId} not found.`);
  }

  /** PUT /{type}/{id}: the whole edit request replaces what it names; what it leaves out is reset. */
  edit(typeSegment: string, serviceId: string, body: unknown): ServiceRecord {
    const { service } = this.service(typeSegment, serviceId);
    if (!isObject(body)) {
      throw new PreviewProblem(400, 'The request body must be a JSON object.');
    }
    const before = serviceJson(service) as unknown as Obj;
    const after = applyEdit(service.source.type, before, body);
    const edited = withBranch(service, branchOf(after), after);
    this.#edited.set(service.id, edited);
    return edited;
  }

  /** GET /environment/{id}/deploymentRule: a default rule (no auto stop) until one is written. */
  rule(environment: EnvironmentRecord): DeploymentRuleRecord {
    let rule = this.#rules.get(environment.id);
    if (!rule) {
      const at = decodeId(environment.id)?.indexes ?? [0, 0, 0, 0];
      rule = {
        id: encodeId(IdKind.deployment, decodeId(environment.id)?.account ?? 0, at[0], at[1], at[2], 0xffe),
        environmentId: environment.id,
        createdAt: environment.createdAt,
        autoStop: false,
        onDemandPreview: false,
        autoPreview: false,
        timezone: 'UTC',
        startTime: '1970-01-01T08:00:00.000Z',
        stopTime: '1970-01-01T19:00:00.000Z',
        weekdays: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
      };
      this.#rules.set(environment.id, rule);
    }
    return rule;
  }

  /** PUT /environment/{id}/deploymentRule/{ruleId}. */
  editRule(environment: EnvironmentRecord, ruleId: string, body: unknown): DeploymentRuleRecord {
    const rule = this.rule(environment);
    if (rule.id !== ruleId) {
      throw new PreviewProblem(404, `Deployment rule ${ruleId} not found.`);
    }
    if (!isObject(body)) {
      throw new PreviewProblem(400, 'The request body must be a JSON object.');
    }
    for (const key of ['timezone', 'start_time', 'stop_time'] as const) {
      if (typeof body[key] !== 'string' || body[key] === '') {
        throw new PreviewProblem(400, `${key} is required.`);
      }
    }
    for (const key of ['start_time', 'stop_time'] as const) {
      if (Number.isNaN(Date.parse(body[key] as string))) {
        throw new PreviewProblem(400, `${key} must be a date-time.`);
      }
    }
    if (!Array.isArray(body.weekdays) || body.weekdays.some((d) => typeof d !== 'string' || !WEEKDAYS.includes(d))) {
      throw new PreviewProblem(400, `weekdays must list days among ${WEEKDAYS.join(', ')}.`);
    }
    const next: DeploymentRuleRecord = {
      ...rule,
      updatedAt: this.now().toISOString(),
      autoStop: body.auto_stop === true,
      onDemandPreview: body.on_demand_preview === true,
      autoPreview: body.auto_preview === true,
      timezone: body.timezone as string,
      startTime: body.start_time as string,
      stopTime: body.stop_time as string,
      weekdays: body.weekdays as WeekdayEnum[],
    };
    this.#rules.set(environment.id, next);
    return next;
  }

  /** DELETE /environment/{id}. */
  delete(environment: EnvironmentRecord): void {
    this.#deleted.add(environment.id);
  }
}

export function deploymentRuleJson(rule: DeploymentRuleRecord): Obj {
  return {
    id: rule.id,
    created_at: rule.createdAt,
    ...(rule.updatedAt ? { updated_at: rule.updatedAt } : {}),
    on_demand_preview: rule.onDemandPreview,
    auto_stop: rule.autoStop,
    auto_preview: rule.autoPreview,
    timezone: rule.timezone,
    start_time: rule.startTime,
    stop_time: rule.stopTime,
    weekdays: rule.weekdays,
  };
}
