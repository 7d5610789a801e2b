// What the benchmark's three processes tell each other: the bench script, the API server process and
// the module that runs inside the extension host. Everything crosses as JSON.

/** Answer of the server process's control endpoint GET /stats. */
export interface RequestStats {
  /** Requests answered since the last reset. */
  count: number;
  /** Count per "METHOD /route/{template}". */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** Requests whose method and path had already been requested since the last reset. */
  repeated: number;
  /** CPU time (user + system) of the whole server process since the last reset. */
  serverCpuMs: number;
}

/** First line the server process prints. */
export interface ServerInfo {
  control: string;
  /** Base URL of the API server of each account size, e.g. {"10x100": "http://127.0.0.1:40123"}. */
  servers: Record<string, string>;
  /** Sees every organization of the generated accounts (sent as Bearer). */
  token: string;
  latencyMs: number;
  pid: number;
}

export interface AccountSize {
  organizations: number;
  projectsPerOrganization: number;
  environmentsPerProject: number;
  servicesPerEnvironment: number;
}

/** "10x100" -> 10 organizations of 100 projects (2 environments of 4 services each, the generator's defaults). */
export function parseSize(text: string): AccountSize {
  const [organizations, projectsPerOrganization] = text.split('x').map(Number);
  if (!Number.isInteger(organizations) || !Number.isInteger(projectsPerOrganization) || organizations < 1 || projectsPerOrganization < 0) {
    throw new Error(`An account size is ORGANIZATIONSxPROJECTS, e.g. 10x100; got ${text}`);
  }
  return { organizations, projectsPerOrganization, environmentsPerProject: 2, servicesPerEnvironment: 4 };
}

/**
 * How much of an account "expanded" means: every organization and its projects always; the
 * environments and services of every project, or only of the first `expandProjects` of each organization.
 */
export interface Scope {
  expandProjects?: number;
}

/** Above this many projects, expanding every project is not what anyone does, and would send 150,000 requests. */
export const FULL_EXPANSION_LIMIT = 1000;
export const SAMPLE_PROJECTS_PER_ORGANIZATION = 10;

export function scopeFor(size: AccountSize): Scope {
  return size.organizations * size.projectsPerOrganization > FULL_EXPANSION_LIMIT ? { expandProjects: SAMPLE_PROJECTS_PER_ORGANIZATION } : {};
}

export interface Plan {
  /** The rows loaded: organizations, projects, environments, services. */
  rows: { organizations: number; projects: number; environments: number; services: number };
  /** Requests the tree needs: the organization list, then one list and one status call per expanded level. */
  requests: number;
  /** Requests per route, with the same keys as RequestStats.byRoute. */
  byRoute: Record<string, number>;
  describe: string;
}

export const ROUTES = {
  organizations: 'GET /organization',
  projects: 'GET /organization/{organizationId}/project',
  environments: 'GET /project/{projectId}/environment',
  environmentStatuses: 'GET /project/{projectId}/environment/status',
  services: 'GET /environment/{environmentId}/services',
  serviceStatuses: 'GET /environment/{environmentId}/statuses',
} as const;

export type RouteName = keyof typeof ROUTES;

export function planFor(size: AccountSize, scope: Scope): Plan {
  const { organizations, projectsPerOrganization, environmentsPerProject, servicesPerEnvironment } = size;
  const expandedPerOrg = Math.min(projectsPerOrganization, scope.expandProjects ?? projectsPerOrganization);
  const expandedProjects = organizations * expandedPerOrg;
  const environments = expandedProjects * environmentsPerProject;
  const byRoute: Record<string, number> = {
    [ROUTES.organizations]: 1,
    [ROUTES.projects]: organizations,
    [ROUTES.environments]: expandedProjects,
    [ROUTES.environmentStatuses]: expandedProjects,
    [ROUTES.services]: environments,
    [ROUTES.serviceStatuses]: environments,
  };
  const describe =
    expandedPerOrg === projectsPerOrganization
      ? 'every level: organizations, projects, environments, services'
      : `organizations, all ${organizations * projectsPerOrganization} projects, and the environments and services of the first ${expandedPerOrg} projects of each organization (${expandedProjects} projects)`;
  return {
    rows: { organizations, projects: organizations * projectsPerOrganization, environments, services: environments * servicesPerEnvironment },
    requests: Object.values(byRoute).reduce((a, b) => a + b, 0),
    byRoute,
    describe,
  };
}

