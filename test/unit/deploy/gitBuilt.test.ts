import * as assert from 'node:assert/strict';
import { QoveryClient } from '../../../src/api';
import { listServices } from '../../../src/api/explorer';
import { errorKind } from '../../../src/api/errors';
import { buildSourceOf } from '../../../src/deploy/actions';
import { DeployApi } from '../../../src/deploy/api';
import { deployBody } from '../../../src/deploy/model';
import { loadSpec, validateRequest, validateResponse } from '../../qovery/contract';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';

// Every git-built service deploys a commit Qovery sees, not only applications: a job built from git
// (source.docker), a helm chart from git (source.git) and a terraform service, against the test server.
describe('deploy: git jobs, helm from git and terraform deploy a commit', function () {
  this.timeout(20_000);
  let server: QoveryServer;
  let client: QoveryClient;
  let api: DeployApi;
  const dev = DEMO.environments.hackDev;

  before(async () => {
    server = await startQoveryServer();
    server.deployments.setTimings({ stepMs: 20 });
    client = new QoveryClient({ baseUrl: server.url, token: server.tokens.secondOrgAdmin });
    api = new DeployApi(client);
  });
  after(async () => {
    await server?.close();
  });

  async function deployed(serviceId: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (server.deployments.latest(serviceId)?.state !== 'DEPLOYED') {
      assert.ok(Date.now() < deadline, 'deployed');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('reads what each service is built from in the environment\'s services', async () => {
    const services = await listServices(client, dev);
    const source = (id: string) => {
      const s = services.find((x) => x.id === id);
      return buildSourceOf(s?.service_type as never, s);
    };
    assert.deepEqual(source(DEMO.services.hackDigest), { kind: 'git' });
    assert.deepEqual(source(DEMO.services.hackCharts), { kind: 'git' });
    assert.deepEqual(source(DEMO.services.hackDns), { kind: 'git' });
    assert.deepEqual(source(DEMO.services.hackScraper), { kind: 'image', tag: '0.2.0' });
    assert.deepEqual(source(DEMO.services.hackUptime), { kind: 'chart' });
  });

  for (const [type, key, path] of [
    ['JOB', 'hackDigest', (id: string) => `/job/${id}/commit`],
    ['HELM', 'hackCharts', (id: string) => `/helm/${id}/commit`],
    ['TERRAFORM', 'hackDns', (id: string) => `/terraform/${id}/commit`],
  ] as const) {
    it(`${type.toLowerCase()}: lists the commits Qovery sees and deploys one as {git_commit_id}`, async () => {
      const id = DEMO.services[key];
      server.clearLog();
      const commits = await api.commits(type, id);
      assert.ok(commits.length >= 5, `${commits.length} commits`);
      const [list] = server.requests;
      assert.equal(list.path, path(id));
      assert.deepEqual(list.query, type === 'HELM' ? { of: 'chart' } : {});
      await api.serviceAction(type, id, 'deploy', deployBody(type, { commitId: commits[0].git_commit_id }));
      assert.deepEqual(server.requests[1].body, { git_commit_id: commits[0].git_commit_id });
      await deployed(id);
      assert.equal(server.deployments.latest(id)?.commit?.git_commit_id, commits[0].git_commit_id);
      await assert.rejects(api.serviceAction(type, id, 'deploy', { git_commit_id: 'f'.repeat(40) }), (e) => errorKind(e) === 'badRequest');
    });
  }

  it('an image job deploys {image_tag}; its commits are none', async () => {
    assert.deepEqual(await api.commits('JOB', DEMO.services.hackScraper), []);
    await api.serviceAction('JOB', DEMO.services.hackScraper, 'deploy', deployBody('JOB', { imageTag: '0.3.0' }));
    await deployed(DEMO.services.hackScraper);
    assert.equal(server.deployments.latest(DEMO.services.hackScraper)?.imageTag, '0.3.0');
  });

  it('every request and answer matches the spec', async function () {
    const spec = loadSpec();
    if (!spec) {
      this.skip();
    }
    for (const entry of server.requests) {
      assert.deepEqual(validateRequest(spec, entry).errors, [], `${entry.method} ${entry.path}`);
    }
    for (const path of [`/job/${DEMO.services.hackDigest}/commit`, `/helm/${DEMO.services.hackCharts}/commit?of=chart`, `/terraform/${DEMO.services.hackDns}/commit`, `/environment/${dev}/services`]) {
      const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Token ${server.tokens.secondOrgAdmin}` } });
      assert.equal(response.status, 200, path);
      const result = validateResponse(spec, 'GET', path.split('?')[0], 200, await response.json());
      assert.deepEqual([...result.errors, ...result.unknownProperties], [], path);
    }
  });
});
