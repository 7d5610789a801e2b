import * as assert from 'node:assert/strict';
import { CONFIRM_COOLDOWN_MS, Cooldown, rateLimitWaitMs } from '../../../src/auth/limits';

describe('auth/limits', () => {
  describe('Cooldown', () => {
    it('lets one through per key per period, however many ask', () => {
      let now = 1_000_000;
      const gate = new Cooldown(CONFIRM_COOLDOWN_MS, () => now);
      const passed = Array.from({ length: 1000 }, () => gate.take('c1')).filter(Boolean).length;
      assert.equal(passed, 1);
      assert.equal(gate.take('c2'), true, 'another connection has its own budget');
      now += CONFIRM_COOLDOWN_MS - 1;
      assert.equal(gate.take('c1'), false);
      assert.equal(gate.since('c1'), CONFIRM_COOLDOWN_MS - 1);
      now += 1;
      assert.equal(gate.take('c1'), true);
      assert.equal(gate.since('never'), undefined);
    });

    it('allows at most three confirming checks in 60 s of 401s arriving every 10 ms', () => {
      let now = 0;
      const gate = new Cooldown(CONFIRM_COOLDOWN_MS, () => now);
      let checks = 0;
      for (; now <= 60_000; now += 10) {
        checks += gate.take('c1') ? 1 : 0;
      }
      assert.equal(checks, 3);
    });
  });

  describe('rateLimitWaitMs', () => {
    it('honours the server\'s wait the first time, 30 s when it gives none', () => {
      assert.equal(rateLimitWaitMs(1, 1_000), 1_000);
      assert.equal(rateLimitWaitMs(1, 0), 1_000, 'never at once');
      assert.equal(rateLimitWaitMs(1, undefined), 30_000);
      assert.equal(rateLimitWaitMs(1, 120_000), 120_000);
    });

    it('grows with each limit in a row, up to 15 min, and never waits more than an hour', () => {
      assert.deepEqual([2, 3, 4, 5, 6, 7, 8, 20].map((n) => rateLimitWaitMs(n, 1_000)), [30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]);
      assert.equal(rateLimitWaitMs(3, 10 * 60_000), 10 * 60_000);
      assert.equal(rateLimitWaitMs(1, 24 * 3_600_000), 3_600_000);
    });
  });
});