/** Handed to the extension host in QOVERY_BENCH_CONFIG. */
export interface BenchConfig {
  server: ServerInfo;
  sizes: string[];
  /** Runs of the tree and of the generated client, per size. */
  runs: Record<string, number>;
  /** Runs of the one-request-after-another baseline (each sends the sample below). */
  sequentialRuns: number;
  /** Sizes whose tree and generated-client loads are also timed once with no added latency (CPU cost). */
  zeroLatencySizes: string[];
  /** Sizes loaded with plain fetch at each of `caps` requests in flight (0: no cap), once each. */
  capSweepSizes: string[];
  caps: number[];
  /** Sizes for the 20-refreshes check. */
  refreshSizes: string[];
  resultsFile: string;
  outputFile?: string;
}

export interface Timing {
  firstLevelMs: number;
  wholeMs: number;
  requests: number;
  rowsLoaded: number;
  /** Error or offline rows (failed loads). */
  errorRows: number;
  /** Rows that are not resources, e.g. each organization's "API tokens" group (not expanded). */
  otherRows: number;
  /** CPU time of the extension host process during the load. */
  hostCpuMs: number;
  /** CPU time of the whole machine during the load (every process, from /proc/stat), when known. */
  machineCpuMs?: number;
  stats: RequestStats;
}

export interface SequentialRun {
  /** Requests of the sample, sent one after another. */
  sampleRequests: number;
  sampleMs: number;
  /** Mean time of one request, per route. */
  meanMsByRoute: Record<string, number>;
  /** Sum over the routes of the plan's request count times the sample's mean time of that route. */
  estimatedWholeMs: number;
  /** True when the sample is the whole plan (nothing estimated). */
  exact: boolean;
}

export interface MemorySample {
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
}

export interface MemoryResult {
  gc: 'expose-gc' | 'v8-flag' | 'none';
  /** Empty tree, 2 s after the previous load. */
  before: MemorySample;
  /** Scope loaded, collected at once. */
  justAfter: MemorySample;
  /** Scope loaded, 2 s later (and the load's sockets closed): what the tree holds. */
  after: MemorySample;
  rowsHeld: number;
}

export interface RefreshResult {
  size: string;
  /** Requests of one refresh of the expanded tree (with the view's reloads of the expanded rows). */
  oneRefresh: number;
  /** Requests of 20 refreshes fired within one second, with the same reloads. */
  twentyRefreshes: number;
  /** How long the 20 refreshes took to settle, from the first. */
  settledMs: number;
  stats: RequestStats;
}

export interface CapRun {
  /** Requests in flight at most; 0 for no cap. */
  cap: number;
  timing: Timing;
}

export interface SizeResult {
  size: string;
  plan: Plan;
  tree: Timing[];
  axios: Timing[];
  sequential: SequentialRun[];
  zeroLatency?: { tree: Timing[]; axios: Timing[] };
  /** Extension host memory around each tree run: before (empty tree) and after (scope loaded). */
  memory: MemoryResult[];
  capSweep: CapRun[];
}

export interface ActivationStat {
  id: string;
  eager: boolean;
  loadCodeMs: number;
  callActivateMs: number;
  finishActivateMs: number;
  event: string;
}

export interface BenchResults {
  vscodeVersion: string;
  node: string;
  latencyMs: number;
  sizes: SizeResult[];
  refresh: RefreshResult[];
  /** Time of one SecretStorage read in this host, as the tree does before each level load. */
  secretRead: { sequentialMeanMs: number; concurrent: number; concurrentTotalMs: number };
  /** From VS Code's Startup Performance page, in the window of the extension host runs. */
  activationStats: ActivationStat[];
  /** The live logs view under a flood (absent when the step failed or was not run). */
  logsFlood?: LogsFloodResult;
  errors: string[];
}

export interface LogsFloodRun {
  lines: number;
  /** From the flood's start to the last line received by the view. */
  seconds: number;
  linesPerSecond: number;
  /** Lines the view kept (its qovery.logs.maxLines) and the count it dropped. */
  keptLines: number;
  maxLines: number;
  dropped: number;
  /** Document updates during the flood (one per batch, never one per line). */
  redraws: number;
  heapPeakGrowthBytes: number;
  /** monitorEventLoopDelay of the extension host while the flood lasts. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  gc: 'expose-gc' | 'none';
}

/** The median run (by p99), every run, and the host's delay with no flood (the machine's own noise). */
export interface LogsFloodResult extends LogsFloodRun {
  documentLines: number;
  runs: LogsFloodRun[];
  idleEventLoopDelayMs: { p50: number; p99: number; max: number };
}
