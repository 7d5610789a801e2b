// The read tools' answers: what each tool reads (one or two requests, never a poll) and the text it
// hands the agent. No `vscode`: the client, the readers and the wording come in through `AgentDeps`.
import type * as Q from 'qovery-typescript-axios';
import type { QoveryClient } from '../api/client';
import { errorKind } from '../api/errors';
import { getServiceStatuses } from '../api/explorer';
import type { EnvironmentServiceStatuses, ServiceStatus } from '../api/types';
import type { DeploymentLogEntry, FailureExplanation } from '../logs/deployment';
import { shortSha } from '../shared/sha';
import type { ServiceCandidate } from '../workspace/match';
import type { RuntimeLine, RuntimeWindow } from './runtime';
import { assemble, excerpt, fenced, MAX_LOG_LINES, oneLine, variableLines, type L10n, type VariableLine } from './text';

/** A service a tool may read: one the workspace link knows, with the folder's HEAD when it is the linked one. */
export interface ToolService extends ServiceCandidate {
  head?: string;
}

export interface AgentDeps {
  l10n: L10n;
  /** The signed-in client; undefined signed out. */
  client(): Promise<QoveryClient | undefined>;
  /** The linked service first; with `wanted`, also every service the workspace link's scan found. */
  services(wanted?: string): Promise<ToolService[]>;
  /** The service's last deployments, newest first (one request; `pageSize` 1 when not given). */
  history(client: QoveryClient, service: ToolService, pageSize?: number): Promise<Q.DeploymentHistoryService[]>;
  /** A bounded window of the running service's logs (one websocket, closed before it answers). */
  runtimeLogs(service: ToolService, accept: (line: RuntimeLine) => boolean): Promise<RuntimeWindow>;
  /** The latest deployment's entries of the service (one request). */
  deploymentLog(service: ToolService): Promise<{ entries: DeploymentLogEntry[]; executionId?: string }>;
  explain(entries: readonly DeploymentLogEntry[]): FailureExplanation | undefined;
  urls(client: QoveryClient, service: ToolService): Promise<string[]>;
  variables(client: QoveryClient, service: ToolService): Promise<VariableLine[]>;
}

export interface ToolInput {
  /** Another service than the linked one. */
  serviceId?: string;
  /** Only the log lines holding this text. */
  filter?: string;
  /** Only the runtime lines of the pods whose name holds this text. */
  pod?: string;
  /** How many deployments the history gives (1 to 10). */
  count?: number;
}

/** The most deployments the history tool gives, and how many when the input does not say. */
export const MAX_HISTORY = 10;
export const DEFAULT_HISTORY = 5;

/** The history's length from the input: a whole number from 1 to MAX_HISTORY. */
export function historyCount(count: unknown): number {
  return typeof count === 'number' && Number.isFinite(count) ? Math.min(MAX_HISTORY, Math.max(1, Math.floor(count))) : DEFAULT_HISTORY;
}

/** Whether a runtime line passes the pod and text filters (any case; the text is searched in the pod name too). */
export function runtimeFilter(input: Pick<ToolInput, 'filter' | 'pod'>): (line: RuntimeLine) => boolean {
  const text = input.filter?.trim().toLowerCase();
  const pod = input.pod?.trim().toLowerCase();
  return (line) => (!pod || line.pod.toLowerCase().includes(pod)) && (!text || line.text.toLowerCase().includes(text) || line.pod.toLowerCase().includes(text));
}

/** `2026-12-01T10:00:00.123Z  web-7d9f-0  text`: a runtime line as a tool hands it. */
export function runtimeLineText(line: RuntimeLine): string {
  const at = Number.isFinite(line.at) ? new Date(line.at).toISOString() : '?';
  return `${at} ${line.pod || '-'}  ${line.text}`;
}

