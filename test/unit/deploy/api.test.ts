import * as assert from 'node:assert/strict';
import { QoveryClient } from '../../../src/api';
import { errorKind } from '../../../src/api/errors';
import { DeployApi } from '../../../src/deploy/api';
import { loadSpec, validateRequest, validateResponse, type Spec } from '../../qovery/contract';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';

// The deploy calls of the extension against the test server, over real sockets: the state machine,
// the refusals, and every request and answer checked against Qovery's official spec.
describe('deploy: the API calls against the test server and the spec', function () {
  this.timeout(20_000);
  let spec: Spec | undefined;
  let server: QoveryServer;
  let admin: DeployApi;
  let viewer: DeployApi;
  const steps: [string, string, string][] = [];
  const web = DEMO.services.storefrontWeb;
  const admin2 = DEMO.services.toolsAdmin;

  before(async () => {
    spec = loadSpec();
    server = await startQoveryServer();
    server.deployments.setTimings({ stepMs: 30 });
    server.deployments.onStep((d, state) => steps.push([d.serviceId, d.executionId, state]));
    admin = new DeployApi(new QoveryClient({ baseUrl: server.url, token: server.tokens.admin }));
    viewer = new DeployApi(new QoveryClient({ baseUrl: server.url, token: server.tokens.viewer, maxRetries: 0 }));
  });
  after(async () => {
    await server?.close();
  });

  const stateOf = (serviceId: string): string | undefined => server.deployments.latest(serviceId)?.state;
  async function until(what: string, probe: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!probe()) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('deploys a commit Qovery sees: queued, building, deploying, deployed; each step told to onStep with the execution id', async () => {
    const commits = await admin.commits('APPLICATION', admin2);
    assert.ok(commits.length >= 5);
    const status = await admin.serviceAction('APPLICATION', admin2, 'deploy', { git_commit_id: commits[0].git_commit_id });
    assert.equal(status.state, 'DEPLOYMENT_QUEUED');
    assert.ok(status.execution_id?.startsWith(DEMO.environments.toolsDevelopment));
    await until('deployed', () => stateOf(admin2) === 'DEPLOYED');
    assert.deepEqual(
      steps.filter(([id, execution]) => id === admin2 && execution === status.execution_id).map(([, , s]) => s),
      ['DEPLOYMENT_QUEUED', 'BUILDING', 'DEPLOYING', 'DEPLOYED'],
    );
  });

  it('an accepted action whose answer is odd (empty 202, null fields) is still accepted, never a failure inviting a second POST', async () => {
    server.setFault(`POST /database/${DEMO.services.storefrontPostgres}/restart-service`, { status: 202, body: { id: null, state: 7 }, afterAction: true, times: 1 });
    const status = await admin.serviceAction('DATABASE', DEMO.services.storefrontPostgres, 'restart-service');
    assert.deepEqual(status, { id: undefined, state: undefined, execution_id: undefined, deployment_request_id: undefined });
    const restart = steps.filter(([id]) => id === DEMO.services.storefrontPostgres);
    assert.ok(restart.length >= 1, 'the server acted');
  });

  it('a commit that fails to build ends in BUILD_ERROR; a commit Qovery does not see is refused (400)', async () => {
    const failing = server.deployments.failingCommit(admin2);
    assert.ok(failing);
    await admin.serviceAction('APPLICATION', admin2, 'deploy', { git_commit_id: failing });
    await until('build error', () => stateOf(admin2) === 'BUILD_ERROR');
    await assert.rejects(admin.serviceAction('APPLICATION', admin2, 'deploy', { git_commit_id: 'f'.repeat(40) }), (e) => errorKind(e) === 'badRequest');
  });

  it('answers 409 while something runs and 403 to a role that may not deploy', async () => {
    await admin.serviceAction('APPLICATION', admin2, 'redeploy');
    await assert.rejects(admin.serviceAction('APPLICATION', admin2, 'redeploy'), (e) => errorKind(e) === 'conflict');
    await assert.rejects(viewer.serviceAction('APPLICATION', web, 'restart-service'), (e) => errorKind(e) === 'forbidden');
    // A redeploy builds the commit deployed last: the failing one of the test before.
    await until('redeployed', () => stateOf(admin2) === 'BUILD_ERROR');
  });

  it('a deployment told to fail ends in DEPLOYMENT_ERROR (a database deploys without a body)', async () => {
    server.deployments.failNext(DEMO.services.toolsMysql);
    await admin.serviceAction('DATABASE', DEMO.services.toolsMysql, 'deploy');
    await until('deployment error', () => stateOf(DEMO.services.toolsMysql) === 'DEPLOYMENT_ERROR');
    assert.deepEqual(
      steps.filter(([id]) => id === DEMO.services.toolsMysql).map(([, , s]) => s),
      ['DEPLOYMENT_QUEUED', 'DEPLOYING', 'DEPLOYMENT_ERROR'],
    );
    steps.length = 0;
  });

  it('restarts and stops with the RESTART_* and STOP_* states', async () => {
    await admin.serviceAction('DATABASE', DEMO.services.toolsMysql, 'restart-service');
    await until('restarted', () => stateOf(DEMO.services.toolsMysql) === 'RESTARTED');
    await admin.serviceAction('DATABASE', DEMO.services.toolsMysql, 'stop');
    await until('stopped', () => stateOf(DEMO.services.toolsMysql) === 'STOPPED');
    const seen = steps.filter(([id]) => id === DEMO.services.toolsMysql).map(([, , s]) => s);
    assert.deepEqual(seen, ['RESTART_QUEUED', 'RESTARTING', 'RESTARTED', 'STOP_QUEUED', 'STOPPING', 'STOPPED']);
  });

  it('cancels what runs in an environment, and a request still queued', async () => {
    server.deployments.setTimings({ stepMs: 5_000 });
    try {
      await admin.environmentAction(DEMO.environments.toolsDevelopment, 'deploy');
      await admin.cancelEnvironment(DEMO.environments.toolsDevelopment, false);
      assert.equal(stateOf(admin2), 'CANCELED', 'a queued deployment is cancelled at once');
      const queued = await admin.serviceAction('APPLICATION', admin2, 'redeploy');
      assert.ok(queued.deployment_request_id);
      await admin.cancelRequest(queued.deployment_request_id);
      assert.equal(stateOf(admin2), 'CANCELED');
      await assert.rejects(admin.cancelEnvironment(DEMO.environments.toolsDevelopment, true), (e) => errorKind(e) === 'conflict');
    } finally {
      server.deployments.setTimings({ stepMs: 30 });
    }
  });

  it('lists history (pageSize) and links', async () => {
    const history = await admin.history('APPLICATION', admin2, 3);
    assert.equal(history.length, 3);
    assert.ok(history[0].identifier.execution_id);
    const links = await admin.links('APPLICATION', web);
    assert.ok(links.length >= 2 && links.every((l) => l.url.startsWith('https://')));
    assert.deepEqual(await admin.links('HELM', DEMO.services.storefrontDatadog), []);
  });

  it('every request and answer of these calls matches the spec', async function () {
    if (!spec) {
      this.skip();
    }
    const checked = new Set<string>();
    for (const entry of server.requests) {
      const result = validateRequest(spec, entry);
      assert.deepEqual(result.errors, [], `${entry.method} ${entry.path} ${JSON.stringify(entry.body)}`);
      assert.deepEqual(result.unknownProperties, [], `${entry.method} ${entry.path}`);
      checked.add(`${entry.method} ${result.operation ?? '?'}`);
    }
    // Answers again, each checked against its response schema (the log keeps no bodies).
    const env = DEMO.environments.toolsDevelopment;
    const commits = server.deployments.commits(admin2);
    const calls: [string, string, unknown?, string?][] = [
      ['GET', `/application/${admin2}/commit`],
      ['GET', `/application/${admin2}/deploymentHistoryV2?pageSize=5`],
      ['GET', `/container/${DEMO.services.storefrontApi}/deploymentHistoryV2?pageSize=5`],
      ['GET', `/job/${DEMO.services.storefrontMigrations}/deploymentHistoryV2`],
      ['GET', `/helm/${DEMO.services.storefrontDatadog}/deploymentHistoryV2`],
      ['GET', `/database/${DEMO.services.storefrontPostgres}/deploymentHistoryV2`],
      ['GET', `/terraform/${DEMO.services.storefrontCdn}/deploymentHistoryV2`],
      ['GET', `/application/${web}/link`],
      ['GET', `/container/${DEMO.services.storefrontApi}/link`],
      ['GET', `/helm/${DEMO.services.storefrontDatadog}/link`],
      ['POST', `/application/${admin2}/deploy`, { git_commit_id: commits[0].git_commit_id }],
      ['GET', `/environment/${env}/statuses`],
      ['POST', `/environment/${env}/cancelDeployment`, { force_cancel: true }],
      ['POST', `/environment/${env}/deploy`],
      ['POST', `/application/${admin2}/deploy`, { git_commit_id: commits[0].git_commit_id }, '409'],
      ['POST', `/environment/${env}/cancelDeployment`, {}],
      ['POST', `/environment/${env}/redeploy`],
      ['POST', `/environment/${env}/cancelDeployment`, {}],
      ['POST', `/environment/${env}/stop`],
      ['POST', `/environment/${env}/cancelDeployment`, {}],
      ['POST', `/container/${DEMO.services.storefrontApi}/deploy`, { image_tag: '2.15.0' }],
      ['POST', `/job/${DEMO.services.storefrontMigrations}/deploy`, {}],
      ['POST', `/helm/${DEMO.services.storefrontDatadog}/redeploy`],
      ['POST', `/terraform/${DEMO.services.storefrontCdn}/redeploy`],
      ['POST', `/container/${DEMO.services.previewApi}/restart-service`],
      ['POST', `/job/${DEMO.services.storefrontSitemap}/stop`],
      ['POST', `/helm/${DEMO.services.dataKafka}/stop`],
      ['POST', `/terraform/${DEMO.services.dataLake}/deploy`, {}],
      ['POST', `/database/${DEMO.services.dataEvents}/restart-service`],
      ['POST', `/database/${DEMO.services.storefrontPostgres}/redeploy`],
    ];
    server.deployments.setTimings({ stepMs: 5_000 });
    try {
      for (const [method, path, body, expected] of calls) {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { authorization: `Token ${server.tokens.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await response.text();
        assert.equal(String(response.status), expected ?? (method === 'POST' ? '202' : '200'), `${method} ${path}: ${text}`);
        const result = validateResponse(spec, method, path.split('?')[0], response.status, text ? JSON.parse(text) : undefined);
        assert.deepEqual([...result.errors, ...result.unknownProperties], [], `${method} ${path} ${response.status} ${text}`);
      }
    } finally {
      server.deployments.setTimings({ stepMs: 30 });
    }
    const queued = server.deployments.latest(DEMO.services.storefrontPostgres);
    assert.ok(queued);
    const response = await fetch(`${server.url}/deploymentQueue/${queued.requestId}/cancelDeployment`, { method: 'POST', headers: { authorization: `Token ${server.tokens.admin}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 202);
    assert.equal(validateResponse(spec, 'POST', `/deploymentQueue/${queued.requestId}/cancelDeployment`, 202, undefined).errors.length, 0);
    for (const entry of server.requests) {
      const result = validateRequest(spec, entry);
      assert.deepEqual(result.errors, [], `${entry.method} ${entry.path}`);
    }
    assert.deepEqual([...checked].filter((o) => !o.includes('statuses')).sort(), [
      'GET GET /application/{applicationId}/commit',
      'GET GET /application/{applicationId}/deploymentHistoryV2',
      'GET GET /application/{applicationId}/link',
      'GET GET /helm/{helmId}/link',
      'POST POST /application/{applicationId}/deploy',
      'POST POST /application/{applicationId}/restart-service',
      'POST POST /database/{databaseId}/deploy',
      'POST POST /database/{databaseId}/restart-service',
      'POST POST /database/{databaseId}/stop',
      'POST POST /deploymentQueue/{deploymentRequestId}/cancelDeployment',
      'POST POST /environment/{environmentId}/cancelDeployment',
      'POST POST /environment/{environmentId}/deploy',
    ]);
  });

  it('refusals use statuses the spec declares', async function () {
    if (!spec) {
      this.skip();
    }
    const cases: [string, unknown, string, number][] = [
      [`/application/${web}/restart-service`, undefined, server.tokens.viewer, 403],
      [`/environment/${DEMO.environments.storefrontStaging}/deploy`, undefined, server.tokens.admin, 409],
      [`/application/${DEMO.services.stagingWeb}/redeploy`, undefined, server.tokens.admin, 409],
      [`/application/${web}/deploy`, {}, server.tokens.admin, 400],
      [`/application/${DEMO.services.storefrontApi}/deploy`, { git_commit_id: 'x' }, server.tokens.admin, 404],
    ];
    for (const [path, body, token, status] of cases) {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Token ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      assert.equal(response.status, status, path);
      const result = validateResponse(spec, 'POST', path, response.status, await response.json());
      assert.deepEqual(result.errors, [], `${path} ${status}`);
    }
  });
});
