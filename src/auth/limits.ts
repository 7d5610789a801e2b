// How often the extension may ask the API again on its own. No `vscode` here: plain mocha tests it.

/** A connection makes at most one confirming check in this window, however many 401s arrive. */
export const CONFIRM_COOLDOWN_MS = 30_000;

/**
 * The wait before checking again after the n-th rate-limited answer in a row (n from 1): the server's
 * Retry-After when it gives one (30 s when it does not), at least 30 s, 1 min, 2 min... from the second
 * answer on (at most 15 min), and never more than an hour.
 */
export function rateLimitWaitMs(attempt: number, retryAfterMs: number | undefined): number {
  const floor = attempt <= 1 ? 1_000 : Math.min(15 * 60_000, 30_000 * 2 ** (attempt - 2));
  return Math.min(60 * 60_000, Math.max(floor, retryAfterMs ?? 30_000));
}

/** Lets one thing happen per key per cool-down; the clock is injected so tests move it. */
export class Cooldown {
  readonly #last = new Map<string, number>();

  constructor(
    readonly periodMs: number,
    private readonly now: () => number,
  ) {}

  /** True, and counts it, when `key` has not been let through within the period. */
  take(key: string): boolean {
    const now = this.now();
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.periodMs) {
      return false;
    }
    this.#last.set(key, now);
    return true;
  }

  /** Milliseconds since `key` was last let through, or undefined. */
  since(key: string): number | undefined {
    const last = this.#last.get(key);
    return last === undefined ? undefined : this.now() - last;
  }
}
