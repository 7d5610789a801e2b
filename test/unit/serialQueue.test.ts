import * as assert from 'node:assert';
import { SerialQueue } from '../../src/serialQueue';

describe('SerialQueue', () => {
  it('runs tasks one after another in order, and a failure does not stop the next', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const task = (name: string, ms: number, fail = false) => async () => {
      events.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      events.push(`end ${name}`);
      if (fail) {
        throw new Error(name);
      }
      return name;
    };
    const a = queue.run(task('a', 20));
    const b = queue.run(task('b', 1, true));
    const c = queue.run(task('c', 5));
    assert.strictEqual(await a, 'a');
    await assert.rejects(b, /b/);
    assert.strictEqual(await c, 'c');
    assert.deepStrictEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
