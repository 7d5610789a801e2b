// The deployment endpoints of the official spec, over the client's one HTTP seam. No `vscode`.
// POSTs are sent once: the client never retries them.
import type * as Q from 'qovery-typescript-axios';
import type { QoveryClient } from '../api/client';
import { QoveryApiError } from '../api/errors';
import type { CallOptions } from '../api/http';
import { checkList } from '../api/validate';
import { commitsPath, environmentActionSegment, serviceActionSegment } from './actions';
import { SEGMENTS, type EnvironmentVerb, type ServiceType, type ServiceVerb } from './model';

const id = (value: string): string => {
  if (!value || value === '.' || value === '..') {
    throw new QoveryApiError('badRequest', 'A Qovery id is missing or invalid.');
  }
  return encodeURIComponent(value);
};

/** `Status` answers carry at least an id and a state. */
/** What an action's answer says, read field by field. */
export type ActionStatus = Partial<Pick<Q.Status, 'id' | 'state' | 'execution_id' | 'deployment_request_id'>>;

/**
 * After a 2xx the action was accepted, whatever its body looks like: refusing an odd body would tell
 * the user it failed and invite a second POST. Its ids are used when they are there.
 */
export function acceptedStatus(answer: unknown): ActionStatus {
  const o = answer && typeof answer === 'object' ? (answer as Record<string, unknown>) : {};
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  return { id: text(o.id), state: text(o.state) as Q.StateEnum | undefined, execution_id: text(o.execution_id), deployment_request_id: text(o.deployment_request_id) };
}

export class DeployApi {
  constructor(private readonly client: QoveryClient) {}

  /**
   * POST /{type}/{id}/deploy | restart-service | stop: 202 with the service's `Status`. Redeploy is a
   * deploy with no body (what the service runs, built again), as Qovery's console sends it.
   */
  async serviceAction(type: ServiceType, serviceId: string, verb: ServiceVerb, body?: Record<string, string>, o?: CallOptions): Promise<ActionStatus> {
    const sent = verb === 'redeploy' ? undefined : body;
    return acceptedStatus(await this.client.send('POST', `/${SEGMENTS[type]}/${id(serviceId)}/${serviceActionSegment(verb)}`, sent, o));
  }

  /** POST /environment/{id}/deploy (also Redeploy Environment: a `Status`) or stop (an `EnvironmentStatus`: no request id). */
  async environmentAction(environmentId: string, verb: EnvironmentVerb, o?: CallOptions): Promise<ActionStatus> {
    return acceptedStatus(await this.client.send('POST', `/environment/${id(environmentId)}/${environmentActionSegment(verb)}`, undefined, o));
  }

  /** POST /environment/{id}/cancelDeployment; `force_cancel` only when the user asked for it. */
  async cancelEnvironment(environmentId: string, force: boolean, o?: CallOptions): Promise<void> {
    await this.client.send('POST', `/environment/${id(environmentId)}/cancelDeployment`, force ? { force_cancel: true } : {}, o);
  }

  /** POST /deploymentQueue/{deploymentRequestId}/cancelDeployment: a request still queued. */
  async cancelRequest(deploymentRequestId: string, o?: CallOptions): Promise<void> {
    await this.client.send('POST', `/deploymentQueue/${id(deploymentRequestId)}/cancelDeployment`, {}, o);
  }

  /**
   * GET /{application|job|terraform}/{id}/commit, GET /helm/{id}/commit?of=chart: the last commits Qovery
   * sees on a git-built service's branch, newest first.
   */
  async commits(type: ServiceType, serviceId: string, o?: CallOptions): Promise<Q.Commit[]> {
    const path = commitsPath(type, id(serviceId));
    if (!path) {
      throw new QoveryApiError('badRequest', `A ${type.toLowerCase()} is not built from git.`);
    }
    return checkList<Q.Commit>(await this.client.get(path, o), 'commit', ['git_commit_id']);
  }

  /** GET /{type}/{id}/deploymentHistoryV2?pageSize= */
  async history(type: ServiceType, serviceId: string, pageSize = 20, o?: CallOptions): Promise<Q.DeploymentHistoryService[]> {
    const answer = await this.client.get(`/${SEGMENTS[type]}/${id(serviceId)}/deploymentHistoryV2?pageSize=${pageSize}`, o);
    return checkList<Q.DeploymentHistoryService>(answer, 'deployment', ['status']);
  }

  /** GET /{application|container|helm}/{id}/link */
  async links(type: ServiceType, serviceId: string, o?: CallOptions): Promise<Q.Link[]> {
    return checkList<Q.Link>(await this.client.get(`/${SEGMENTS[type]}/${id(serviceId)}/link`, o), 'link', ['url']);
  }
}
