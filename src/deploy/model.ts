// What the deploy feature decides, without `vscode`: which actions a service type has, which commit a
// deploy sends, when a followed deployment is over, and the texts of its outcome. Plain mocha tests it.
import type * as Q from 'qovery-typescript-axios';
import { cleanMessage } from '../api/errors';
import type { L10n } from '../tree/present';
import { stateLabel } from '../tree/present';
import { isMovingState } from '../shared/environmentStatus';
import { shortSha } from '../shared/sha';
import { serviceTypeOf, type EnvironmentRef, type ServiceRef, type ServiceType } from '../shared/targets';
import type { BuildSource } from './actions';

export type ServiceVerb = 'deploy' | 'redeploy' | 'restart-service' | 'stop';
export type EnvironmentVerb = 'deploy' | 'redeploy' | 'stop';
export { serviceTypeOf, type ServiceType };

/** The service a command acts on, whatever it was called with (a tree row, a variables target, the linked service). */
export interface DeployTarget extends ServiceRef {
  /** What it is built from, when the caller knew (a tree row); read from Qovery otherwise. */
  buildSource?: BuildSource;
}

export type EnvironmentTarget = EnvironmentRef;

/** The path segment of a service type: /application/{id}/deploy. */
export const SEGMENTS: Record<ServiceType, string> = {
  APPLICATION: 'application',
  CONTAINER: 'container',
  DATABASE: 'database',
  JOB: 'job',
  HELM: 'helm',
  TERRAFORM: 'terraform',
};

/** The actions the spec offers per type: jobs and helm have no restart; terraform neither restart nor stop. */
export function verbsOf(type: ServiceType): ServiceVerb[] {
  switch (type) {
    case 'JOB':
    case 'HELM':
      return ['deploy', 'redeploy', 'stop'];
    case 'TERRAFORM':
      return ['deploy', 'redeploy'];
    default:
      return ['deploy', 'redeploy', 'restart-service', 'stop'];
  }
}

/** Types with a `GET /{type}/{id}/link`. */
export const hasLinks = (type: ServiceType): boolean => type === 'APPLICATION' || type === 'CONTAINER' || type === 'HELM';

/** The body of `POST /{type}/{id}/deploy` (databases send none). */
export function deployBody(type: ServiceType, choice: { commitId?: string; imageTag?: string }): Record<string, string> | undefined {
  switch (type) {
    case 'DATABASE':
      return undefined;
    case 'APPLICATION':
      return { git_commit_id: choice.commitId ?? '' };
    case 'CONTAINER':
      return { image_tag: choice.imageTag ?? '' };
    case 'JOB':
      return choice.imageTag ? { image_tag: choice.imageTag } : choice.commitId ? { git_commit_id: choice.commitId } : {};
    case 'HELM':
    case 'TERRAFORM':
      return choice.commitId ? { git_commit_id: choice.commitId } : {};
  }
}

/** The states a deployment ends in, as Qovery's CLI reads them (with every *ERROR state). */
const FINAL_STATES: ReadonlySet<string> = new Set(['DEPLOYED', 'STOPPED', 'RESTARTED', 'DELETED', 'CANCELED']);

/**
 * A state a deployment ends in. READY (created, never deployed), RECAP, UNAVAILABLE and WAITING_* are
 * not: Qovery shows them while a deployment has not begun or has not settled.
 */
export function isFinalState(state: unknown): boolean {
  return typeof state === 'string' && (FINAL_STATES.has(state) || isErrorState(state));
}

export const isErrorState = (state: unknown): boolean => typeof state === 'string' && state.endsWith('ERROR');

/** Which commit a deploy of a git application sends, from the local HEAD and the commits Qovery sees. */
export type CommitChoice =
  /** HEAD is among the commits Qovery sees and the tree is clean: deploy it. */
  | { kind: 'head'; commit: Q.Commit }
  /** HEAD is visible but the tree has uncommitted changes: HEAD (without them) or the latest. */
  | { kind: 'dirty'; head: Q.Commit; latest?: Q.Commit }
  /** HEAD is visible but git could not tell whether the tree is clean (not found, too slow): ask. */
  | { kind: 'unchecked'; head: Q.Commit; latest?: Q.Commit }
  /** HEAD is not among them (not pushed, another branch): only the latest can be offered. */
  | { kind: 'notVisible'; head: string; latest?: Q.Commit }
  /** No local HEAD for this service (not the linked one): the latest Qovery sees. */
  | { kind: 'noHead'; latest?: Q.Commit };

