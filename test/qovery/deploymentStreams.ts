// The gateway's deployment streams (websocket-openapi.yaml): `/deployment/status` (each message the
// shape of `GET /environment/{id}/statusesWithStages`) and `/deployment/logs` (each message an array of
// `GET /environment/{id}/logs` entries), query `organization, cluster, project, environment, version`.
// The deployment state machine moves them: a status message at every step of a deployment of the
// environment, log entries as they are appended. Controls for tests: counts, drop, refuse, close with
// any code, and the REST status and log requests made while a stream was up.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DeploymentStageWithServicesStatuses, EnvironmentStatuses, EnvironmentStatusesWithStages, Status } from 'qovery-typescript-axios';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate, canRead, parseAuthorization } from './auth';
import type { DeploymentStore } from './deployments';
import { IdKind, decodeId, encodeId } from './ids';
import type { DeploymentLogStore } from './logs';
import type { EnvironmentRecord, QoveryAccount, ServiceType } from './model';
import { environmentStatusesJson } from './shapes';
import type { ApiTokenStore } from './tokens';

export const DEPLOYMENT_STREAM_PATHS: ReadonlySet<string> = new Set(['/deployment/status', '/deployment/logs']);

export type DeploymentStreamPath = '/deployment/status' | '/deployment/logs';

/** A stage of an environment: its name and the services deployed in it, in order. */
export interface StageInput {
  name: string;
  serviceIds: string[];
  description?: string;
}

export interface DeploymentStreamControls {
  /** Streams open now, of one path or of both. */
  openSockets(path?: DeploymentStreamPath): number;
  /** Upgrades accepted since the start (of one path or both). */
  connections(path?: DeploymentStreamPath): number;
  /** Every upgrade asked for: its path, query, Authorization scheme (never the secret) and the answer. */
  readonly upgrades: readonly { path: string; scheme: string; query: Record<string, string>; status: number }[];
  /** Messages sent, with the time each left (ms since the epoch, and performance.now()). */
  readonly sent: readonly { path: DeploymentStreamPath; environmentId: string; at: number; hr: number }[];
  /** Closes every stream (of a path) abruptly, as a network drop would. */
  drop(path?: DeploymentStreamPath): void;
  /** Refuses the next `times` upgrades (of a path) with this HTTP status (401 by default). */
  refuse(status?: number, times?: number, path?: DeploymentStreamPath): void;
  /** The gateway's rejection: the next `times` upgrades are accepted, then closed at once with this code. */
  closeAfterUpgrade(code: number, o?: { times?: number; reason?: string; path?: DeploymentStreamPath }): void;
  /** Closes every open stream (of a path) with this close code. */
  end(code: number, reason?: string, path?: DeploymentStreamPath): void;
  /** Sends the current statuses of an environment to its status streams now (as a step would). */
  pushStatus(environmentId: string): number;
  /** The stages of an environment (default: one per service type, databases first, as Qovery's default stages). */
  setStages(environmentId: string, stages: readonly StageInput[]): void;
  /** The body a status stream of this environment would send now (for contract tests). */
  statusMessage(environmentId: string): EnvironmentStatusesWithStages;
  /**
   * Counts REST requests of these kinds made while at least one stream of the environment was open
   * (`statuses`: `GET /environment/{id}/statuses`; `logs`: `GET /environment/{id}/logs`).
   */
  restWhileStreaming(environmentId?: string): { statuses: number; logs: number };
  /** Called by the HTTP server for each REST request. */
  noteRequest(method: string, path: string): void;
  close(): void;
}

interface Stream {
  socket: WebSocket;
  path: DeploymentStreamPath;
  environmentId: string;
  /** `/deployment/logs`: the execution asked for, or none for the newest (followed live). */
  version?: string;
}

const REQUIRED = ['organization', 'cluster', 'project', 'environment'] as const;

