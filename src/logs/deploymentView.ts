// The log of one deployment in a read-only document. While the environment-status service says the
// environment moves, each of its answers (every 3 s) brings a new fetch of the log; at a final state the
// log is fetched once more and the watch ends.
import * as vscode from 'vscode';
import type { EnvironmentServiceStatuses } from '../api';
import type { IDisposable } from '../lifecycle';
import { hasMovingService, isMovingState } from '../shared/environmentStatus';
import { renderDeploymentLog, type DeploymentLogEntry } from './deployment';
import type { LogDocuments, LogSession } from './documents';

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
  entries: DeploymentLogEntry[] = [];
  executionId: string | undefined;
  #status: string;
  #watch: IDisposable | undefined;
  #loading: Promise<void> | undefined;
  #again = false;
  #moving = false;
  readonly #abort = new AbortController();
  /** Fetches done (the tests read it). */
  loads = 0;

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
    if (moving) {
      this.#moving = true;
      this.#status = vscode.l10n.t('Deployment in progress: new entries appear as they come.');
      void this.load();
      return;
    }
    const wasMoving = this.#moving;
    this.#moving = false;
    this.#watch?.dispose();
    this.#watch = undefined;
    this.#status = vscode.l10n.t('The deployment is over.');
    if (wasMoving) {
      // The last entries of a deployment that just ended.
      void this.load();
    } else {
      this.o.documents.changed(this);
    }
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
          this.entries = r.entries;
          this.executionId ??= r.executionId;
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
    const title = vscode.l10n.t('Deployment log of {0}', this.o.title) + (this.executionId ? ` (${this.executionId})` : '');
    const scope = t.serviceId ? vscode.l10n.t("The lines of this service and the environment's own (marked); times in UTC.") : vscode.l10n.t('Every service of the environment; times in UTC.');
    return renderDeploymentLog(this.entries, { title, status: [this.#status, scope].filter(Boolean).join(' ') });
  }

  dispose(): void {
    this.#abort.abort();
    this.#watch?.dispose();
    this.#watch = undefined;
  }
}
