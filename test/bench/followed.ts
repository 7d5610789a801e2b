// What following one deployment costs, in plain Node against a real test server: a deployment of
// 10 minutes (the server's step timers and the status service's clock compressed by SCALE, so it
// takes seconds; the counts are what matter) followed with its log open, once as before (statuses
// polled every 3 s, the log fetched on each answer while it moves) and once over the gateway's
// /deployment/status and /deployment/logs streams. Then the delay from the server sending a status
// message to a subscriber of the status service receiving it (median of 20). Used by scripts/bench.mjs;
// `node out/test/bench/followed.js` runs it alone.
import WebSocket from 'ws';
import { QoveryClient } from '../../src/api';
import { getServiceStatuses, listEnvironments } from '../../src/api/explorer';
import { mergeEntries, ofExecution, ofService, parseDeploymentLogs, type DeploymentLogEntry } from '../../src/logs/deployment';
import { deploymentLogsUrl, deploymentStatusUrl, parseStatusMessage } from '../../src/shared/deploymentStreams';
import { EnvironmentStatusService, isMovingState, type StatusStreamOpener } from '../../src/shared/environmentStatus';
import { ScaledClock } from '../support/fakeClock';
import { GatewayStream, type SocketLike } from '../../src/shared/gateway';
import { DEMO, DEMO_ADMIN_TOKEN, startQoveryServer, type QoveryServer } from '../qovery';

/** Simulated time runs this many times faster than real time. */
const SCALE = 100;
/** The deployment: queued, deploying, deployed, 5 minutes each step (10 minutes in all). */
const STEP_MS = 5 * 60_000;


export interface FollowRun {
  /** REST requests from the statuses read before the action to the end of the follow (the POST included). */
  restRequests: number;
  statusRequests: number;
  logRequests: number;
  websockets: number;
  /** Simulated minutes the deployment took. */
  minutes: number;
  /** The log holds the deployment's last line. */
  complete: boolean;
}

export interface FollowedDeployment {
  polling: FollowRun;
  push: FollowRun;
  /** polling.restRequests / push.restRequests */
  ratio: number;
  /** From the server sending a status message to a subscriber receiving it, ms. */
  firstMessageMs: { median: number; max: number; samples: number };
}

const env = DEMO.environments.storefrontProduction;
const serviceId = DEMO.services.storefrontApi;
const authorization = (): Promise<string> => Promise.resolve(`Token ${DEMO_ADMIN_TOKEN}`);
const connect = (url: string, headers: Record<string, string>): SocketLike => new WebSocket(url, { headers, perMessageDeflate: false, followRedirects: false });

function ids(server: QoveryServer): { organizationId: string; projectId: string } {
  const e = server.state.account.environment(env)!;
  return { organizationId: e.organizationId, projectId: e.projectId };
}

/** The statuses chunk's opener, with the test server's gateway and a cluster read from the project's environments. */
function opener(server: QoveryServer, client: QoveryClient, streams: GatewayStream[]): StatusStreamOpener {
  return (environmentId, follow, callbacks) => {
    let stream: GatewayStream | undefined;
    let closed = false;
    void (async () => {
      const clusterId = (await listEnvironments(client, follow.projectId)).find((e) => e.id === environmentId)?.cluster_id;
      if (closed || !clusterId) {
        callbacks.onState('down');
        return;
      }
      stream = new GatewayStream({
        url: deploymentStatusUrl(server.url.replace('http:', 'ws:'), { ...follow, clusterId, environmentId }),
        authorization,
        connect,
        onMessage: (text) => callbacks.onStatuses(parseStatusMessage(text)),
        onState: (s) => callbacks.onState(s.kind === 'connected' ? 'connected' : s.kind === 'connecting' ? 'connecting' : 'down'),
      });
      streams.push(stream);
      stream.start();
    })();
    return {
      close: () => {
        closed = true;
        stream?.close();
      },
    };
  };
}

