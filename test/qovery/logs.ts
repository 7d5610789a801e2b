// Logs: the deployment logs of `GET /environment/{id}/logs?version=` (a bare array of the spec's
// EnvironmentLogs, seeded with a failed deployment of staging `api`), and the live service logs of
// Qovery's websocket (`/service/logs?service=&cluster=&environment=&organization=&project=`, messages
// `{created_at, message, pod_name, version}`), with controls for tests: drop the streams, refuse the
// next upgrades with a status, flood N lines, and count the open sockets.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EnvironmentLogs } from 'qovery-typescript-axios';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate, canRead, parseAuthorization } from './auth';
import type { QoveryAccount, ServiceRecord } from './model';
import type { ApiTokenStore } from './tokens';
import type { DeploymentRecord } from './deployments';
import { DEPLOYMENT_STREAM_PATHS } from './deploymentStreams';
import { SHELL_PATHS } from './shell';

/** What a test or another server module gives to make one entry; the rest is filled in. */
export interface DeploymentLogInput {
  environmentId: string;
  executionId: string;
  /** ISO date; default: one second after the previous entry of the execution. */
  timestamp?: string;
  type?: 'info' | 'warning' | 'error' | 'debug';
  stage?: string;
  step?: string;
  /** The service that sent it (transmitter); absent for the environment's own lines. */
  service?: { id: string; name: string; type?: string };
  message?: string;
  error?: { user_log_message?: string; hint_message?: string; link?: string; tag?: string };
}

interface Execution {
  id: string;
  entries: EnvironmentLogs[];
}

/** The deployment logs of every environment, by execution, oldest first. */
export class DeploymentLogStore {
  readonly #byEnvironment = new Map<string, Execution[]>();
  /** Environments whose seeded deployment is in place: seeded on first use, so large accounts cost nothing. */
  readonly #seeded = new Set<string>();
  /** Services whose next deployment fails in the precheck, and the executions that did. */
  readonly #precheckNext = new Set<string>();
  readonly #precheckFailed = new Set<string>();
  /** Told of the entries appended to an environment's log (the `/deployment/logs` streams). */
  readonly #appendListeners = new Set<(environmentId: string, entries: EnvironmentLogs[]) => void>();

  constructor(
    private readonly account: QoveryAccount,
    private readonly seed = true,
  ) {}

