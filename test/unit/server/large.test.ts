import * as assert from 'node:assert/strict';
import { DEMO_ADMIN_TOKEN, DEMO_USER_JWT, SERVICE_TYPES, generateLargeAccount, startQoveryServer, type QoveryServer } from '../../qovery';
import { AccountCode, IdKind, encodeId } from '../../qovery/ids';
import { call, results } from './http';

type Item = Record<string, unknown>;

describe('fake server large accounts', () => {
  it('has the requested sizes, with default environments and services', () => {
    const account = generateLargeAccount({ organizations: 3, projectsPerOrganization: 7 });
    const orgs = account.organizations();
    assert.equal(orgs.length, 3);
    const projects = account.projects(orgs[2].id);
    assert.equal(projects.length, 7);
    assert.equal(new Set(projects.map((project) => project.id)).size, 7);
    const environments = account.environments(projects[6].id);
    assert.equal(environments.length, 2);
    assert.equal(account.services(environments[1].id).length, 4);
    assert.equal(projects[6].environmentCount, 2);
  });

  it('resolves every generated id back to its record, and nothing beyond the sizes', () => {
    const account = generateLargeAccount({ organizations: 2, projectsPerOrganization: 3, environmentsPerProject: 4, servicesPerEnvironment: 6 });
    const [org] = account.organizations();
    const project = account.projects(org.id)[2];
    const environment = account.environments(project.id)[3];
    const service = account.services(environment.id)[5];
    assert.deepEqual(account.organization(org.id), org);
    assert.deepEqual(account.project(project.id), project);
    assert.deepEqual(account.environment(environment.id), environment);
    assert.equal(service.environmentId, environment.id);
    const smaller = generateLargeAccount({ organizations: 2, projectsPerOrganization: 2 });
    assert.equal(smaller.project(project.id), undefined);
    assert.equal(smaller.environment(environment.id), undefined);
    assert.deepEqual(
      account.environments(project.id).map((env) => env.mode),
      ['PRODUCTION', 'STAGING', 'DEVELOPMENT', 'PREVIEW'],
    );
    assert.deepEqual(new Set(account.services(environment.id).map((item) => item.source.type)), new Set(SERVICE_TYPES));
  });

  it('costs nothing up front, even for a huge account', () => {
    const start = performance.now();
    const account = generateLargeAccount({ organizations: 1000, projectsPerOrganization: 65535, environmentsPerProject: 10, servicesPerEnvironment: 50 });
    const lastProject = account.project(encodeId(IdKind.project, AccountCode.large, 999, 65534));
    assert.equal(lastProject?.name, 'project-65535');
    assert.equal(lastProject?.organizationId, account.organizations()[999].id);
    assert.equal(account.services(encodeId(IdKind.environment, AccountCode.large, 999, 65534, 9)).length, 50);
    assert.ok(performance.now() - start < 1000);
  });

  it('refuses sizes that ids cannot encode', () => {
    assert.throws(() => generateLargeAccount({ organizations: 0, projectsPerOrganization: 1 }), RangeError);
    assert.throws(() => generateLargeAccount({ organizations: 1, projectsPerOrganization: 70_000 }), RangeError);
    assert.throws(() => generateLargeAccount({ organizations: 1, projectsPerOrganization: 1.5 }), RangeError);
  });

  describe('50 organizations x 500 projects over HTTP', () => {
    let server: QoveryServer;
    before(async () => {
      server = await startQoveryServer({ account: generateLargeAccount({ organizations: 50, projectsPerOrganization: 500 }) });
    });
    after(async () => {
      await server.close();
    });

    it('lists every organization and project well under a second', async () => {
      const authorization = `Bearer ${DEMO_USER_JWT}`;
      // One warm-up round so the timing measures serving, not JIT compilation.
      await call(server, 'GET', '/organization', { authorization });
      const start = performance.now();
      const cpu = process.cpuUsage();
      const orgs = results(await call(server, 'GET', '/organization', { authorization }));
      const lists = await Promise.all(orgs.map(async (org) => results(await call(server, 'GET', `/organization/${String(org.id)}/project`, { authorization }))));
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      const wallMs = performance.now() - start;
      assert.equal(orgs.length, 50);
      assert.equal(lists.flat().length, 25_000);
      assert.equal(new Set(lists.flat().map((project: Item) => project.id)).size, 25_000);
      // CPU time of server and client together; wall time only guards against stalls on a busy machine.
      assert.ok(cpuMs < 1000, `listing took ${cpuMs.toFixed(0)} ms of CPU (${wallMs.toFixed(0)} ms wall)`);
      assert.ok(wallMs < 5000, `listing took ${wallMs.toFixed(0)} ms`);
    });

    it('keeps the seeded admin token in the first organization only', async () => {
      const orgs = results(await call(server, 'GET', '/organization', { token: DEMO_ADMIN_TOKEN }));
      assert.deepEqual(
        orgs.map((org) => org.name),
        ['Load Org 001'],
      );
      const projects = results(await call(server, 'GET', `/organization/${String(orgs[0].id)}/project`, { token: DEMO_ADMIN_TOKEN }));
      const environments = results(await call(server, 'GET', `/project/${String(projects[499].id)}/environment`, { token: DEMO_ADMIN_TOKEN }));
      const services = results(await call(server, 'GET', `/environment/${String(environments[0].id)}/services`, { token: DEMO_ADMIN_TOKEN }));
      assert.equal(services.length, 4);
    });
  });
});
