// Preview environments: the name from a branch, the blueprint, the edit body of each service kind, and
// the saga's steps and decisions. No `vscode` here: plain mocha tests the rules.

/**
 * The longest preview name: a DNS label (63) is what a name can become in a Qovery host name; the
 * console's own clone dialog takes free text, so the extension keeps to the strictest rule it meets.
 */
export const PREVIEW_NAME_MAX = 63;

/**
 * The name of a branch's preview: lower case (Qovery compares names case-insensitively), letters,
 * digits and single dashes, no dash at either end, at most 63 characters. "feat/Login_Form" ->
 * "feat-login-form"; a branch with nothing usable gives "preview".
 */
export function previewNameBase(branch: string): string {
  const slug = branch
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.slice(0, PREVIEW_NAME_MAX).replace(/-+$/g, '');
  return cut === '' ? 'preview' : cut;
}

/**
 * The base name, or the first "<base>-N" (N from 2) no environment of the project holds, compared
 * case-insensitively, cut so that the suffix fits in 63 characters.
 */
export function previewName(branch: string, taken: Iterable<string>): string {
  const names = new Set([...taken].map((n) => n.toLowerCase()));
  const base = previewNameBase(branch);
  if (!names.has(base)) {
    return base;
  }
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, PREVIEW_NAME_MAX - suffix.length).replace(/-+$/g, '')}${suffix}`;
    if (!names.has(candidate)) {
      return candidate;
    }
  }
}

/** Whether a name follows the rules of previewNameBase (what a user may type instead). */
export function isValidPreviewName(name: string): boolean {
  return name.length > 0 && name.length <= PREVIEW_NAME_MAX && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(name);
}

/** An environment of the scan, with what its services build. */
export interface EnvironmentCandidate {
  organizationId: string;
  projectId: string;
  projectName: string;
  environmentId: string;
  environmentName: string;
  mode?: string;
  /** The branches its git-built services of this repository build. */
  branches: string[];
}

export interface BlueprintChoice {
  /** Best first; production last. */
  ordered: EnvironmentCandidate[];
  /** The one to preselect: never a production environment, never a preview. */
  preselected?: EnvironmentCandidate;
}

function blueprintRank(c: EnvironmentCandidate, defaultBranch: string | undefined): number {
  const onDefault = defaultBranch !== undefined && c.branches.includes(defaultBranch);
  switch (c.mode) {
    case 'STAGING':
      return onDefault ? 0 : 1;
    case 'DEVELOPMENT':
      return onDefault ? 2 : 3;
    case 'PRODUCTION':
      return 9;
    default:
      return onDefault ? 4 : 5;
  }
}

/**
 * The blueprint to clone: the environment the default branch deploys to, staging first, then
 * development, others, production last and never preselected. Previews are not blueprints.
 */
export function chooseBlueprint(candidates: readonly EnvironmentCandidate[], defaultBranch: string | undefined): BlueprintChoice {
  const ordered = candidates
    .filter((c) => c.mode !== 'PREVIEW')
    .map((c) => ({ c, rank: blueprintRank(c, defaultBranch) }))
    .sort((a, b) => a.rank - b.rank || a.c.projectName.localeCompare(b.c.projectName) || a.c.environmentName.localeCompare(b.c.environmentName))
    .map((x) => x.c);
  const first = ordered[0];
  return { ordered, preselected: first && first.mode !== 'PRODUCTION' ? first : undefined };
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields an edit request carries under the name the service's answer gives them, per kind. */
export const EDIT_SAME_KEYS: Readonly<Record<EditableKind, readonly string[]>> = {
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

export type EditableKind = 'APPLICATION' | 'JOB' | 'HELM' | 'TERRAFORM';

/** The request path segment of each kind: PUT /application/{id}, /job/{id}, /helm/{id}, /terraform/{id}. */
export const KIND_SEGMENT: Readonly<Record<EditableKind, string>> = { APPLICATION: 'application', JOB: 'job', HELM: 'helm', TERRAFORM: 'terraform' };

export type EditPlan =
  | { kind: 'edit'; serviceKind: EditableKind; body: Obj }
  /** Not built from git (a container, a database, an image job, a chart from a helm repository): nothing to point at the branch. */
  | { kind: 'skip' };

/**
 * The fields of a git repository an edit request takes: ApplicationGitRepositoryRequest (applications,
 * git jobs, and HelmGitRepositoryRequest alike) requires owner and name though it does not describe
 * them; TerraformGitRepositoryRequest has no provider, owner or name.
 */
const GIT_REQUEST_KEYS = ['url', 'owner', 'name', 'provider', 'root_path', 'git_token_id'] as const;
const TERRAFORM_GIT_REQUEST_KEYS = ['url', 'root_path', 'git_token_id'] as const;

/** A git repository of an answer as an edit request wants it, on `branch`. */
function gitRequest(answer: Obj, branch: string, keys: readonly string[] = GIT_REQUEST_KEYS): Obj {
  const out: Obj = {};
  for (const key of keys) {
    if (answer[key] !== undefined && answer[key] !== null) {
      out[key] = answer[key];
    }
  }
  out.branch = branch;
  return out;
}

function same(answer: Obj, kind: EditableKind): Obj {
  const body: Obj = {};
  for (const key of EDIT_SAME_KEYS[kind]) {
    if (answer[key] !== undefined) {
      body[key] = answer[key];
    }
  }
  return body;
}

/**
 * The edit request that points a service (as `GET /environment/{id}/services` or `GET /{kind}/{id}`
 * answers it) at `branch` and sends back every other field it read: Qovery's PUT replaces the whole
 * service, so a field left out would be reset.
 */
export function editBody(service: unknown, branch: string): EditPlan {
  if (!isObject(service)) {
    return { kind: 'skip' };
  }
  const source = isObject(service.source) ? service.source : {};
  switch (service.service_type) {
    case 'APPLICATION': {
      if (!isObject(service.git_repository)) {
        return { kind: 'skip' };
      }
      return { kind: 'edit', serviceKind: 'APPLICATION', body: { ...same(service, 'APPLICATION'), git_repository: gitRequest(service.git_repository, branch) } };
    }
    case 'JOB': {
      const docker = isObject(source.docker) ? source.docker : undefined;
      if (!docker || !isObject(docker.git_repository)) {
        return { kind: 'skip' };
      }
      const next: Obj = { git_repository: gitRequest(docker.git_repository, branch) };
      for (const key of ['dockerfile_path', 'dockerfile_raw', 'docker_target_build_stage']) {
        if (docker[key] !== undefined) {
          next[key] = docker[key];
        }
      }
      return { kind: 'edit', serviceKind: 'JOB', body: { ...same(service, 'JOB'), source: { docker: next } } };
    }
    case 'HELM': {
      const git = isObject(source.git) ? source.git : undefined;
      if (!git || !isObject(git.git_repository)) {
        return { kind: 'skip' };
      }
      return { kind: 'edit', serviceKind: 'HELM', body: { ...same(service, 'HELM'), source: { git_repository: gitRequest(git.git_repository, branch) } } };
    }
    case 'TERRAFORM': {
      const files = isObject(service.terraform_files_source) ? service.terraform_files_source : {};
      const git = isObject(files.git) ? files.git : undefined;
      if (!git || !isObject(git.git_repository)) {
        return { kind: 'skip' };
      }
      const config = isObject(service.auto_deploy_config) ? service.auto_deploy_config : undefined;
      const body: Obj = {
        ...same(service, 'TERRAFORM'),
        // Required by the edit request, optional in the answer.
        description: typeof service.description === 'string' ? service.description : '',
        auto_deploy_config: config ? { ...config } : { auto_deploy: service.auto_deploy === true, terraform_action: 'DEFAULT' },
        terraform_files_source: { git_repository: gitRequest(git.git_repository, branch, TERRAFORM_GIT_REQUEST_KEYS) },
      };
      const variables = isObject(service.terraform_variables_source) ? service.terraform_variables_source : undefined;
      if (variables) {
        // The answer may mark values as secret; the request keeps key, value and the flag.
        body.terraform_variables_source = {
          tf_var_file_paths: Array.isArray(variables.tf_var_file_paths) ? variables.tf_var_file_paths : [],
          tf_vars: Array.isArray(variables.tf_vars) ? variables.tf_vars : [],
        };
      }
      return { kind: 'edit', serviceKind: 'TERRAFORM', body };
    }
    default:
      return { kind: 'skip' };
  }
}

// --- the saga --------------------------------------------------------------------------------------

/**
 * The steps of a creation, in order. Each is recorded before its irreversible call, so a restart
 * knows what may have happened: `cloning` (the clone may exist under the chosen name), `cloned`
 * (the environment id is known), `pointing` (services edited one by one: `edited` lists them),
 * `pointed`, `deploying`, then done (the journal is cleared).
 */
export type SagaStep = 'cloning' | 'cloned' | 'pointing' | 'pointed' | 'deploying';

export interface PreviewJournal {
  /** "<connection>|<project>|<repository key>|<branch>": one creation per branch and project. */
  key: string;
  connectionId: string;
  organizationId: string;
  projectId: string;
  blueprintId: string;
  blueprintName: string;
  branch: string;
  /** The commit to deploy (the branch's pushed HEAD when the creation started). */
  commitId: string;
  /** The blueprint's services built from this repository, by name: their copies are pointed at the branch. */
  pointNames: string[];
  name: string;
  step: SagaStep;
  environmentId?: string;
  /** Services already pointed at the branch. */
  edited: string[];
  startedAt: number;
  updatedAt: number;
}

export function journalKey(connectionId: string, projectId: string, repositoryKey: string, branch: string): string {
  return [connectionId, projectId, repositoryKey, branch].join('|');
}

/** What the project holds under the preview's name, read after a restart or a lost answer. */
export interface Found {
  environmentId: string;
  mode?: string;
  /** Whether its git-built services already build the branch. */
  onBranch: boolean;
  /** When Qovery made it (epoch ms, from created_at); undefined when the answer did not say. */
  createdAt?: number;
}

export type Recovery =
  /** Nothing was created: start again from the clone. */
  | { kind: 'restart' }
  /** The environment exists and is ours: go on from this step. */
  | { kind: 'resume'; environmentId: string; from: 'point' | 'deploy' }
  /** The environment exists but cannot be finished (the user chose to stop, or it is too old): delete it. */
  | { kind: 'rollback'; environmentId: string }
  /** The name is held by an environment this saga did not make: stop and say so, touching nothing. */
  | { kind: 'conflict' };

/** Past this, an unfinished creation found at start is rolled back rather than resumed. */
export const RESUME_WITHIN_MS = 24 * 3_600_000;

/** How far Qovery's clock and this machine's may disagree. */
export const CLOCK_SKEW_MS = 2 * 60_000;

/** The longest a clone may take to be made after its journal was written (the request's timeout and more). */
export const CLONE_WINDOW_MS = 5 * 60_000;

/** The epoch ms of an API date, or undefined when there is none or it does not parse. */
export function epochOf(date: string | undefined): number | undefined {
  const ms = date === undefined ? NaN : Date.parse(date);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Whether an environment found by name alone (the clone's answer never read) can be the one this
 * journal's clone made: a PREVIEW made while the clone was under way, never before the journal was
 * written nor long after (a teammate's preview of the same name made later is not ours).
 */
export function madeByClone(journal: Pick<PreviewJournal, 'startedAt' | 'updatedAt'>, found: Pick<Found, 'mode' | 'createdAt'>): boolean {
  if (found.mode !== 'PREVIEW' || found.createdAt === undefined) {
    return false;
  }
  return found.createdAt >= journal.startedAt - CLOCK_SKEW_MS && found.createdAt <= Math.max(journal.startedAt, journal.updatedAt) + CLONE_WINDOW_MS + CLOCK_SKEW_MS;
}

/**
 * What to do with a journal found unfinished (a restart, a lost answer): resume a creation whose
 * environment exists, restart one whose clone never happened, roll back one too old to finish.
 * `found` is the project's environment under the journal's name (undefined when there is none).
 */
export function decideRecovery(journal: PreviewJournal, found: Found | undefined, now: number): Recovery {
  const stale = now - journal.updatedAt > RESUME_WITHIN_MS;
  if (!found) {
    if (journal.environmentId === undefined || journal.step === 'cloning') {
      return { kind: 'restart' };
    }
    // Recorded as cloned but gone: someone deleted it; start again.
    return { kind: 'restart' };
  }
  if (journal.environmentId !== undefined && found.environmentId !== journal.environmentId) {
    return { kind: 'conflict' };
  }
  if (journal.environmentId === undefined && !madeByClone(journal, found)) {
    // Matched by name only: another's environment unless it is a PREVIEW made while our clone ran.
    return { kind: 'conflict' };
  }
  if (found.mode !== undefined && found.mode !== 'PREVIEW') {
    return { kind: 'conflict' };
  }
  if (stale) {
    return { kind: 'rollback', environmentId: found.environmentId };
  }
  if (journal.step === 'deploying' || journal.step === 'pointed') {
    return { kind: 'resume', environmentId: found.environmentId, from: 'deploy' };
  }
  return { kind: 'resume', environmentId: found.environmentId, from: 'point' };
}

/** The nightly stop offered at creation: stop at 20:00, start at 08:00 on weekdays, in the user's time zone. */
export interface NightlyStop {
  timezone: string;
  startTime: string;
  stopTime: string;
  weekdays: string[];
}

export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const;

export function nightlyStop(timezone: string | undefined): NightlyStop {
  return {
    timezone: timezone && /^[A-Za-z_+\-/0-9]{1,64}$/.test(timezone) ? timezone : 'UTC',
    startTime: '1970-01-01T08:00:00.000Z',
    stopTime: '1970-01-01T20:00:00.000Z',
    weekdays: [...WEEKDAYS],
  };
}

/** The deployment rule edit (EnvironmentDeploymentRuleEditRequest) that turns the nightly stop on, keeping the rule's other flags. */
export function nightlyRuleBody(current: unknown, stop: NightlyStop): Obj {
  const rule = isObject(current) ? current : {};
  return {
    on_demand_preview: rule.on_demand_preview === true,
    auto_preview: rule.auto_preview === true,
    auto_stop: true,
    timezone: stop.timezone,
    start_time: stop.startTime,
    stop_time: stop.stopTime,
    weekdays: stop.weekdays,
  };
}

/**
 * The deploy of a new preview (`POST /environment/{id}/service/deploy`, DeployAllRequest): the services
 * pointed at the branch at `commitId`; every other service at what its blueprint ran (a git-built one of
 * another repository at its deployed commit, a container or image job at its tag, a chart from a
 * repository at its version, a database as it is). A clone was never deployed, so nothing may be empty.
 */
export function deployBody(services: readonly unknown[], pointed: ReadonlySet<string>, commitId: string): Obj {
  const applications: Obj[] = [];
  const containers: Obj[] = [];
  const databases: string[] = [];
  const jobs: Obj[] = [];
  const helms: Obj[] = [];
  const terraforms: Obj[] = [];
  const deployedCommit = (git: unknown): Obj => (isObject(git) && typeof git.deployed_commit_id === 'string' ? { git_commit_id: git.deployed_commit_id } : {});
  for (const service of services) {
    if (!isObject(service) || typeof service.id !== 'string') {
      continue;
    }
    const id = service.id;
    const mine = pointed.has(id);
    const source = isObject(service.source) ? service.source : {};
    switch (service.service_type) {
      case 'APPLICATION':
        applications.push({ application_id: id, ...(mine ? { git_commit_id: commitId } : deployedCommit(service.git_repository)) });
        break;
      case 'CONTAINER':
        containers.push({ id, ...(typeof service.tag === 'string' ? { image_tag: service.tag } : {}) });
        break;
      case 'DATABASE':
        databases.push(id);
        break;
      case 'JOB': {
        const docker = isObject(source.docker) ? source.docker : undefined;
        const image = isObject(source.image) ? source.image : undefined;
        if (docker) {
          jobs.push({ id, ...(mine ? { git_commit_id: commitId } : deployedCommit(docker.git_repository)) });
        } else {
          jobs.push({ id, ...(image && typeof image.tag === 'string' ? { image_tag: image.tag } : {}) });
        }
        break;
      }
      case 'HELM': {
        const git = isObject(source.git) ? source.git : undefined;
        const repository = isObject(source.repository) ? source.repository : undefined;
        if (git) {
          helms.push({ id, ...(mine ? { git_commit_id: commitId } : deployedCommit(git.git_repository)) });
        } else {
          helms.push({ id, ...(repository && typeof repository.chart_version === 'string' ? { chart_version: repository.chart_version } : {}) });
        }
        break;
      }
      case 'TERRAFORM': {
        const files = isObject(service.terraform_files_source) ? service.terraform_files_source : {};
        terraforms.push({ id, ...(mine ? { git_commit_id: commitId } : deployedCommit(isObject(files.git) ? files.git.git_repository : undefined)) });
        break;
      }
    }
  }
  const body: Obj = {};
  for (const [key, list] of [['applications', applications], ['containers', containers], ['databases', databases], ['jobs', jobs], ['helms', helms], ['terraforms', terraforms]] as const) {
    if (list.length > 0) {
      body[key] = list;
    }
  }
  return body;
}
