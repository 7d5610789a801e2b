import * as assert from 'node:assert/strict';
import { DEMO, DEMO_ADMIN_TOKEN, DEMO_USER_JWT, ENVIRONMENT_MODES, SERVICE_TYPES, startQoveryServer, type QoveryServer } from '../../qovery';
import { call, results } from './http';

type Item = Record<string, unknown>;

describe('fake server resources (demo account)', () => {
  let server: QoveryServer;
  const user = { authorization: `Bearer ${DEMO_USER_JWT}` };
  const get = async (path: string): Promise<Item> => {
    const result = await call(server, 'GET', path, user);
    assert.equal(result.status, 200, `${path}: ${result.text}`);
    return result.json as Item;
  };
  const list = async (path: string): Promise<Item[]> => results(await call(server, 'GET', path, user));

  /** Every environment of the account, walked through the API like a client would. */
  const allEnvironments = async (): Promise<Item[]> => {
    const environments: Item[] = [];
    for (const org of await list('/organization')) {
      for (const project of await list(`/organization/${String(org.id)}/project`)) {
        environments.push(...(await list(`/project/${String(project.id)}/environment`)));
      }
    }
    return environments;
  };

  before(async () => {
    server = await startQoveryServer();
  });
  after(async () => {
    await server.close();
  });

  it('serves two organizations with plans, owners and dates', async () => {
    const orgs = await list('/organization');
    assert.deepEqual(
      orgs.map((org) => [org.id, org.name, org.plan]),
      [
        [DEMO.organizations.acme, 'Acme Corp', 'TEAM_2025'],
        [DEMO.organizations.side, 'Side Projects', 'USER_2025'],
      ],
    );
    for (const org of orgs) {
      assert.equal(org.owner, DEMO.userId);
      assert.ok(!Number.isNaN(Date.parse(String(org.created_at))));
    }
    assert.deepEqual(await get(`/organization/${DEMO.organizations.acme}`), orgs[0]);
  });

  it('lists projects with their environment counts, including an empty project', async () => {
    const projects = await list(`/organization/${DEMO.organizations.acme}/project`);
    assert.deepEqual(
      projects.map((project) => [project.name, project.associated_environments_count]),
      [
        ['storefront', 4],
        ['data-platform', 2],
        ['internal-tools', 1],
        ['sandbox', 0],
      ],
    );
    assert.ok(projects.every((project) => (project.organization as Item).id === DEMO.organizations.acme));
    assert.deepEqual(await list(`/project/${DEMO.projects.sandbox}/environment`), []);
    assert.deepEqual(await list(`/project/${DEMO.projects.sandbox}/environment/status`), []);
  });

  it('has environments of every mode, each on a named cluster', async () => {
    const environments = await allEnvironments();
    assert.deepEqual(new Set(environments.map((environment) => environment.mode)), new Set(ENVIRONMENT_MODES));
    for (const environment of environments) {
      assert.equal(typeof environment.cluster_id, 'string');
      assert.equal(typeof environment.cluster_name, 'string');
      assert.equal(typeof (environment.cloud_provider as Item).provider, 'string');
    }
    const storefront = await list(`/project/${DEMO.projects.storefront}/environment`);
    assert.deepEqual(
      storefront.map((environment) => [environment.id, environment.mode]),
      [
        [DEMO.environments.storefrontProduction, 'PRODUCTION'],
        [DEMO.environments.storefrontStaging, 'STAGING'],
        [DEMO.environments.storefrontDev, 'DEVELOPMENT'],
        [DEMO.environments.storefrontPreview, 'PREVIEW'],
      ],
    );
  });

  it('has services of every type with varied states and deployment statuses', async () => {
    const types = new Set<unknown>();
    const states = new Set<unknown>();
    const deploymentStatuses = new Set<unknown>();
    const jobTypes = new Set<unknown>();
    for (const environment of await allEnvironments()) {
      const services = await list(`/environment/${String(environment.id)}/services`);
      const statuses = await get(`/environment/${String(environment.id)}/statuses`);
      const statusById = new Map<unknown, Item>();
      for (const key of ['applications', 'containers', 'jobs', 'databases', 'helms', 'terraforms']) {
        for (const status of statuses[key] as Item[]) {
          statusById.set(status.id, status);
        }
      }
      assert.equal(statusById.size, services.length);
      for (const service of services) {
        types.add(service.service_type);
        assert.deepEqual(service.environment, { id: environment.id });
        if (service.service_type === 'JOB') {
          jobTypes.add(service.job_type);
        }
        const status = statusById.get(service.id);
        assert.ok(status, `no status for ${String(service.name)}`);
        states.add(status.state);
        deploymentStatuses.add(status.service_deployment_status);
      }
    }
    assert.deepEqual(types, new Set(SERVICE_TYPES));
    assert.deepEqual(jobTypes, new Set(['CRON', 'LIFECYCLE']));
    assert.deepEqual(deploymentStatuses, new Set(['UP_TO_DATE', 'OUT_OF_DATE', 'NEVER_DEPLOYED']));
    for (const state of ['DEPLOYED', 'STOPPED', 'DEPLOYMENT_ERROR', 'DEPLOYING', 'BUILDING', 'READY', 'BUILD_ERROR']) {
      assert.ok(states.has(state), `no service in state ${state}`);
    }
  });

  it('files each service status under the key of its type', async () => {
    const statuses = await get(`/environment/${DEMO.environments.storefrontProduction}/statuses`);
    const ids = (key: string): unknown[] => (statuses[key] as Item[]).map((status) => status.id);
    assert.deepEqual(ids('applications'), [DEMO.services.storefrontWeb]);
    assert.deepEqual(ids('containers'), [DEMO.services.storefrontApi]);
    assert.deepEqual(ids('databases'), [DEMO.services.storefrontPostgres, DEMO.services.storefrontRedis]);
    assert.deepEqual(ids('jobs'), [DEMO.services.storefrontMigrations, DEMO.services.storefrontSitemap]);
    assert.deepEqual(ids('helms'), [DEMO.services.storefrontDatadog]);
    assert.deepEqual(ids('terraforms'), [DEMO.services.storefrontCdn]);
    assert.equal((statuses.environment as Item).id, DEMO.environments.storefrontProduction);
  });

  it('summarises environment states from their services', async () => {
    const byId = new Map((await list(`/project/${DEMO.projects.storefront}/environment/status`)).map((status) => [status.id, status]));
    assert.equal(byId.get(DEMO.environments.storefrontProduction)?.state, 'DEPLOYED');
    assert.equal(byId.get(DEMO.environments.storefrontProduction)?.deployment_status, 'OUT_OF_DATE');
    assert.equal(byId.get(DEMO.environments.storefrontStaging)?.state, 'DEPLOYMENT_ERROR');
    assert.equal(byId.get(DEMO.environments.storefrontDev)?.state, 'STOPPED');
    assert.equal(byId.get(DEMO.environments.storefrontPreview)?.state, 'BUILDING');
    const tools = await list(`/project/${DEMO.projects.internalTools}/environment/status`);
    assert.deepEqual(
      tools.map((status) => [status.state, status.deployment_status, status.last_deployment_date]),
      [['READY', 'NEVER_DEPLOYED', null]],
    );
    const blog = await list(`/project/${DEMO.projects.blog}/environment/status`);
    const qa = blog.find((status) => status.id === DEMO.environments.blogQa);
    assert.equal(qa?.deployment_status, 'NEVER_DEPLOYED');
    assert.deepEqual(await list(`/environment/${DEMO.environments.blogQa}/services`), []);
  });

  it('answers 404 for ids that do not exist', async () => {
    const unknown = '0b0e5a54-6b8e-4f0e-9a51-1f2d3c4b5a69';
    for (const path of [
      `/organization/${unknown}`,
      `/organization/${unknown}/project`,
      `/project/${unknown}/environment`,
      `/project/${DEMO.environments.storefrontProduction}/environment`,
      `/environment/${unknown}/services`,
      `/environment/${DEMO.projects.storefront}/statuses`,
      '/organization/not-a-uuid',
    ]) {
      const result = await call(server, 'GET', path, user);
      assert.equal(result.status, 404, path);
      assert.equal((result.json as Item).status, 404);
    }
  });

  it('serves the same ids on every start', async () => {
    const again = await startQoveryServer();
    try {
      const first = results(await call(again, 'GET', `/environment/${DEMO.environments.dataProduction}/services`, { token: DEMO_ADMIN_TOKEN }));
      const second = await list(`/environment/${DEMO.environments.dataProduction}/services`);
      assert.deepEqual(first, second);
      assert.ok(first.some((service) => service.id === DEMO.services.dataKafka));
    } finally {
      await again.close();
    }
  });
});
