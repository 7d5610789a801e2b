/**
 * Runs tasks one after another, in the order they were queued; a failed task does not stop the ones
 * after it. For work that must never overlap with itself (a token rotation, a once-a-day reminder).
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
