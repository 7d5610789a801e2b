// Deployments: a state machine per service with the spec's state names, the commits Qovery sees on
// each branch, deployment history, service links, and the handlers of the deploy / redeploy /
// restart-service / stop / cancelDeployment endpoints of the official spec. Steps advance on timers
// whose length a test can shorten (`setTimings`); `onStep` tells another module of every step.
import { createHash } from 'node:crypto';
import type { Commit, DeploymentHistoryService, EnvironmentStatuses, Link, StateEnum, Status, StatusDetails } from 'qovery-typescript-axios';
import type { Principal } from './auth';
import { IdKind, decodeId, encodeId } from './ids';
import type { EnvironmentRecord, QoveryAccount, ServiceRecord, ServiceType } from './model';

export type DeploymentAction = 'DEPLOY' | 'RESTART' | 'STOP';

/** How long each step lasts (a test shortens it; the demo keeps it long enough to watch). */
export interface DeploymentTimings {
  stepMs: number;
  /** How many `GET /environment/{id}/statuses` answers still show the state from before a new deployment (Qovery shows one late). */
  statusLagReads: number;
  /**
   * For how long after the POST the statuses still show the service as before it (state and execution
   * id): the real service may, which is why Qovery's CLI waits 3 s before it reads them.
   */
  statusLagMs: number;
  /** The 202 answer carries the state and execution id from before the action: nothing shows that the real one names the new deployment. */
  answerShowsPrevious: boolean;
  /** A service never deployed shows READY this long at the start of its first deployment (0: not at all). */
  neverDeployedReadyMs: number;
}

export const DEFAULT_TIMINGS: DeploymentTimings = { stepMs: 3_000, statusLagReads: 0, statusLagMs: 0, answerShowsPrevious: false, neverDeployedReadyMs: 0 };

/** One action on one service. Services acted on together (an environment deploy) share the execution id. */
export interface DeploymentRecord {
  /** `<environment id>-<n>`, as Qovery names an environment's executions; the `version` of the deployment logs. */
  executionId: string;
  /** The deployment request (uuid); a queued one can be cancelled by it. */
  requestId: string;
  environmentId: string;
  serviceId: string;
  serviceName: string;
  serviceType: ServiceType;
  action: DeploymentAction;
  commit?: Commit;
  imageTag?: string;
  triggeredBy: string;
  createdAt: string;
  updatedAt: string;
  /** The current state; `steps` are the states still to come. */
  state: StateEnum;
  steps: StateEnum[];
  /** Statuses answers that do not show this deployment yet. */
  hiddenReads?: number;
  /** Until when (ms since the epoch) the statuses do not show this deployment yet. */
  hiddenUntil?: number;
}

/** A failure the router turns into an RFC 7807 answer. */
export class DeploymentProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Roles that may deploy (Viewer and Billing Manager may not). */
const DEPLOYER_ROLES = new Set(['Admin', 'DevOps', 'deployer']);
const GIT_TYPES = new Set<ServiceType>(['APPLICATION']);
const TYPE_SEGMENT: Record<string, ServiceType> = {
  application: 'APPLICATION',
  container: 'CONTAINER',
  database: 'DATABASE',
  job: 'JOB',
  helm: 'HELM',
  terraform: 'TERRAFORM',
};

/** The repository and branch a service is built from, when it is built from git. */
export function gitOf(service: ServiceRecord): { repository: string; branch: string } | undefined {
  const source = service.source;
  switch (source.type) {
    case 'APPLICATION':
      return { repository: source.repository, branch: source.branch };
    case 'JOB':
    case 'HELM':
      return source.git && { repository: source.git.repository, branch: source.git.branch };
    case 'TERRAFORM':
      return { repository: source.repository, branch: source.branch ?? 'main' };
    default:
      return undefined;
  }
}

export const isMoving = (state: StateEnum): boolean => /(ING|QUEUED)$/.test(state) && state !== 'WAITING_RUNNING';
export const isFinal = (state: StateEnum): boolean => !isMoving(state);

/** How a set of deployments run together ended (or where it is): the environment's `last_deployment_state`. */
function outcomeOf(states: readonly StateEnum[]): StateEnum {
  return states.find((s) => isMoving(s)) ?? states.find((s) => s.endsWith('ERROR')) ?? (states.every((s) => s === 'CANCELED') ? 'CANCELED' : states.find((s) => s !== 'CANCELED' && s !== 'READY') ?? 'READY');
}

