import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QoveryClient } from '../../../src/api';
import { FileLeases } from '../../../src/auth/rotation/storage';
import { previewApiOf, type PreviewApi } from '../../../src/preview/api';
import { journalKey, type PreviewJournal } from '../../../src/preview/model';
import { PreviewSaga, type CreateRequest, type PreviewJournalStore } from '../../../src/preview/saga';
import { loadSpec, validateRequest } from '../../qovery/contract';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';

class MemoryJournals implements PreviewJournalStore {
  readonly entries = new Map<string, PreviewJournal>();
  readonly steps: string[] = [];
  get(key: string): PreviewJournal | undefined {
    return this.entries.get(key);
  }
  list(): PreviewJournal[] {
    return [...this.entries.values()];
  }
  save(journal: PreviewJournal): Promise<void> {
    this.entries.set(journal.key, journal);
    this.steps.push(journal.step);
    return Promise.resolve();
  }
  clear(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }
}

const HEAD = 'c0ffee'.padEnd(40, '0');
const BRANCH = 'feat/login';

// The creation saga against the test server over real sockets: the happy path, a fault after each
// step (the server acts, the answer is lost), failures that roll back, a restart that resumes, and
// two windows on one branch.
describe('preview: the creation saga', function () {
  this.timeout(30_000);
  let server: QoveryServer;
  let dir: string;
  let journals: MemoryJournals;

  const request: CreateRequest = {
    key: journalKey('conn', DEMO.projects.storefront, 'github.com/acme/storefront-web', BRANCH),
    connectionId: 'conn',
    organizationId: DEMO.organizations.acme,
    projectId: DEMO.projects.storefront,
    blueprintId: DEMO.environments.storefrontProduction,
    blueprintName: 'production',
    branch: BRANCH,
    commitId: HEAD,
    pointNames: new Set(['web']),
  };

  const saga = (leaseDir = dir, store: PreviewJournalStore = journals): PreviewSaga =>
    new PreviewSaga({
      api: previewApiOf(new QoveryClient({ baseUrl: server.url, token: server.tokens.admin, maxRetries: 0 })),
      journals: store,
      leases: new FileLeases(leaseDir, { now: () => Date.now() }),
      now: () => Date.now(),
      log: { info: () => undefined, warn: () => undefined },
    });

  const previews = () => server.state.account.environments(DEMO.projects.storefront).filter((e) => e.mode === 'PREVIEW' && e.name.startsWith('feat-login'));
  const webOf = (environmentId: string) => server.state.account.services(environmentId).find((s) => s.name === 'web')!;

  beforeEach(async () => {
    server = await startQoveryServer();
    server.deployments.setTimings({ stepMs: 20 });
    server.deployments.pushBranchCommit('acme/storefront-web', BRANCH, { sha: HEAD });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-preview-'));
    journals = new MemoryJournals();
  });
  afterEach(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function assertCreated(outcome: Awaited<ReturnType<PreviewSaga['create']>>): string {
    assert.equal(outcome.kind, 'created', JSON.stringify(outcome));
    assert.ok(outcome.kind === 'created');
    assert.equal(outcome.deployed, true);
    assert.equal(previews().length, 1, 'one preview');
    const web = webOf(outcome.environmentId);
    assert.equal(web.source.type === 'APPLICATION' && web.source.branch, BRANCH);
    assert.equal(server.deployments.latest(web.id)?.commit?.git_commit_id, HEAD, 'the pushed HEAD is deployed');
    assert.equal(journals.list().length, 0, 'the journal is cleared');
    // The blueprint is never changed.
    const blueprintWeb = webOf(DEMO.environments.storefrontProduction);
    assert.equal(blueprintWeb.source.type === 'APPLICATION' && blueprintWeb.source.branch, 'main');
    assert.equal(blueprintWeb.json, undefined);
    return outcome.environmentId;
  }

  it('creates: clone in PREVIEW mode, the web copy pointed at the branch, HEAD deployed; every request valid; at most 20 requests', async () => {
    const outcome = await saga().create(request);
    const environmentId = assertCreated(outcome);
    assert.deepEqual(journals.steps.filter((s, i, a) => a.indexOf(s) === i), ['cloning', 'cloned', 'pointing', 'pointed', 'deploying']);
    assert.equal(server.state.account.environment(environmentId)?.name, 'feat-login');
    const spec = loadSpec();
    if (spec) {
      for (const entry of server.requests) {
        const errors: string[] = validateRequest(spec, entry).errors;
        assert.deepEqual(errors, [], `${entry.method} ${entry.path}`);
      }
    }
    console.log(`      a preview of an 8-service environment: ${server.requests.length} requests`);
    assert.ok(server.requests.length <= 20, `${server.requests.length} requests`);
  });

  it('run twice for one branch: the second links the existing preview', async () => {
    const first = assertCreated(await saga().create(request));
    const again = await saga().create(request);
    assert.deepEqual(again, { kind: 'existing', environmentId: first, name: 'feat-login' });
    assert.equal(previews().length, 1);
  });

  for (const route of ['POST /environment/{id}/clone', 'PUT /application/{id}', 'POST /environment/{id}/service/deploy']) {
    for (const fault of [{ status: 502 }, { reset: true }] as const) {
      it(`a fault after ${route} (${'status' in fault ? '502' : 'reset'}, the server acted): one preview, finished`, async () => {
        server.setFault(route, { ...fault, afterAction: true, times: 1 });
        assertCreated(await saga().create(request));
      });
    }
  }

  it('an edit refused: the half-made environment is deleted, nothing is left', async () => {
    server.setFault('PUT /application/{id}', { status: 400, times: 1 });
    const outcome = await saga().create(request);
    assert.equal(outcome.kind, 'failed');
    assert.ok(outcome.kind === 'failed');
    assert.equal(outcome.cleanup, 'deleted');
    assert.equal(previews().length, 0);
    assert.equal(server.state.account.environment(outcome.environmentId!), undefined);
    assert.equal(journals.list().length, 0);
  });

  it('an edit refused and the delete failing: the environment is named and kept in the journal; the next run finishes it', async () => {
    server.setFault('PUT /application/{id}', { status: 400, times: 1 });
    server.setFault('DELETE /environment/{id}', { status: 503, times: 1 });
    const outcome = await saga().create(request);
    assert.ok(outcome.kind === 'failed');
    assert.equal(outcome.cleanup, 'left');
    assert.equal(outcome.name, 'feat-login');
    assert.equal(journals.list()[0]?.environmentId, outcome.environmentId);
    const again = await saga().create(request);
    assert.equal(assertCreated(again), outcome.environmentId, 'the same environment, resumed');
  });

  it('a restart after the clone left its answer unread: the journal at "cloning" resumes with the environment found by name', async () => {
    // What a window that stopped right after sending the clone leaves: the journal, and the clone on the server.
    const cloned = await fetch(`${server.url}/environment/${DEMO.environments.storefrontProduction}/clone`, {
      method: 'POST',
      headers: { authorization: `Token ${server.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'feat-login', mode: 'PREVIEW' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const now = Date.now();
    await journals.save({ ...request, pointNames: ['web'], name: 'feat-login', step: 'cloning', edited: [], startedAt: now, updatedAt: now });
    assert.equal(assertCreated(await saga().create(request)), cloned.id);
  });

  it('an unfinished creation more than a day old is rolled back at the next run, then created afresh', async () => {
    const cloned = await fetch(`${server.url}/environment/${DEMO.environments.storefrontProduction}/clone`, {
      method: 'POST',
      headers: { authorization: `Token ${server.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'feat-login', mode: 'PREVIEW' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const old = Date.now() - 25 * 3_600_000;
    journals.entries.set(request.key, { ...request, pointNames: ['web'], name: 'feat-login', step: 'pointing', environmentId: cloned.id, edited: [], startedAt: old, updatedAt: old });
    const outcome = await saga().create(request);
    assert.ok(outcome.kind === 'failed' && outcome.cleanup === 'deleted', JSON.stringify(outcome));
    assert.equal(server.state.account.environment(cloned.id), undefined);
    assertCreated(await saga().create(request));
  });

  const cloneAs = (name: string) =>
    fetch(`${server.url}/environment/${DEMO.environments.storefrontProduction}/clone`, {
      method: 'POST',
      headers: { authorization: `Token ${server.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, mode: 'PREVIEW' }),
    }).then((r) => r.json() as Promise<{ id: string }>);

  for (const age of [{ label: '2 hours', ms: 2 * 3_600_000 }, { label: '25 hours', ms: 25 * 3_600_000 }]) {
    it(`a journal at "cloning" (${age.label} old) whose clone never happened, and a teammate's preview of that name made since: neither pointed, deployed nor deleted`, async () => {
      const old = Date.now() - age.ms;
      await journals.save({ ...request, pointNames: ['web'], name: 'feat-login', step: 'cloning', edited: [], startedAt: old, updatedAt: old });
      const theirs = await cloneAs('feat-login');
      const before = server.requests.length;
      const outcome = await saga().create(request);
      assert.deepEqual(outcome, { kind: 'conflict', name: 'feat-login' });
      assert.ok(server.state.account.environment(theirs.id), 'their preview is not deleted');
      const web = webOf(theirs.id);
      assert.equal(web.source.type === 'APPLICATION' && web.source.branch, 'main', 'their preview is not pointed at our branch');
      const writes = server.requests.slice(before).filter((r) => r.method !== 'GET');
      assert.deepEqual(writes.map((r) => `${r.method} ${r.path}`), [], 'no write request');
    });
  }

  it('an unfinished creation too old to resume, its deletion declined: the environment is kept and the journal dropped; accepted: deleted', async () => {
    const cloned = await cloneAs('feat-login');
    const old = Date.now() - 25 * 3_600_000;
    const stale = { ...request, pointNames: ['web'], name: 'feat-login', step: 'pointing' as const, environmentId: cloned.id, edited: [], startedAt: old, updatedAt: old };
    journals.entries.set(request.key, stale);
    const asked: string[] = [];
    const withConfirm = (yes: boolean) =>
      new PreviewSaga({
        api: previewApiOf(new QoveryClient({ baseUrl: server.url, token: server.tokens.admin, maxRetries: 0 })),
        journals,
        leases: new FileLeases(dir, { now: () => Date.now() }),
        now: () => Date.now(),
        log: { info: () => undefined, warn: () => undefined },
        confirmRollback: (journal, environmentId) => {
          asked.push(`${journal.name} ${environmentId}`);
          return Promise.resolve(yes);
        },
      });
    assert.deepEqual(await withConfirm(false).create(request), { kind: 'kept', name: 'feat-login', environmentId: cloned.id });
    assert.deepEqual(asked, [`feat-login ${cloned.id}`]);
    assert.ok(server.state.account.environment(cloned.id), 'kept');
    assert.equal(journals.list().length, 0, 'the journal is dropped');
    journals.entries.set(request.key, stale);
    const outcome = await withConfirm(true).create(request);
    assert.ok(outcome.kind === 'failed' && outcome.cleanup === 'deleted', JSON.stringify(outcome));
    assert.equal(server.state.account.environment(cloned.id), undefined);
  });

  // A clock the test moves: each slow answer below costs 20 s of a 30 s lease.
  const slowSaga = (slow: Partial<Record<'environments' | 'clone' | 'services', number>>) => {
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    const api = previewApiOf(new QoveryClient({ baseUrl: server.url, token: server.tokens.admin, maxRetries: 0 }));
    const slowed: PreviewApi = {
      ...api,
      environments: async (...a) => api.environments(...a).finally(() => (offset += slow.environments ?? 0)),
      clone: async (...a) => api.clone(...a).finally(() => (offset += slow.clone ?? 0)),
      services: async (...a) => api.services(...a).finally(() => (offset += slow.services ?? 0)),
    };
    return new PreviewSaga({ api: slowed, journals, leases: new FileLeases(dir, clock), now: clock.now, log: { info: () => undefined, warn: () => undefined } });
  };

  it('slow answers (the list, the clone, 20 s each of a 30 s lease): the lease is renewed between the steps and the preview is made', async () => {
    assertCreated(await slowSaga({ environments: 20_000, clone: 20_000 }).create(request));
  });

  it('a clone answered after the lease lapsed: "interrupted", not "another window"; the journal stays and the next run finishes', async () => {
    const outcome = await slowSaga({ clone: 40_000 }).create(request);
    assert.deepEqual(outcome, { kind: 'interrupted', name: 'feat-login' });
    assert.equal(journals.list()[0]?.step, 'cloned');
    assertCreated(await saga().create(request));
  });

  it('two windows on the same branch make one preview', async () => {
    // Two windows: their own journals in memory, the lease folder shared as on one host.
    const [a, b] = await Promise.all([saga(dir, journals).create(request), saga(dir, new MemoryJournals()).create(request)]);
    const kinds = [a.kind, b.kind].sort();
    assert.deepEqual(kinds, ['busy', 'created']);
    assert.equal(previews().length, 1);
  });

  it('a name held by another environment: the preview takes the next free name', async () => {
    await fetch(`${server.url}/environment/${DEMO.environments.storefrontStaging}/clone`, {
      method: 'POST',
      headers: { authorization: `Token ${server.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'feat-login', mode: 'STAGING' }),
    });
    const outcome = await saga().create(request);
    assert.ok(outcome.kind === 'created');
    assert.equal(outcome.name, 'feat-login-2');
  });
});
