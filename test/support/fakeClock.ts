// The one fake clock of the tests and the benchmark: time moves only when the test says so, and the
// timers set on it run when time reaches them. It is the environment status service's `Clock`
// (src/shared/environmentStatus.ts), and its `now`, `setTimeout` and `clearTimeout` are the timer
// options of the gateway stream (src/shared/gateway.ts).
import type { Clock } from '../../src/shared/environmentStatus';

/** Lets the promises that a timer started settle (a few turns of the microtask queue). */
export const settleMicrotasks = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
};

export class FakeClock implements Clock {
  time = 0;
  readonly #timers = new Map<number, { at: number; run: () => void }>();
  #next = 1;

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.time + ms, run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** How many timers are set. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Runs the earliest timer, time moving to it; false when no timer is set. */
  runNext(): boolean {
    const due = this.#earliest(Infinity);
    if (due) {
      this.#run(due);
    }
    return due !== undefined;
  }

  /** Moves time forward by `ms`, running the timers due in order, the promises of each settling before the next. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (let due = this.#earliest(end); due; due = this.#earliest(end)) {
      this.#run(due);
      await settleMicrotasks();
    }
    this.time = end;
  }

  /**
   * Moves time to `end` as `advance` does, with `settle` awaited before each timer (the benchmark lets
   * the HTTP answer of a poll arrive before the clock jumps again).
   */
  async runUntil(end: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      await settle();
      const due = this.#earliest(end);
      if (!due) {
        break;
      }
      this.#run(due);
    }
    this.time = end;
  }

  #earliest(end: number): [number, { at: number; run: () => void }] | undefined {
    return [...this.#timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
  }

  #run([id, timer]: [number, { at: number; run: () => void }]): void {
    this.#timers.delete(id);
    this.time = timer.at;
    timer.run();
  }
}

/** Real timers, with time running `scale` times faster than real time (the benchmark's compressed runs). */
export class ScaledClock implements Clock {
  readonly #start = performance.now();
  constructor(private readonly scale: number) {}
  now(): number {
    return (performance.now() - this.#start) * this.scale;
  }
  setTimeout(run: () => void, ms: number): unknown {
    return setTimeout(run, ms / this.scale);
  }
  clearTimeout(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}