const sha = (seed: string): string => createHash('sha1').update(seed).digest('hex');
const MESSAGES = ['Tune the cache headers', 'Fix the checkout total rounding', 'Try the new bundler', 'Add the search page', 'Upgrade dependencies', 'First deployable version'];
const AUTHORS = ['Alex Martin', 'Sam Lee', 'Alice Dupont'];

function statusDetails(state: StateEnum, action: DeploymentAction): StatusDetails {
  const status: StatusDetails['status'] = state.endsWith('QUEUED')
    ? 'QUEUED'
    : state.endsWith('_ERROR')
      ? 'ERROR'
      : state === 'CANCELED'
        ? 'CANCELED'
        : state === 'CANCELING'
          ? 'CANCELING'
          : isMoving(state)
            ? 'ONGOING'
            : 'SUCCESS';
  return { action, status, sub_action: 'NONE' };
}

/** ISO 8601 duration of a span in ms: "PT1M35S". */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `PT${Math.floor(s / 60)}M${s % 60}S`;
}

interface ServiceChain {
  environment: EnvironmentRecord;
  service: ServiceRecord;
}

export class DeploymentStore {
  #timings: DeploymentTimings = { ...DEFAULT_TIMINGS };
  readonly #deployments: DeploymentRecord[] = [];
  /** Pushed commits per service (newest first), on top of the seeded ones of its branch. */
  readonly #pushed = new Map<string, Commit[]>();
  /** Pushed commits per "repository#branch" (newest first): every service building that branch sees them. */
  readonly #pushedToBranch = new Map<string, Commit[]>();
  readonly #failing = new Set<string>();
  readonly #failNext = new Map<string, StateEnum>();
  /** State overrides of seeded services acted on without a deployment (a seeded DEPLOYING cancelled). */
  readonly #overrides = new Map<string, StateEnum>();
  /** Services left out of environment deployments, with the error an earlier deployment left them in. */
  readonly #leftOut = new Map<string, StateEnum>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #listeners = new Set<(deployment: DeploymentRecord, state: StateEnum) => void>();
  /** Starts above the seeded deployment logs' execution numbers (`<environment id>-7`), so ids never collide. */
  #executions = 100;
  #disposed = false;
  /** Every call of a `/redeploy` route, "POST /application/{id}/redeploy": legacy, no Qovery client sends them (a test asserts none is sent). */
  readonly #redeployCalls: string[] = [];

  constructor(
    private readonly account: QoveryAccount,
    private readonly now: () => Date,
  ) {}

  setTimings(timings: Partial<DeploymentTimings>): void {
    this.#timings = { ...this.#timings, ...timings };
  }

