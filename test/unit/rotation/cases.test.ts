// Token rotation with two and three windows, lost answers and deaths at chosen calls: each case a
// review reproduced against version 0.1, run here against the saga and the Qovery-compatible server.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { claimDay, claimOnce, FileLeases, LEASE_TTL_MS, SharedLeases } from '../../../src/auth/rotation/storage';
import type { RotationReport } from '../../../src/auth/rotation/model';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';
import { CONNECTION, pendingKey, PropagatingSecrets, tokenKey, Window, World } from './windows';

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

  describe('4b. the lease lost right after a create with no clear answer', () => {
    it('the run names the token that may exist, and the next start finds and deletes it', async () => {
      server.setFault('POST /organization/{id}/apiToken', { status: 502, afterAction: true, times: 1 });
      const w1 = new Window('w1', world, {
        // Frozen past its lease just after the create answered 502 (Qovery made the token).
        freezeAt: { call: (_call, before) => before.at(-1) === 'api.createApiToken', during: () => Promise.resolve(later()) },
      });
      const report = (await w1.rotate()) as RotationReport;
      assert.ok(w1.frozenBefore, 'the window froze');
      assert.equal(alive().length, 1, 'Qovery made the token');
      assert.equal(report.orphan?.name, alive()[0].name, `the report names the possible leftover: ${JSON.stringify(report)}`);
      assert.equal(report.maybeCreated, true);
      later();
      const reports = (await new Window('w2', world).recover()) as RotationReport[];
      assert.deepEqual(reports.map((r) => r.outcome), ['failed']);
      assert.equal(alive().length, 0, 'the token Qovery made is found and deleted');
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

  describe('8. windows on other machines share SecretStorage and globalState, not their storage folder', () => {
    it('Rotate clicked at once on two hosts: one rotates, the other is told another window does', async () => {
      server.setFault('GET /organization/{id}/apiToken', { latencyMs: 50 });
      const [a, b] = await Promise.all([new Window('local', world, { host: 'laptop' }).rotate(), new Window('wsl', world, { host: 'wsl' }).rotate()]);
      assert.deepEqual([a, b].map((r) => (r as RotationReport).outcome).sort(), ['busy', 'rotated']);
      await expectRotated();
    });

    it('a rotation left at "created" on one host is finished by a window on another host', async () => {
      const first = new Window('local', world, { host: 'laptop', dieAt: (call) => call === 'api.listOrganizations' });
      assert.equal(await first.rotate(), 'died');
      later();
      const reports = (await new Window('ssh', world, { host: 'ssh' }).recover()) as RotationReport[];
      assert.deepEqual(reports.map((r) => r.outcome), ['rotated']);
      await expectRotated();
    });

    it('the daily reminder asks in one window of the client, whatever the host', async () => {
      const store = {
        get: (key: string) => Promise.resolve(world.secrets.get(key)),
        store: (key: string, value: string) => Promise.resolve(void world.secrets.set(key, value)),
        delete: (key: string) => Promise.resolve(void world.secrets.delete(key)),
      };
      const hosts = ['laptop', 'wsl', 'ssh'];
      const claims = await Promise.all(
        hosts.map(async (host) => (await claimOnce(join(world.dir, host, 'reminder'), `${CONNECTION}-2026-12-07`)) && (await claimDay(store, CONNECTION, '2026-12-07', 5))),
      );
      assert.equal(claims.filter(Boolean).length, 1, `claims: ${claims.join(', ')}`);
      assert.equal(await claimDay(store, CONNECTION, '2026-12-08', 5), true, 'and again the next day');
    });

    // VS Code's SecretStorage: a per-window copy, writes flushed to the main process after ~100 ms and
    // seen by other windows later. A read-back right after a write proves nothing.
    for (const gapMs of [0, 40]) {
      it(`two windows claim the day and take the lease ${gapMs} ms apart, each on its own copy of SecretStorage: never both`, async () => {
        const storage = new PropagatingSecrets(100, 150);
        try {
          const [a, b] = [storage.window('a'), storage.window('b')];
          const after = <T>(ms: number, run: () => Promise<T>): Promise<T> => new Promise((resolve) => setTimeout(resolve, ms)).then(run);
          const claims = await Promise.all([claimDay(a, CONNECTION, '2026-12-07'), after(gapMs, () => claimDay(b, CONNECTION, '2026-12-07'))]);
          assert.ok(claims.filter(Boolean).length <= 1, `both windows asked: ${claims.join(', ')}`);
          const leases = await Promise.all([new SharedLeases(a, world.clock).tryAcquire('x'), after(gapMs, () => new SharedLeases(b, world.clock).tryAcquire('x'))]);
          assert.ok(leases.filter(Boolean).length <= 1, 'both windows hold the lease');
        } finally {
          storage.dispose();
        }
      });
    }
  });

  describe('9. an expired lease is a fence', () => {
    it('a lease that expired is never renewed, even when no window took it', async () => {
      const leases = new FileLeases(join(world.dir, 'fence'), world.clock);
      const lease = (await leases.tryAcquire('x'))!;
      assert.equal(await lease.renew(), true);
      later();
      assert.equal(await lease.holds(), false, 'an expired lease is not held');
      assert.equal(await lease.renew(), false, 'and not renewed');
      const other = await leases.tryAcquire('x');
      assert.ok(other, 'another window takes it');
      await other.release();
      assert.equal(await lease.renew(), false, 'a released lease is never re-created by its old holder');
      assert.ok(await leases.tryAcquire('x'), 'the lease stays free');
    });

    it('a lease dated far ahead (a clock set back) lives no longer than its normal length', async () => {
      const at = join(world.dir, 'skew');
      const leases = new FileLeases(at, world.clock);
      const held = (await leases.tryAcquire('x'))!;
      assert.ok(held);
      world.clock.offset -= 3_600_000;
      assert.equal(await leases.tryAcquire('x'), undefined, 'still live now');
      world.clock.offset += LEASE_TTL_MS + 1_000;
      assert.ok(await leases.tryAcquire('x'), 'free once a normal lease would have expired');
      const store = new Map<string, string>();
      const shared = new SharedLeases(
        { get: (k) => Promise.resolve(store.get(k)), store: (k, v) => Promise.resolve(void store.set(k, v)), delete: (k) => Promise.resolve(void store.delete(k)) },
        world.clock,
        undefined,
        0,
      );
      store.set('qovery.rotation.lease.y', JSON.stringify({ owner: 'ghost', version: 1, expiresAt: world.clock.now() + 86_400_000 }));
      assert.equal(await shared.tryAcquire('y'), undefined);
      world.clock.offset += LEASE_TTL_MS + 1_000;
      assert.ok(await shared.tryAcquire('y'), 'the shared lease too');
    });

    // A window freezes before its call k (a blocked extension host, a debugger, a clock jump): its lease
    // expires, another window takes over, then it thaws and goes on. For every k, and two things the
    // other window may do meanwhile, the end state must hold the invariants.
    for (const meanwhile of ['recovers', 'recovers then rotates'] as const) {
      it(`freeze before call k, for every k, while another window ${meanwhile}`, async function () {
        this.timeout(600_000);
        const broken: string[] = [];
        let k = 1;
        for (; k < 400; k++) {
          const s = await startQoveryServer();
          const w = new World(s);
          try {
            w.signIn(s.tokens.admin, ADMIN);
            const frozen = new Window('frozen', w, {
              freezeAt: {
                call: k,
                during: async () => {
                  w.clock.offset += LEASE_TTL_MS + 1_000;
                  w.echo();
                  const other = new Window('other', w);
                  await other.recover();
                  if (meanwhile === 'recovers then rotates') {
                    w.echo();
                    await other.rotate();
                  }
                },
              },
            });
            await frozen.rotate();
            if (frozen.frozenBefore === undefined) {
              break;
            }
            w.echo();
            for (let start = 0; start < 2; start++) {
              w.clock.offset += LEASE_TTL_MS + 1_000;
              await new Window(`restart${start}`, w).recover();
            }
            const storedNow = w.secrets.get(tokenKey(CONNECTION));
            const problems: string[] = [];
            if (!(await w.works(storedNow))) {
              problems.push('the stored token does not work');
            }
            if (w.secrets.get(pendingKey(CONNECTION)) !== undefined) {
              problems.push('a pending secret is left');
            }
            if ((await new Window('check', w).engine.journals()).length) {
              problems.push('a journal is left');
            }
            for (const token of w.tokens().filter((t) => !t.seeded && !t.revoked)) {
              const told = w.reports.some((r) => r.orphan && (r.orphan.id === token.id || (r.orphan.id === undefined && r.orphan.name === token.name)));
              if (token.secret !== storedNow && !told) {
                problems.push(`the created token ${token.name} is alive, unused and untold`);
              }
            }
            if (problems.length) {
              broken.push(`k=${k} (before ${frozen.frozenBefore}): ${problems.join('; ')}`);
            }
          } finally {
            w.dispose();
            await s.close();
          }
        }
        assert.ok(k > 10, `the rotation made ${k} calls`);
        assert.deepEqual(broken, []);
      });
    }
  });

  describe('10. a SecretStorage read error is not "gone"', () => {
    it('a restart with the keyring locked leaves a rotation at "created" for later, then finishes it', async () => {
      const first = new Window('w1', world, { dieAt: (call) => call === 'api.listOrganizations' });
      assert.equal(await first.rotate(), 'died');
      later();
      // The whole keyring, then only the tokens' entries (the journal is readable).
      for (const locked of [true, (key: string) => key === tokenKey(CONNECTION) || key === pendingKey(CONNECTION)]) {
        world.locked = locked;
        const reports = await new Window('w2', world).recover();
        assert.notEqual(reports, 'died');
        assert.deepEqual((reports as RotationReport[]).map((r) => [r.outcome, r.journalKept, r.errorKind]), [['deferred', true, 'storageRead']]);
        assert.equal(alive().length, 1, 'the new token is not deleted');
        assert.ok(world.secrets.get(pendingKey(CONNECTION)), 'its secret stays pending');
        assert.equal((await new Window('check', world).engine.journal(CONNECTION).catch(() => undefined))?.step ?? 'created', 'created');
        later();
      }
      world.locked = false;
      later();
      const reports = (await new Window('w3', world).recover()) as RotationReport[];
      assert.deepEqual(reports.map((r) => r.outcome), ['rotated']);
      await expectRotated();
    });
  });

  describe('10b. a secret VS Code cannot decrypt reads as "nothing", not as an error', () => {
    it('a restart that reads no token, or no pending token, leaves a rotation at "created" for later, then finishes it', async () => {
      const first = new Window('w1', world, { dieAt: (call) => call === 'api.listOrganizations' });
      assert.equal(await first.rotate(), 'died');
      later();
      world.lockedReads = 'undefined';
      // The stored and the pending token read as nothing, then only the pending one (the stored one is the old).
      for (const locked of [(key: string) => key === tokenKey(CONNECTION) || key === pendingKey(CONNECTION), (key: string) => key === pendingKey(CONNECTION)]) {
        world.locked = locked;
        const reports = await new Window('w2', world).recover();
        assert.notEqual(reports, 'died');
        assert.deepEqual((reports as RotationReport[]).map((r) => [r.outcome, r.journalKept, r.errorKind]), [['deferred', true, 'storageRead']]);
        assert.equal(alive().length, 1, 'the new token is not deleted');
        assert.ok(world.secrets.get(pendingKey(CONNECTION)), 'its secret stays pending');
        world.locked = false;
        assert.equal((await new Window('check', world).engine.journal(CONNECTION))?.step, 'created');
        later();
      }
      const reports = (await new Window('w3', world).recover()) as RotationReport[];
      assert.deepEqual(reports.map((r) => r.outcome), ['rotated']);
      await expectRotated();
    });
  });

  describe('11. "revoked" only when known', () => {
    for (const [label, status] of [
      ['a 503', 503],
      ['a 409', 409],
      ['a 429', 429],
    ] as const) {
      it(`a 404 on the revoke, then ${label} on the check: "could not confirm", and the journal stays`, async () => {
        server.setFault('DELETE /organization/{id}/apiToken/{id}', { status: 404, times: 1 });
        // The check of the old secret comes after the new token's own check (GET /organization once).
        server.setFault('GET /organization', { status, skip: 1, times: 3 });
        const report = (await new Window('w1', world).rotate()) as RotationReport;
        assert.equal(report.outcome, 'rotated');
        assert.equal(report.revoked, false, 'not reported as revoked');
        assert.equal(report.revocationUnconfirmed, true);
        assert.equal((await new Window('check', world).engine.journal(CONNECTION))?.step, 'swapped', 'the journal stays');
        server.clearFaults();
        later();
        const next = (await new Window('w2', world).recover()) as RotationReport[];
        assert.deepEqual(next.map((r) => [r.outcome, r.revoked]), [['rotated', true]]);
        await expectRotated();
      });
    }

    it('a 204 on the revoke, then a network failure on the check: "could not confirm"', async () => {
      server.setFault('GET /organization', { reset: true, skip: 1, times: 3 });
      const report = (await new Window('w1', world).rotate()) as RotationReport;
      assert.equal(report.outcome, 'rotated');
      assert.equal(report.revoked, false);
      assert.equal(report.revocationUnconfirmed, true);
      assert.ok(await new Window('check', world).engine.journal(CONNECTION), 'the journal stays');
    });

    it('the planner takes the old token from the record kept with the secret, not from a lagging globalState', async () => {
      assert.equal(((await new Window('w1', world).rotate()) as RotationReport).outcome, 'rotated');
      const inUse = alive()[0];
      // w2 has not seen w1's globalState writes: it still believes the connection uses ADMIN.
      const plan = await new Window('w2', world).plan(undefined);
      assert.ok(!('outcome' in plan));
      assert.equal(plan.previousTokenId, inUse.id);
    });
  });

  describe('12. clock skew', () => {
    it('a laptop clock 11 min ahead still finds the token an unanswered create made, on the server\'s clock', async () => {
      world.clock.offset = 11 * 60_000;
      server.setFault('POST /organization/{id}/apiToken', { status: 502, afterAction: true, times: 1 });
      const report = (await new Window('w1', world).rotate()) as RotationReport;
      assert.equal(report.outcome, 'failed');
      assert.equal(report.orphan, undefined, 'nothing is left over');
      assert.equal(alive().length, 0, 'the token Qovery made is found and deleted');
      await expectUnchanged();
    });
  });

  describe('12b. clock skew between the window that starts and the window that resumes', () => {
    it('a rotation started on a clock 15 min ahead and resumed 16 min later on a right clock still finds its token', async () => {
      let passed = 0;
      const s = await startQoveryServer({ now: () => new Date(Date.now() + passed) });
      const w = new World(s);
      try {
        w.signIn(s.tokens.admin, ADMIN);
        w.clock.offset = 15 * 60_000;
        // The create reaches Qovery; the window dies before its answer.
        const first = new Window('ahead', w, { dieAt: (_call, before) => before.at(-1) === 'api.createApiToken' });
        assert.equal(await first.rotate(), 'died');
        const made = w.tokens().filter((t) => !t.seeded && !t.revoked);
        assert.equal(made.length, 1, 'Qovery made the token');
        // 16 minutes later, on a window whose clock is right (the server's clock moved as much).
        passed = 16 * 60_000;
        w.clock.offset = passed;
        const reports = (await new Window('right', w).recover()) as RotationReport[];
        assert.deepEqual(reports.map((r) => r.outcome), ['failed']);
        const left = w.tokens().filter((t) => !t.seeded && !t.revoked);
        const told = reports.some((r) => r.orphan?.name === made[0].name);
        assert.ok(left.length === 0 || told, `the token is deleted or named: ${JSON.stringify(reports)}`);
        assert.equal(left.length, 0, 'the token Qovery made is found and deleted');
      } finally {
        w.dispose();
        await s.close();
      }
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
