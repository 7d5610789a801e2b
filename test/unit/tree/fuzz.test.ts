// Feeds mangled answers of every list and status endpoint, over a real socket from the test server,
// through the client and the row presenters: a row renders, or the level becomes an error row; nothing
// throws. Seeded: QOVERY_FUZZ_SEED and QOVERY_FUZZ_CASES repeat or widen a run.
import * as assert from 'node:assert/strict';
import { describeError, getServiceStatuses, isApiError, listEnvironments, listEnvironmentStatuses, listProjects, listServices, QoveryClient } from '../../../src/api';
import {
  byDisplayName,
  indexById,
  indexServiceStatuses,
  plainL10n,
  presentApiToken,
  presentEnvironment,
  presentOrganization,
  presentProject,
  presentService,
  type RowPresentation,
} from '../../../src/tree/present';
import { DEMO, startQoveryServer, type Fault, type QoveryServer } from '../../qovery';

const SEED = Number(process.env.QOVERY_FUZZ_SEED ?? 20261130);
const CASES = Number(process.env.QOVERY_FUZZ_CASES ?? 1200);

/** mulberry32: small, seeded, good enough to pick mutations. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = unknown;
type Mutation = 'missing' | 'null' | 'number' | 'object' | 'huge' | 'enum' | 'extra' | 'array' | 'boolean' | 'truncated' | 'html' | 'notAList';
const FIELD_MUTATIONS: Mutation[] = ['missing', 'null', 'number', 'object', 'huge', 'enum', 'extra', 'array', 'boolean'];
const BODY_MUTATIONS: Mutation[] = ['truncated', 'html', 'notAList'];

/** Every path to a value inside the answer (objects and arrays, a few levels down). */
function paths(value: Json, prefix: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (depth > 4 || !value || typeof value !== 'object') {
    return [];
  }
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v] as [number, Json]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k], depth + 1)]);
}

function mutateAt(body: Json, path: (string | number)[], mutation: Mutation, rnd: () => number): Json {
  const copy = structuredClone(body) as Record<string | number, Json>;
  let parent: Record<string | number, Json> = copy;
  for (const k of path.slice(0, -1)) {
    parent = parent[k] as Record<string | number, Json>;
  }
  const key = path[path.length - 1];
  switch (mutation) {
    case 'missing':
      if (Array.isArray(parent)) {
        parent.splice(Number(key), 1);
      } else {
        delete parent[key];
      }
      break;
    case 'null':
      parent[key] = null;
      break;
    case 'number':
      parent[key] = Math.floor(rnd() * 1e6) - 500;
      break;
    case 'object':
      parent[key] = { unexpected: { nested: true } };
      break;
    case 'huge':
      parent[key] = 'x'.repeat(100_000 + Math.floor(rnd() * 1000));
      break;
    case 'enum':
      parent[key] = 'QUANTUM_FLUX_STATE';
      break;
    case 'extra':
      Object.assign(typeof parent[key] === 'object' && parent[key] !== null ? parent[key] : parent, { extra_field: 'surprise', __proto_like: { a: 1 } });
      break;
    case 'array':
      parent[key] = ['a', 1, null];
      break;
    case 'boolean':
      parent[key] = rnd() < 0.5;
      break;
    default:
      break;
  }
  return copy;
}

interface Endpoint {
  name: string;
  path: string;
  /** Calls the endpoint and turns the answer into rows, as the tree does. */
  load(client: QoveryClient): Promise<RowPresentation[]>;
}

function check(rows: RowPresentation[], endpoint: string): void {
  for (const p of rows) {
    assert.equal(typeof p.label, 'string', endpoint);
    assert.ok(p.label.length > 0 && p.label.length <= 201, `${endpoint}: label of ${p.label.length} characters`);
    assert.ok(p.description === undefined || typeof p.description === 'string', endpoint);
    assert.match(p.contextValue, /^qovery\.[a-zA-Z._0-9]+$/, endpoint);
    assert.match(p.icon, /^[a-z-]+$/, endpoint);
    assert.ok(p.iconColor === undefined || typeof p.iconColor === 'string', endpoint);
    for (const [label, value] of p.tooltipRows) {
      assert.ok(typeof label === 'string' && typeof value === 'string' && value.length <= 201, `${endpoint}: tooltip row ${label}`);
    }
  }
}

