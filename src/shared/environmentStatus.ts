// One owner for the polling of `GET /environment/{id}/statuses`: whoever shows an environment's state
// (the linked service, a deployment being followed, the explorer) subscribes here instead of polling.
// The rules: every 3 s while something in the environment is moving (deploying, building, queued...),
// as the Qovery CLI does; otherwise every 2 minutes while the window has focus; nothing while it does
// not; one refresh on regaining focus, at most once a minute. No `vscode` here: the clock and the focus
// are injected, so the benchmark simulates an hour in no time.
import type { EnvironmentServiceStatuses } from '../api';
import type { IDisposable } from '../lifecycle';

export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const POLL_MOVING_MS = 3_000;
export const POLL_IDLE_MS = 120_000;
export const FOCUS_REFRESH_MIN_MS = 60_000;

/** A state in progress: the environment is polled every 3 s while one of its services is in one. */
export function isMovingState(state: unknown): boolean {
  return typeof state === 'string' && /(ING|QUEUED)$/.test(state) && state !== 'WAITING_RUNNING';
}

export function hasMovingService(statuses: EnvironmentServiceStatuses): boolean {
  const groups = [statuses.applications, statuses.containers, statuses.jobs, statuses.databases, statuses.helms, statuses.terraforms];
  return groups.some((g) => Array.isArray(g) && g.some((s) => isMovingState(s.state)));
}

export interface StatusSubscription {
  /** Called with every answer (and with `undefined` plus the error on a failure). */
  onStatuses(statuses: EnvironmentServiceStatuses | undefined, error?: unknown): void;
  /** A subscriber's own idle interval (the explorer's `qovery.autoRefreshSeconds`); the shortest wins. */
  idleMs?: number;
}

interface Watched {
  subscribers: Set<StatusSubscription>;
  timer?: unknown;
  inFlight?: Promise<void>;
  /** Which fetch is the current one. */
  fetchToken?: object;
  last?: EnvironmentServiceStatuses;
  /** When the next fetch is due (the clock's time). */
  dueAt?: number;
  /** The failure of the last fetch, if it failed. */
  lastError?: unknown;
  fetchedAt?: number;
}

/** Told of every answer, whoever asked for it: the explorer's rows follow what the status bar polls. */
export type StatusListener = (environmentId: string, statuses: EnvironmentServiceStatuses) => void;

export class EnvironmentStatusService implements IDisposable {
  readonly #watched = new Map<string, Watched>();
  readonly #listeners = new Set<StatusListener>();
  /** One-off fetches of environments nobody watches, shared by callers that ask at once. */
  readonly #once = new Map<string, Promise<EnvironmentServiceStatuses>>();
  #focused: boolean;
  #disposed = false;
  /** Moves on when the connection changes: an answer for the previous one is dropped. */
  #epoch = 0;
  /** Requests sent, for the benchmark and the tests. */
  requests = 0;

  constructor(
    private readonly fetchStatuses: (environmentId: string) => Promise<EnvironmentServiceStatuses>,
    private readonly clock: Clock = systemClock,
    focused = true,
  ) {
    this.#focused = focused;
  }

  /** Subscribes to an environment; the first subscriber fetches at once (or gets the last answer). */
  watch(environmentId: string, subscription: StatusSubscription): IDisposable {
    let watched = this.#watched.get(environmentId);
    if (!watched) {
      watched = { subscribers: new Set() };
      this.#watched.set(environmentId, watched);
    }
    watched.subscribers.add(subscription);
    if (watched.last) {
      subscription.onStatuses(watched.last);
    }
    if (!watched.inFlight && !watched.timer && this.#focused) {
      void this.#fetch(environmentId);
    } else if (watched.timer !== undefined && watched.dueAt !== undefined && watched.fetchedAt !== undefined && subscription.idleMs !== undefined) {
      // A shorter pace (the explorer's auto refresh) applies from now, not after the current wait.
      const due = watched.fetchedAt + subscription.idleMs;
      if (due < watched.dueAt) {
        this.#schedule(environmentId, watched, due - this.clock.now());
      }
    }
    return {
      dispose: () => {
        const w = this.#watched.get(environmentId);
        if (!w) {
          return;
        }
        w.subscribers.delete(subscription);
        if (w.subscribers.size === 0) {
          this.clock.clearTimeout(w.timer);
          this.#watched.delete(environmentId);
        }
      },
    };
  }

  /** Forgets every answer (another connection is active); watchers stay and are fetched for again. */
  forgetAll(): void {
    this.#epoch++;
    this.#once.clear();
    for (const [id, w] of this.#watched) {
      w.last = undefined;
      w.lastError = undefined;
      w.fetchedAt = undefined;
      w.inFlight = undefined;
      this.clock.clearTimeout(w.timer);
      w.timer = undefined;
      if (this.#focused) {
        void this.#fetch(id);
      }
    }
  }

  /** Listens to every answer without causing any request. */
  listen(listener: StatusListener): IDisposable {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  }