  #ensure(environmentId: string): void {
    if (this.#seeded.has(environmentId)) {
      return;
    }
    this.#seeded.add(environmentId);
    if (this.seed) {
      const services = this.account.environment(environmentId) ? this.account.services(environmentId) : [];
      const failed = services.find((s) => s.state === 'DEPLOYMENT_ERROR' || s.state === 'BUILD_ERROR');
      if (failed) {
        this.append(failedDeployment(environmentId, failed, services.find((s) => s !== failed)));
      }
    }
  }

  /**
   * Appends entries to an execution's log (created on first use). Other server modules (a deployment
   * that runs) call this as their deployment moves; `GET /environment/{id}/logs` answers from here.
   */
  append(entries: readonly DeploymentLogInput[]): void {
    for (const input of entries) {
      this.#ensure(input.environmentId);
      const executions = this.#byEnvironment.get(input.environmentId) ?? [];
      this.#byEnvironment.set(input.environmentId, executions);
      let execution = executions.find((e) => e.id === input.executionId);
      if (!execution) {
        execution = { id: input.executionId, entries: [] };
        executions.push(execution);
      }
      const previous = execution.entries[execution.entries.length - 1]?.timestamp;
      const timestamp = input.timestamp ?? new Date(previous ? Date.parse(previous) + 1000 : Date.now()).toISOString();
      const environment = this.account.environment(input.environmentId);
      const entry: EnvironmentLogs = {
        type: input.type ?? (input.error ? 'error' : 'info'),
        timestamp,
        details: {
          ...(environment ? { organization_id: environment.organizationId, cluster_id: environment.cluster.id } : {}),
          execution_id: input.executionId,
          transmitter: input.service
            ? { id: input.service.id, name: input.service.name, type: input.service.type ?? 'Application' }
            : { id: input.environmentId, name: environment?.name ?? 'environment', type: 'Environment' },
          stage: { step: input.step ?? 'Deploy', name: input.stage ?? 'deployment' },
        },
        error: input.error ? { tag: input.error.tag ?? 'DEPLOYMENT_ERROR', ...input.error } : null,
        message: input.message === undefined ? null : { safe_message: input.message },
      };
      execution.entries.push(entry);
      for (const listener of [...this.#appendListeners]) {
        listener(input.environmentId, [entry]);
      }
    }
  }

  /** Called with every entry appended from now on; returns the unsubscribe. */
  onAppend(listener: (environmentId: string, entries: EnvironmentLogs[]) => void): () => void {
    this.#appendListeners.add(listener);
    return () => this.#appendListeners.delete(listener);
  }

  /**
   * The real service's precheck failure: the next deployment of this service logs a `PreCheck` step on
   * the environment's lines (transmitter type `Environment`) whose last line carries the error, and no
   * line of the service. Pair it with `deployments.failNext(serviceId)` for the failed state.
   */
  failPrecheckNext(serviceId: string): void {
    this.#precheckNext.add(serviceId);
  }

  /** The lines a step of a running deployment writes (see deploymentStepLines), or the precheck failure's. */
  stepLines(d: DeploymentRecord, state: string): DeploymentLogInput[] {
    if (this.#precheckFailed.has(d.executionId)) {
      return [];
    }
    if (!this.#precheckNext.has(d.serviceId) || !state.endsWith('_QUEUED')) {
      return deploymentStepLines(d, state);
    }
    this.#precheckNext.delete(d.serviceId);
    this.#precheckFailed.add(d.executionId);
    const base = { environmentId: d.environmentId, executionId: d.executionId, timestamp: new Date().toISOString(), stage: 'Deploy', step: 'PreCheck' };
    return [
      ...deploymentStepLines(d, state),
      { ...base, message: 'Running the precheck of the environment.' },
      { ...base, type: 'warning', message: `Checking that the cluster can take ${d.serviceName}.` },
      {
        ...base,
        type: 'error',
        message: 'Precheck failed: not enough resources on the cluster.',
        error: {
          tag: 'PRECHECK_ERROR',
          user_log_message: `The cluster does not have enough CPU left to run ${d.serviceName} (2 vCPU asked, 0.5 free).`,
          hint_message: 'Lower the CPU of the service or add nodes to the cluster.',
          link: 'https://hub.qovery.com/docs/using-qovery/troubleshoot/',
        },
      },
    ];
  }

  /** The last 1,000 entries of one execution, or of the newest one when no version is asked for. */
  list(environmentId: string, version: string | null): EnvironmentLogs[] {
    this.#ensure(environmentId);
    const executions = this.#byEnvironment.get(environmentId) ?? [];
    const execution = version ? executions.find((e) => e.id === version) : executions[executions.length - 1];
    return (execution?.entries ?? []).slice(-1000);
  }

  executions(environmentId: string): string[] {
    this.#ensure(environmentId);
    return (this.#byEnvironment.get(environmentId) ?? []).map((e) => e.id);
  }
}

/** The seeded failed deployment of an environment with a service in DEPLOYMENT_ERROR or BUILD_ERROR (storefront staging `api`): execution `<environment id>-7`. */
export const failedExecutionId = (environmentId: string): string => `${environmentId}-7`;

function failedDeployment(environmentId: string, failed: ServiceRecord, other: ServiceRecord | undefined): DeploymentLogInput[] {
  const executionId = failedExecutionId(environmentId);
  const start = Date.parse('2026-11-30T09:00:00.000Z');
  let n = 0;
  const at = (): string => new Date(start + 1500 * n++).toISOString();
  const service = { id: failed.id, name: failed.name, type: failed.source.type === 'CONTAINER' ? 'Container' : 'Application' };
  const base = { environmentId, executionId };
  const entries: DeploymentLogInput[] = [
    { ...base, timestamp: at(), stage: 'Queued', step: 'Queued', message: 'Deployment request queued.' },
    { ...base, timestamp: at(), stage: 'Build', step: 'Build', service, message: `Building ${failed.name}` },
    { ...base, timestamp: at(), stage: 'Build', step: 'Build', service, message: 'Step 1/4 : FROM node:20-alpine\n ---> 3f1c' },
    { ...base, timestamp: at(), stage: 'Build', step: 'BuiltSuccess', service, message: 'Build succeeded.' },
  ];
  if (other) {
    entries.push({ ...base, timestamp: at(), stage: 'Deploy', step: 'Deploy', service: { id: other.id, name: other.name }, message: `Deploying ${other.name}: unrelated line of another service` });
  }
  entries.push(
    { ...base, timestamp: at(), stage: 'Deploy', step: 'Deploy', service, message: `Deploying ${failed.name} (2 replicas)` },
    { ...base, timestamp: at(), stage: 'Deploy', step: 'Deploy', service, type: 'warning', message: 'Readiness probe failed: connection refused on port 8080' },
    {
      ...base,
      timestamp: at(),
      stage: 'Deploy',
      step: 'DeployedError',
      service,
      type: 'error',
      message: 'Container api exited with code 1 (see https://evil.example.com/phish and command:workbench.action.quit)',
      error: {
        tag: 'CONTAINER_CRASHED',
        user_log_message: 'Your application crashed at start: the container exited with code 1. See https://evil.example.com/x for more.',
        hint_message: 'Check that the application listens on the port declared in the service settings (8080).',
        link: 'https://hub.qovery.com/docs/using-qovery/troubleshoot/',
      },
    },
    { ...base, timestamp: at(), stage: 'Deploy', step: 'Deploy', service, message: 'Rolling back to the previous version.' },
  );
  return entries;
}

/**
 * The log lines of one step of a running deployment (the deployment store's `onStep`), so a deployment
 * started through the API has a log that grows while it runs, and a failure carries Qovery's explanation.
 */
export function deploymentStepLines(d: DeploymentRecord, state: string): DeploymentLogInput[] {
  const base = { environmentId: d.environmentId, executionId: d.executionId, timestamp: new Date().toISOString() };
  const service = { id: d.serviceId, name: d.serviceName, type: d.serviceType === 'CONTAINER' ? 'Container' : 'Application' };
  const commit = d.commit ? ` at ${d.commit.git_commit_id.slice(0, 7)}` : d.imageTag ? ` with image tag ${d.imageTag}` : '';
  switch (state) {
    case 'DEPLOYMENT_QUEUED':
    case 'RESTART_QUEUED':
    case 'STOP_QUEUED':
      return [{ ...base, stage: 'Queued', step: 'Queued', message: `${d.action === 'DEPLOY' ? 'Deployment' : d.action === 'RESTART' ? 'Restart' : 'Stop'} request queued (triggered by ${d.triggeredBy}).` }];
    case 'BUILDING':
      return [
        { ...base, stage: 'Build', step: 'Build', service, message: `Building ${d.serviceName}${commit}` },
        { ...base, stage: 'Build', step: 'Build', service, message: 'Step 1/4 : FROM node:20-alpine' },
      ];
    case 'BUILD_ERROR':
      return [
        { ...base, stage: 'Build', step: 'Build', service, type: 'error', message: 'npm ERR! Missing script: "build"' },
        {
          ...base,
          stage: 'Build',
          step: 'BuildError',
          service,
          type: 'error',
          message: `The build of ${d.serviceName} failed.`,
          error: {
            tag: 'BUILD_ERROR',
            user_log_message: `The build of ${d.serviceName}${commit} failed: the Dockerfile's "npm run build" step exited with code 1.`,
            hint_message: 'Run the build locally (docker build .) and check that package.json defines a "build" script.',
            link: 'https://hub.qovery.com/docs/using-qovery/troubleshoot/',
          },
        },
      ];
    case 'DEPLOYING':
    case 'RESTARTING':
    case 'STOPPING':
      return [{ ...base, stage: 'Deploy', step: 'Deploy', service, message: `${state === 'DEPLOYING' ? 'Deploying' : state === 'RESTARTING' ? 'Restarting' : 'Stopping'} ${d.serviceName}${state === 'DEPLOYING' ? commit : ''}` }];
    case 'DEPLOYMENT_ERROR':
      return [
        {
          ...base,
          stage: 'Deploy',
          step: 'DeployedError',
          service,
          type: 'error',
          message: `Container ${d.serviceName} exited with code 1`,
          error: {
            tag: 'CONTAINER_CRASHED',
            user_log_message: `${d.serviceName} crashed at start: the container exited with code 1.`,
            hint_message: 'Check that the application listens on the port declared in the service settings.',
            link: 'https://hub.qovery.com/docs/using-qovery/troubleshoot/',
          },
        },
      ];
    case 'DEPLOYED':
    case 'RESTARTED':
    case 'STOPPED':
      return [{ ...base, stage: 'Deploy', step: state === 'DEPLOYED' ? 'Deployed' : state === 'RESTARTED' ? 'Restarted' : 'Stopped', service, message: `${d.serviceName} is ${state.toLowerCase()}.` }];
    case 'CANCELED':
      return [{ ...base, stage: 'Deploy', step: 'Cancelled', service, type: 'warning', message: `The deployment of ${d.serviceName} was cancelled.` }];
    default:
      return [];
  }
}

// ---- live logs over the websocket ----

export interface LogStreamControls {
  /** Websocket connections open now. */
  readonly openSockets: number;
  /** Upgrades accepted since the start. */
  readonly connections: number;
  /** The Authorization schemes of the upgrades seen (never the secrets), and their queries. */
  readonly upgrades: readonly { scheme: string; query: Record<string, string>; status: number }[];
  /** Closes every stream abruptly (as a network drop would). */
  drop(): void;
  /** Refuses the next `times` upgrades with this status (401 by default). */
  refuse(status?: number, times?: number): void;
  /**
   * The gateway's way to reject: the next `times` upgrades are accepted, then closed at once with this
   * close code (1007 permission, 1008 token, 1011 cluster agent unreachable, 1000 normal) and reason.
   */
  closeAfterUpgrade(code: number, o?: { times?: number; reason?: string }): void;
  /** Closes every open stream with this close code (a clean close, unlike `drop`). */
  end(code: number, reason?: string): void;
  /** Sends lines to every stream of a service (or every stream): `count` lines, `text` with their number. */
  send(count: number, o?: { serviceId?: string; pod?: string; text?: string }): number;
  /**
   * Sends `count` lines as fast as the sockets take them; resolves when the last one is written.
   * `chars`: each message padded to that many characters (frames up to the 1 MiB a client takes).
   */
  flood(count: number, o?: { serviceId?: string; pods?: number; chars?: number }): Promise<void>;
  /** Sends a line to every stream every `ms` (0 stops), for the demo. */
  trickle(ms: number): void;
  close(): void;
}

interface Stream {
  socket: WebSocket;
  serviceId: string;
  version: string;
}

const REQUIRED = ['service', 'cluster', 'environment', 'organization', 'project'] as const;

/** Reasons in the gateway's words (qovery-cli pkg/wserror.go names the codes). */
const CLOSE_REASONS: Record<number, string> = {
  1000: 'stream ended',
  1007: 'permission denied on this service',
  1008: 'invalid or expired token',
  1011: 'the cluster agent is unavailable',
};

/** Serves `/service/logs` upgrades on the test server's own HTTP server. */
export function attachLogStreams(server: Server, account: QoveryAccount, tokens: ApiTokenStore): LogStreamControls {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const streams = new Set<Stream>();
  const upgrades: { scheme: string; query: Record<string, string>; status: number }[] = [];
  let refusals: { status: number; times: number } | undefined;
  let closing: { code: number; times: number; reason: string } | undefined;
  let requests = 0;
  let connections = 0;
  let sent = 0;
  let trickle: ReturnType<typeof setInterval> | undefined;

  // Every answer of the gateway names its request (X-Qovery-Request-Id), for support.
  const refuse = (socket: Duplex, status: number, text: string): void => {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nX-Qovery-Request-Id: ws-req-${++requests}\r\nConnection: close\r\n\r\n${JSON.stringify({ status, message: text })}`,
    );
  };

  const message = (stream: Stream, pod: string, text: string): string =>
    JSON.stringify({ created_at: Date.now(), message: text, pod_name: pod, version: stream.version });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // The deployment streams and the shell have their own handlers (deploymentStreams.ts, shell.ts).
    if (DEPLOYMENT_STREAM_PATHS.has(url.pathname) || SHELL_PATHS.has(url.pathname)) {
      return;
    }
    const query = Object.fromEntries(url.searchParams);
    const credentials = parseAuthorization(req.headers.authorization);
    const entry = { scheme: credentials.scheme, query, status: 0 };
    upgrades.push(entry);
    const fail = (status: number, text: string): void => {
      entry.status = status;
      refuse(socket, status, text);
    };
    if (url.pathname !== '/service/logs') {
      fail(404, 'Not Found');
      return;
    }
    if (refusals && refusals.times > 0) {
      refusals.times--;
      fail(refusals.status, refusals.status === 401 ? 'Unauthorized' : 'Refused');
      return;
    }
    // The token travels in the header only: one in the query is a client bug.
    if (/token|authorization|access/i.test(url.search)) {
      fail(400, 'Bad Request');
      return;
    }
    const principal = authenticate(credentials, account, tokens);
    if (!principal) {
      fail(401, 'Unauthorized');
      return;
    }
    if (REQUIRED.some((k) => !query[k])) {
      fail(400, 'Bad Request');
      return;
    }
    const environment = account.environment(query.environment);
    const service = environment && account.services(environment.id).find((s) => s.id === query.service);
    if (!environment || !service || environment.projectId !== query.project || environment.organizationId !== query.organization || environment.cluster.id !== query.cluster) {
      fail(404, 'Not Found');
      return;
    }
    if (!canRead(principal, environment.organizationId)) {
      fail(403, 'Forbidden');
      return;
    }
    entry.status = 101;
    const closeNow = closing && closing.times > 0 ? { ...closing } : undefined;
    if (closing && closeNow) {
      closing.times--;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections++;
      if (closeNow) {
        ws.close(closeNow.code, closeNow.reason);
        return;
      }
      const stream: Stream = { socket: ws, serviceId: service.id, version: service.lastDeployedAt ?? 'v1' };
      streams.add(stream);
      ws.on('close', () => streams.delete(stream));
      ws.on('error', () => streams.delete(stream));
      // What the real stream starts with: the recent lines of the service.
      for (let i = 1; i <= 3; i++) {
        ws.send(message(stream, `${service.name}-7d9f-${i % 2}`, `${service.name} started, recent line ${i}`));
      }
    });
  });

  const targets = (serviceId?: string): Stream[] => [...streams].filter((s) => !serviceId || s.serviceId === serviceId);

  return {
    get openSockets() {
      return [...streams].filter((s) => s.socket.readyState === s.socket.OPEN).length;
    },
    get connections() {
      return connections;
    },
    upgrades,
    drop: () => {
      for (const s of streams) {
        s.socket.terminate();
      }
      streams.clear();
    },
    refuse: (status = 401, times = 1) => {
      refusals = { status, times };
    },
    closeAfterUpgrade: (code, o = {}) => {
      closing = { code, times: o.times ?? 1, reason: o.reason ?? CLOSE_REASONS[code] ?? '' };
    },
    end: (code, reason) => {
      for (const s of streams) {
        s.socket.close(code, reason ?? CLOSE_REASONS[code] ?? '');
      }
    },
    send: (count, o = {}) => {
      let n = 0;
      for (const s of targets(o.serviceId)) {
        for (let i = 0; i < count; i++) {
          sent++;
          s.socket.send(message(s, o.pod ?? 'web-7d9f-0', `${o.text ?? 'line'} ${sent}`));
          n++;
        }
      }
      return n;
    },
    flood: async (count, o = {}) => {
      const pods = Math.max(1, o.pods ?? 3);
      const all = targets(o.serviceId);
      const text = (j: number): string => {
        const line = `flood line ${j + 1} GET /api/items?page=${j % 50} 200 ${j % 97} ms`;
        return o.chars && o.chars > line.length ? `${line} ${'x'.repeat(o.chars - line.length - 1)}` : line;
      };
      // Written in slices (of about 1 MB): the socket's buffer drains between them, as a fast server's would.
      const slice = o.chars ? Math.max(1, Math.floor(1_000_000 / o.chars)) : 1000;
      for (let i = 0; i < count; i += slice) {
        for (const s of all) {
          for (let j = i; j < Math.min(count, i + slice); j++) {
            s.socket.send(message(s, `web-7d9f-${j % pods}`, text(j)));
          }
        }
        await new Promise<void>((resolve) => {
          const wait = (): void => (all.every((s) => s.socket.bufferedAmount < 1 << 20 || s.socket.readyState !== s.socket.OPEN) ? resolve() : void setTimeout(wait, 1));
          setImmediate(wait);
        });
      }
    },
    trickle: (ms) => {
      clearInterval(trickle);
      trickle = ms > 0 ? setInterval(() => {
        for (const s of streams) {
          sent++;
          s.socket.send(message(s, `web-7d9f-${sent % 2}`, `GET /health 200 ${sent % 40} ms`));
        }
      }, ms) : undefined;
    },
    close: () => {
      clearInterval(trickle);
      for (const s of streams) {
        s.socket.terminate();
      }
      streams.clear();
      wss.close();
    },
  };
}
