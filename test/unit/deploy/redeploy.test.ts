import * as assert from 'node:assert/strict';
import { QoveryClient } from '../../../src/api';
import { DeployApi } from '../../../src/deploy/api';
import type { ServiceType } from '../../../src/deploy/model';
import { loadSpec, validateRequest, validateResponse } from '../../qovery/contract';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';

// Redeploy as Qovery's console and CLI send it, against the test server over real sockets: a deploy with
// no body. The server records every call of the legacy /redeploy routes, so none may appear.
describe('deploy: Redeploy is a deploy with no body, never the legacy /redeploy', function () {
  this.timeout(20_000);
  let server: QoveryServer;
  let api: DeployApi;

  before(async () => {
    server = await startQoveryServer();
    server.deployments.setTimings({ stepMs: 20 });
    api = new DeployApi(new QoveryClient({ baseUrl: server.url, token: server.tokens.admin }));
  });
  after(async () => {
    await server?.close();
  });

  async function settled(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (server.deployments.all().some((d) => !['DEPLOYED', 'STOPPED', 'RESTARTED', 'CANCELED'].includes(d.state) && !d.state.endsWith('_ERROR'))) {
      assert.ok(Date.now() < deadline, 'the deployments end');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('every service type: POST /{type}/{id}/deploy without a body; an application builds again the commit it runs', async () => {
    const services: [ServiceType, string, string][] = [
      ['APPLICATION', DEMO.services.storefrontWeb, 'application'],
      ['CONTAINER', DEMO.services.storefrontApi, 'container'],
      ['DATABASE', DEMO.services.storefrontPostgres, 'database'],
      ['JOB', DEMO.services.storefrontMigrations, 'job'],
      ['HELM', DEMO.services.storefrontDatadog, 'helm'],
      ['TERRAFORM', DEMO.services.storefrontCdn, 'terraform'],
    ];
    const running = server.deployments.commits(DEMO.services.storefrontWeb)[1];
    for (const [type, id] of services) {
      server.clearLog();
      const status = await api.serviceAction(type, id, 'redeploy');
      assert.ok(status.execution_id, `${type}: accepted`);
      const [request, ...more] = server.requests.filter((r) => r.method === 'POST');
      assert.equal(more.length, 0);
      assert.equal(request.path, `/${services.find(([t]) => t === type)?.[2]}/${id}/deploy`);
      assert.equal(request.body, undefined, `${type}: no body`);
    }
    assert.equal(server.deployments.latest(DEMO.services.storefrontWeb)?.commit?.git_commit_id, running.git_commit_id);
    assert.deepEqual(server.deployments.redeployCalls(), []);
    await settled();
  });

  it('a body given to a redeploy is not sent', async () => {
    server.clearLog();
    await api.serviceAction('CONTAINER', DEMO.services.storefrontApi, 'redeploy', { image_tag: 'x' });
    assert.equal(server.requests.find((r) => r.method === 'POST')?.body, undefined);
    await settled();
  });

  it('Redeploy Environment: POST /environment/{id}/deploy, not /redeploy (Terraform\'s restart)', async () => {
    server.clearLog();
    await api.environmentAction(DEMO.environments.toolsDevelopment, 'redeploy');
    assert.deepEqual(server.requests.filter((r) => r.method === 'POST').map((r) => r.path), [`/environment/${DEMO.environments.toolsDevelopment}/deploy`]);
    assert.deepEqual(server.deployments.redeployCalls(), []);
    await settled();
  });

  it('the server records a legacy call (so the assertions above can fail), and its no-body deploy is valid against the spec', async () => {
    const response = await fetch(`${server.url}/application/${DEMO.services.toolsAdmin}/redeploy`, { method: 'POST', headers: { authorization: `Token ${server.tokens.admin}` } });
    assert.equal(response.status, 202);
    assert.deepEqual(server.deployments.redeployCalls(), [`POST /application/${DEMO.services.toolsAdmin}/redeploy`]);
    await settled();
    const spec = loadSpec();
    if (spec) {
      server.clearLog();
      const answer = await fetch(`${server.url}/application/${DEMO.services.toolsAdmin}/deploy`, { method: 'POST', headers: { authorization: `Token ${server.tokens.admin}` } });
      assert.equal(answer.status, 202);
      assert.deepEqual(validateResponse(spec, 'POST', `/application/${DEMO.services.toolsAdmin}/deploy`, 202, await answer.json()).errors, []);
      for (const entry of server.requests) {
        assert.deepEqual(validateRequest(spec, entry).errors, [], `${entry.method} ${entry.path}`);
      }
      await settled();
    }
  });
});
