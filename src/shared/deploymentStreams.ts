// Qovery's deployment streams on the websocket gateway, as its console uses them: `/deployment/status`
// (each message the shape of `GET /environment/{id}/statusesWithStages`) and `/deployment/logs` (each
// message an array of `GET /environment/{id}/logs` entries); their URLs, the reading of a status
// message, and the stage a deployment is at. No `vscode` here: plain mocha tests it.
import type { EnvironmentServiceStatuses } from '../api';
import { checkServiceStatuses } from '../api/validate';
import type { L10n } from '../tree/present';

/** The ids both streams need in their query (the environment's cluster included). */
export interface DeploymentStreamTarget {
  organizationId: string;
  clusterId: string;
  projectId: string;
  environmentId: string;
}

/** What a subscriber that follows an environment gives: the ids the stream's query needs but the cluster's. */
export interface FollowIds {
  organizationId: string;
  projectId: string;
}

function streamUrl(base: string, path: string, t: DeploymentStreamTarget, version?: string): string {
  const q = new URLSearchParams({ organization: t.organizationId, cluster: t.clusterId, project: t.projectId, environment: t.environmentId });
  // As the console: no version follows the newest deployment live; a version reads that one only.
  if (version) {
    q.set('version', version);
  }
  return `${base}${path}?${q.toString()}`;
}

export const deploymentStatusUrl = (base: string, t: DeploymentStreamTarget): string => streamUrl(base, '/deployment/status', t);
export const deploymentLogsUrl = (base: string, t: DeploymentStreamTarget, version?: string): string => streamUrl(base, '/deployment/logs', t, version);

/** One deployment stage as a status message tells it. */
export interface DeploymentStage {
  name: string;
  /** QUEUED, ONGOING, DONE, ERROR, SKIPPED, CANCELED (the spec's StageStatusEnum), when given. */
  status?: string;
  serviceIds: string[];
}

/** A statuses answer that came with its stages (a status stream's message). */
export type StatusesWithStages = EnvironmentServiceStatuses & { stages?: DeploymentStage[] };

const GROUPS = ['applications', 'containers', 'jobs', 'databases', 'helms', 'terraforms'] as const;

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * A `/deployment/status` message as the statuses answer every listener reads (the services of every
 * stage, in the groups of `GET /environment/{id}/statuses`), with its stages. Throws on a message that
 * is not one (the caller skips it).
 */
export function parseStatusMessage(text: string): StatusesWithStages {
  const raw = obj(JSON.parse(text) as unknown);
  if (!Array.isArray(raw.stages)) {
    throw new TypeError('The status message has no stages.');
  }
  const flat: Record<string, unknown> = { ...(raw.environment !== undefined ? { environment: raw.environment } : {}) };
  for (const g of GROUPS) {
    flat[g] = [];
  }
  const stages: DeploymentStage[] = [];
  for (const s of raw.stages as unknown[]) {
    const stage = obj(s);
    const ids: string[] = [];
    for (const g of GROUPS) {
      const list: unknown = stage[g];
      if (Array.isArray(list)) {
        (flat[g] as unknown[]).push(...(list as unknown[]));
        ids.push(...list.map((x) => obj(x).id).filter((id): id is string => typeof id === 'string'));
      }
    }
    const info = obj(stage.stage);
    stages.push({
      name: typeof info.name === 'string' && info.name ? info.name : '',
      ...(typeof info.status === 'string' ? { status: info.status } : {}),
      serviceIds: ids,
    });
  }
  const statuses = checkServiceStatuses<EnvironmentServiceStatuses>(flat);
  return { ...statuses, stages };
}

export function stagesOf(statuses: EnvironmentServiceStatuses | undefined): DeploymentStage[] | undefined {
  const stages: unknown = statuses && 'stages' in statuses ? statuses.stages : undefined;
  return Array.isArray(stages) ? (stages as DeploymentStage[]) : undefined;
}

/**
 * Where a deployment is: the stage of one service (when given and found), else the stage running now
 * (the first ONGOING one, or the first not finished). Undefined without stages.
 */
export function currentStage(statuses: EnvironmentServiceStatuses | undefined, serviceId?: string): { index: number; total: number; name: string } | undefined {
  const stages = stagesOf(statuses);
  if (!stages || stages.length === 0) {
    return undefined;
  }
  let i = serviceId ? stages.findIndex((s) => s.serviceIds.includes(serviceId)) : -1;
  if (i < 0) {
    i = stages.findIndex((s) => s.status === 'ONGOING');
  }
  if (i < 0) {
    i = stages.findIndex((s) => s.status === 'QUEUED');
  }
  if (i < 0) {
    return undefined;
  }
  return { index: i + 1, total: stages.length, name: stages[i].name };
}

/** "stage 2 of 3: backend", or undefined when the statuses carry no stages. */
export function stageText(statuses: EnvironmentServiceStatuses | undefined, serviceId: string | undefined, l10n: L10n): string | undefined {
  const stage = currentStage(statuses, serviceId);
  if (!stage) {
    return undefined;
  }
  return stage.name ? l10n.t('stage {0} of {1}: {2}', stage.index, stage.total, stage.name) : l10n.t('stage {0} of {1}', stage.index, stage.total);
}

/** What a follow's notification says: the step, then the stage when the statuses carry stages ("deploying · stage 2 of 3: backend"). */
export function followProgressText(step: string, statuses: EnvironmentServiceStatuses | undefined, serviceId: string | undefined, l10n: L10n): string {
  const stage = stageText(statuses, serviceId, l10n);
  return stage ? `${step} · ${stage}` : step;
}
