// The test server's deployment streams: `/deployment/status` and `/deployment/logs` as the gateway's
// spec says (query, header, close codes), their messages valid against the REST shapes they mirror,
// moved by the deployment state machine; and the controls tests use.
import * as assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DEMO, DEMO_ADMIN_TOKEN, DEMO_USER_JWT, startQoveryServer, type QoveryServer } from '../../qovery';
import { loadSpec, validateResponse, type Spec } from '../../qovery/contract';

interface Opened {
  socket: WebSocket;
  messages: unknown[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the next message (or one already received and not yet taken). */
  next(): Promise<unknown>;
}

describe('test server: the deployment streams (/deployment/status, /deployment/logs)', function () {
  this.timeout(20_000);
  let server: QoveryServer;
  let spec: Spec | undefined;
  const env = DEMO.environments.storefrontProduction;
  const sockets: WebSocket[] = [];

  before(() => {
    spec = loadSpec();
  });
  beforeEach(async () => {
    server = await startQoveryServer();
    server.deployments.setTimings({ stepMs: 30 });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) {
      s.terminate();
    }
    await server.close();
  });

  function query(environmentId = env, extra: Record<string, string> = {}): string {
    const e = server.state.account.environment(environmentId)!;
    return new URLSearchParams({ organization: e.organizationId, cluster: e.cluster.id, project: e.projectId, environment: e.id, ...extra }).toString();
  }

  function open(path: string, q = query(), authorization = `Token ${DEMO_ADMIN_TOKEN}`): Promise<Opened> {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}${path}?${q}`, { headers: { Authorization: authorization } });
    sockets.push(socket);
    const messages: unknown[] = [];
    let taken = 0;
    const waiting: ((m: unknown) => void)[] = [];
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as unknown;
      messages.push(m);
      const w = waiting.shift();
      if (w) {
        taken++;
        w(m);
      }
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    return new Promise((resolve, reject) => {
      socket.on('open', () =>
        resolve({
          socket,
          messages,
          closed,
          next: () => (taken < messages.length ? Promise.resolve(messages[taken++]) : new Promise((r) => waiting.push(r))),
        }),
      );
      socket.on('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade answered ${res.statusCode}`), { status: res.statusCode })));
      socket.on('error', reject);
    });
  }

  async function deploy(serviceId: string, type = 'container'): Promise<void> {
    const body = type === 'container' ? { image_tag: '2.15.0' } : undefined;
    const r = await fetch(`${server.url}/${type}/${serviceId}/deploy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_USER_JWT}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    assert.equal(r.status, 202);
  }

  it('a status stream starts with the environment now, then a message at every step, each valid as GET /environment/{id}/statusesWithStages', async () => {
    const s = await open('/deployment/status');
    const first = (await s.next()) as { environment: { id: string }; stages: { stage: { name: string; status: string }; containers: { id: string; state: string }[] }[] };
    assert.equal(first.environment.id, env);
    assert.ok(first.stages.length >= 3, 'one stage per service type of the environment');
    await deploy(DEMO.services.storefrontApi);
    const states: string[] = [];
    while (!states.includes('DEPLOYED')) {
      const m = (await s.next()) as typeof first;
      const api = m.stages.flatMap((st) => st.containers).find((c) => c.id === DEMO.services.storefrontApi);
      states.push(api!.state);
    }
    assert.deepEqual(states, ['DEPLOYMENT_QUEUED', 'DEPLOYING', 'DEPLOYED']);
    if (spec) {
      for (const m of s.messages) {
        const r = validateResponse(spec, 'GET', `/environment/${env}/statusesWithStages`, 200, m);
        assert.deepEqual(r.errors, []);
        assert.deepEqual(r.unknownProperties, []);
      }
    }
  });

  it("stages: the one of a moving service is ONGOING; a test's own stages are named and ordered as given", async () => {
    server.deploymentStreams.setStages(env, [
      { name: 'data', serviceIds: [DEMO.services.storefrontPostgres, DEMO.services.storefrontRedis] },
      { name: 'backend', serviceIds: [DEMO.services.storefrontApi] },
      { name: 'frontend', serviceIds: [DEMO.services.storefrontWeb] },
    ]);
    const s = await open('/deployment/status');
    await s.next();
    await deploy(DEMO.services.storefrontApi);
    let m: { stages: { stage: { name: string; status: string } }[] };
    do {
      m = (await s.next()) as typeof m;
    } while (m.stages[1].stage.status !== 'ONGOING');
    assert.deepEqual(
      m.stages.map((st) => st.stage.name),
      ['data', 'backend', 'frontend'],
    );
    assert.equal(m.stages[0].stage.status, 'SKIPPED', 'not part of this deployment');
  });

  it('a log stream sends the newest deployment so far, then each entry as it is appended: arrays valid as GET /environment/{id}/logs', async () => {
    await deploy(DEMO.services.storefrontApi);
    const s = await open('/deployment/logs');
    const backlog = (await s.next()) as { details: { execution_id: string } }[];
    assert.ok(Array.isArray(backlog) && backlog.length >= 1);
    const executionId = server.deployments.latest(DEMO.services.storefrontApi)!.executionId;
    assert.ok(backlog.every((e) => e.details.execution_id === executionId));
    const end = Date.now() + 5000;
    while (server.deployments.latest(DEMO.services.storefrontApi)!.state !== 'DEPLOYED' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 50));
    const streamed = s.messages.flat() as { details: { execution_id: string }; timestamp: string }[];
    const rest = (await (await fetch(`${server.url}/environment/${env}/logs?version=${executionId}`, { headers: { authorization: `Bearer ${DEMO_USER_JWT}` } })).json()) as unknown[];
    assert.equal(streamed.length, rest.length, 'every entry of the deployment came over the stream');
    if (spec) {
      for (const m of s.messages) {
        assert.ok(Array.isArray(m));
        const r = validateResponse(spec, 'GET', `/environment/${env}/logs`, 200, m);
        assert.deepEqual(r.errors, []);
        assert.deepEqual(r.unknownProperties, []);
      }
    }
  });

  it('a log stream with a version sends that execution only', async () => {
    await deploy(DEMO.services.storefrontApi);
    const first = server.deployments.latest(DEMO.services.storefrontApi)!.executionId;
    const s = await open('/deployment/logs', query(env, { version: first }));
    const backlog = (await s.next()) as { details: { execution_id: string } }[];
    assert.ok(backlog.every((e) => e.details.execution_id === first));
  });

  it('the header carries the token: none, a wrong one, a query token, a wrong cluster are refused; another organization is 403', async () => {
    await assert.rejects(open('/deployment/status', query(), 'Token nope'), { status: 401 });
    await assert.rejects(open('/deployment/status', `${query()}&token=x`), { status: 400 });
    const e = server.state.account.environment(env)!;
    await assert.rejects(open('/deployment/status', new URLSearchParams({ organization: e.organizationId, cluster: e.projectId, project: e.projectId, environment: e.id }).toString()), { status: 404 });
    const other = DEMO.environments.storefrontProduction;
    await assert.rejects(open('/deployment/logs', query(other), `Token ${server.tokens.secondOrgAdmin}`), { status: 403 });
    assert.ok(server.deploymentStreams.upgrades.every((u) => !JSON.stringify(u).includes(DEMO_ADMIN_TOKEN)));
  });

  it('controls: refuse, close with any code after the upgrade, end, drop, and the counts', async () => {
    server.deploymentStreams.refuse(503, 1, '/deployment/status');
    await assert.rejects(open('/deployment/status'), { status: 503 });
    server.deploymentStreams.closeAfterUpgrade(1008, { path: '/deployment/status' });
    const closed = await open('/deployment/status');
    assert.deepEqual(await closed.closed, { code: 1008, reason: 'invalid or expired token' });
    const a = await open('/deployment/status');
    const b = await open('/deployment/logs');
    assert.equal(server.deploymentStreams.openSockets(), 2);
    assert.equal(server.deploymentStreams.connections('/deployment/status'), 2);
    server.deploymentStreams.end(4321, 'custom', '/deployment/logs');
    assert.deepEqual(await b.closed, { code: 4321, reason: 'custom' });
    server.deploymentStreams.drop();
    assert.equal((await a.closed).code, 1006);
    assert.equal(server.deploymentStreams.openSockets(), 0);
  });

  it('counts the REST status and log requests made while a stream of the environment is up, and none before', async () => {
    const get = (path: string): Promise<Response> => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${DEMO_USER_JWT}` } });
    await get(`/environment/${env}/statuses`);
    assert.deepEqual(server.deploymentStreams.restWhileStreaming(env), { statuses: 0, logs: 0 });
    const s = await open('/deployment/status');
    await s.next();
    await get(`/environment/${env}/statuses`);
    await get(`/environment/${env}/logs`);
    await get(`/environment/${DEMO.environments.storefrontStaging}/statuses`);
    assert.deepEqual(server.deploymentStreams.restWhileStreaming(env), { statuses: 1, logs: 1 });
    assert.deepEqual(server.deploymentStreams.restWhileStreaming(), { statuses: 1, logs: 1 });
  });
});
