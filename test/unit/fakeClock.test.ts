import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeClock } from '../support/fakeClock';

// Compiled to out/test/unit: the repository root is three levels up.
const root = path.resolve(__dirname, '..', '..', '..');

function testFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(rel) : /\.(ts|mjs)$/.test(e.name) ? [rel] : [];
  });
}

describe('the fake clock (test/support/fakeClock.ts)', () => {
  it('runs the timers due in order when time advances, and leaves the later ones', async () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    clock.setTimeout(() => ran.push(`b at ${clock.now()}`), 200);
    clock.setTimeout(() => ran.push(`a at ${clock.now()}`), 100);
    const late = clock.setTimeout(() => ran.push('late'), 5_000);
    await clock.advance(1_000);
    assert.deepEqual(ran, ['a at 100', 'b at 200']);
    assert.equal(clock.now(), 1_000);
    assert.equal(clock.pending, 1);
    clock.clearTimeout(late);
    await clock.advance(10_000);
    assert.deepEqual(ran, ['a at 100', 'b at 200']);
    assert.equal(clock.pending, 0);
  });

  it('a timer set by a timer runs in the same advance when it falls due; promises settle in between', async () => {
    const clock = new FakeClock();
    const ran: number[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => clock.setTimeout(() => ran.push(clock.now()), 50));
    }, 100);
    await clock.advance(200);
    assert.deepEqual(ran, [150]);
  });

  it('runNext moves time to the earliest timer; runUntil settles before each timer', async () => {
    const clock = new FakeClock();
    assert.equal(clock.runNext(), false);
    clock.setTimeout(() => undefined, 300);
    assert.equal(clock.runNext(), true);
    assert.equal(clock.now(), 300);
    let settled = 0;
    const ran: number[] = [];
    clock.setTimeout(() => ran.push(settled), 100);
    clock.setTimeout(() => ran.push(settled), 200);
    await clock.runUntil(1_000, () => Promise.resolve(void settled++));
    assert.deepEqual(ran, [1, 2]);
    assert.equal(settled, 3);
    assert.equal(clock.now(), 1_000);
  });

  it('is the only hand-made clock of the tests and the benchmark', () => {
    const own = path.join('test', 'support', 'fakeClock.ts');
    const offenders = testFiles('test').filter((file) => file !== own && /\bimplements Clock\b|class \w*Clock\b[^{]*\{[^}]*setTimeout\(/s.test(fs.readFileSync(path.join(root, file), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