async function follow(mode: 'polling' | 'push'): Promise<FollowRun> {
  const server = await startQoveryServer();
  const streams: GatewayStream[] = [];
  try {
    server.deployments.setTimings({ stepMs: STEP_MS / SCALE });
    const client = new QoveryClient({ baseUrl: server.url, token: DEMO_ADMIN_TOKEN });
    const clock = new ScaledClock(SCALE);
    const service = new EnvironmentStatusService((id) => getServiceStatuses(client, id), clock, true, mode === 'push' ? opener(server, client, streams) : undefined);
    server.clearLog();
    // The follow: the statuses just before the action, then the action.
    await service.fetch(env);
    const started = clock.now();
    const answer = await fetch(`${server.url}/container/${serviceId}/deploy`, {
      method: 'POST',
      headers: { authorization: `Token ${DEMO_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ image_tag: '2.15.0' }),
    });
    if (answer.status !== 202) {
      throw new Error(`the deploy answered ${answer.status}`);
    }
    const executionId = server.deployments.latest(serviceId)!.executionId;
    // The log view: the log fetched once, then (push) streamed, or (polling) fetched on each moving answer.
    let entries: DeploymentLogEntry[] = [];
    const keep = (incoming: DeploymentLogEntry[]): void => {
      entries = mergeEntries(entries, ofService(ofExecution(incoming, executionId), serviceId)).entries;
    };
    const load = async (): Promise<void> => keep(parseDeploymentLogs(await client.get(`/environment/${env}/logs`)));
    await load();
    let logStream: GatewayStream | undefined;
    if (mode === 'push') {
      const clusterId = server.state.account.environment(env)!.cluster.id;
      logStream = new GatewayStream({
        url: deploymentLogsUrl(server.url.replace('http:', 'ws:'), { ...ids(server), clusterId, environmentId: env }),
        authorization,
        connect,
        onMessage: (text) => keep(parseDeploymentLogs(JSON.parse(text))),
        onState: () => undefined,
      });
      logStream.start();
    }
    await new Promise<void>((resolve) => {
      const watch = service.watch(env, {
        ...(mode === 'push' ? { follow: ids(server) } : {}),
        onStatuses: (statuses) => {
          const own = statuses?.containers.find((s) => s.id === serviceId);
          if (!own || own.execution_id !== executionId) {
            return;
          }
          if (isMovingState(own.state)) {
            if (mode === 'polling') {
              void load();
            }
            return;
          }
          watch.dispose();
          resolve();
        },
      });
    });
    const minutes = (clock.now() - started) / 60_000;
    if (mode === 'polling') {
      await load();
    } else {
      // The last entries arrive with the last status message.
      await new Promise((r) => setTimeout(r, 100));
    }
    logStream?.close();
    service.dispose();
    const rest = server.requests.filter((r) => r.method !== 'GET' || !r.path.startsWith('/deployment/'));
    return {
      restRequests: rest.length,
      statusRequests: rest.filter((r) => r.path === `/environment/${env}/statuses`).length,
      logRequests: rest.filter((r) => r.path === `/environment/${env}/logs`).length,
      websockets: server.deploymentStreams.connections(),
      minutes: Math.round(minutes * 10) / 10,
      complete: entries.some((e) => e.message?.endsWith('is deployed.')),
    };
  } finally {
    for (const s of streams) {
      s.close();
    }
    await server.close();
  }
}

/** The delay from the server's send to a subscriber's callback, for 20 status messages on one stream. */
async function firstMessage(): Promise<FollowedDeployment['firstMessageMs']> {
  const server = await startQoveryServer();
  const streams: GatewayStream[] = [];
  try {
    const client = new QoveryClient({ baseUrl: server.url, token: DEMO_ADMIN_TOKEN });
    const service = new EnvironmentStatusService((id) => getServiceStatuses(client, id), undefined, true, opener(server, client, streams));
    let received: (() => void) | undefined;
    const watch = service.watch(env, { follow: ids(server), onStatuses: () => received?.() });
    const deadline = Date.now() + 10_000;
    while (!service.streaming(env) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const arrived = new Promise<number>((resolve) => (received = () => resolve(performance.now())));
      server.deploymentStreams.pushStatus(env);
      const sent = server.deploymentStreams.sent[server.deploymentStreams.sent.length - 1];
      delays.push((await arrived) - sent.hr);
      await new Promise((r) => setTimeout(r, 10));
    }
    watch.dispose();
    service.dispose();
    const sorted = [...delays].sort((a, b) => a - b);
    const median = (sorted[9] + sorted[10]) / 2;
    return { median: Math.round(median * 100) / 100, max: Math.round(sorted[19] * 100) / 100, samples: delays.length };
  } finally {
    for (const s of streams) {
      s.close();
    }
    await server.close();
  }
}

export async function measureFollowedDeployment(): Promise<FollowedDeployment> {
  const polling = await follow('polling');
  const push = await follow('push');
  return { polling, push, ratio: Math.round((polling.restRequests / Math.max(1, push.restRequests)) * 10) / 10, firstMessageMs: await firstMessage() };
}

if (require.main === module) {
  measureFollowedDeployment().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