  /**
   * The statuses now (a tree level that loads): joins a fetch in flight; for a watched environment it
   * is that environment's fetch (which moves its next poll), otherwise a one-off request. Rejects on failure.
   */
  async fetch(environmentId: string): Promise<EnvironmentServiceStatuses> {
    const w = this.#watched.get(environmentId);
    if (w) {
      await (w.inFlight ?? this.#fetch(environmentId));
      if (w.lastError !== undefined || !w.last) {
        throw w.lastError instanceof Error ? w.lastError : new Error('The environment statuses could not be loaded.');
      }
      return w.last;
    }
    let once = this.#once.get(environmentId);
    if (!once) {
      this.requests++;
      const epoch = this.#epoch;
      once = this.fetchStatuses(environmentId).then(
        (statuses) => {
          this.#once.delete(environmentId);
          if (epoch === this.#epoch) {
            this.#tell(environmentId, statuses);
          }
          return statuses;
        },
        (error: unknown) => {
          this.#once.delete(environmentId);
          throw error;
        },
      );
      this.#once.set(environmentId, once);
    }
    return once;
  }

  #tell(environmentId: string, statuses: EnvironmentServiceStatuses): void {
    for (const listener of [...this.#listeners]) {
      listener(environmentId, statuses);
    }
  }

  latest(environmentId: string): EnvironmentServiceStatuses | undefined {
    return this.#watched.get(environmentId)?.last;
  }

  /** Fetches now (a user's Refresh, a deployment that just started); joins a fetch in flight. */
  refresh(environmentId: string): Promise<void> {
    const w = this.#watched.get(environmentId);
    if (!w) {
      return Promise.resolve();
    }
    return w.inFlight ?? this.#fetch(environmentId);
  }

  setFocused(focused: boolean): void {
    if (focused === this.#focused) {
      return;
    }
    this.#focused = focused;
    for (const [id, w] of this.#watched) {
      this.clock.clearTimeout(w.timer);
      w.timer = undefined;
      if (!focused) {
        continue;
      }
      const since = w.fetchedAt === undefined ? Infinity : this.clock.now() - w.fetchedAt;
      if (since >= FOCUS_REFRESH_MIN_MS || (w.last && hasMovingService(w.last))) {
        if (!w.inFlight) {
          void this.#fetch(id);
        }
      } else {
        this.#schedule(id, w, FOCUS_REFRESH_MIN_MS - since);
      }
    }
  }

  /** Whether a request is on its way (the benchmark waits for it before moving its clock). */
  get busy(): boolean {
    return [...this.#watched.values()].some((w) => w.inFlight !== undefined);
  }

  get focused(): boolean {
    return this.#focused;
  }

  #fetch(environmentId: string): Promise<void> {
    const w = this.#watched.get(environmentId);
    if (!w || this.#disposed) {
      return Promise.resolve();
    }
    this.clock.clearTimeout(w.timer);
    w.timer = undefined;
    this.requests++;
    const epoch = this.#epoch;
    const token = {};
    w.fetchToken = token;
    const run = (async () => {
      let statuses: EnvironmentServiceStatuses | undefined;
      let failure: unknown;
      try {
        statuses = await this.fetchStatuses(environmentId);
      } catch (error) {
        failure = error;
      }
      // A fetch started since (after forgetAll) owns inFlight now.
      if (w.fetchToken === token) {
        w.inFlight = undefined;
      }
      if (epoch !== this.#epoch) {
        return;
      }
      w.fetchedAt = this.clock.now();
      w.lastError = failure;
      if (statuses) {
        w.last = statuses;
      }
      if (this.#watched.get(environmentId) !== w || this.#disposed) {
        return;
      }
      if (statuses) {
        this.#tell(environmentId, statuses);
      }
      for (const s of [...w.subscribers]) {
        s.onStatuses(statuses, failure);
      }
      this.#schedule(environmentId, w);
    })();
    w.inFlight = run;
    return run;
  }

  #schedule(environmentId: string, w: Watched, delay?: number): void {
    if (!this.#focused || this.#disposed) {
      return;
    }
    const idle = Math.min(POLL_IDLE_MS, ...[...w.subscribers].map((s) => s.idleMs ?? Infinity));
    // After a failure the last answer may be old: only a fresh one that shows movement keeps the 3 s pace.
    const ms = delay ?? (w.last && w.lastError === undefined && hasMovingService(w.last) ? POLL_MOVING_MS : idle);
    this.clock.clearTimeout(w.timer);
    w.dueAt = this.clock.now() + Math.max(0, ms);
    w.timer = this.clock.setTimeout(() => {
      w.timer = undefined;
      w.dueAt = undefined;
      void this.#fetch(environmentId);
    }, Math.max(0, ms));
  }

  dispose(): void {
    this.#disposed = true;
    for (const w of this.#watched.values()) {
      this.clock.clearTimeout(w.timer);
    }
    this.#watched.clear();
    this.#listeners.clear();
  }
}