export function chooseCommit(head: string | undefined, dirty: boolean | 'unknown', commits: readonly Q.Commit[]): CommitChoice {
  const latest = commits[0];
  if (!head) {
    return { kind: 'noHead', latest };
  }
  // Searched in the list: the spec types the gitCommitId filter as a uuid, which a SHA is not.
  const found = commits.find((c) => c.git_commit_id === head);
  if (!found) {
    return { kind: 'notVisible', head, latest };
  }
  if (dirty === 'unknown') {
    return { kind: 'unchecked', head: found, latest: latest === found ? undefined : latest };
  }
  return dirty ? { kind: 'dirty', head: found, latest: latest === found ? undefined : latest } : { kind: 'head', commit: found };
}

/** "abc1234 Fix the checkout" (first line, bounded). */
export function commitText(commit: Pick<Q.Commit, 'git_commit_id' | 'message'> | undefined): string {
  if (!commit) {
    return '';
  }
  // A commit message is anyone's text: first line only, no links, and not trusted to be a string.
  const message = cleanMessage(typeof commit.message === 'string' ? commit.message.split('\n')[0] : '', 200);
  return [shortSha(commit.git_commit_id), message.length > 60 ? `${message.slice(0, 59)}…` : message].filter(Boolean).join(' ');
}

/** What Qovery itself says about a failure (from the deployment logs, when the logs feature gives it). */
export interface FailureExplanation {
  message?: string;
  hint?: string;
  /** Its documentation: an https link on a qovery.com host only (the logs feature checks it). */
  link?: string;
}

/**
 * The one text of a failed deployment: who, which state, and Qovery's explanation when known.
 * Server text is made single-line and link-free by the caller's `clean`.
 */
export function failureText(serviceName: string, state: string, l10n: L10n, explanation?: FailureExplanation, clean: (s: string) => string = (s) => s): string {
  const parts = [l10n.t('Qovery: the deployment of {0} failed: {1}.', serviceName, stateLabel(state, l10n))];
  if (explanation?.message) {
    parts.push(clean(explanation.message));
  }
  if (explanation?.hint) {
    parts.push(l10n.t('Hint: {0}', clean(explanation.hint)));
  }
  return parts.join(' ');
}

/** A step the progress notification shows: "building", "deploying"... */
export function stepText(status: { state?: unknown; status_details?: { status?: unknown } } | undefined, l10n: L10n): string {
  if (!status?.state) {
    return l10n.t('waiting for Qovery…');
  }
  return stateLabel(status.state, l10n);
}

/** "1 min 35 s" from an ISO 8601 duration ("PT1M35S"), or undefined. */
export function durationText(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const m = /^P(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m) {
    return undefined;
  }
  const [h, min, s] = [Number(m[1] ?? 0), Number(m[2] ?? 0), Math.round(Number(m[3] ?? 0))];
  return [h ? `${h} h` : '', min ? `${min} min` : '', s || (!h && !min) ? `${s} s` : ''].filter(Boolean).join(' ');
}

/** One history entry as the quick pick shows it. */
export interface HistoryRow {
  label: string;
  description: string;
  detail: string;
  executionId?: string;
  commit?: Q.Commit;
  state: string;
}

export function historyRow(entry: Q.DeploymentHistoryService, l10n: L10n): HistoryRow {
  const state = typeof entry.status === 'string' ? entry.status : '';
  const details = (entry.details ?? {}) as { commit?: Q.Commit | null; tag?: unknown; image_name?: unknown; repository?: { chart_version?: unknown } };
  const commit = details.commit && typeof details.commit.git_commit_id === 'string' ? details.commit : undefined;
  const what = commit
    ? commitText(commit)
    : typeof details.tag === 'string'
      ? l10n.t('tag {0}', details.tag)
      : typeof details.repository?.chart_version === 'string'
        ? l10n.t('chart {0}', details.repository.chart_version)
        : '';
  const icon = isErrorState(state) ? '$(error)' : state === 'CANCELED' ? '$(circle-slash)' : isFinalState(state) ? '$(pass)' : '$(sync~spin)';
  const auditing = entry.auditing_data ?? ({} as Q.DeploymentHistoryAuditingData);
  const when = typeof auditing.created_at === 'string' ? new Date(auditing.created_at).toLocaleString() : '';
  const author = commit?.author_name ? l10n.t('commit by {0}', commit.author_name) : '';
  return {
    label: `${icon} ${stateLabel(state, l10n)}${what ? ` · ${what}` : ''}`,
    description: [typeof auditing.triggered_by === 'string' ? l10n.t('by {0}', auditing.triggered_by) : '', durationText(entry.total_duration) ?? ''].filter(Boolean).join(' · '),
    detail: [when, author].filter(Boolean).join(' · '),
    executionId: typeof entry.identifier?.execution_id === 'string' ? entry.identifier.execution_id : undefined,
    commit,
    state,
  };
}