/** What a tool says when it cannot answer: typed so the caller (and tests) branch on it. */
export class ToolRefusal extends Error {
  override readonly name = 'ToolRefusal';
  constructor(
    readonly kind: 'signedOut' | 'notLinked' | 'unknownService' | 'forbidden' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

/** The sentence a signed-out tool answers, as the commands word it (src/ui.ts askToSignIn). */
export const needsConnection = (l10n: L10n): string => l10n.t('Qovery: this command needs a connection. Sign in with a Qovery API token first.');

const isError = (state: unknown): boolean => typeof state === 'string' && state.endsWith('ERROR');

function statusOf(statuses: EnvironmentServiceStatuses, serviceId: string): ServiceStatus | undefined {
  const lists = [statuses.applications, statuses.containers, statuses.jobs, statuses.databases, statuses.helms, statuses.terraforms];
  return lists.flatMap((l) => l ?? []).find((s) => s.id === serviceId);
}

/** The failing step's lines (all the deployment's lines when none failed), oldest first, timed. */
export function failingStepLines(entries: readonly DeploymentLogEntry[]): { step?: string; lines: string[] } {
  const failed = [...entries].reverse().find((e) => e.type.toLowerCase().includes('error') || e.error !== undefined);
  // The stage (Build, Deploy) when Qovery names it: its `step` is a state (DeployedError).
  const stepOf = (e: DeploymentLogEntry): string | undefined => e.stageName ?? e.step;
  const step = failed && stepOf(failed);
  const chosen = step ? entries.filter((e) => stepOf(e) === step) : entries;
  const lines = chosen.map((e) => {
    const at = Number.isNaN(e.at) ? '' : `${new Date(e.at).toISOString().slice(11, 19)} `;
    const told = e.error?.userMessage && e.error.userMessage !== e.message ? e.error.userMessage : undefined;
    return `${at}${[e.message, told].filter(Boolean).join(' | ')}`;
  });
  return { step, lines };
}

export class AgentTools {
  constructor(private readonly deps: AgentDeps) {}

  async #prologue(input: ToolInput): Promise<{ client: QoveryClient; service: ToolService }> {
    const { l10n } = this.deps;
    const client = await this.deps.client();
    if (!client) {
      throw new ToolRefusal('signedOut', needsConnection(l10n));
    }
    const wanted = typeof input.serviceId === 'string' && input.serviceId.trim() ? input.serviceId.trim() : undefined;
    const services = await this.deps.services(wanted);
    const service = wanted ? services.find((s) => s.serviceId === wanted) : services[0];
    if (!service) {
      throw wanted
        ? new ToolRefusal('unknownService', l10n.t('Qovery: the service {0} is not a service of the signed-in organizations.', oneLine(wanted, 80)))
        : new ToolRefusal('notLinked', l10n.t('Qovery: this workspace is not linked to a service. Link it (Qovery: Link Workspace to Service) or name a service id.'));
    }
    return { client, service };
  }

  /** Runs a tool; a refusal or a failure is said in the answer, a 403 as a permission. */
  async #run(input: ToolInput, answer: (client: QoveryClient, service: ToolService) => Promise<(string | undefined)[]>): Promise<string> {
    const { l10n } = this.deps;
    try {
      const { client, service } = await this.#prologue(input);
      return assemble(await answer(client, service));
    } catch (error) {
      if (error instanceof ToolRefusal) {
        return error.message;
      }
      switch (errorKind(error)) {
        case 'forbidden':
          return l10n.t('Qovery: your role does not allow reading this (403). Ask an administrator of the organization for the permission.');
        case 'unauthorized':
          return l10n.t('Qovery rejected the token (401). Update it (Qovery: Update Token).');
        case 'notFound':
          return l10n.t('Qovery: not found (404). The service may have been deleted.');
        default:
          return l10n.t('Qovery: the request failed ({0}). Try again later.', errorKind(error) ?? 'unknown');
      }
    }
  }

