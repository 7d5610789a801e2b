// The log of one deployment in a read-only document. The log is fetched once (what came before); while
// the environment-status service says the deployment moves, new entries come over the gateway's
// `/deployment/logs` stream, each kept once. Only while that stream is not connected does each status
// answer bring a new fetch instead; at a final state a log that was not streamed is fetched once more.
import * as vscode from 'vscode';
import type { EnvironmentServiceStatuses } from '../api';
import type { IDisposable } from '../lifecycle';
import { hasMovingService, isMovingState } from '../shared/environmentStatus';
import { stageText } from '../shared/deploymentStreams';
import { DeploymentLog, MAX_DEPLOYMENT_ENTRIES, ofExecution, ofService, renderDeploymentLog, type DeploymentLogEntry } from './deployment';
import { MAX_BUFFER_BYTES } from './live';
import type { LogDocuments, LogSession } from './documents';

/** Where the log stream is: `down` is waiting to reconnect or stopped (the log is fetched meanwhile). */
export type LogStreamState = 'connecting' | 'connected' | 'down';

/** Opens the environment's log stream (the newest deployment, live); undefined when it cannot be. */
export type DeploymentLogStreamOpener = (onEntries: (entries: DeploymentLogEntry[]) => void, onState: (state: LogStreamState) => void) => { close(): void };

/** Stream messages within this time after a redraw bring one redraw at its end, not one each. */
export const REDRAW_MS = 100;

/** How long a stream stays open after the deployment's end, for its last entries. */
export const STREAM_GRACE_MS = 2_000;

/** What the logs are asked for: an environment's deployment, or one service's part of it. */
export interface DeploymentLogTarget {
  organizationId?: string;
  projectId?: string;
  environmentId: string;
  serviceId?: string;
  serviceName?: string;
  /** The deployment (`execution_id`); the latest one when absent. */
  executionId?: string;
}

export interface DeploymentLogsResult {
  entries: DeploymentLogEntry[];
  executionId?: string;
}

export interface DeploymentViewOptions {
  uri: vscode.Uri;
  target: DeploymentLogTarget;
  title: string;
  documents: LogDocuments;
  fetch: (target: DeploymentLogTarget, signal: AbortSignal) => Promise<DeploymentLogsResult>;
  /** The environment-status service's watch (undefined when it cannot be had). */
  watch?: (environmentId: string, onStatuses: (s: EnvironmentServiceStatuses | undefined) => void) => IDisposable;
  /** The log stream (undefined when the ids it needs are not known: the log is then fetched on each status answer). */
  stream?: DeploymentLogStreamOpener;
  onError: (error: unknown) => void;
}

/** Whether the deployment is still going: the service's own state when one is followed, else any service's. */
export function isDeploymentMoving(statuses: EnvironmentServiceStatuses, serviceId: string | undefined): boolean {
  if (!serviceId) {
    return hasMovingService(statuses);
  }
  const groups = [statuses.applications, statuses.containers, statuses.jobs, statuses.databases, statuses.helms, statuses.terraforms];
  const own = groups.flatMap((g) => (Array.isArray(g) ? g : [])).find((s) => s.id === serviceId);
  return own ? isMovingState(own.state) : hasMovingService(statuses);
}

export class DeploymentLogView implements LogSession {
  readonly uri: vscode.Uri;
  readonly target: DeploymentLogTarget;
  readonly #log = new DeploymentLog();
  executionId: string | undefined;
  #status: string;
  #watch: IDisposable | undefined;
  #loading: Promise<void> | undefined;
  #again = false;
  #moving = false;
  #stage: string | undefined;
  readonly #abort = new AbortController();
  #stream: { close(): void } | undefined;
  #streamState: LogStreamState | undefined;
  #grace: ReturnType<typeof setTimeout> | undefined;
  /** Fetches done, and entries that came over the stream (the tests and the benchmark read them). */
  loads = 0;
  streamed = 0;
  #redraw: ReturnType<typeof setTimeout> | undefined;
  #redrawWaits = false;

  /** The entries kept, in time order. */
  get entries(): readonly DeploymentLogEntry[] {
    return this.#log.entries;
  }

  /** Entries dropped past the bounds (of entries or of bytes). */
  get dropped(): number {
    return this.#log.dropped;
  }

  constructor(private readonly o: DeploymentViewOptions) {
    this.uri = o.uri;
    this.target = o.target;
    this.executionId = o.target.executionId;
    this.#status = vscode.l10n.t('Loading…');
  }

  /** The first fetch; then the watch decides whether the log is followed. */
  async start(): Promise<void> {
    await this.load();
    if (!this.#abort.signal.aborted && this.o.watch) {
      this.#watch = this.o.watch(this.target.environmentId, (s) => this.#onStatuses(s));
    }
  }

