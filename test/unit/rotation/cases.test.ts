// Token rotation with two and three windows, lost answers and deaths at chosen calls: each case a
// review reproduced against version 0.1, run here against the saga and the Qovery-compatible server.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { claimOnce, LEASE_TTL_MS } from '../../../src/auth/rotation/storage';
import type { RotationReport } from '../../../src/auth/rotation/model';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';
import { CONNECTION, pendingKey, tokenKey, Window, World } from './windows';

const ADMIN = DEMO.apiTokens.admin;

describe('token rotation across windows (saga, plain Node)', function () {
  this.timeout(20_000);
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
  const alive = () => created().filter((t) => !t.revoked);
  const seeded = (id: string) => world.tokens().find((t) => t.id === id)!;
  const stored = () => world.secrets.get(tokenKey(CONNECTION));

  /** The end every rotation must reach once it is over: one working stored token, nothing pending or journaled. */
  async function expectRotated(): Promise<void> {
    assert.equal(alive().length, 1, `one new token is alive: ${JSON.stringify(created().map((t) => [t.name, t.revoked]))}`);
    assert.equal(stored(), alive()[0].secret, 'the connection holds the new token');
    assert.ok(await world.works(stored()), 'the stored token works');
    assert.equal(seeded(ADMIN).revoked, true, 'the old token is revoked');
    assert.equal(world.secrets.get(pendingKey(CONNECTION)), undefined, 'no pending secret is left');
    assert.deepEqual(await new Window('check', world).engine.journals(), [], 'no journal is left');
  }

  async function expectUnchanged(): Promise<void> {
    assert.equal(stored(), server.tokens.admin, 'the connection keeps its token');
    assert.ok(await world.works(stored()), 'the stored token works');
    assert.equal(seeded(ADMIN).revoked, false, 'the old token is not revoked');
  }

  /** Lets the lease of a window that died expire. */
  const later = (): void => {
    world.clock.offset += LEASE_TTL_MS + 1_000;
  };

  describe('1. a rotation left at "created", two windows restored', () => {
    it('one window finishes it, the other leaves it alone, and the user keeps a working token', async () => {
      const first = new Window('w1', world, { dieAt: (call) => call === 'api.listOrganizations' });
      assert.equal(await first.rotate(), 'died');
      assert.equal((await new Window('check', world).engine.journal(CONNECTION))?.step, 'created');
      later();
      const [a, b] = [new Window('w2', world), new Window('w3', world)];
      const [ra, rb] = await Promise.all([a.recover(), b.recover()]);
      const outcomes = [...(ra as RotationReport[]), ...(rb as RotationReport[])].map((r) => r.outcome).sort();
      assert.ok(outcomes.includes('rotated'), `one window finished it: ${outcomes.join(', ')}`);
      assert.ok(!outcomes.includes('failed'), `no window rolled back: ${outcomes.join(', ')}`);
      await expectRotated();
    });

    it('a window that recovers after the other finished finds nothing to do, even with a late globalState', async () => {
      const first = new Window('w1', world, { dieAt: (call) => call === 'api.listOrganizations' });
      await first.rotate();
      later();
      const [a, b] = [new Window('w2', world), new Window('w3', world)];
      assert.equal(((await a.recover()) as RotationReport[])[0].outcome, 'rotated');
      // w3 has not seen w2's globalState writes yet; the journal and secrets are what count.
      const reports = (await b.recover()) as RotationReport[];
      assert.deepEqual(reports, []);
      await expectRotated();
    });

    it('Rotate clicked in a second window while the first rotates says "being rotated in another window"', async () => {
      const slow = new Window('w1', world);
      server.setFault('POST /organization/{id}/apiToken', { latencyMs: 300 });
      const running = slow.rotate();
      await new Promise((r) => setTimeout(r, 100));
      const second = await new Window('w2', world).rotate();
      assert.equal((second as RotationReport).outcome, 'busy');
      assert.equal(((await running) as RotationReport).outcome, 'rotated');
      await expectRotated();
    });
  });

  describe('2. two windows rotate one connection at once', () => {
    it('one rotates, the other is told another window does; one new token exists', async () => {
      server.setFault('GET /organization/{id}/apiToken', { latencyMs: 50 });
      const [a, b] = await Promise.all([new Window('w1', world).rotate(), new Window('w2', world).rotate()]);
      const outcomes = [a, b].map((r) => (r as RotationReport).outcome).sort();
      assert.deepEqual(outcomes, ['busy', 'rotated']);
      await expectRotated();
    });
  });

  describe('3. the token in use is never deleted by a name match', () => {
    it('a rotation whose first token list fails does not start', async () => {
      server.setFault('GET /organization/{id}/apiToken', { status: 500 });
      const report = (await new Window('w1', world).rotate()) as RotationReport;
      assert.equal(report.outcome, 'failed');
      assert.equal(report.stage, 'prepare');
      assert.deepEqual(created(), []);
      await expectUnchanged();
    });

    it('a token of the same name made earlier today survives a create whose connection reset', async () => {
      assert.equal(((await new Window('w1', world).rotate()) as RotationReport).outcome, 'rotated');
      const inUse = alive()[0];
      assert.equal(stored(), inUse.secret);
      world.echo();
      // The second rotation picks the same name (as when names were not known) and the create resets.
      const w2 = new Window('w2', world);
      const plan = await w2.plan(inUse.id);
      assert.ok(!('outcome' in plan));
      plan.knownTokens = plan.knownTokens.map((t) => ({ id: t.id }));
      server.setFault('POST /organization/{id}/apiToken', { reset: true, times: 1 });
      const report = await w2.engine.rotate(CONNECTION, () => Promise.resolve(plan), { interactive: true });
      assert.equal(report.outcome, 'failed');
      assert.equal(report.maybeCreated, true, 'the user hears of a possible leftover');
      assert.equal(seeded(ADMIN).revoked, true);
      assert.equal(world.tokens().find((t) => t.id === inUse.id)?.revoked, false, 'the token in use is not deleted');
      assert.ok(await world.works(stored()), 'the stored token works');
      // The next start looks once more, finds nothing, and closes the journal.
      const next = (await new Window('w3', world).recover()) as RotationReport[];
      assert.equal(next[0].outcome, 'failed');
      assert.deepEqual(await w2.engine.journals(), []);
      assert.equal(world.tokens().find((t) => t.id === inUse.id)?.revoked, false);
    });
  });

  describe('4. a create answered 502/504, reset or timed out after Qovery made the token', () => {
    for (const [label, fault] of [
      ['502 after acting', { status: 502, afterAction: true, times: 1 }],
      ['504 after acting', { status: 504, afterAction: true, times: 1 }],
      ['reset after acting', { reset: true, afterAction: true, times: 1 }],
      ['timeout after acting', { hang: true, afterAction: true, times: 1 }],
    ] as const) {
      it(`${label}: the token is found outside the list taken before, and deleted`, async () => {
        server.setFault('POST /organization/{id}/apiToken', fault);
        const report = (await new Window('w1', world).rotate()) as RotationReport;
        assert.equal(report.outcome, 'failed');
        assert.equal(report.orphan, undefined, 'nothing is left over');
        assert.ok(report.newToken?.id, 'the report names the token that was deleted');
        assert.equal(created().length, 1);
        assert.equal(alive().length, 0, 'the token Qovery made is deleted');
        await expectUnchanged();
        assert.deepEqual(await new Window('check', world).engine.journals(), []);
      });
    }

    it('when the lookup fails too, the journal stays, the user hears of a possible leftover, and the next start deletes it', async () => {
      server.setFault('POST /organization/{id}/apiToken', { status: 502, afterAction: true, times: 1 });
      server.setFault('GET /organization/{id}/apiToken', { status: 503, times: 2, skip: 1 });
      const report = (await new Window('w1', world).rotate()) as RotationReport;
      assert.equal(report.journalKept, true);
      assert.equal(report.maybeCreated, true);
      assert.equal(alive().length, 1, 'the token made is still there for now');
      const next = (await new Window('w2', world).recover()) as RotationReport[];
      assert.equal(next[0].outcome, 'failed');
      assert.equal(alive().length, 0, 'the next start deleted it');
      await expectUnchanged();
    });
  });

  describe('5. died after the pending secret was saved, old token revoked before the restart', () => {
    it('recovery looks tokens up with the pending secret and finishes with it', async () => {
      const first = new Window('w1', world, { dieAt: (_call, before) => before.at(-1) === 'secrets.storePending' });
      assert.equal(await first.rotate(), 'died');
      assert.equal((await new Window('check', world).engine.journal(CONNECTION))?.step, 'creating');
      assert.ok(world.secrets.get(pendingKey(CONNECTION)), 'the pending secret was kept');
      assert.ok(server.state.revokeApiToken(DEMO.organizations.acme, ADMIN));
      later();
      const reports = (await new Window('w2', world).recover()) as RotationReport[];
      assert.equal(reports[0].outcome, 'rotated');
      await expectRotated();
    });
  });

  describe('6. the token revoked was not the connection\'s', () => {
    it('the old secret still works after the delete: the report names the token that went', async () => {
      // The user picked the CI token (same role) from the list instead of the connection's.
      const ci = DEMO.apiTokens.legacy;
      const report = (await new Window('w1', world).rotate({}, ci)) as RotationReport;
      assert.equal(report.outcome, 'rotated');
      assert.equal(report.revoked, false);
      assert.equal(report.wrongTokenRevoked?.id, ci);
      assert.ok(await world.works(server.tokens.admin), 'the old token still works');
      assert.ok(await world.works(stored()), 'the stored token works');
    });
  });

  describe('7. Cancel', () => {
    it('after the create and before the swap, rolls back: the new token is deleted, the old one stays', async () => {
      let cancel = false;
      const report = (await new Window('w1', world).rotate({ cancelRequested: () => cancel, onStage: (stage) => (cancel ||= stage === 'verify') })) as RotationReport;
      assert.equal(report.outcome, 'cancelled');
      assert.equal(alive().length, 0);
      await expectUnchanged();
    });

    it('once the swap started, is not honoured: the rotation finishes', async () => {
      let cancel = false;
      const report = (await new Window('w1', world).rotate({ cancelRequested: () => cancel, onStage: (stage) => (cancel ||= stage === 'revoke') })) as RotationReport;
      assert.equal(report.outcome, 'rotated');
      await expectRotated();
    });
  });

  describe('the rotation reminder', () => {
    it('asks in one window of three each day', async () => {
      const dir = join(world.dir, 'reminder');
      const claims = await Promise.all([1, 2, 3].map(() => claimOnce(dir, 'c1-2026-11-30')));
      assert.deepEqual(claims.filter(Boolean).length, 1);
      assert.equal(await claimOnce(dir, 'c1-2026-12-01'), true, 'and again the next day');
    });
  });
});