const CLOSE_REASONS: Record<number, string> = {
  1000: 'stream ended',
  1007: 'permission denied on this environment',
  1008: 'invalid or expired token',
  1011: 'the cluster agent is unavailable',
};

const STAGE_ORDER: readonly { type: ServiceType; name: string; key: keyof DeploymentStageWithServicesStatuses }[] = [
  { type: 'DATABASE', name: 'DATABASE DEFAULT', key: 'databases' },
  { type: 'TERRAFORM', name: 'TERRAFORM DEFAULT', key: 'terraforms' },
  { type: 'JOB', name: 'JOB DEFAULT', key: 'jobs' },
  { type: 'CONTAINER', name: 'CONTAINER DEFAULT', key: 'containers' },
  { type: 'APPLICATION', name: 'APPLICATION DEFAULT', key: 'applications' },
  { type: 'HELM', name: 'HELM DEFAULT', key: 'helms' },
];

const KEY_OF: Record<ServiceType, keyof DeploymentStageWithServicesStatuses> = {
  APPLICATION: 'applications',
  CONTAINER: 'containers',
  DATABASE: 'databases',
  JOB: 'jobs',
  HELM: 'helms',
  TERRAFORM: 'terraforms',
};

const isMoving = (state: string): boolean => /(ING|QUEUED)$/.test(state) && state !== 'WAITING_RUNNING';

/** A stage's status from its services' (the spec's StageStatusEnum). */
function stageStatus(statuses: readonly Status[]): 'QUEUED' | 'ONGOING' | 'DONE' | 'ERROR' | 'SKIPPED' | 'CANCELED' {
  const part = statuses.filter((s) => s.is_part_last_deployment);
  if (part.length === 0) {
    return 'SKIPPED';
  }
  if (part.some((s) => isMoving(s.state) && !s.state.endsWith('QUEUED'))) {
    return 'ONGOING';
  }
  if (part.every((s) => s.state.endsWith('QUEUED'))) {
    return 'QUEUED';
  }
  if (part.some((s) => s.state.endsWith('ERROR'))) {
    return 'ERROR';
  }
  if (part.some((s) => s.state.endsWith('QUEUED'))) {
    return 'ONGOING';
  }
  return part.every((s) => s.state === 'CANCELED') ? 'CANCELED' : 'DONE';
}