  #onStatuses(statuses: EnvironmentServiceStatuses | undefined): void {
    if (!statuses) {
      return;
    }
    const moving = isDeploymentMoving(statuses, this.target.serviceId);
    // The stage the deployment is at, when the statuses carry stages (the status stream's do).
    this.#stage = moving ? stageText(statuses, this.target.serviceId, vscode.l10n) : undefined;
    if (moving) {
      this.#moving = true;
      this.#status = vscode.l10n.t('Deployment in progress: new entries appear as they come.');
      this.#openStream();
      if (this.#stream && this.#streamState !== 'down') {
        // The stream brings the entries (or is about to): nothing to fetch.
        this.o.documents.changed(this);
      } else {
        void this.load();
      }
      return;
    }
    const wasMoving = this.#moving;
    this.#moving = false;
    this.#watch?.dispose();
    this.#watch = undefined;
    this.#status = vscode.l10n.t('The deployment is over.');
    if (wasMoving && this.#stream && this.#streamState === 'connected') {
      // Its last entries may still be on their way: the stream stays open a moment.
      this.#grace = setTimeout(() => this.#closeStream(), STREAM_GRACE_MS);
      this.o.documents.changed(this);
    } else if (wasMoving) {
      // The last entries of a deployment that just ended (the stream did not bring them).
      this.#closeStream();
      void this.load();
    } else {
      this.o.documents.changed(this);
    }
  }

  #openStream(): void {
    if (this.#stream || !this.o.stream || this.#abort.signal.aborted) {
      return;
    }
    this.#streamState = 'connecting';
    // Callbacks of a stream closed since (the view ended it) are ignored.
    const box: { handle?: { close(): void } } = {};
    const mine = (): boolean => this.#stream !== undefined && this.#stream === box.handle;
    box.handle = this.o.stream(
      (entries) => {
        if (mine()) {
          this.#add(entries);
        }
      },
      (state) => {
        if (!mine()) {
          return;
        }
        const was = this.#streamState;
        this.#streamState = state;
        // A stream that fails while the deployment runs: the log is fetched, as each status answer will ask.
        if (state === 'down' && was !== 'down' && this.#moving) {
          void this.load();
        }
      },
    );
    this.#stream = box.handle;
  }

  #closeStream(): void {
    clearTimeout(this.#grace);
    this.#grace = undefined;
    const stream = this.#stream;
    this.#stream = undefined;
    this.#streamState = undefined;
    stream?.close();
  }

  /** Closes the log stream (another connection is active); a status answer that says the deployment moves opens it again. */
  dropStream(): void {
    this.#closeStream();
  }

  /** Whether the log stream is connected now. */
  get streaming(): boolean {
    return this.#streamState === 'connected';
  }

  /** Entries from the stream: those of this deployment (and service) kept once each. */
  #add(incoming: DeploymentLogEntry[]): void {
    // The newest deployment is streamed: an entry tells which execution it is when none was given.
    this.executionId ??= incoming.find((e) => e.executionId)?.executionId;
    const mine = ofService(ofExecution(incoming, this.executionId), this.target.serviceId);
    this.streamed += mine.length;
    if (mine.length === 0) {
      return;
    }
    if (this.#log.add(mine) === 0) {
      return;
    }
    if (this.#status === vscode.l10n.t('Loading…')) {
      this.#status = '';
    }
    this.#changed();
  }

  /** A burst of stream messages: one redraw now, then at most one per REDRAW_MS. */
  #changed(): void {
    if (this.#redraw !== undefined) {
      this.#redrawWaits = true;
      return;
    }
    this.o.documents.changed(this);
    const tick = (): void => {
      if (this.#redrawWaits && !this.#abort.signal.aborted) {
        this.#redrawWaits = false;
        this.o.documents.changed(this);
        this.#redraw = setTimeout(tick, REDRAW_MS);
      } else {
        this.#redraw = undefined;
      }
    };
    this.#redraw = setTimeout(tick, REDRAW_MS);
  }

  /** Fetches the log; a fetch asked for while one runs is done once after it. */
  load(): Promise<void> {
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = (async () => {
      do {
        this.#again = false;
        try {
          const r = await this.o.fetch({ ...this.target, executionId: this.executionId }, this.#abort.signal);
          this.loads++;
          this.executionId ??= r.executionId;
          // Kept with what the stream brought: each entry once.
          this.#log.add(r.entries);
          if (this.#status === vscode.l10n.t('Loading…')) {
            this.#status = '';
          }
        } catch (error) {
          if (this.#abort.signal.aborted) {
            return;
          }
          this.o.onError(error);
          this.#status = vscode.l10n.t('The log could not be loaded; run the command again to retry.');
        }
        this.o.documents.changed(this);
      } while (this.#again && !this.#abort.signal.aborted);
    })().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  text(): string {
    const t = this.target;
    const title = vscode.l10n.t('Deployment log of {0}', this.o.title) + (this.executionId ? ` (${this.executionId})` : '') + (this.#stage ? ` · ${this.#stage}` : '');
    const scope = t.serviceId ? vscode.l10n.t("The lines of this service and the environment's own (marked); times in UTC.") : vscode.l10n.t('Every service of the environment; times in UTC.');
    const dropped =
      this.dropped > 0 ? vscode.l10n.t('{0} older entries dropped (keeping at most {1} entries and {2} MB).', this.dropped, MAX_DEPLOYMENT_ENTRIES, Math.round(MAX_BUFFER_BYTES / (1024 * 1024))) : undefined;
    return renderDeploymentLog(this.entries, { title, status: [this.#status, scope, dropped].filter(Boolean).join(' ') });
  }

  dispose(): void {
    this.#abort.abort();
    clearTimeout(this.#redraw);
    this.#redraw = undefined;
    this.#watch?.dispose();
    this.#watch = undefined;
    this.#closeStream();
  }
}
