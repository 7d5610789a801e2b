import type * as Q from 'qovery-typescript-axios';

export type Organization = Q.Organization;
export type Project = Q.Project;
export type Environment = Q.Environment;
export type EnvironmentMode = Q.EnvironmentModeEnum;
export type EnvironmentStatus = Q.EnvironmentStatus;
export type State = Q.StateEnum;
export type ServiceDeploymentStatus = Q.ServiceDeploymentStatusEnum;

/** One item of `GET /environment/{id}/services`, discriminated by `service_type`. */
export type Service = Q.ListServicesByEnvironmentId200ResponseResultsInner;
export type ServiceType = Service['service_type'];

/** Items of the organization-wide lists `GET /organization/{id}/environments` and `/services`. */
export type OrganizationEnvironment = Q.OrganizationEnvironmentResponse;
export type ServiceLight = Q.ServiceLightResponse;

export type Status = Q.Status;
/** Only `id` and `state` are checked at run time, so the rest stays optional here. */
export type ServiceStatus = Pick<Q.Status, 'id' | 'state'> & Partial<Omit<Q.Status, 'id' | 'state'>>;

export interface EnvironmentServiceStatuses {
  environment?: EnvironmentStatus;
  applications: ServiceStatus[];
  containers: ServiceStatus[];
  jobs: ServiceStatus[];
  databases: ServiceStatus[];
  helms: ServiceStatus[];
  terraforms: ServiceStatus[];
  agentic_workflows?: ServiceStatus[];
}

export type OrganizationAvailableRole = Q.OrganizationAvailableRole;
export type OrganizationApiToken = Q.OrganizationApiToken;
/** A policy API token (an OPA policy attached): listed apart from the API tokens, never in their list. */
export type OrganizationPolicyApiToken = Q.OrganizationPolicyApiToken;
/** The secret is present exactly once, in the create response; validation guarantees it. */
export type OrganizationApiTokenCreate = Q.OrganizationApiTokenCreate & { token: string };
/** `role_id` is required by the API; the deprecated `scope` is left out on purpose. */
export interface OrganizationApiTokenCreateRequest {
  name: string;
  description?: string;
  role_id: string;
}

export type Account = Q.AccountInfo;