/** Serves the two deployment streams on the test server's HTTP server (upgrades of their paths only). */
export function attachDeploymentStreams(
  server: Server,
  account: QoveryAccount,
  tokens: ApiTokenStore,
  deployments: DeploymentStore,
  logs: DeploymentLogStore,
): DeploymentStreamControls {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const streams = new Set<Stream>();
  const upgrades: { path: string; scheme: string; query: Record<string, string>; status: number }[] = [];
  const sent: { path: DeploymentStreamPath; environmentId: string; at: number; hr: number }[] = [];
  const accepted: Record<DeploymentStreamPath, number> = { '/deployment/status': 0, '/deployment/logs': 0 };
  const stagesOf = new Map<string, StageInput[]>();
  const whileStreaming = new Map<string, { statuses: number; logs: number }>();
  let refusals: { status: number; times: number; path?: DeploymentStreamPath } | undefined;
  let closing: { code: number; times: number; reason: string; path?: DeploymentStreamPath } | undefined;
  let requests = 0;

  const refuse = (socket: Duplex, status: number, text: string): void => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nX-Qovery-Request-Id: ws-dep-${++requests}\r\nConnection: close\r\n\r\n${JSON.stringify({ status, message: text })}`);
  };

  const statusMessage = (environment: EnvironmentRecord): EnvironmentStatusesWithStages => {
    const services = account.services(environment.id).map((s) => deployments.overlay(s, true));
    const flat: EnvironmentStatuses = deployments.decorateStatuses(environmentStatusesJson(environment, services));
    const byId = new Map<string, Status>();
    for (const key of ['applications', 'containers', 'jobs', 'databases', 'helms', 'terraforms'] as const) {
      for (const s of flat[key] ?? []) {
        byId.set(s.id, s);
      }
    }
    const typeOf = new Map(services.map((s) => [s.id, s.source.type] as const));
    const given = stagesOf.get(environment.id);
    const layout: StageInput[] = given
      ? given
      : STAGE_ORDER.map((o) => ({ name: o.name, serviceIds: services.filter((s) => s.source.type === o.type).map((s) => s.id) })).filter((s) => s.serviceIds.length > 0);
    const decoded = decodeId(environment.id);
    const stages = layout.map((stage, i): DeploymentStageWithServicesStatuses => {
      const own = stage.serviceIds.map((id) => byId.get(id)).filter((s): s is Status => s !== undefined);
      const out: DeploymentStageWithServicesStatuses = { applications: [], containers: [], jobs: [], databases: [], helms: [], terraforms: [] };
      for (const s of own) {
        const key = KEY_OF[typeOf.get(s.id) ?? 'APPLICATION'];
        (out[key] as Status[]).push(s);
      }
      out.stage = {
        id: encodeId(IdKind.deployment, decoded?.account ?? 0, decoded?.indexes[0] ?? 0, decoded?.indexes[1] ?? 0, 0xe0 + i),
        name: stage.name,
        description: stage.description ?? '',
        status: stageStatus(own),
      };
      return out;
    });
    // A message is a read of the statuses, as a REST answer is (a deployment shown late gets one read closer).
    deployments.statusesRead(environment.id);
    return { environment: flat.environment, stages };
  };

  const send = (s: Stream, body: unknown): void => {
    if (s.socket.readyState !== s.socket.OPEN) {
      return;
    }
    s.socket.send(JSON.stringify(body));
    sent.push({ path: s.path, environmentId: s.environmentId, at: Date.now(), hr: performance.now() });
    // The demo server runs for hours: only the newest are kept.
    if (sent.length > 10_000) {
      sent.splice(0, sent.length - 10_000);
    }
  };

  const pushStatus = (environmentId: string): number => {
    const environment = account.environment(environmentId);
    const targets = [...streams].filter((s) => s.path === '/deployment/status' && s.environmentId === environmentId);
    if (!environment || targets.length === 0) {
      return 0;
    }
    const body = statusMessage(environment);
    for (const s of targets) {
      send(s, body);
    }
    return targets.length;
  };

  // Each step of a deployment moves the status streams of its environment; one that the statuses show
  // late (`statusLagMs`) is sent again when it shows.
  const lagTimers = new Set<ReturnType<typeof setTimeout>>();
  const offStep = deployments.onStep((d) => {
    pushStatus(d.environmentId);
    const wait = d.hiddenUntil === undefined ? 0 : d.hiddenUntil - Date.now();
    if (wait > 0) {
      const timer = setTimeout(() => {
        lagTimers.delete(timer);
        pushStatus(d.environmentId);
      }, wait + 5);
      lagTimers.add(timer);
    }
  });
  // Each entry appended reaches the log streams of its environment that follow it.
  const offAppend = logs.onAppend((environmentId, entries) => {
    for (const s of streams) {
      if (s.path !== '/deployment/logs' || s.environmentId !== environmentId) {
        continue;
      }
      const mine = entries.filter((e) => !s.version || e.details.execution_id === s.version);
      if (mine.length > 0) {
        send(s, mine);
      }
    }
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!DEPLOYMENT_STREAM_PATHS.has(url.pathname)) {
      return;
    }
    const path = url.pathname as DeploymentStreamPath;
    const query = Object.fromEntries(url.searchParams);
    const credentials = parseAuthorization(req.headers.authorization);
    const entry = { path, scheme: credentials.scheme, query, status: 0 };
    upgrades.push(entry);
    const fail = (status: number, text: string): void => {
      entry.status = status;
      refuse(socket, status, text);
    };
    if (refusals && refusals.times > 0 && (!refusals.path || refusals.path === path)) {
      refusals.times--;
      fail(refusals.status, refusals.status === 401 ? 'Unauthorized' : 'Refused');
      return;
    }
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
    if (!environment || environment.projectId !== query.project || environment.organizationId !== query.organization || environment.cluster.id !== query.cluster) {
      fail(404, 'Not Found');
      return;
    }
    if (!canRead(principal, environment.organizationId)) {
      fail(403, 'Forbidden');
      return;
    }
    entry.status = 101;
    const closeNow = closing && closing.times > 0 && (!closing.path || closing.path === path) ? { ...closing } : undefined;
    if (closing && closeNow) {
      closing.times--;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      accepted[path]++;
      if (closeNow) {
        ws.close(closeNow.code, closeNow.reason);
        return;
      }
      const stream: Stream = { socket: ws, path, environmentId: environment.id, ...(query.version ? { version: query.version } : {}) };
      streams.add(stream);
      ws.on('close', () => streams.delete(stream));
      ws.on('error', () => streams.delete(stream));
      if (path === '/deployment/status') {
        // The stream starts with where the environment is now.
        send(stream, statusMessage(environment));
      } else {
        // The deployment's entries so far (the one asked for, or the newest), then the new ones.
        const backlog = logs.list(environment.id, stream.version ?? null);
        if (backlog.length > 0) {
          send(stream, backlog);
        }
      }
    });
  });

  const open = (path?: DeploymentStreamPath): Stream[] => [...streams].filter((s) => (!path || s.path === path) && s.socket.readyState === s.socket.OPEN);

  return {
    openSockets: (path) => open(path).length,
    connections: (path) => (path ? accepted[path] : accepted['/deployment/status'] + accepted['/deployment/logs']),
    upgrades,
    sent,
    drop: (path) => {
      for (const s of [...streams]) {
        if (!path || s.path === path) {
          s.socket.terminate();
          streams.delete(s);
        }
      }
    },
    refuse: (status = 401, times = 1, path) => {
      refusals = { status, times, ...(path ? { path } : {}) };
    },
    closeAfterUpgrade: (code, o = {}) => {
      closing = { code, times: o.times ?? 1, reason: o.reason ?? CLOSE_REASONS[code] ?? '', ...(o.path ? { path: o.path } : {}) };
    },
    end: (code, reason, path) => {
      for (const s of streams) {
        if (!path || s.path === path) {
          s.socket.close(code, reason ?? CLOSE_REASONS[code] ?? '');
        }
      }
    },
    pushStatus,
    setStages: (environmentId, stages) => {
      stagesOf.set(environmentId, stages.map((s) => ({ ...s, serviceIds: [...s.serviceIds] })));
    },
    statusMessage: (environmentId) => {
      const environment = account.environment(environmentId);
      if (!environment) {
        throw new Error(`No environment ${environmentId}.`);
      }
      return statusMessage(environment);
    },
    restWhileStreaming: (environmentId) => {
      if (environmentId) {
        return { ...(whileStreaming.get(environmentId) ?? { statuses: 0, logs: 0 }) };
      }
      const all = { statuses: 0, logs: 0 };
      for (const c of whileStreaming.values()) {
        all.statuses += c.statuses;
        all.logs += c.logs;
      }
      return all;
    },
    noteRequest: (method, path) => {
      const m = method === 'GET' ? /^\/environment\/([^/]+)\/(statuses|logs)$/.exec(path) : null;
      if (!m || !open().some((s) => s.environmentId === m[1])) {
        return;
      }
      const c = whileStreaming.get(m[1]) ?? { statuses: 0, logs: 0 };
      c[m[2] as 'statuses' | 'logs']++;
      whileStreaming.set(m[1], c);
    },
    close: () => {
      offStep();
      for (const timer of lagTimers) {
        clearTimeout(timer);
      }
      offAppend();
      for (const s of streams) {
        s.socket.terminate();
      }
      streams.clear();
      wss.close();
    },
  };
}
