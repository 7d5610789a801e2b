import * as assert from 'node:assert/strict';
import type * as Q from 'qovery-typescript-axios';
import { loadSpec, validateResponse, type Spec } from '../../qovery/contract';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';

// The test server's switchable behaviours of the real service around a deployment's start and end,
// over real sockets, each answer checked against Qovery's official spec.
describe('deploy: the test server behaves as the real service when asked', function () {
  this.timeout(20_000);
  let spec: Spec | undefined;
  let server: QoveryServer;
  const environment = DEMO.environments.toolsDevelopment;
  const admin = DEMO.services.toolsAdmin;
  const mysql = DEMO.services.toolsMysql;

  beforeEach(async () => {
    spec = loadSpec();
    server = await startQoveryServer();
    server.deployments.setTimings({ stepMs: 50 });
  });
  afterEach(async () => {
    await server?.close();
  });

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Token ${server.tokens.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (spec) {
      assert.deepEqual(validateResponse(spec, method, path.split('?')[0], response.status, json).errors, [], `${method} ${path}`);
    }
    return { status: response.status, json };
  }
  const statuses = async (): Promise<Q.EnvironmentStatuses> => (await call('GET', `/environment/${environment}/statuses`)).json as Q.EnvironmentStatuses;
  const statusOf = (body: Q.EnvironmentStatuses, id: string): Q.Status | undefined => [...body.applications, ...body.databases].find((s) => s.id === id);
  const until = async (what: string, probe: () => boolean | Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!(await probe())) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const deployAdmin = async () => call('POST', `/application/${admin}/deploy`, { git_commit_id: server.deployments.commits(admin)[0].git_commit_id });

  it('statusLagMs and answerShowsPrevious: a 202 naming the previous deployment, and statuses that show it for the lag', async () => {
    await deployAdmin();
    await until('the first deployment ends', () => server.deployments.latest(admin)?.state === 'DEPLOYED');
    const first = server.deployments.latest(admin)!.executionId;
    server.deployments.setTimings({ statusLagMs: 1_000, answerShowsPrevious: true });
    const answer = (await call('POST', `/application/${admin}/restart-service`)).json as Q.Status;
    const second = server.deployments.latest(admin)!;
    assert.notEqual(second.executionId, first);
    assert.equal(answer.execution_id, first, 'the answer names the previous execution');
    assert.equal(answer.state, 'DEPLOYED');
    const during = statusOf(await statuses(), admin);
    assert.equal(during?.execution_id, first);
    assert.equal(during?.state, 'DEPLOYED');
    await new Promise((r) => setTimeout(r, 1_100));
    const after = statusOf(await statuses(), admin);
    assert.equal(after?.execution_id, second.executionId);
  });

  it('neverDeployedReadyMs: the first deployment of a service never deployed shows READY, under its new execution id, before it is queued', async () => {
    server.deployments.setTimings({ neverDeployedReadyMs: 300 });
    await call('POST', `/database/${mysql}/deploy`);
    const shown = statusOf(await statuses(), mysql);
    assert.equal(shown?.state, 'READY');
    assert.equal(shown?.execution_id, server.deployments.latest(mysql)?.executionId);
    await until('deployed', () => server.deployments.latest(mysql)?.state === 'DEPLOYED');
  });

  it('leaveOut: an environment deployment leaves the service out; it keeps its old error with is_part_last_deployment false, and the outcome is the deployment\'s', async () => {
    server.deployments.leaveOut(mysql, 'DEPLOYMENT_ERROR');
    assert.equal((await call('POST', `/environment/${environment}/deploy`)).status, 202);
    assert.equal(server.deployments.latest(mysql), undefined, 'mysql was not deployed');
    await until('deployed', () => server.deployments.latest(admin)?.state === 'DEPLOYED');
    const body = await statuses();
    assert.equal(body.environment.last_deployment_state, 'DEPLOYED');
    assert.deepEqual(
      [statusOf(body, admin), statusOf(body, mysql)].map((s) => [s?.state, s?.is_part_last_deployment]),
      [
        ['DEPLOYED', true],
        ['DEPLOYMENT_ERROR', false],
      ],
    );
    server.deployments.leaveOut(mysql, false);
    assert.equal(statusOf(await statuses(), mysql)?.state, 'READY');
  });

  it('the services list names the commit deployed last, not the seeded one', async () => {
    const before = ((await call('GET', `/environment/${environment}/services`)).json as { results: { id: string; git_repository?: { deployed_commit_id?: string } }[] }).results;
    const commit = server.deployments.commits(admin)[0].git_commit_id;
    assert.notEqual(before.find((s) => s.id === admin)?.git_repository?.deployed_commit_id, commit);
    await deployAdmin();
    await until('deployed', () => server.deployments.latest(admin)?.state === 'DEPLOYED');
    const after = ((await call('GET', `/environment/${environment}/services`)).json as { results: { id: string; git_repository?: { deployed_commit_id?: string } }[] }).results;
    assert.equal(after.find((s) => s.id === admin)?.git_repository?.deployed_commit_id, commit);
  });
});
