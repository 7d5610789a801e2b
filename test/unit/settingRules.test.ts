import * as assert from 'node:assert/strict';
import { AUTO_REFRESH_FLOOR_SECONDS, autoRefreshSeconds } from '../../src/settingRules';

describe('qovery.autoRefreshSeconds', () => {
  it('0 (or no value) is off', () => {
    assert.deepEqual(autoRefreshSeconds(0), { value: 0 });
    assert.deepEqual(autoRefreshSeconds(undefined), { value: 0 });
  });

  it('1 to 9 s are raised to the floor of 10 s, and that is reported', () => {
    assert.equal(AUTO_REFRESH_FLOOR_SECONDS, 10);
    for (const raw of [1, 5, 9, 9.5, 0.5]) {
      assert.deepEqual(autoRefreshSeconds(raw), { value: 10, problem: 'belowFloor' }, String(raw));
    }
  });

  it('10 s up to a day are kept as they are', () => {
    for (const raw of [10, 60, 86_400]) {
      assert.deepEqual(autoRefreshSeconds(raw), { value: raw }, String(raw));
    }
  });

  it('a value of the wrong type or range is off, and reported', () => {
    for (const raw of [-1, 86_401, Number.NaN, Number.POSITIVE_INFINITY, '30', null, {}]) {
      assert.deepEqual(autoRefreshSeconds(raw), { value: 0, problem: 'invalid' }, String(raw));
    }
  });
});
