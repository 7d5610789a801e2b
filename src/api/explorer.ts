// The calls of the explorer's levels below the organizations. Functions over the client, not methods
// of it: only the tree chunk imports them, so they are not in the activation bundle.
import { apiPath, type QoveryClient } from './client';
import type { CallOptions } from './http';
import type { Environment, EnvironmentServiceStatuses, EnvironmentStatus, Project, Service } from './types';
import { checkList, checkServiceStatuses, ENVIRONMENT, ENVIRONMENT_STATUS, PROJECT, SERVICE } from './validate';

export async function listProjects(client: QoveryClient, organizationId: string, o?: CallOptions): Promise<Project[]> {
  return checkList(await client.get(apiPath`/organization/${organizationId}/project`, o), 'project', PROJECT);
}

export async function listEnvironments(client: QoveryClient, projectId: string, o?: CallOptions): Promise<Environment[]> {
  return checkList(await client.get(apiPath`/project/${projectId}/environment`, o), 'environment', ENVIRONMENT);
}

export async function listEnvironmentStatuses(client: QoveryClient, projectId: string, o?: CallOptions): Promise<EnvironmentStatus[]> {
  return checkList(await client.get(apiPath`/project/${projectId}/environment/status`, o), 'environment status', ENVIRONMENT_STATUS);
}

export async function listServices(client: QoveryClient, environmentId: string, o?: CallOptions): Promise<Service[]> {
  return checkList(await client.get(apiPath`/environment/${environmentId}/services`, o), 'service', SERVICE);
}

export async function getServiceStatuses(client: QoveryClient, environmentId: string, o?: CallOptions): Promise<EnvironmentServiceStatuses> {
  return checkServiceStatuses(await client.get(apiPath`/environment/${environmentId}/statuses`, o));
}
