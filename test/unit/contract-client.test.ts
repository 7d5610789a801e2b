import * as assert from 'node:assert/strict';
import { getServiceStatuses, listEnvironments, listEnvironmentStatuses, listProjects, listServices, QoveryClient } from '../../src/api';
import { loadSpec, specCandidates, validateRequest, type Spec } from '../qovery/contract';
import { DEMO, startQoveryServer, type QoveryServer } from '../qovery';

// Every request the extension's API client makes must be an operation of Qovery's official spec.
describe('contract: the API client against the official OpenAPI spec', function () {
  let spec: Spec;
  let server: QoveryServer;

  before(async function () {
    this.timeout(30_000);
    const loaded = loadSpec();
    if (!loaded) {
      console.log(`    (skipped: the Qovery OpenAPI spec file is absent; looked for ${specCandidates().join(', ')})`);
      this.skip();
    }
    spec = loaded;
    server = await startQoveryServer();
  });

  after(async () => {
    await server?.close();
  });

  it('sends only requests (method, path, body) that match an operation of the spec', async () => {
    const admin = new QoveryClient({ baseUrl: server.url, token: server.tokens.admin });
    const user = new QoveryClient({ baseUrl: server.url, token: server.tokens.userJwt });
    const orgId = DEMO.organizations.acme;
    await admin.listOrganizations();
    await admin.getOrganization(orgId);
    await listProjects(admin, orgId);
    await listEnvironments(admin, DEMO.projects.storefront);
    await listEnvironmentStatuses(admin, DEMO.projects.storefront);
    await listServices(admin, DEMO.environments.storefrontProduction);
    await getServiceStatuses(admin, DEMO.environments.storefrontProduction);
    const roles = await admin.listAvailableRoles(orgId);
    await admin.listApiTokens(orgId);
    const created = await admin.createApiToken(orgId, { name: 'contract check', description: 'made by the contract test', role_id: roles[0].id });
    await admin.deleteApiToken(orgId, created.id);
    await user.getAccount();

    const checked = new Set<string>();
    for (const entry of server.requests) {
      const result = validateRequest(spec, entry);
      assert.ok(result.valid, `${entry.method} ${entry.path}: ${JSON.stringify(result.errors)}`);
      assert.deepEqual(result.unknownProperties, [], `${entry.method} ${entry.path} sends fields the spec does not declare`);
      checked.add(`${entry.method} ${result.operation ?? '?'}`);
    }
    assert.equal(checked.size, 12, [...checked].join(', '));
  });
});