describe('fuzz: mangled API answers render as rows or an error row, never an exception', function () {
  this.timeout(120_000);
  let server: QoveryServer;
  let client: QoveryClient;
  const good = new Map<string, Json>();
  const acme = DEMO.organizations.acme;
  const storefront = DEMO.projects.storefront;
  const production = DEMO.environments.storefrontProduction;

  const endpoints: Endpoint[] = [
    { name: 'organizations', path: '/organization', load: async (c) => (await c.listOrganizations()).sort(byDisplayName).map((o) => presentOrganization(o, plainL10n)) },
    { name: 'projects', path: `/organization/${acme}/project`, load: async (c) => (await listProjects(c, acme)).sort(byDisplayName).map((p) => presentProject(p, plainL10n)) },
    {
      name: 'environments',
      path: `/project/${storefront}/environment`,
      load: async (c) => {
        const statuses = indexById(good.get('environment states'));
        return (await listEnvironments(c, storefront)).sort(byDisplayName).map((e) => presentEnvironment(e, statuses.get(e.id), plainL10n));
      },
    },
    {
      name: 'environment states',
      path: `/project/${storefront}/environment/status`,
      load: async (c) => {
        const statuses = indexById(await listEnvironmentStatuses(c, storefront));
        const environments = (good.get('environments') as { results: { id: string }[] }).results;
        return environments.map((e) => presentEnvironment(e, statuses.get(e.id), plainL10n));
      },
    },
    {
      name: 'services',
      path: `/environment/${production}/services`,
      load: async (c) => {
        const statuses = indexServiceStatuses(good.get('service states'));
        return (await listServices(c, production)).sort(byDisplayName).map((s) => presentService(s, statuses.get(s.id), plainL10n));
      },
    },
    {
      name: 'service states',
      path: `/environment/${production}/statuses`,
      load: async (c) => {
        const statuses = indexServiceStatuses(await getServiceStatuses(c, production));
        const services = (good.get('services') as { results: { id: string }[] }).results;
        return services.map((s) => presentService(s, statuses.get(s.id), plainL10n));
      },
    },
    {
      name: 'API tokens',
      path: `/organization/${acme}/apiToken`,
      load: async (c) =>
        (await c.listApiTokens(acme)).sort(byDisplayName).map((t, i) => presentApiToken(t, { inUse: i === 0, usedBy: [], age: (ms) => `${Math.round((Date.now() - ms) / 86_400_000)} days` }, plainL10n)),
    },
  ];

  before(async () => {
    server = await startQoveryServer();
    client = new QoveryClient({ baseUrl: server.url, token: server.tokens.admin, maxRetries: 0, timeoutMs: 5000 });
    for (const e of endpoints) {
      const res = await fetch(server.url + e.path, { headers: { Authorization: `Token ${server.tokens.admin}` } });
      assert.equal(res.status, 200, e.path);
      good.set(e.name, await res.json());
    }
  });

  after(async () => {
    await server.close();
  });

  it('the unmangled answers render', async () => {
    for (const e of endpoints) {
      const rows = await e.load(client);
      assert.ok(rows.length > 0, e.name);
      check(rows, e.name);
    }
  });

  it(`${CASES} seeded cases (seed ${SEED}) over every list and status endpoint`, async () => {
    const rnd = random(SEED);
    const outcomes = { rendered: 0, errorRow: 0 };
    const seen = new Set<string>();
    for (let i = 0; i < CASES; i++) {
      const e = endpoints[i % endpoints.length];
      const body = good.get(e.name);
      const fieldPaths = paths(body);
      const bodyLevel = rnd() < 0.1;
      const mutation = bodyLevel ? BODY_MUTATIONS[Math.floor(rnd() * BODY_MUTATIONS.length)] : FIELD_MUTATIONS[Math.floor(rnd() * FIELD_MUTATIONS.length)];
      const path = fieldPaths[Math.floor(rnd() * fieldPaths.length)];
      let fault: Fault;
      if (mutation === 'truncated') {
        const text = JSON.stringify(body);
        fault = { status: 200, body: text.slice(0, Math.floor(rnd() * text.length)), times: 1 };
      } else if (mutation === 'html') {
        fault = { nonJson: true, status: rnd() < 0.5 ? 200 : 502, times: 1 };
      } else if (mutation === 'notAList') {
        fault = { status: 200, body: rnd() < 0.5 ? { results: { not: 'a list' } } : [1, 2, 3], times: 1 };
      } else {
        fault = { status: 200, body: mutateAt(body, path, mutation, rnd), times: 1 };
      }
      const label = `case ${i} (seed ${SEED}): ${e.name}, ${mutation}${bodyLevel ? '' : ` at ${path.join('.')}`}`;
      seen.add(`${e.name}:${mutation}`);
      server.setFault(`GET ${e.path}`, fault);
      let rows: RowPresentation[] | undefined;
      try {
        rows = await e.load(client);
      } catch (error) {
        // The level becomes an error row: a typed error whose text can be shown.
        assert.ok(isApiError(error), `${label}: threw ${String(error)}`);
        assert.ok(describeError(error).length > 0, label);
        outcomes.errorRow++;
        continue;
      }
      try {
        check(rows, e.name);
      } catch (failure) {
        throw new Error(`${label}: ${(failure as Error).message}`);
      }
      outcomes.rendered++;
    }
    assert.equal(outcomes.rendered + outcomes.errorRow, CASES);
    assert.ok(outcomes.rendered > CASES / 4, `most field mutations still render (${JSON.stringify(outcomes)})`);
    assert.ok(outcomes.errorRow > 0, `some answers become an error row (${JSON.stringify(outcomes)})`);
    assert.ok(seen.size >= endpoints.length * FIELD_MUTATIONS.length, `every endpoint saw every field mutation (${seen.size})`);
  });
});
