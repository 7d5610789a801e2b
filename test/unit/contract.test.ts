import * as assert from 'node:assert/strict';
import { loadSpec, matchOperation, specCandidates, validateRequest, validateRequestBody, validateResponse, type Spec } from '../qovery/contract';
import { DEMO, DEMO_ADMIN_TOKEN, DEMO_USER_JWT, SERVICE_TYPES, generateLargeAccount, startQoveryServer, type QoveryServer } from '../qovery';

type Item = Record<string, unknown>;

interface Answer {
  status: number;
  body: unknown;
}

describe('contract: fake Qovery server against the official OpenAPI spec', function () {
  let spec: Spec;
  let server: QoveryServer;
  let firstLoadMs = 0;
  let firstLoadCpuMs = 0;
  const validated = new Set<string>();
  const serviceTypes = new Set<unknown>();

  before(async function () {
    this.timeout(30_000);
    const start = performance.now();
    const cpu = process.cpuUsage();
    const loaded = loadSpec();
    const used = process.cpuUsage(cpu);
    firstLoadMs = performance.now() - start;
    firstLoadCpuMs = (used.user + used.system) / 1000;
    if (!loaded) {
      console.log(`    (skipped: the Qovery OpenAPI spec file is absent; looked for ${specCandidates().join(', ')}; set QOVERY_OPENAPI_SPEC to its path)`);
      this.skip();
    }
    spec = loaded;
    server = await startQoveryServer();
  });
  after(async () => {
    await server?.close();
  });

  async function request(method: string, path: string, body?: unknown, authorization = `Bearer ${DEMO_USER_JWT}`): Promise<Answer> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  /** Fetches, checks the answer is a 2xx, and validates it against the operation's response schema. */
  async function expectValid(method: string, path: string, body?: unknown, authorization?: string): Promise<Answer> {
    const answer = await request(method, path, body, authorization);
    assert.ok(answer.status >= 200 && answer.status < 300, `${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const result = validateResponse(spec, method, path, answer.status, answer.body);
    assert.deepEqual(result.errors, [], `${method} ${path}`);
    assert.deepEqual(result.unknownProperties, [], `${method} ${path}: properties the spec does not declare`);
    assert.ok(result.valid);
    validated.add(result.operation!);
    return answer;
  }

  const resultsOf = (answer: Answer): Item[] => (answer.body as { results: Item[] }).results;

  it('loads the spec once per process, in under 2 s', () => {
    // CPU time, so that other processes competing for the machine do not make this flaky.
    assert.ok(firstLoadCpuMs < 2000, `first load took ${firstLoadCpuMs.toFixed(0)} ms of CPU (${firstLoadMs.toFixed(0)} ms wall)`);
    assert.equal(loadSpec(), spec);
  });

  it('GET /organization and /organization/{id} (user JWT and API token)', async () => {
    const orgs = resultsOf(await expectValid('GET', '/organization'));
    assert.equal(orgs.length, 2);
    await expectValid('GET', '/organization', undefined, `Token ${DEMO_ADMIN_TOKEN}`);
    for (const org of orgs) {
      await expectValid('GET', `/organization/${String(org.id)}`);
    }
  });

  it('every project, environment, environment status, service and service status of the demo account', async function () {
    this.timeout(20_000);
    for (const org of resultsOf(await request('GET', '/organization'))) {
      for (const project of resultsOf(await expectValid('GET', `/organization/${String(org.id)}/project`))) {
        const environments = resultsOf(await expectValid('GET', `/project/${String(project.id)}/environment`));
        await expectValid('GET', `/project/${String(project.id)}/environment/status`);
        for (const environment of environments) {
          for (const service of resultsOf(await expectValid('GET', `/environment/${String(environment.id)}/services`))) {
            serviceTypes.add(service.service_type);
          }
          await expectValid('GET', `/environment/${String(environment.id)}/statuses`);
        }
      }
    }
    assert.deepEqual(serviceTypes, new Set(SERVICE_TYPES));
  });

  it('GET the organization-wide environment and service lists, with their filters', async () => {
    for (const org of Object.values(DEMO.organizations)) {
      const environments = resultsOf(await expectValid('GET', `/organization/${org}/environments`));
      const services = resultsOf(await expectValid('GET', `/organization/${org}/services`));
      assert.ok(environments.length > 0 && services.length > 0);
      assert.ok(services.every((s) => environments.some((e) => e.id === s.environment_id)), 'every light service names a listed environment');
      const [first] = environments;
      const filtered = resultsOf(await expectValid('GET', `/organization/${org}/services?environment_id=${String(first.id)}`));
      assert.ok(filtered.every((s) => s.environment_id === first.id));
    }
  });

  it('GET availableRole and apiToken of each organization', async () => {
    for (const org of Object.values(DEMO.organizations)) {
      await expectValid('GET', `/organization/${org}/availableRole`);
      await expectValid('GET', `/organization/${org}/apiToken`);
      await expectValid('GET', `/organization/${org}/apiToken?name=admin`);
    }
  });

  it('POST apiToken (request body and 201 answer) and DELETE apiToken (204)', async () => {
    const path = `/organization/${DEMO.organizations.acme}/apiToken`;
    const body = { name: 'contract-check', description: 'made by the contract test', role_id: DEMO.roles.acme.deployer };
    const requestCheck = validateRequestBody(spec, 'POST', path, body);
    assert.deepEqual(requestCheck.errors, []);
    assert.deepEqual(requestCheck.unknownProperties, []);
    const created = await expectValid('POST', path, body);
    assert.equal(created.status, 201);
    assert.equal(typeof (created.body as Item).token, 'string');
    const deleted = await expectValid('DELETE', `${path}/${String((created.body as Item).id)}`);
    assert.equal(deleted.status, 204);
  });

  it('GET /account (user JWT)', async () => {
    await expectValid('GET', '/account');
  });

  it('exercised every endpoint of the fake server', () => {
    assert.deepEqual([...validated].sort(), [
      'DELETE /organization/{organizationId}/apiToken/{apiTokenId}',
      'GET /account',
      'GET /environment/{environmentId}/services',
      'GET /environment/{environmentId}/statuses',
      'GET /organization',
      'GET /organization/{organizationId}',
      'GET /organization/{organizationId}/apiToken',
      'GET /organization/{organizationId}/availableRole',
      'GET /organization/{organizationId}/environments',
      'GET /organization/{organizationId}/project',
      'GET /organization/{organizationId}/services',
      'GET /project/{projectId}/environment',
      'GET /project/{projectId}/environment/status',
      'POST /organization/{organizationId}/apiToken',
    ]);
  });

  it('every request in the server log matches an operation of the spec', () => {
    assert.ok(server.requests.length > 30);
    for (const entry of server.requests) {
      const result = validateRequest(spec, entry);
      assert.deepEqual(result.errors, [], `${entry.method} ${entry.path}`);
    }
  });

  it('uses only error statuses the spec declares for each operation', async () => {
    const acmeTokens = `/organization/${DEMO.organizations.acme}/apiToken`;
    const cases: [string, string, unknown, string | undefined, number][] = [
      ['GET', '/organization', undefined, 'Token qov_nope', 401],
      ['GET', `/organization/${DEMO.organizations.side}`, undefined, `Token ${DEMO_ADMIN_TOKEN}`, 403],
      ['GET', `/project/${DEMO.environments.blogQa}/environment`, undefined, undefined, 404],
      ['POST', acmeTokens, { name: 'no-role' }, undefined, 400],
      ['POST', acmeTokens, { name: 'vscode-demo-admin', role_id: DEMO.roles.acme.admin }, undefined, 409],
      ['DELETE', `${acmeTokens}/${DEMO.environments.blogQa}`, undefined, undefined, 404],
    ];
    for (const [method, path, body, authorization, status] of cases) {
      const answer = await request(method, path, body, authorization);
      assert.equal(answer.status, status, `${method} ${path}`);
      const result = validateResponse(spec, method, path, answer.status, answer.body);
      assert.deepEqual(result.errors, [], `${method} ${path} ${status}`);
    }
  });

  it('a generated large account answers valid bodies too', async () => {
    const large = await startQoveryServer({ account: generateLargeAccount({ organizations: 2, projectsPerOrganization: 3, environmentsPerProject: 4, servicesPerEnvironment: 12 }) });
    try {
      const get = async (path: string): Promise<Item[]> => {
        const response = await fetch(`${large.url}${path}`, { headers: { authorization: `Bearer ${DEMO_USER_JWT}` } });
        const body: unknown = await response.json();
        const result = validateResponse(spec, 'GET', path, response.status, body);
        assert.deepEqual([...result.errors, ...result.unknownProperties], [], path);
        return (body as { results?: Item[] }).results ?? [];
      };
      const [org] = await get('/organization');
      const [, , project] = await get(`/organization/${String(org.id)}/project`);
      await get(`/project/${String(project.id)}/environment/status`);
      for (const environment of await get(`/project/${String(project.id)}/environment`)) {
        await get(`/environment/${String(environment.id)}/services`);
        await get(`/environment/${String(environment.id)}/statuses`);
      }
    } finally {
      await large.close();
    }
  });

  describe('the contract helpers themselves', () => {
    const servicesPath = `/environment/${DEMO.environments.storefrontProduction}/services`;
    let services: Item[];
    before(async () => {
      services = resultsOf(await request('GET', servicesPath));
    });
    const withService = (index: number, change: (service: Item) => void) => {
      const copy = structuredClone(services);
      change(copy[index]);
      return validateResponse(spec, 'GET', servicesPath, 200, { results: copy });
    };
    const indexOf = (type: string): number => services.findIndex((service) => service.service_type === type);

    it('reject a missing required field, a wrong enum and a broken format', () => {
      assert.equal(withService(indexOf('CONTAINER'), (service) => delete service.image_name).valid, false);
      assert.equal(withService(indexOf('DATABASE'), (service) => (service.type = 'ORACLE')).valid, false);
      assert.equal(withService(indexOf('APPLICATION'), (service) => (service.id = 'app-1')).valid, false);
      assert.equal(withService(indexOf('APPLICATION'), (service) => (service.name = null)).valid, false);
    });

    it('follow discriminators: a body must match the schema its service_type or job_type names', () => {
      assert.equal(withService(indexOf('APPLICATION'), (service) => (service.service_type = 'CONTAINER')).valid, false);
      assert.equal(withService(indexOf('JOB'), (service) => (service.job_type = 'CRON')).valid, false);
      assert.equal(withService(indexOf('HELM'), (service) => (service.service_type = 'GAME')).valid, false);
    });

    it('accept null only where the spec says nullable', () => {
      const orgPath = `/organization/${DEMO.organizations.acme}`;
      const org = { id: DEMO.organizations.acme, created_at: '2023-03-01T09:00:00.000Z', name: 'Acme Corp', plan: 'TEAM_2025' };
      assert.equal(validateResponse(spec, 'GET', orgPath, 200, { ...org, description: null }).valid, true);
      assert.equal(validateResponse(spec, 'GET', orgPath, 200, { ...org, owner: null }).valid, false);
      assert.equal(validateResponse(spec, 'GET', orgPath, 200, { ...org, plan: null }).valid, false);
    });

    it('report properties the spec does not declare, apart from validity', () => {
      const result = withService(indexOf('APPLICATION'), (service) => {
        service.colour = 'blue';
        (service.git_repository as Item).brnch = 'main';
      });
      assert.equal(result.valid, true);
      const app = indexOf('APPLICATION');
      assert.deepEqual([...result.unknownProperties].sort(), [`response/results/${app}/colour`, `response/results/${app}/git_repository/brnch`]);
    });

    it('check request bodies, parameters and query strings', () => {
      const tokens = `/organization/${DEMO.organizations.acme}/apiToken`;
      assert.equal(validateRequestBody(spec, 'POST', tokens, { name: 'x' }).valid, false);
      assert.deepEqual(validateRequestBody(spec, 'POST', tokens, { name: 'x', role_id: DEMO.roles.acme.admin, roleId: 'y' }).unknownProperties, ['body/roleId']);
      assert.equal(validateRequestBody(spec, 'GET', '/organization', { a: 1 }).valid, false);
      assert.equal(validateRequest(spec, { method: 'GET', path: '/organization/acme/apiToken' }).valid, false);
      assert.equal(validateRequest(spec, { method: 'GET', path: tokens, query: { name: 'ci' } }).valid, true);
      assert.equal(validateRequest(spec, { method: 'GET', path: tokens, query: { page: '2' } }).valid, false);
      assert.equal(validateRequest(spec, { method: 'GET', path: '/organizations' }).valid, false);
    });

    it('match operations, preferring literal segments over parameters', () => {
      const status = matchOperation(spec, 'GET', `/project/${DEMO.projects.storefront}/environment/status?x=1`);
      assert.equal(status?.pathTemplate, '/project/{projectId}/environment/status');
      assert.equal(status?.operation.operationId, 'getProjectEnvironmentsStatus');
      assert.equal(matchOperation(spec, 'GET', '/no/such/path'), undefined);
      assert.equal(matchOperation(spec, 'PATCH', '/organization'), undefined);
    });

    it('refuse a status the operation does not declare', () => {
      assert.equal(validateResponse(spec, 'GET', '/organization', 418, undefined).valid, false);
    });
  });
});

describe('contract: spec location', () => {
  it('looks at QOVERY_OPENAPI_SPEC when set and reports where it looked', () => {
    const saved = process.env.QOVERY_OPENAPI_SPEC;
    process.env.QOVERY_OPENAPI_SPEC = '/nonexistent/openapi.yaml';
    try {
      assert.deepEqual(specCandidates(), ['/nonexistent/openapi.yaml']);
      assert.equal(loadSpec(), undefined);
    } finally {
      if (saved === undefined) {
        delete process.env.QOVERY_OPENAPI_SPEC;
      } else {
        process.env.QOVERY_OPENAPI_SPEC = saved;
      }
    }
  });

  it('defaults to <repo>/../shared/qovery-api/openapi.yaml', () => {
    const saved = process.env.QOVERY_OPENAPI_SPEC;
    delete process.env.QOVERY_OPENAPI_SPEC;
    try {
      assert.match(specCandidates()[0], /[\\/]shared[\\/]qovery-api[\\/]openapi\.yaml$/);
    } finally {
      if (saved !== undefined) {
        process.env.QOVERY_OPENAPI_SPEC = saved;
      }
    }
  });
});