  #heading(service: ToolService): string {
    const { l10n } = this.deps;
    const production = service.environmentMode?.toUpperCase() === 'PRODUCTION' ? ` ${l10n.t('(PRODUCTION)')}` : '';
    return l10n.t('Service {0} ({1}, id {2}) in environment {3}{4}, project {5}.', oneLine(service.serviceName, 100), service.serviceType, service.serviceId, oneLine(service.environmentName, 100), production, oneLine(service.projectName, 100));
  }

  lastDeployment(input: ToolInput): Promise<string> {
    const { l10n } = this.deps;
    return this.#run(input, async (client, service) => {
      // Statuses, history, then the log only when it failed: at most 3 requests, never a poll.
      const status = statusOf(await getServiceStatuses(client, service.environmentId), service.serviceId);
      const [last] = await this.deps.history(client, service);
      const historyState = typeof last?.status === 'string' ? last.status : undefined;
      const state = status?.state ?? historyState ?? 'UNKNOWN';
      const failed = isError(state) || isError(historyState);
      const log = failed ? await this.deps.deploymentLog(service) : undefined;
      const executionId = log?.executionId ?? (typeof last?.identifier?.execution_id === 'string' ? last.identifier.execution_id : undefined);
      if (!last && !status && !log) {
        return [this.#heading(service), l10n.t('No deployment yet.')];
      }
      const commit = (last?.details as { commit?: Q.Commit | null } | undefined)?.commit;
      const deployed = shortSha(commit?.git_commit_id);
      const head = shortSha(service.head);
      const when = status?.last_deployment_date ?? (typeof last?.auditing_data?.created_at === 'string' ? last.auditing_data.created_at : undefined);
      const facts = [
        l10n.t('Last deployment: {0}, state {1}{2}.', executionId ?? l10n.t('(no id)'), state, when ? l10n.t(', at {0}', when) : ''),
        deployed ? l10n.t('Commit deployed: {0}.', deployed) : undefined,
        head ? (deployed === head ? l10n.t('The workspace HEAD is {0}: the same commit.', head) : l10n.t('The workspace HEAD is {0}: not the commit deployed.', head)) : undefined,
      ];
      const parts: (string | undefined)[] = [this.#heading(service), facts.filter(Boolean).join('\n')];
      if (log) {
        const explanation = this.deps.explain(log.entries);
        const step = failingStepLines(log.entries);
        const told = explanation ? [explanation.message, explanation.hint ? `hint: ${explanation.hint}` : undefined].filter((s): s is string => !!s).map((s) => oneLine(s)) : [];
        if (told.length > 0) {
          parts.push(l10n.t("Qovery's explanation of the failure:"), fenced(told, l10n));
        }
        const kept = excerpt(step.lines, { maxLines: 50, maxBytes: 8 * 1024 });
        if (kept.lines.length > 0) {
          parts.push(l10n.t('The last {0} lines of the failing step {1} (newest first):', kept.lines.length, step.step ?? '?'), fenced(kept.lines, l10n));
        }
      }
      return parts;
    });
  }

  serviceStatus(input: ToolInput): Promise<string> {
    const { l10n } = this.deps;
    return this.#run(input, async (client, service) => {
      const status = statusOf(await getServiceStatuses(client, service.environmentId), service.serviceId);
      const urls = await this.deps.urls(client, service);
      const lines = [
        l10n.t('State: {0}.', status?.state ?? l10n.t('unknown')),
        status?.service_deployment_status ? l10n.t('Deployment status: {0}.', status.service_deployment_status) : undefined,
        status?.last_deployment_date ? l10n.t('Last deployed: {0}.', status.last_deployment_date) : undefined,
        urls.length > 0 ? l10n.t('URL: {0}', urls.map((u) => oneLine(u, 300)).join(', ')) : l10n.t('No public URL.'),
      ];
      return [this.#heading(service), lines.filter(Boolean).join('\n')];
    });
  }

  /** Recent runtime logs: one window of the live stream (one websocket, closed before answering). */
  recentLogs(input: ToolInput): Promise<string> {
    const { l10n } = this.deps;
    return this.#run(input, async (_client, service) => {
      const window = await this.deps.runtimeLogs(service, runtimeFilter(input));
      const refused = this.#windowRefusal(window);
      const kept = excerpt(window.lines.map(runtimeLineText), { maxLines: MAX_LOG_LINES, maxBytes: 14 * 1024 });
      const seconds = (window.elapsedMs / 1000).toFixed(1);
      const what = l10n.t('Runtime logs of {0}, read for {1} s from the live log stream: {2} of {3} lines received, newest first.', oneLine(service.serviceName, 100), seconds, kept.lines.length, window.received);
      const filters = [
        input.filter ? l10n.t('Only the lines holding "{0}".', oneLine(input.filter, 100)) : undefined,
        input.pod ? l10n.t('Only the pods whose name holds "{0}".', oneLine(input.pod, 100)) : undefined,
      ];
      return [
        this.#heading(service),
        [what, ...filters].filter(Boolean).join(' '),
        refused,
        kept.lines.length > 0 ? fenced(kept.lines, l10n) : refused ? undefined : l10n.t('No line arrived.'),
      ];
    });
  }

  /** What the gateway said when the window ended on it (undefined: it ended on its own). */
  #windowRefusal(window: RuntimeWindow): string | undefined {
    const { l10n } = this.deps;
    switch (window.end) {
      case 'signedOut':
        return needsConnection(l10n);
      case 'unauthorized':
        return l10n.t('Qovery: the log stream refused the token ({0}); the extension checks the token again.', window.code ?? 401);
      case 'forbidden':
        return l10n.t('Qovery: your role does not allow reading the logs of this service ({0}). Ask an administrator of the organization for the permission.', window.code ?? 403);
      case 'notFound':
        return l10n.t('Qovery: the log stream did not find this service (404).');
      case 'clusterUnreachable':
        return l10n.t("Qovery: the service's cluster cannot be reached (1011). Try again later.");
      case 'unreachable':
        return l10n.t('Qovery: the log stream could not be reached. Try again later.');
      default:
        return undefined;
    }
  }

  /** The last deployments (at most 10, one request): id, state, when, commit, and which is the workspace HEAD. */
  deploymentHistory(input: ToolInput): Promise<string> {
    const { l10n } = this.deps;
    return this.#run(input, async (client, service) => {
      const count = historyCount(input.count);
      const entries = (await this.deps.history(client, service, count)).slice(0, count);
      const head = shortSha(service.head);
      const lines = entries.map((d) => {
        const id = typeof d.identifier?.execution_id === 'string' ? oneLine(d.identifier.execution_id, 100) : '?';
        const state = typeof d.status === 'string' ? d.status : '?';
        const when = typeof d.auditing_data?.created_at === 'string' ? oneLine(d.auditing_data.created_at, 40) : '?';
        const commit = (d.details as { commit?: Q.Commit | null } | undefined)?.commit;
        const sha = shortSha(commit?.git_commit_id);
        const message = typeof commit?.message === 'string' ? oneLine(commit.message.split('\n')[0], 80) : '';
        const isHead = sha !== undefined && sha === head ? ` ${l10n.t('(the workspace HEAD)')}` : '';
        return `${id}  ${state}  ${when}  ${sha ? `${sha}${message ? ` ${message}` : ''}` : '-'}${isHead}`;
      });
      const headLine = head ? l10n.t('The workspace HEAD is {0}.', head) : l10n.t('The workspace HEAD is not known (the service is not the one linked to this workspace).');
      return [
        this.#heading(service),
        l10n.t('The last {0} deployments, newest first (id, state, date, commit).', lines.length),
        headLine,
        lines.length > 0 ? fenced(lines, l10n) : l10n.t('No deployment yet.'),
      ];
    });
  }

  deploymentLog(input: ToolInput): Promise<string> {
    const { l10n } = this.deps;
    return this.#run(input, async (_client, service) => {
      const log = await this.deps.deploymentLog(service);
      const failed = this.deps.explain(log.entries) !== undefined;
      const step = failingStepLines(log.entries);
      const kept = excerpt(step.lines, { filter: input.filter, maxBytes: 14 * 1024 });
      const what = failed
        ? l10n.t('The deployment log of {0} (deployment {1}), failing step {2}: {3} of {4} lines, newest first.', oneLine(service.serviceName, 100), log.executionId ?? '?', step.step ?? '?', kept.lines.length, kept.matched)
        : l10n.t('The deployment log of {0} (deployment {1}): {2} of {3} lines, newest first.', oneLine(service.serviceName, 100), log.executionId ?? '?', kept.lines.length, kept.matched);
      const filtered = input.filter ? l10n.t('Only the lines holding "{0}".', oneLine(input.filter, 100)) : undefined;
      return [this.#heading(service), [what, filtered].filter(Boolean).join(' '), kept.lines.length > 0 ? fenced(kept.lines, l10n) : l10n.t('No line.')];
    });
  }

  variables(input: ToolInput): Promise<string> {
    const { l10n } = this.deps;
    return this.#run(input, async (client, service) => {
      const list = await this.deps.variables(client, service);
      const lines = variableLines(list.map((v) => ({ key: v.key, scope: v.scope, secret: v.secret })), l10n);
      return [this.#heading(service), l10n.t('{0} variables (names and scopes only; values are not given).', list.length), lines.length > 0 ? fenced(lines, l10n) : undefined];
    });
  }
}