/** The service's status in `GET /environment/{id}/statuses`. */
export function serviceStatusIn(statuses: unknown, serviceId: string): Q.Status | undefined {
  const body = (statuses ?? {}) as Record<string, unknown>;
  for (const key of ['applications', 'containers', 'jobs', 'databases', 'helms', 'terraforms']) {
    const group = body[key];
    if (Array.isArray(group)) {
      const found = group.find((s: { id?: unknown }) => s?.id === serviceId) as Q.Status | undefined;
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}

/** Every service status of an environment's statuses. */
export function allServiceStatuses(statuses: unknown): Q.Status[] {
  const body = (statuses ?? {}) as Record<string, unknown>;
  return ['applications', 'containers', 'jobs', 'databases', 'helms', 'terraforms'].flatMap((key) => (Array.isArray(body[key]) ? (body[key] as Q.Status[]) : []));
}

/** A follow never ends on a final state this soon after its action was sent (Qovery's CLI waits 3 s too). */
export const FOLLOW_SETTLE_MS = 3_000;

/** What one service looked like in the statuses read just before an action was sent. */
export interface StatusBefore {
  executionId?: string;
  state?: string;
}

/** The statuses before an action, by service id; undefined when they could not be read. */
export type StatusesBefore = ReadonlyMap<string, StatusBefore> | undefined;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function statusesBefore(statuses: unknown): Map<string, StatusBefore> {
  return new Map(allServiceStatuses(statuses).map((s) => [String(s.id), { executionId: text(s.execution_id), state: text(s.state) }]));
}

/**
 * Whether a service's status shows a deployment begun after the action: a moving state, or an execution
 * id other than the one seen before it (the action's answer proves nothing). With nothing known from
 * before, only a moving state does.
 */
export function hasStarted(status: Q.Status, before: StatusesBefore): boolean {
  if (isMovingState(status.state)) {
    return true;
  }
  if (!before) {
    return false;
  }
  const id = text(status.execution_id);
  return id !== undefined && id !== before.get(String(status.id))?.executionId;
}

/**
 * Where a followed deployment is, from one statuses answer. `started` says whether it has been seen
 * begun yet: a final state seen before that is the previous deployment's. `elapsedMs` is the time since
 * the action was sent: no end during the first 3 s.
 */
export function followStep(status: Q.Status | undefined, before: StatusesBefore, started: boolean, elapsedMs: number): { started: boolean; done: boolean } {
  if (!status) {
    return { started, done: false };
  }
  const ours = started || hasStarted(status, before);
  return { started: ours, done: ours && isFinalState(status.state) && elapsedMs >= FOLLOW_SETTLE_MS };
}

/** Where a followed environment deployment is: begun when a service moves or shows a new execution id; over when nothing moves and Qovery gives the deployment a final state. */
export function environmentStep(
  statuses: unknown,
  before: StatusesBefore,
  started: boolean,
  elapsedMs: number,
): { started: boolean; done: boolean; moving: number; total: number } {
  const all = allServiceStatuses(statuses);
  const moving = all.filter((s) => isMovingState(s.state)).length;
  const environment = ((statuses ?? {}) as { environment?: { state?: unknown; last_deployment_state?: unknown } }).environment;
  const now = started || all.some((s) => hasStarted(s, before)) || isMovingState(environment?.state);
  const last = environment?.last_deployment_state;
  const settled = moving === 0 && !isMovingState(environment?.state) && (typeof last !== 'string' || isFinalState(last));
  return { started: now, done: now && settled && elapsedMs >= FOLLOW_SETTLE_MS, moving, total: all.length };
}

/**
 * How an environment deployment ended, as Qovery's clients read it: the outcome from
 * `environment.last_deployment_state` (the CLI), the failed services among those part of it (the
 * console). A service that failed earlier and was left out is not a failure of this deployment.
 */
export function environmentOutcome(statuses: unknown): { state?: string; failed: boolean; cancelled: boolean; failedServices: Q.Status[] } {
  const failedServices = allServiceStatuses(statuses).filter((s) => s.is_part_last_deployment === true && isErrorState(s.state));
  const last = text(((statuses ?? {}) as { environment?: { last_deployment_state?: unknown } }).environment?.last_deployment_state);
  const failed = last !== undefined ? isErrorState(last) : failedServices.length > 0;
  return { state: last, failed, cancelled: last === 'CANCELED', failedServices };
}
