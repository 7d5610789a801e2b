import * as vscode from 'vscode';
import { QoveryApiError, isApiError, isNetworkLike } from '../api/errors';
import type { QoveryClient, QoveryClientOptions } from '../api/client';
import type { FetchLike } from '../api/http';
import type { AuthScheme } from '../api/token';
import type { Organization } from '../api/types';
import { readSettings, type Settings } from '../config';
import type { SessionStatus } from '../contributions';
import { CONFIRM_COOLDOWN_MS, Cooldown, rateLimitWaitMs } from './limits';
import { apiProblem } from './messages';
import type { Logger } from '../logger';
import type { ConnectionInfo, TokenStore } from './tokenStore';
import { Disposable, toDisposable } from '../lifecycle';

export interface SessionState {
  status: SessionStatus;
  connection?: ConnectionInfo;
  organizations?: Organization[];
  /** The failure behind a non signed-in status. */
  error?: QoveryApiError;
  /** Why the status is 'misconfigured' or why a connection has no token. */
  problem?: string;
  checkedAt?: number;
  /** While rate limited: when the next check runs by itself (ms since epoch). */
  retryAt?: number;
  /** True when a user action asked for this check and shows its outcome itself (no background prompt). */
  interactive?: boolean;
  roundTripMs?: number;
  scheme?: AuthScheme;
  apiUrl?: string;
}

export interface Verification {
  organizations: Organization[];
  roundTripMs: number;
  scheme: AuthScheme;
  apiUrl: string;
}

const RECHECK_AFTER_MS = 5 * 60_000;
const RECHECK_ON_SUCCESS_MS = 5_000;

/**
 * Maps a failure to the status it means. Only a 401 says the token is invalid; only a failure to reach
 * the server is "unreachable"; a redirect the client refused is not a wrong setting.
 */
function statusForError(error: unknown): SessionStatus {
  if (!isApiError(error)) {
    return 'apiError';
  }
  switch (error.kind) {
    case 'unauthorized':
    case 'invalidToken':
      return 'invalidToken';
    case 'forbidden':
      return 'forbidden';
    case 'rateLimited':
      return 'rateLimited';
    case 'insecureUrl':
      return error.origin ? 'apiError' : 'misconfigured';
    case 'network':
    case 'timeout':
    case 'cancelled':
      return 'unreachable';
    default:
      return 'apiError';
  }
}

/**
 * The auth state of the active connection, and the API client that goes with it.
 * Checks are shared: many callers asking at once cause one request.
 */
export class SessionManager extends Disposable {
  readonly #changed = this.register(new vscode.EventEmitter<SessionState>());
  readonly onDidChange = this.#changed.event;
  readonly #connectionChanged = this.register(new vscode.EventEmitter<void>());
  /** Fires when the active connection (or its token) changes: cached data of the old one must go. */
  readonly onDidChangeConnection = this.#connectionChanged.event;
  #state: SessionState = { status: 'signedOut' };
  #check: Promise<SessionState> | undefined;
  #scheduled: ReturnType<typeof setTimeout> | undefined;
  #interactive = false;
  #client: { key: string; client: QoveryClient } | undefined;
  /** Incremented on every connection switch, so late answers for the old connection are dropped. */
  epoch = 0;
  /** The clock of the cool-downs and waits; tests move it forward instead of waiting. */
  now: () => number = () => Date.now();
  /** One confirming check per connection per cool-down. */
  readonly #confirm = new Cooldown(CONFIRM_COOLDOWN_MS, () => this.now());
  #rateLimit: { timer: ReturnType<typeof setTimeout>; attempts: number } | undefined;

