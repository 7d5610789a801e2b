import * as assert from 'node:assert/strict';
import { loadSpec, validateRequest, validateResponse, type Spec } from '../../qovery/contract';
import { DEMO, DEMO_USER_JWT, failedExecutionId, startQoveryServer, type QoveryServer } from '../../qovery';

describe('contract: deployment logs of the test server against the official spec', function () {
  let spec: Spec;
  let server: QoveryServer;

  before(async function () {
    this.timeout(30_000);
    const loaded = loadSpec();
    if (!loaded) {
      this.skip();
    }
    spec = loaded;
    server = await startQoveryServer();
  });
  after(async () => {
    await server?.close();
  });

  async function get(path: string): Promise<{ status: number; body: unknown }> {
    const r = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${DEMO_USER_JWT}` } });
    return { status: r.status, body: (await r.json()) };
  }

  it('GET /environment/{id}/logs?version= answers a bare array of EnvironmentLogs with errors and hints', async () => {
    const env = DEMO.environments.storefrontStaging;
    const path = `/environment/${env}/logs?version=${failedExecutionId(env)}`;
    const answer = await get(path);
    assert.equal(answer.status, 200);
    assert.ok(Array.isArray(answer.body) && answer.body.length > 5);
    const result = validateResponse(spec, 'GET', `/environment/${env}/logs`, 200, answer.body);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.unknownProperties, []);
    const errors = (answer.body as { error?: { user_log_message?: string; hint_message?: string; link?: string } | null }[]).filter((e) => e.error);
    assert.ok(errors.some((e) => e.error?.user_log_message && e.error.hint_message && e.error.link));
    for (const entry of server.requests) {
      assert.deepEqual(validateRequest(spec, entry).errors, [], `${entry.method} ${entry.path}`);
    }
  });

  it('without a version: the newest execution; an unknown version or a quiet environment: an empty array; errors are spec statuses', async () => {
    const env = DEMO.environments.storefrontStaging;
    assert.deepEqual((await get(`/environment/${env}/logs`)).body, (await get(`/environment/${env}/logs?version=${failedExecutionId(env)}`)).body);
    assert.deepEqual((await get(`/environment/${env}/logs?version=nope`)).body, []);
    assert.deepEqual((await get(`/environment/${DEMO.environments.storefrontProduction}/logs`)).body, []);
    const missing = await get(`/environment/${DEMO.projects.sandbox}/logs`);
    assert.equal(missing.status, 404);
    assert.deepEqual(validateResponse(spec, 'GET', `/environment/${DEMO.projects.sandbox}/logs`, 404, missing.body).errors, []);
  });

  it("the precheck failure mode: the error is on an Environment line of the PreCheck step, valid against the spec", async () => {
    const env = DEMO.environments.storefrontStaging;
    const postgres = DEMO.services.stagingPostgres;
    server.deployments.setTimings({ stepMs: 20 });
    server.state.deploymentLogs.failPrecheckNext(postgres);
    server.deployments.failNext(postgres);
    const answer = await fetch(`${server.url}/database/${postgres}/deploy`, { method: 'POST', headers: { authorization: `Bearer ${DEMO_USER_JWT}` } });
    assert.equal(answer.status, 202);
    const deployment = server.deployments.latest(postgres)!;
    const end = Date.now() + 10_000;
    while (deployment.state !== 'DEPLOYMENT_ERROR' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(deployment.state, 'DEPLOYMENT_ERROR');
    const body = (await get(`/environment/${env}/logs?version=${deployment.executionId}`)).body as {
      details: { transmitter: { type: string }; stage: { step: string } };
      error: { user_log_message?: string } | null;
    }[];
    assert.deepEqual(validateResponse(spec, 'GET', `/environment/${env}/logs`, 200, body).errors, []);
    const failed = body.filter((e) => e.error);
    assert.equal(failed.length, 1);
    assert.equal(failed[0].details.transmitter.type, 'Environment');
    assert.equal(failed[0].details.stage.step, 'PreCheck');
    assert.ok(body.every((e) => e.details.transmitter.type === 'Environment'), 'no line of the service: nothing ran after the precheck');
  });

  it('entries appended for an execution are served in order', async () => {
    const env = DEMO.environments.storefrontProduction;
    server.state.appendDeploymentLogs([
      { environmentId: env, executionId: 'exec-9', stage: 'Build', message: 'one' },
      { environmentId: env, executionId: 'exec-9', stage: 'Deploy', message: 'two', service: { id: DEMO.services.storefrontWeb, name: 'web' } },
    ]);
    const body = (await get(`/environment/${env}/logs?version=exec-9`)).body as { message: { safe_message: string }; details: { transmitter: { id: string } } }[];
    assert.deepEqual(body.map((e) => e.message.safe_message), ['one', 'two']);
    assert.equal(body[1].details.transmitter.id, DEMO.services.storefrontWeb);
    assert.deepEqual(validateResponse(spec, 'GET', `/environment/${env}/logs`, 200, body).errors, []);
  });
});