  /** Called at every step of every deployment (the first state included); returns the unsubscribe. */
  onStep(listener: (deployment: DeploymentRecord, state: StateEnum) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  all(): readonly DeploymentRecord[] {
    return this.#deployments;
  }

  /**
   * The `/redeploy` routes called so far ("POST /application/{id}/redeploy", "POST /environment/{id}/redeploy").
   * The real service still answers them, but they are legacy (application, container, database: to be
   * decommissioned, qovery-cli#247), the console's Restart (job, helm, terraform) or Terraform's restart
   * (environment): what the extension calls Redeploy must never reach them.
   */
  redeployCalls(): readonly string[] {
    return this.#redeployCalls;
  }

  /**
   * The commits Qovery sees on the branch of a git-built service (an application, a job built from git,
   * a helm chart from git, a terraform service), newest first (the last 100); none for the others.
   */
  commits(serviceId: string): Commit[] {
    const chain = this.#chain(serviceId);
    const git = chain && gitOf(chain.service);
    if (!chain || !git) {
      return [];
    }
    const { repository, branch } = git;
    const start = Date.parse(chain.service.lastDeployedAt ?? chain.service.createdAt);
    const seeded = MESSAGES.map((message, i): Commit => {
      // The second one is what the service runs (shapes.ts derives deployed_commit_id the same way).
      const id = i === 1 ? sha(serviceId) : sha(`${repository}#${branch}#${i}`);
      return {
        git_commit_id: id,
        created_at: new Date(start - (i - 1) * 3_600_000).toISOString(),
        author_name: AUTHORS[i % AUTHORS.length],
        message,
        tag: i === 1 ? 'v2.1.1' : '',
        commit_page_url: `https://github.com/${repository}/commit/${id}`,
      };
    });
    return [...(this.#pushed.get(serviceId) ?? []), ...(this.#pushedToBranch.get(`${repository}#${branch}`) ?? []), ...seeded].slice(0, 100);
  }

  /** The seeded commit whose build fails ("Try the new bundler"). */
  failingCommit(serviceId: string): string | undefined {
    return this.commits(serviceId).find((c) => c.message === MESSAGES[2])?.git_commit_id;
  }

  /** A commit pushed to a branch of a repository ("acme/storefront-web"): every service building it sees it from now on, clones included. */
  pushBranchCommit(repository: string, branch: string, commit: { sha: string; message?: string }): void {
    const key = `${repository}#${branch}`;
    const list = this.#pushedToBranch.get(key) ?? [];
    list.unshift({
      git_commit_id: commit.sha,
      created_at: this.now().toISOString(),
      author_name: 'Test',
      message: commit.message ?? 'A pushed commit',
      tag: '',
      commit_page_url: `https://github.com/${repository}/commit/${commit.sha}`,
    });
    this.#pushedToBranch.set(key, list);
  }

  /** A commit pushed to the service's branch: Qovery sees it from now on. */
  pushCommit(serviceId: string, commit: { sha: string; message?: string; author?: string; failsBuild?: boolean }): void {
    const chain = this.#chain(serviceId);
    const repository = (chain && gitOf(chain.service)?.repository) ?? 'unknown/unknown';
    const list = this.#pushed.get(serviceId) ?? [];
    list.unshift({
      git_commit_id: commit.sha,
      created_at: this.now().toISOString(),
      author_name: commit.author ?? 'Test',
      message: commit.message ?? 'A pushed commit',
      tag: '',
      commit_page_url: `https://github.com/${repository}/commit/${commit.sha}`,
    });
    this.#pushed.set(serviceId, list);
    if (commit.failsBuild) {
      this.#failing.add(commit.sha);
    }
  }

  /** The next deployment of the service ends in this error (DEPLOYMENT_ERROR by default). */
  failNext(serviceId: string, state: StateEnum = 'DEPLOYMENT_ERROR'): void {
    this.#failNext.set(serviceId, state);
  }

  /**
   * The service failed in an earlier deployment (`state`) and environment deployments leave it out:
   * its status says `is_part_last_deployment: false` and keeps the error, until it is deployed alone
   * (or `false` is given).
   */
  leaveOut(serviceId: string, state: StateEnum | false = 'BUILD_ERROR'): void {
    if (state === false) {
      this.#leftOut.delete(serviceId);
    } else {
      this.#leftOut.set(serviceId, state);
    }
  }

  /** The commit the service runs since its latest successful deployment that named one. */
  deployedCommit(serviceId: string): string | undefined {
    for (let i = this.#deployments.length - 1; i >= 0; i--) {
      const d = this.#deployments[i];
      if (d.serviceId === serviceId && d.action === 'DEPLOY' && d.state === 'DEPLOYED' && d.commit) {
        return d.commit.git_commit_id;
      }
    }
    return undefined;
  }

  /** A service of `GET /environment/{id}/services` with the commit it runs now (its deployments change it). */
  decorateService<T>(json: T, serviceId: string): T {
    const commit = this.deployedCommit(serviceId);
    const repository = (json as { git_repository?: { deployed_commit_id?: string } }).git_repository;
    if (commit && repository) {
      repository.deployed_commit_id = commit;
    }
    return json;
  }

  /** The service's latest deployment, if any. */
  latest(serviceId: string): DeploymentRecord | undefined {
    for (let i = this.#deployments.length - 1; i >= 0; i--) {
      if (this.#deployments[i].serviceId === serviceId) {
        return this.#deployments[i];
      }
    }
    return undefined;
  }

  /** The latest deployment the statuses show (one started lately may not show yet). */
  #shown(serviceId: string): DeploymentRecord | undefined {
    for (let i = this.#deployments.length - 1; i >= 0; i--) {
      const d = this.#deployments[i];
      if (d.serviceId === serviceId && this.#isShown(d)) {
        return d;
      }
    }
    return undefined;
  }

  #isShown(d: DeploymentRecord): boolean {
    return !d.hiddenReads && (d.hiddenUntil === undefined || this.now().getTime() >= d.hiddenUntil);
  }

  /** Called after each statuses answer of an environment: a deployment shown late gets one read closer. */
  statusesRead(environmentId: string): void {
    for (const d of this.#deployments) {
      if (d.environmentId === environmentId && d.hiddenReads) {
        d.hiddenReads--;
      }
    }
  }

  /** The service as it is now (or as the statuses show it): the seeded record with the state its deployments gave it. */
  overlay(service: ServiceRecord, asShown = false): ServiceRecord {
    const leftOut = this.#leftOut.get(service.id);
    if (leftOut) {
      return { ...service, state: leftOut };
    }
    const latest = asShown ? this.#shown(service.id) : this.latest(service.id);
    if (latest) {
      const deployed = latest.state === 'DEPLOYED' || latest.state === 'RESTARTED';
      return {
        ...service,
        state: latest.state,
        deploymentStatus: deployed && latest.action === 'DEPLOY' ? 'UP_TO_DATE' : service.deploymentStatus,
        lastDeployedAt: deployed ? latest.updatedAt : service.lastDeployedAt,
      };
    }
    const override = this.#overrides.get(service.id);
    return override ? { ...service, state: override } : service;
  }

  /** `GET /environment/{id}/statuses` with the deployments' states, request and execution ids. */
  decorateStatuses(body: EnvironmentStatuses): EnvironmentStatuses {
    // The environment's last deployment (as shown): which services were part of it, and how it ended.
    const environmentId = body.environment?.id;
    let last: DeploymentRecord | undefined;
    for (let i = this.#deployments.length - 1; i >= 0 && !last; i--) {
      const d = this.#deployments[i];
      if (d.environmentId === environmentId && this.#isShown(d)) {
        last = d;
      }
    }
    const members = last ? this.#deployments.filter((d) => d.executionId === last.executionId) : [];
    if (last && body.environment) {
      body.environment = { ...body.environment, last_deployment_state: outcomeOf(members.map((d) => d.state)) };
    }
    for (const key of ['applications', 'containers', 'jobs', 'databases', 'helms', 'terraforms'] as const) {
      body[key] = (body[key] ?? []).map((status: Status): Status => {
        const part = last ? { is_part_last_deployment: members.some((d) => d.serviceId === status.id) } : {};
        const latest = this.#shown(status.id);
        if (!latest || this.#leftOut.has(status.id)) {
          return { ...status, ...part };
        }
        return {
          ...status,
          ...part,
          status_details: statusDetails(latest.state, latest.action),
          deployment_request_id: isMoving(latest.state) ? latest.requestId : null,
          deployment_requests_count: isMoving(latest.state) ? 1 : 0,
          execution_id: latest.executionId,
        };
      });
    }
    return body;
  }

  dispose(): void {
    this.#disposed = true;
    for (const timer of this.#timers) {
      clearTimeout(timer);
    }
    this.#timers.clear();
  }

  // --- the endpoints -------------------------------------------------------------------------

  /** POST /{type}/{id}/deploy | redeploy | restart-service | stop */
  serviceAction(principal: Principal, typeSegment: string, serviceId: string, verb: string, body: unknown): [number, Status] {
    const chain = this.#require(principal, typeSegment, serviceId);
    if (verb === 'redeploy') {
      this.#redeployCalls.push(`POST /${typeSegment}/${serviceId}/redeploy`);
    }
    const { service } = chain;
    const type = service.source.type;
    const action: DeploymentAction = verb === 'stop' ? 'STOP' : verb === 'restart-service' ? 'RESTART' : 'DEPLOY';
    if ((action === 'RESTART' && (type === 'JOB' || type === 'HELM' || type === 'TERRAFORM')) || (action === 'STOP' && type === 'TERRAFORM')) {
      throw new DeploymentProblem(404, `No ${verb} for a ${type.toLowerCase()}.`);
    }
    this.#mayDeploy(principal, chain.environment);
    let commit: Commit | undefined;
    let imageTag: string | undefined;
    if (verb === 'deploy') {
      const fields = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
      if (type === 'APPLICATION' && body === undefined) {
        // No body (the console's Redeploy): the commit deployed last, as a redeploy.
        commit = this.commits(serviceId).find((c) => c.git_commit_id === (this.latest(serviceId)?.commit?.git_commit_id ?? sha(serviceId)));
      } else if (type === 'APPLICATION') {
        if (typeof fields.git_commit_id !== 'string' || fields.git_commit_id === '') {
          throw new DeploymentProblem(400, 'git_commit_id is required.');
        }
        commit = this.commits(serviceId).find((c) => c.git_commit_id === fields.git_commit_id);
        if (!commit) {
          throw new DeploymentProblem(400, `Commit ${fields.git_commit_id} is not among the commits Qovery sees on the branch of ${service.name}.`);
        }
      } else if (type === 'CONTAINER' && body === undefined) {
        // No body (the console's Redeploy): the tag it runs.
        imageTag = this.latest(serviceId)?.imageTag ?? (service.source.type === 'CONTAINER' ? service.source.tag : undefined);
      } else if (type === 'CONTAINER') {
        if (typeof fields.image_tag !== 'string' || fields.image_tag === '') {
          throw new DeploymentProblem(400, 'image_tag is required.');
        }
        imageTag = fields.image_tag;
      } else if (typeof fields.git_commit_id === 'string') {
        // A git job, a helm chart from git, a terraform service: a commit Qovery sees on its branch.
        if (typeof fields.image_tag === 'string') {
          throw new DeploymentProblem(400, 'image_tag cannot be set with git_commit_id.');
        }
        commit = this.commits(serviceId).find((c) => c.git_commit_id === fields.git_commit_id);
        if (!commit) {
          throw new DeploymentProblem(400, `Commit ${fields.git_commit_id} is not among the commits Qovery sees on the branch of ${service.name}.`);
        }
      } else if (typeof fields.image_tag === 'string') {
        imageTag = fields.image_tag;
      }
    } else if (verb === 'redeploy' && GIT_TYPES.has(type)) {
      commit = this.commits(serviceId).find((c) => c.git_commit_id === (this.latest(serviceId)?.commit?.git_commit_id ?? sha(serviceId)));
    }
    if (isMoving(this.overlay(service).state)) {
      throw new DeploymentProblem(409, 'Operation is in progress.');
    }
    const previous = { state: this.overlay(service, true).state, executionId: this.#shown(service.id)?.executionId };
    const executionId = this.#nextExecution(chain.environment.id);
    const deployment = this.#start(principal, chain, action, executionId, this.#requestId(), commit, imageTag);
    const answer = this.#statusOf(service, deployment);
    if (this.#timings.answerShowsPrevious) {
      return [202, { ...answer, state: previous.state, status_details: statusDetails(previous.state, action), execution_id: previous.executionId }];
    }
    return [202, answer];
  }

  /** POST /environment/{id}/deploy | redeploy | stop */
  environmentAction(principal: Principal, environment: EnvironmentRecord, verb: 'deploy' | 'redeploy' | 'stop'): [number, unknown] {
    if (verb === 'redeploy') {
      this.#redeployCalls.push(`POST /environment/${environment.id}/redeploy`);
    }
    this.#mayDeploy(principal, environment);
    const services = this.account.services(environment.id);
    if (services.some((s) => isMoving(this.overlay(s).state))) {
      throw new DeploymentProblem(409, 'Operation is in progress.');
    }
    const executionId = this.#nextExecution(environment.id);
    const requestId = this.#requestId();
    const action: DeploymentAction = verb === 'stop' ? 'STOP' : 'DEPLOY';
    let first: DeploymentRecord | undefined;
    for (const service of services) {
      if ((action === 'STOP' && service.source.type === 'TERRAFORM') || this.#leftOut.has(service.id)) {
        continue;
      }
      const commit = GIT_TYPES.has(service.source.type) ? this.commits(service.id).find((c) => c.git_commit_id === (this.latest(service.id)?.commit?.git_commit_id ?? sha(service.id))) : undefined;
      const d = this.#start(principal, { environment, service }, action, executionId, requestId, commit, undefined);
      first ??= d;
    }
    if (verb === 'deploy') {
      // The spec answers a Status here (the environment's), with the request and execution ids.
      const status: Status = {
        id: environment.id,
        state: first?.state ?? 'DEPLOYED',
        service_deployment_status: 'OUT_OF_DATE',
        is_part_last_deployment: true,
        status_details: statusDetails(first?.state ?? 'DEPLOYED', 'DEPLOY'),
        deployment_request_id: first ? requestId : null,
        deployment_requests_count: first ? 1 : 0,
        execution_id: executionId,
      };
      return [202, status];
    }
    return [202, undefined];
  }

  /**
   * POST /environment/{id}/service/deploy (DeployAllRequest): the services named, each at the commit or
   * tag given (a git-built service at a commit Qovery sees on its branch), as one execution.
   */
  deployServices(principal: Principal, environment: EnvironmentRecord, body: unknown): void {
    this.#mayDeploy(principal, environment);
    const fields = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const services = this.account.services(environment.id);
    const wanted: { service: ServiceRecord; commitId?: string; imageTag?: string }[] = [];
    const items = (key: string): Record<string, unknown>[] => (Array.isArray(fields[key]) ? (fields[key] as unknown[]) : []).map((v) => (typeof v === 'string' ? { id: v } : (v as Record<string, unknown>)));
    for (const [key, idKey] of [['applications', 'application_id'], ['containers', 'id'], ['jobs', 'id'], ['helms', 'id'], ['terraforms', 'id'], ['databases', 'id']] as const) {
      for (const item of items(key)) {
        const service = services.find((s) => s.id === item[idKey]);
        if (!service) {
          throw new DeploymentProblem(400, `${String(item[idKey])} is not a service of this environment.`);
        }
        wanted.push({
          service,
          ...(typeof item.git_commit_id === 'string' ? { commitId: item.git_commit_id } : {}),
          ...(typeof item.image_tag === 'string' ? { imageTag: item.image_tag } : {}),
        });
      }
    }
    if (wanted.length === 0) {
      throw new DeploymentProblem(400, 'No service to deploy.');
    }
    if (services.some((s) => isMoving(this.overlay(s).state))) {
      throw new DeploymentProblem(409, 'Operation is in progress.');
    }
    const commits = wanted.map(({ service, commitId }) => {
      const commit = commitId === undefined ? undefined : this.commits(service.id).find((c) => c.git_commit_id === commitId);
      if (commitId !== undefined && !commit) {
        throw new DeploymentProblem(400, `Commit ${commitId} is not among the commits Qovery sees on the branch of ${service.name}.`);
      }
      return commit;
    });
    const executionId = this.#nextExecution(environment.id);
    const requestId = this.#requestId();
    wanted.forEach(({ service, imageTag }, i) => this.#start(principal, { environment, service }, 'DEPLOY', executionId, requestId, commits[i], imageTag));
  }

  /** POST /environment/{id}/cancelDeployment: running deployments are cancelled (`force_cancel` cancels what runs beside them too). */
  cancelEnvironment(principal: Principal, environment: EnvironmentRecord): [number, undefined] {
    this.#mayDeploy(principal, environment);
    const services = this.account.services(environment.id);
    const moving = services.filter((s) => isMoving(this.overlay(s).state));
    if (moving.length === 0) {
      throw new DeploymentProblem(409, 'No deployment is in progress in this environment.');
    }
    for (const service of moving) {
      const latest = this.latest(service.id);
      if (latest && isMoving(latest.state)) {
        this.#cancel(latest);
      } else {
        this.#overrides.set(service.id, 'CANCELED');
      }
    }
    return [202, undefined];
  }

  /** POST /deploymentQueue/{deploymentRequestId}/cancelDeployment: only while the request is queued. */
  cancelRequest(principal: Principal, requestId: string): [number, undefined] {
    const queued = this.#deployments.filter((d) => d.requestId === requestId);
    if (queued.length === 0) {
      throw new DeploymentProblem(404, `Deployment request ${requestId} not found.`);
    }
    const chain = this.#chain(queued[0].serviceId);
    if (chain) {
      this.#mayDeploy(principal, chain.environment);
    }
    const waiting = queued.filter((d) => d.state.endsWith('QUEUED'));
    if (waiting.length === 0) {
      throw new DeploymentProblem(409, 'The deployment request is not queued any more.');
    }
    for (const d of waiting) {
      d.steps = [];
      this.#set(d, 'CANCELED');
    }
    return [202, undefined];
  }

  /** GET /{application|job|helm|terraform}/{id}/commit (helm: `?of=chart`, its chart's repository; `of=values` has none here). */
  listCommits(principal: Principal, serviceId: string, typeSegment = 'application', of?: string | null): [number, { results: Commit[] }] {
    this.#require(principal, typeSegment, serviceId);
    return [200, { results: typeSegment === 'helm' && of === 'values' ? [] : this.commits(serviceId) }];
  }

  /** GET /{type}/{id}/deploymentHistoryV2?pageSize= (newest first; seeded entries under the real ones). */
  history(principal: Principal, typeSegment: string, serviceId: string, query: URLSearchParams): [number, unknown] {
    const { service } = this.#require(principal, typeSegment, serviceId);
    const size = Math.min(100, Math.max(1, Number(query.get('pageSize') ?? 20) || 20));
    const own = this.#deployments.filter((d) => d.serviceId === serviceId).reverse();
    const entries = own.map((d) => this.#historyEntry(service, d));
    if (service.lastDeployedAt) {
      const at = Date.parse(service.lastDeployedAt);
      const commit = this.commits(serviceId).find((c) => c.git_commit_id === sha(serviceId));
      const seeded: DeploymentRecord[] = [0, 1].map((i) => ({
        executionId: `${service.environmentId}-seed-${i}`,
        requestId: encodeId(IdKind.deployment, 0x7c, i, 0, 0),
        environmentId: service.environmentId,
        serviceId,
        serviceName: service.name,
        serviceType: service.source.type,
        action: 'DEPLOY',
        commit: i === 0 ? commit : this.commits(serviceId)[3],
        triggeredBy: AUTHORS[i],
        createdAt: new Date(at - i * 86_400_000 - 95_000).toISOString(),
        updatedAt: new Date(at - i * 86_400_000).toISOString(),
        state: i === 0 ? 'DEPLOYED' : 'BUILD_ERROR',
        steps: [],
      }));
      entries.push(...seeded.map((d) => this.#historyEntry(service, d)));
    }
    return [200, { page: 1, page_size: size, results: entries.slice(0, size) }];
  }

  /** GET /{application|container|helm}/{id}/link */
  links(principal: Principal, typeSegment: string, serviceId: string): [number, { results: Link[] }] {
    const { service } = this.#require(principal, typeSegment, serviceId);
    const source = service.source;
    const port = source.type === 'APPLICATION' || source.type === 'CONTAINER' ? source.port : undefined;
    if (port === undefined) {
      return [200, { results: [] }];
    }
    const host = `${service.name}-${service.id.slice(0, 8)}`;
    const link = (url: string, isQovery: boolean, isDefault: boolean): Link => ({
      service_id: service.id,
      service_type: source.type,
      url,
      internal_port: port,
      external_port: 443,
      is_qovery_domain: isQovery,
      is_default: isDefault,
    });
    const results = [link(`https://${host}.qovery.example`, true, true)];
    if (service.name === 'web') {
      results.push(link(`https://${service.name}.acme.example`, false, false));
    }
    return [200, { results }];
  }

  // --- the machine ---------------------------------------------------------------------------

  #start(principal: Principal, chain: ServiceChain, action: DeploymentAction, executionId: string, requestId: string, commit: Commit | undefined, imageTag: string | undefined): DeploymentRecord {
    const { service } = chain;
    const type = service.source.type;
    let steps: StateEnum[];
    if (action === 'STOP') {
      steps = ['STOP_QUEUED', 'STOPPING', 'STOPPED'];
    } else if (action === 'RESTART') {
      steps = ['RESTART_QUEUED', 'RESTARTING', 'RESTARTED'];
    } else if (GIT_TYPES.has(type)) {
      steps = ['DEPLOYMENT_QUEUED', 'BUILDING', commit && (this.#failing.has(commit.git_commit_id) || commit.message === MESSAGES[2]) ? 'BUILD_ERROR' : 'DEPLOYING', 'DEPLOYED'];
      if (steps[2] === 'BUILD_ERROR') {
        steps.pop();
      }
    } else {
      steps = ['DEPLOYMENT_QUEUED', 'DEPLOYING', 'DEPLOYED'];
    }
    if (action === 'DEPLOY' && this.#timings.neverDeployedReadyMs > 0 && service.deploymentStatus === 'NEVER_DEPLOYED' && !this.latest(service.id)) {
      steps.unshift('READY');
    }
    const failure = this.#failNext.get(service.id);
    if (failure && action === 'DEPLOY' && !steps.includes('BUILD_ERROR')) {
      this.#failNext.delete(service.id);
      steps[steps.length - 1] = failure;
    }
    const at = this.now().toISOString();
    const deployment: DeploymentRecord = {
      executionId,
      requestId,
      environmentId: chain.environment.id,
      serviceId: service.id,
      serviceName: service.name,
      serviceType: type,
      action,
      commit,
      imageTag,
      triggeredBy: principal.kind === 'user' ? `${principal.user.firstName} ${principal.user.lastName}` : principal.token.name,
      createdAt: at,
      updatedAt: at,
      state: steps[0],
      steps: steps.slice(1),
      hiddenReads: this.#timings.statusLagReads,
      hiddenUntil: this.#timings.statusLagMs > 0 ? this.now().getTime() + this.#timings.statusLagMs : undefined,
    };
    this.#overrides.delete(service.id);
    this.#leftOut.delete(service.id);
    this.#deployments.push(deployment);
    this.#emit(deployment);
    this.#schedule(deployment);
    return deployment;
  }

  #schedule(d: DeploymentRecord): void {
    if (this.#disposed || d.steps.length === 0) {
      return;
    }
    const ms = d.state === 'READY' ? this.#timings.neverDeployedReadyMs : this.#timings.stepMs;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const next = d.steps.shift();
      if (next) {
        this.#set(d, next);
        this.#schedule(d);
      }
    }, ms);
    timer.unref?.();
    this.#timers.add(timer);
  }

  #cancel(d: DeploymentRecord): void {
    if (d.state.endsWith('QUEUED')) {
      d.steps = [];
      this.#set(d, 'CANCELED');
      return;
    }
    d.steps = ['CANCELED'];
    this.#set(d, 'CANCELING');
  }

  #set(d: DeploymentRecord, state: StateEnum): void {
    d.state = state;
    d.updatedAt = this.now().toISOString();
    this.#emit(d);
  }

  #emit(d: DeploymentRecord): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(d, d.state);
      } catch {
        // A listener's failure never stops a deployment.
      }
    }
  }

  #nextExecution(environmentId: string): string {
    return `${environmentId}-${++this.#executions}`;
  }

  #requestId(): string {
    const n = ++this.#executions;
    return encodeId(IdKind.deployment, 0x7d, n & 0xffff, n >>> 16, 0xd0);
  }

  #statusOf(service: ServiceRecord, d: DeploymentRecord): Status {
    return {
      id: service.id,
      state: d.state,
      service_deployment_status: service.deploymentStatus,
      ...(service.lastDeployedAt === undefined ? {} : { last_deployment_date: service.lastDeployedAt }),
      is_part_last_deployment: true,
      status_details: statusDetails(d.state, d.action),
      execution_id: d.executionId,
      deployment_request_id: d.requestId,
      deployment_requests_count: 1,
    };
  }

  #historyEntry(service: ServiceRecord, d: DeploymentRecord): DeploymentHistoryService {
    const source = service.source;
    let details: DeploymentHistoryService['details'];
    if (source.type === 'APPLICATION') {
      details = { commit: d.commit ?? null, build_pod_name: `build-${d.executionId.slice(-6)}` };
    } else if (source.type === 'CONTAINER') {
      details = { image_name: source.image, tag: d.imageTag ?? source.tag, arguments: [] };
    } else if (source.type === 'JOB') {
      details = { image_name: source.image, tag: d.imageTag ?? source.tag, job_type: source.schedule === 'lifecycle' ? 'LIFECYCLE' : 'CRON' };
    } else if (source.type === 'HELM') {
      details = { repository: { chart_name: source.chart, chart_version: source.chartVersion } };
    } else {
      details = {};
    }
    return {
      identifier: { name: service.name, service_id: service.id, service_type: source.type, execution_id: d.executionId },
      status: d.state,
      auditing_data: { created_at: d.createdAt, updated_at: d.updatedAt, triggered_by: d.triggeredBy, origin: 'API' },
      details,
      status_details: statusDetails(d.state, d.action),
      icon_uri: `app://qovery-console/${source.type.toLowerCase()}`,
      total_duration: duration(Date.parse(d.updatedAt) - Date.parse(d.createdAt)),
    };
  }

  // --- lookups and rules ---------------------------------------------------------------------

  #chain(serviceId: string): ServiceChain | undefined {
    const decoded = decodeId(serviceId);
    if (!decoded || decoded.kind !== IdKind.service) {
      return undefined;
    }
    const [o, p, e] = decoded.indexes;
    const environment = this.account.environment(encodeId(IdKind.environment, decoded.account, o, p, e));
    const service = environment && this.account.services(environment.id).find((s) => s.id === serviceId);
    return environment && service ? { environment, service } : undefined;
  }

  #require(principal: Principal, typeSegment: string, serviceId: string): ServiceChain {
    const type = TYPE_SEGMENT[typeSegment];
    const chain = this.#chain(serviceId);
    if (!chain || chain.service.source.type !== type) {
      throw new DeploymentProblem(404, `No ${typeSegment} with id ${serviceId}.`);
    }
    if (principal.kind !== 'user' && principal.token.organizationId !== chain.environment.organizationId) {
      throw new DeploymentProblem(403, 'This token has no access to this service.');
    }
    return chain;
  }

  #mayDeploy(principal: Principal, environment: EnvironmentRecord): void {
    if (principal.kind === 'user') {
      return;
    }
    if (principal.token.organizationId !== environment.organizationId) {
      throw new DeploymentProblem(403, 'This token has no access to this environment.');
    }
    if (!DEPLOYER_ROLES.has(principal.role.name)) {
      throw new DeploymentProblem(403, `The role ${principal.role.name} may not deploy in this environment.`);
    }
  }
}