  constructor(
    readonly store: TokenStore,
    private readonly log: Logger,
    /** Makes an API client: the API chunk, loaded (synchronously) the first time a client is needed. */
    private readonly makeClient: (options: QoveryClientOptions) => QoveryClient,
    private readonly fetchImpl?: FetchLike,
  ) {
    super();
    this.#state = { status: store.active() ? 'checking' : 'signedOut', connection: store.active() };
    this.register(
      toDisposable(() => {
        clearTimeout(this.#scheduled);
        this.#clearRateLimit();
      }),
    );
    this.registerAll(
      store.onDidChange((change) => {
        const active = store.active();
        if (active?.id !== this.#state.connection?.id || change.tokens.includes(active?.id ?? '')) {
          this.#connectionSwitched();
          this.#scheduleCheck();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (['qovery.apiUrl', 'qovery.authScheme', 'qovery.requestTimeoutSeconds'].some((key) => event.affectsConfiguration(key))) {
          this.#client = undefined;
          this.#connectionSwitched();
          this.#scheduleCheck();
        }
      }),
      vscode.window.onDidChangeWindowState((windowState) => {
        const last = this.#state.checkedAt ?? 0;
        if (windowState.focused && this.store.active() && Date.now() - last > RECHECK_AFTER_MS) {
          void this.check();
        }
      }),
    );
  }

  get state(): SessionState {
    return this.#state;
  }

  #set(state: SessionState): void {
    if (state.status === 'rateLimited') {
      state = { ...state, retryAt: this.#scheduleRateLimitRetry(state.error) };
    } else if (state.status !== 'checking') {
      this.#clearRateLimit();
    }
    this.#state = { ...state, interactive: this.#interactive || undefined };
    this.#changed.fire(this.#state);
  }

  /** A rate-limited state ends by itself: one check once the server's wait is over, with a growing wait. */
  #scheduleRateLimitRetry(error: QoveryApiError | undefined): number {
    const attempts = (this.#rateLimit?.attempts ?? 0) + 1;
    clearTimeout(this.#rateLimit?.timer);
    const wait = rateLimitWaitMs(attempts, error?.retryAfterMs);
    const epoch = this.epoch;
    const timer = setTimeout(() => {
      if (epoch === this.epoch && this.#state.status === 'rateLimited') {
        this.log.info('The rate limit wait is over: checking the connection again.');
        void this.check();
      }
    }, wait);
    this.#rateLimit = { timer, attempts };
    return this.now() + wait;
  }

  #clearRateLimit(): void {
    clearTimeout(this.#rateLimit?.timer);
    this.#rateLimit = undefined;
  }

  #connectionSwitched(): void {
    this.#clearRateLimit();
    this.epoch++;
    this.#client = undefined;
    this.#check = undefined;
    this.#interactive = false;
    const connection = this.store.active();
    this.#set({ status: connection ? 'checking' : 'signedOut', connection, apiUrl: readSettings().apiUrl });
    this.#connectionChanged.fire();
  }

  /** A client for any token, with the current settings. Throws a typed error when a setting is wrong. */
  clientFor(token: string, settings: Settings = readSettings()): QoveryClient {
    if (!settings.apiUrl) {
      throw new QoveryApiError('insecureUrl', settings.apiUrlProblem);
    }
    this.log.protect(token);
    return this.makeClient({
      baseUrl: settings.apiUrl,
      token,
      authScheme: settings.authScheme,
      timeoutMs: settings.timeoutMs,
      fetch: this.fetchImpl,
      userAgent: 'vscode-qovery',
      onRequest: (info) => {
        const failed = info.error !== undefined || (info.status ?? 0) >= 400;
        if (!failed && !this.log.debugEnabled) {
          return;
        }
        const line = `${info.method} ${info.path} -> ${info.status ?? info.error ?? '?'} in ${Math.round(info.durationMs)} ms${info.attempt > 1 ? ` (attempt ${info.attempt})` : ''}`;
        if (failed) {
          this.log.warn(line);
        } else {
          this.log.debug(line);
        }
      },
    });
  }

  /** The client of the active connection, or undefined when signed out or the token is missing. */
  async client(): Promise<QoveryClient | undefined> {
    const connection = this.store.active();
    if (!connection) {
      return undefined;
    }
    const token = await this.store.getToken(connection.id);
    if (!token) {
      return undefined;
    }
    const settings = readSettings();
    const key = `${connection.id}\n${settings.apiUrl}\n${settings.authScheme}\n${settings.timeoutMs}\n${token}`;
    if (this.#client?.key !== key) {
      this.#client = { key, client: this.clientFor(token, settings) };
    }
    return this.#client.client;
  }

  /** Checks a token against the API (`GET /organization`), as the Qovery CLI's `auth status` does. */
  async verify(token: string, signal?: AbortSignal): Promise<Verification> {
    const client = this.clientFor(token);
    const started = performance.now();
    const organizations = await client.listOrganizations({ signal });
    return { organizations, roundTripMs: Math.round(performance.now() - started), scheme: client.scheme, apiUrl: client.baseUrl };
  }

  /** Checks soon, unless a flow that just verified the token hands its result over first. */
  #scheduleCheck(): void {
    clearTimeout(this.#scheduled);
    this.#scheduled = setTimeout(() => {
      this.#scheduled = undefined;
      void this.check();
    }, 0);
  }

  /**
   * Checks the active connection; concurrent calls share one request. `interactive` marks a check
   * whose outcome the caller reports itself, so no background prompt doubles it.
   */
  check(options: { interactive?: boolean } = {}): Promise<SessionState> {
    if (options.interactive) {
      this.#interactive = true;
    }
    if (!this.#check) {
      const run: Promise<SessionState> = this.#runCheck().finally(() => {
        // After a connection switch another check may be running: its state is not this one's to clear.
        if (this.#check === run) {
          this.#check = undefined;
          this.#interactive = false;
        }
      });
      this.#check = run;
    }
    return this.#check;
  }

  async #runCheck(): Promise<SessionState> {
    const epoch = this.epoch;
    const connection = this.store.active();
    const settings = readSettings();
    const apiUrl = settings.apiUrl;
    if (!connection) {
      this.#set({ status: 'signedOut', apiUrl });
      return this.#state;
    }
    if (!settings.apiUrl) {
      this.#set({ status: 'misconfigured', connection, problem: settings.apiUrlProblem, apiUrl });
      return this.#state;
    }
    const token = await this.store.getToken(connection.id);
    if (!token) {
      this.#set({
        status: 'signedOut',
        connection,
        apiUrl,
        problem: this.store.storageProblem ?? vscode.l10n.t('The token of "{0}" is no longer in VS Code\'s secret storage.', connection.name),
      });
      return this.#state;
    }
    this.#set({ ...this.#state, status: 'checking', connection, apiUrl });
    try {
      const verification = await this.verify(token);
      if (epoch !== this.epoch) {
        return this.#state;
      }
      this.#signedIn(connection, verification);
    } catch (error) {
      if (epoch !== this.epoch) {
        return this.#state;
      }
      const status = statusForError(error);
      this.log.error(`Authentication check for "${connection.name}" failed`, error);
      const apiError = isApiError(error) ? error : new QoveryApiError('invalidResponse', error instanceof Error ? error.message : undefined);
      this.#set({
        status,
        connection,
        apiUrl,
        problem: status === 'apiError' ? apiProblem(apiError, apiUrl) : undefined,
        error: apiError,
        checkedAt: Date.now(),
        organizations: this.#state.organizations,
      });
    }
    return this.#state;
  }

  #signedIn(connection: ConnectionInfo, verification: Verification): void {
    const single = verification.organizations.length === 1 ? verification.organizations[0] : undefined;
    const patch: Partial<ConnectionInfo> = {
      verifiedAt: Date.now(),
      organizationCount: verification.organizations.length,
      organizationId: single?.id ?? connection.organizationId,
      organizationName: single?.name ?? connection.organizationName,
    };
    void this.store.update(connection.id, patch);
    this.#set({
      status: 'signedIn',
      connection: { ...connection, ...patch },
      organizations: verification.organizations,
      checkedAt: Date.now(),
      roundTripMs: verification.roundTripMs,
      scheme: verification.scheme,
      apiUrl: verification.apiUrl,
    });
  }

  /** Takes a verification made elsewhere (sign in) so it is not repeated. */
  acceptVerification(connection: ConnectionInfo, verification: Verification): void {
    clearTimeout(this.#scheduled);
    this.#scheduled = undefined;
    this.#signedIn(connection, verification);
  }

  /**
   * Called by views when a request fails. A 401 is confirmed with a fresh check before the token is
   * called invalid; a 403 or 404 on one resource never changes the auth state.
   */
  reportFailure(error: unknown): void {
    if (!isApiError(error) || this.#state.status === 'checking') {
      return;
    }
    if (error.kind === 'unauthorized') {
      this.#confirmUnauthorized();
    } else if (isNetworkLike(error) && this.#state.status === 'signedIn') {
      this.#set({ ...this.#state, status: 'unreachable', error });
    } else if (error.kind === 'rateLimited' && this.#state.status === 'signedIn') {
      this.#set({ ...this.#state, status: 'rateLimited', error });
    }
  }

  /**
   * A 401 from one resource while `GET /organization` works would otherwise start a check per 401,
   * and each check's redraw reloads the resource: one confirming check per connection per cool-down.
   */
  #confirmUnauthorized(): void {
    const id = this.#state.connection?.id ?? '';
    if (!this.#confirm.take(id)) {
      this.log.debug(`A 401 was not confirmed again: the last check for this connection was ${Math.round((this.#confirm.since(id) ?? 0) / 1000)} s ago.`);
      return;
    }
    void this.check();
  }

  /** Called by views when a request succeeds: an 'unreachable' or 'rate limited' state is over. */
  reportSuccess(): void {
    const status = this.#state.status;
    // At most one re-check every few seconds, however many loads succeed meanwhile.
    if ((status === 'unreachable' || status === 'rateLimited' || status === 'apiError') && Date.now() - (this.#state.checkedAt ?? 0) > RECHECK_ON_SUCCESS_MS) {
      void this.check();
    }
  }

}
