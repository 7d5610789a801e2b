// One owner for the polling of `GET /environment/{id}/statuses`: whoever shows an environment's state
// (the linked service, a deployment being followed, the explorer) subscribes here instead of polling.
// The rules: every 3 s while something in the environment is moving (deploying, building, queued...),
// as the Qovery CLI does; otherwise every 2 minutes while the window has focus; nothing while it does
// not; one refresh on regaining focus, at most once a minute. While a subscriber follows an environment
// (a deployment being followed, its log open), its statuses come from the gateway's status stream
// instead, and polling is only the fallback while that stream is not connected. No `vscode` here: the
// clock, the focus and the stream are injected, so the benchmark simulates an hour in no time.
import type { EnvironmentServiceStatuses } from '../api';
import type { IDisposable } from '../lifecycle';
import type { FollowIds } from './deploymentStreams';

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
  /**
   * This subscriber follows the environment (a deployment, its log): while one does, the statuses are
   * streamed (when a stream can be opened) and polling waits while the stream is connected.
   */
  follow?: FollowIds;
}

/** Where a status stream is: `down` is waiting to reconnect, or stopped (polling takes over). */
export type StatusStreamState = 'connecting' | 'connected' | 'down';

export interface StatusStreamCallbacks {
  onStatuses(statuses: EnvironmentServiceStatuses): void;
  onState(state: StatusStreamState): void;
}

/** Opens the status stream of a followed environment (the statuses chunk builds it over the gateway). */
export type StatusStreamOpener = (environmentId: string, ids: FollowIds, callbacks: StatusStreamCallbacks) => { close(): void };

interface StatusStream {
  close(): void;
  state: StatusStreamState;
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
  /** The status stream, while a subscriber follows the environment. */
  stream?: StatusStream;
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
  /** Status streams opened, and messages they brought (the benchmark and the tests read them). */
  streamsOpened = 0;
  streamMessages = 0;

  constructor(
    private readonly fetchStatuses: (environmentId: string) => Promise<EnvironmentServiceStatuses>,
    private readonly clock: Clock = systemClock,
    focused = true,
    private readonly openStream?: StatusStreamOpener,
  ) {
    this.#focused = focused;
  }

  /** Whether the environment's statuses come from its stream now (no polling meanwhile). */
  streaming(environmentId: string): boolean {
    return this.#watched.get(environmentId)?.stream?.state === 'connected';
  }

  #live(w: Watched): boolean {
    return w.stream?.state === 'connected';
  }

  /** Opens the stream when a following subscriber is there and none is open; closes it when none is left. */
  #syncStream(environmentId: string, w: Watched): void {
    const follower = [...w.subscribers].find((s) => s.follow);
    if (follower?.follow && !w.stream && this.openStream && !this.#disposed) {
      const stream: StatusStream = { state: 'connecting', close: () => undefined };
      w.stream = stream;
      this.streamsOpened++;
      const mine = (): boolean => w.stream === stream && this.#watched.get(environmentId) === w && !this.#disposed;
      const epoch = this.#epoch;
      const handle = this.openStream(environmentId, follower.follow, {
        onStatuses: (statuses) => {
          if (mine() && epoch === this.#epoch) {
            this.#streamed(environmentId, w, statuses);
          }
        },
        onState: (state) => {
          if (mine()) {
            this.#streamState(environmentId, w, state);
          }
        },
      });
      stream.close = () => handle.close();
    } else if (!follower && w.stream) {
      this.#closeStream(environmentId, w);
    }
  }

  #closeStream(environmentId: string, w: Watched): void {
    const stream = w.stream;
    w.stream = undefined;
    stream?.close();
    // Polling resumes at its own pace for the subscribers left.
    if (this.#watched.get(environmentId) === w && stream?.state === 'connected' && w.timer === undefined && !w.inFlight) {
      this.#fallBack(environmentId, w);
    }
  }

  #streamed(environmentId: string, w: Watched, statuses: EnvironmentServiceStatuses): void {
    this.streamMessages++;
    w.last = statuses;
    w.lastError = undefined;
    w.fetchedAt = this.clock.now();
    this.#tell(environmentId, statuses);
    for (const s of [...w.subscribers]) {
      s.onStatuses(statuses);
    }
  }

  #streamState(environmentId: string, w: Watched, state: StatusStreamState): void {
    if (!w.stream) {
      return;
    }
    w.stream.state = state;
    if (state === 'connected') {
      // The stream brings every change: no poll while it is up.
      this.clock.clearTimeout(w.timer);
      w.timer = undefined;
      w.dueAt = undefined;
    } else if (state === 'down' && w.timer === undefined && !w.inFlight) {
      this.#fallBack(environmentId, w);
    }
  }

  /** Polling takes over within one polling period of the last answer (streamed or polled). */
  #fallBack(environmentId: string, w: Watched): void {
    if (!this.#focused || this.#disposed) {
      return;
    }
    const pace = w.last && w.lastError === undefined && hasMovingService(w.last) ? POLL_MOVING_MS : Math.min(POLL_IDLE_MS, ...[...w.subscribers].map((s) => s.idleMs ?? Infinity));
    const since = w.fetchedAt === undefined ? Infinity : this.clock.now() - w.fetchedAt;
    this.#schedule(environmentId, w, Math.max(0, pace - since));
  }

  /** Subscribes to an environment; the first subscriber fetches at once (or gets the last answer). */
  watch(environmentId: string, subscription: StatusSubscription): IDisposable {
    let watched = this.#watched.get(environmentId);
    if (!watched) {
      watched = { subscribers: new Set() };
      this.#watched.set(environmentId, watched);
    }
    watched.subscribers.add(subscription);
    this.#syncStream(environmentId, watched);
    if (watched.last) {
      subscription.onStatuses(watched.last);
    }
    if (this.#live(watched)) {
      // The stream's last message is the answer; the next comes with the next change.
    } else if (!watched.inFlight && !watched.timer && this.#focused) {
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
          const stream = w.stream;
          w.stream = undefined;
          stream?.close();
        } else {
          this.#syncStream(environmentId, w);
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
      // Another connection: its stream opens again with the new token.
      const stream = w.stream;
      w.stream = undefined;
      stream?.close();
      this.#syncStream(id, w);
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
    if (w?.last && this.#live(w)) {
      return w.last;
    }
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

  /**
   * Fetches now (a user's Refresh, a deployment that just started); joins a fetch in flight. While the
   * stream is connected it sends nothing: the subscribers get the stream's last message again.
   */
  refresh(environmentId: string): Promise<void> {
    const w = this.#watched.get(environmentId);
    if (!w) {
      return Promise.resolve();
    }
    if (this.#live(w)) {
      const last = w.last;
      if (last) {
        for (const s of [...w.subscribers]) {
          s.onStatuses(last);
        }
      }
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
      if (!focused || this.#live(w)) {
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
    if (!this.#focused || this.#disposed || this.#live(w)) {
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
      const stream = w.stream;
      w.stream = undefined;
      stream?.close();
    }
    this.#watched.clear();
    this.#listeners.clear();
  }
}
