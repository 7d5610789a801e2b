// The deployment endpoints of the official spec, over the client's one HTTP seam. No `vscode`.
// POSTs are sent once: the client never retries them.
import type * as Q from 'qovery-typescript-axios';
import type { QoveryClient } from '../api/client';
import { QoveryApiError } from '../api/errors';
import type { CallOptions } from '../api/http';
import { checkList, checkObject } from '../api/validate';
import { SEGMENTS, type EnvironmentVerb, type ServiceType, type ServiceVerb } from './model';

const id = (value: string): string => {
  if (!value || value === '.' || value === '..') {
    throw new QoveryApiError('badRequest', 'A Qovery id is missing or invalid.');
  }
  return encodeURIComponent(value);
};

/** `Status` answers carry at least an id and a state. */
const STATUS = ['id', 'state'] as const;

export class DeployApi {
  constructor(private readonly client: QoveryClient) {}

  /** POST /{type}/{id}/deploy | redeploy | restart-service | stop: 202 with the service's `Status`. */
  async serviceAction(type: ServiceType, serviceId: string, verb: ServiceVerb, body?: Record<string, string>, o?: CallOptions): Promise<Q.Status> {
    const answer = await this.client.send('POST', `/${SEGMENTS[type]}/${id(serviceId)}/${verb}`, body, o);
    return checkObject<Q.Status>(answer, 'the deployment status', STATUS);
  }

  /** POST /environment/{id}/deploy (a `Status`), redeploy or stop (an `EnvironmentStatus`: no request id). */
  async environmentAction(environmentId: string, verb: EnvironmentVerb, o?: CallOptions): Promise<Q.Status | Q.EnvironmentStatus> {
    const answer = await this.client.send('POST', `/environment/${id(environmentId)}/${verb}`, undefined, o);
    return checkObject<Q.Status | Q.EnvironmentStatus>(answer, 'the environment status', STATUS);
  }

  /** POST /environment/{id}/cancelDeployment; `force_cancel` only when the user asked for it. */
  async cancelEnvironment(environmentId: string, force: boolean, o?: CallOptions): Promise<void> {
    await this.client.send('POST', `/environment/${id(environmentId)}/cancelDeployment`, force ? { force_cancel: true } : {}, o);
  }

  /** POST /deploymentQueue/{deploymentRequestId}/cancelDeployment: a request still queued. */
  async cancelRequest(deploymentRequestId: string, o?: CallOptions): Promise<void> {
    await this.client.send('POST', `/deploymentQueue/${id(deploymentRequestId)}/cancelDeployment`, {}, o);
  }

  /** GET /application/{id}/commit: the last commits Qovery sees on the service's branch, newest first. */
  async commits(applicationId: string, o?: CallOptions): Promise<Q.Commit[]> {
    return checkList<Q.Commit>(await this.client.get(`/application/${id(applicationId)}/commit`, o), 'commit', ['git_commit_id']);
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
