// The frozen window: window A passes the last fence before its swap and stops there (a closed laptop
// lid, a debugger, a stalled remote). Its lease expires; window B recovers the rotation and rolls it
// back, deleting the new token. When A wakes, its swap stores that deleted token. Whatever the order
// of A's swap and B's check and delete, the user must end with a stored token that works, and every
// token left alive must be in use or named to the user.
import * as assert from 'node:assert/strict';
import type { RotationReport } from '../../../src/auth/rotation/model';
import { LEASE_TTL_MS, SHARED_SETTLE_MS } from '../../../src/auth/rotation/storage';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';
import { CONNECTION, pendingKey, tokenKey, Window, World } from './windows';

const ADMIN = DEMO.apiTokens.admin;

describe('token rotation, a window frozen right before its swap (saga, plain Node)', function () {
  this.timeout(30_000);
  let server: QoveryServer;
  let world: World;

  beforeEach(async () => {
    server = await startQoveryServer();
    world = new World(server);
    world.signIn(server.tokens.admin, ADMIN);
  });

  afterEach(async () => {
    world.dispose();
    await server.close();
  });

  const created = () => world.tokens().filter((t) => !t.seeded);
  const stored = () => world.secrets.get(tokenKey(CONNECTION));
  const later = (): void => {
    world.clock.offset += LEASE_TTL_MS + 1_000;
  };
  const beforeSwap = (call: string): boolean => call === 'secrets.swap';

  /** The end every interleaving must reach: the stored token works, nothing left untold. */
  async function expectSafe(): Promise<void> {
    assert.ok(await world.works(stored()), 'the stored token answers 200');
    assert.equal(world.secrets.get(pendingKey(CONNECTION)), undefined, 'no pending secret is left');
    assert.deepEqual(await new Window('check', world).engine.journals(), [], 'no journal is left');
    for (const token of created().filter((t) => !t.revoked)) {
      const told = world.reports.some((r) => r.orphan && (r.orphan.id === token.id || (r.orphan.id === undefined && r.orphan.name === token.name)));
      assert.ok(token.secret === stored() || told, `the created token ${token.name} is in use, deleted or named as a leftover`);
    }
  }

  /** No log line of any window holds a secret. */
  function expectNoSecretLogged(...windows: Window[]): void {
    const secrets = [server.tokens.admin, ...created().map((t) => t.secret)];
    for (const w of windows) {
      for (const line of w.log) {
        for (const secret of secrets) {
          assert.ok(!line.includes(secret), `${w.name} logged a secret: ${line}`);
        }
      }
    }
  }

  it('B checks and deletes, then A swaps: A sees the new token get 401 and puts the old one back', async () => {
    const seen: { b?: RotationReport[] | 'died' } = {};
    const a = new Window('A', world, {
      freezeAt: {
        call: beforeSwap,
        during: async () => {
          later();
          world.echo();
          // B's check of the new token is refused: B rolls the rotation back and deletes it.
          server.setFault('GET /organization', { status: 403, times: 1 });
          seen.b = await new Window('B', world).recover();
        },
      },
    });
    const report = (await a.rotate()) as RotationReport;
    assert.equal(a.frozenBefore, 'secrets.swap', 'A froze right before its swap');
    assert.ok(Array.isArray(seen.b));
    assert.deepEqual(seen.b.map((r) => r.outcome), ['failed'], 'B rolled the rotation back');
    assert.equal(created().length, 1);
    assert.equal(created()[0].revoked, true, 'B deleted the new token');
    assert.ok(stored() === server.tokens.admin, 'the old token is stored again');
    assert.ok(world.sleeps.includes(SHARED_SETTLE_MS), 'A waited for the other windows\' writes to arrive before its check');
    assert.equal(report.outcome, 'failed');
    assert.equal(report.stage, 'swap');
    assert.equal(report.lateSwap, 'undone', `the report says the late swap was undone: ${JSON.stringify(report)}`);
    assert.ok(a.log.some((l) => l.startsWith('warn') && l.includes('put back')), `A says so in its log: ${a.log.join('\n')}`);
    await expectSafe();
    expectNoSecretLogged(a);
  });

  it('B checks, A swaps, then B deletes: B sees the late swap after its delete and puts the old token back', async () => {
    const runs: { a?: Promise<RotationReport | 'died'>; b?: Promise<RotationReport[] | 'died'> } = {};
    let bAtDelete: () => void = () => undefined;
    const bReady = new Promise<void>((resolve) => (bAtDelete = resolve));
    const b = new Window('B', world, {
      // B has checked that the new token is not stored and is about to delete it.
      freezeAt: {
        call: (call) => call === 'api.deleteApiToken',
        during: async () => {
          bAtDelete();
          await runs.a;
        },
      },
    });
    const a = new Window('A', world, {
      freezeAt: {
        call: beforeSwap,
        during: async () => {
          later();
          world.echo();
          server.setFault('GET /organization', { status: 403, times: 1 });
          runs.b = b.recover();
          await Promise.race([bReady, runs.b]);
        },
      },
    });
    runs.a = a.rotate();
    const ra = (await runs.a) as RotationReport;
    const rb = (await runs.b) as RotationReport[];
    assert.equal(b.frozenBefore, 'api.deleteApiToken', 'B stopped right before its delete');
    assert.equal(ra.outcome, 'busy', 'A found the new token working after its swap and left the rotation to B');
    assert.deepEqual(rb.map((r) => r.outcome), ['failed'], 'B rolled the rotation back');
    assert.equal(created()[0].revoked, true, 'B deleted the new token');
    assert.ok(stored() === server.tokens.admin, 'the old token is stored again');
    assert.equal(rb[0].lateSwap, 'undone', `B's report says the late swap was undone: ${JSON.stringify(rb[0])}`);
    assert.ok(b.log.some((l) => l.startsWith('warn') && l.includes('put back')), `B says so in its log: ${b.log.join('\n')}`);
    await expectSafe();
    expectNoSecretLogged(a, b);
  });

  it('no clear answer on the check after a late swap (503): what is stored is kept, and the report says it is unchecked', async () => {
    const a = new Window('A', world, {
      freezeAt: {
        call: beforeSwap,
        during: async () => {
          later();
          world.echo();
          server.setFault('GET /organization', { status: 403, times: 1 });
          await new Window('B', world).recover();
          server.setFault('GET /organization', { status: 503 });
        },
      },
    });
    const report = (await a.rotate()) as RotationReport;
    server.clearFaults();
    const newSecret = created()[0].secret;
    assert.ok(stored() === newSecret, 'a 503 is no 401: the token A stored is kept');
    assert.equal(report.lateSwap, 'unconfirmed', `the report says the stored token could not be checked: ${JSON.stringify(report)}`);
    assert.equal(report.errorKind, 'server');
    expectNoSecretLogged(a);
  });

  it('the old token no longer works either: nothing is put back, and the report says the stored token is refused', async () => {
    const a = new Window('A', world, {
      freezeAt: {
        call: beforeSwap,
        during: async () => {
          later();
          world.echo();
          server.setFault('GET /organization', { status: 403, times: 1 });
          await new Window('B', world).recover();
          assert.ok(server.state.revokeApiToken(DEMO.organizations.acme, ADMIN));
        },
      },
    });
    const report = (await a.rotate()) as RotationReport;
    assert.ok(stored() === created()[0].secret, 'a token that gets 401 is never put back in place of another');
    assert.equal(report.lateSwap, 'lost', `the report says the stored token is refused: ${JSON.stringify(report)}`);
    expectNoSecretLogged(a);
  });

  for (const [what, fault] of [
    ['a 503', { status: 503 }],
    ['a hang', { hang: true }],
  ] as const) {
    it(`the new token A stored is refused (401) and the old token's check gets ${what}: the old token is put back, and the report says it could not be checked`, async () => {
      const a = new Window('A', world, {
        freezeAt: {
          call: beforeSwap,
          during: async () => {
            later();
            world.echo();
            server.setFault('GET /organization', { status: 403, times: 1 });
            await new Window('B', world).recover();
            // A's check of the new token gets its 401; every check after it (the old token's) gets no clear answer.
            server.setFault('GET /organization', { ...fault, skip: 1 });
          },
        },
      });
      const report = (await a.rotate()) as RotationReport;
      server.clearFaults();
      assert.equal(created()[0].revoked, true, 'B deleted the new token');
      assert.ok(stored() === server.tokens.admin, 'a token with no clear answer is better than a refused one: the old token is stored again');
      assert.equal(report.lateSwap, 'undoneUnchecked', `the report says the old token was put back unchecked: ${JSON.stringify(report)}`);
      assert.equal(report.outcome, 'failed');
      await expectSafe();
      expectNoSecretLogged(a);
    });
  }

  it('putting the old token back fails in secret storage: the report says so, not that the old token is refused', async () => {
    const set = world.secrets.set.bind(world.secrets);
    const a = new Window('A', world, {
      freezeAt: {
        call: beforeSwap,
        during: async () => {
          later();
          world.echo();
          server.setFault('GET /organization', { status: 403, times: 1 });
          await new Window('B', world).recover();
          world.secrets.set = (key: string, value: string) => {
            if (key === tokenKey(CONNECTION) && value === server.tokens.admin) {
              throw new Error('The keyring refused the write.');
            }
            return set(key, value);
          };
        },
      },
    });
    const report = (await a.rotate()) as RotationReport;
    world.secrets.set = set;
    assert.ok(stored() === created()[0].secret, 'the write failed: the refused token is still stored');
    assert.equal(await world.works(server.tokens.admin), true, 'the old token works');
    assert.equal(report.lateSwap, 'putBackFailed', `the report says the put back failed, not that the old token is refused: ${JSON.stringify(report)}`);
    expectNoSecretLogged(a);
  });

  it('A swaps after B finished the rotation itself: the new token works, A changes nothing', async () => {
    const a = new Window('A', world, {
      freezeAt: {
        call: beforeSwap,
        during: async () => {
          later();
          world.echo();
          await new Window('B', world).recover();
        },
      },
    });
    const report = (await a.rotate()) as RotationReport;
    assert.equal(report.outcome, 'busy');
    assert.equal(report.lateSwap, undefined);
    assert.ok(stored() === created()[0].secret, 'the new token stays');
    assert.equal(created()[0].revoked, false);
    assert.equal(world.tokens().find((t) => t.id === ADMIN)?.revoked, true, 'B revoked the old token');
    await expectSafe();
  });

  it('a roll back that finds a stored new token Qovery refuses (401) does not finish with it: the journal goes, the report says the stored token is refused', async () => {
    // B's delete of the new token is answered 503 although Qovery deleted it: B keeps its journal.
    server.setFault('DELETE /organization/{id}/apiToken/{id}', { status: 503, afterAction: true, times: 1 });
    const a = new Window('A', world, {
      freezeAt: {
        call: beforeSwap,
        during: async () => {
          later();
          world.echo();
          server.setFault('GET /organization', { status: 403, times: 2 });
          await new Window('B', world).rotate();
        },
      },
    });
    const report = (await a.rotate()) as RotationReport;
    assert.equal(report.lateSwap, 'unconfirmed', `A could not check the token it stored (403 is no 401): ${JSON.stringify(report)}`);
    server.clearFaults();
    later();
    const restart = new Window('restart', world);
    const reports = (await restart.recover()) as RotationReport[];
    assert.deepEqual(reports.map((r) => r.lateSwap), ['lost'], `the next start says the stored token is refused: ${JSON.stringify(reports)}`);
    assert.deepEqual(await new Window('check', world).engine.journals(), [], 'no journal is left to retry forever');
    assert.equal(world.tokens().find((t) => t.id === ADMIN)?.revoked, false, 'the old token is not revoked');
    expectNoSecretLogged(a, restart);
  });

  it('a window that lost its lease after its create believes its delete of the token only once the list agrees', async () => {
    const a = new Window('A', world, {
      freezeAt: {
        call: (call) => call === 'api.createApiToken',
        during: async () => {
          later();
          world.echo();
          await new Window('B', world).recover();
          // A's delete of the token it makes is answered 404 although Qovery keeps it.
          server.setFault('DELETE /organization/{id}/apiToken/{id}', { status: 404, times: 2 });
        },
      },
    });
    const report = (await a.rotate()) as RotationReport;
    const made = created().filter((t) => !t.revoked);
    assert.equal(made.length, 1, 'the token A made is still on Qovery');
    assert.equal(report.orphan?.id, made[0].id, `the report names it: ${JSON.stringify(report)}`);
    await expectSafe();
  });
});
