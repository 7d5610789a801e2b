import * as assert from 'node:assert/strict';
import { QoveryClient } from '../../../src/api';
import { matchServices } from '../../../src/workspace/match';
import { normaliseRemoteUrl } from '../../../src/workspace/remote';
import { scanClientOf, scanOrganizations } from '../../../src/workspace/scan';
import { DEMO, DEMO_ADMIN_TOKEN, DEMO_USER_JWT, generateLargeAccount, startQoveryServer, type QoveryServer } from '../../qovery';

describe('workspace link: the organization scan, over HTTP against the test server', () => {
  let server: QoveryServer;
  before(async () => {
    server = await startQoveryServer();
  });
  after(async () => {
    await server?.close();
  });

  it('stays within its bound: the two organization lists, then only environments holding a git-based service', async () => {
    const client = new QoveryClient({ baseUrl: server.url, token: DEMO_ADMIN_TOKEN });
    server.clearLog();
    const result = await scanOrganizations(scanClientOf(client), [{ id: DEMO.organizations.acme, name: 'Acme Corp' }]);
    const paths = server.requests.map((r) => `${r.method} ${r.path}`);
    assert.equal(result.requests, paths.length);
    assert.deepEqual(paths.slice(0, 2).sort(), [`GET /organization/${DEMO.organizations.acme}/environments`, `GET /organization/${DEMO.organizations.acme}/services`]);
    const detailed = paths.slice(2);
    assert.ok(detailed.every((p) => /^GET \/environment\/[^/]+\/services$/.test(p)), detailed.join(', '));
    // Environments without an application, job, helm or terraform service are not read.
    const gitEnvironments = new Set(result.services.filter((s) => ['APPLICATION', 'JOB', 'HELM', 'TERRAFORM'].includes(s.serviceType)).map((s) => s.environmentId));
    assert.equal(detailed.length, gitEnvironments.size);
    assert.ok(!detailed.includes(`GET /environment/${DEMO.environments.blogQa}/services`));
    assert.deepEqual(result.failures, []);
  });

  it('finds the demo service of acme/storefront-web on main, and the three environments on develop, main and feature branches', async () => {
    const client = new QoveryClient({ baseUrl: server.url, token: DEMO_ADMIN_TOKEN });
    const { services } = await scanOrganizations(scanClientOf(client), [{ id: DEMO.organizations.acme, name: 'Acme Corp' }]);
    const local = (branch: string) => ({ remotes: [normaliseRemoteUrl('git@github.com:acme/storefront-web.git')!], branch, paths: [''] });
    const main = matchServices(services, local('main'));
    assert.deepEqual(main.map((s) => [s.serviceId, s.environmentName, s.environmentMode, s.projectName]), [[DEMO.services.storefrontWeb, 'production', 'PRODUCTION', 'storefront']]);
    assert.equal(matchServices(services, local('develop'))[0]?.serviceId, DEMO.services.stagingWeb);
    // acme/infra on main: terraform services of two environments, production last.
    const infra = matchServices(services, { remotes: [normaliseRemoteUrl('https://github.com/acme/infra')!], branch: 'main', paths: [''] });
    assert.ok(infra.length >= 2);
    assert.equal(infra[infra.length - 1].environmentMode, 'PRODUCTION');
  });

  it('costs 2 requests per organization plus one per environment with a git-based service, on a large account too', async () => {
    const large = await startQoveryServer({ account: generateLargeAccount({ organizations: 3, projectsPerOrganization: 10, environmentsPerProject: 3, servicesPerEnvironment: 6 }) });
    try {
      const client = new QoveryClient({ baseUrl: large.url, token: DEMO_USER_JWT });
      const organizations = (await client.listOrganizations()).map((o) => ({ id: o.id, name: o.name }));
      large.clearLog();
      const result = await scanOrganizations(scanClientOf(client), organizations);
      const environments = new Set(result.services.filter((s) => ['APPLICATION', 'JOB', 'HELM', 'TERRAFORM'].includes(s.serviceType)).map((s) => s.environmentId));
      assert.equal(large.requests.length, 2 * organizations.length + environments.size);
      assert.ok(large.requests.length <= 2 * 3 + 3 * 10 * 3);
    } finally {
      await large.close();
    }
  });
});
