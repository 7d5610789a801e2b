// The bounded scan of an organization for services that build from git. No `vscode` here.
// Per organization: the organization-wide environment and service lists (one request each), then
// `GET /environment/{id}/services` only for environments that hold a service of a type that can build
// from git. So a scan costs 2 requests per organization plus one per such environment, never more.
import { QoveryApiError } from '../api/errors';
import type { OrganizationEnvironment, QoveryClient, Service, ServiceLight } from '../api';
import { apiPath } from '../api/client';
import { listServices } from '../api/explorer';
import { checkList, ENVIRONMENT, SERVICE_LIGHT } from '../api/validate';
import type { CallOptions } from '../api/http';
import { GIT_SERVICE_TYPES, gitRepositoryOf, type ServiceCandidate } from './match';
import { repositoryKeyOf } from './remote';

export interface ScanClient {
  listOrganizationEnvironments(organizationId: string, o?: CallOptions): Promise<OrganizationEnvironment[]>;
  listOrganizationServices(organizationId: string, o?: CallOptions): Promise<ServiceLight[]>;
  listServices(environmentId: string, o?: CallOptions): Promise<Service[]>;
}

/** The calls of a scan over a client; they live in the workspace chunk, the only one that needs them. */
export function scanClientOf(client: QoveryClient): ScanClient {
  return {
    listOrganizationEnvironments: async (organizationId, o) =>
      checkList<OrganizationEnvironment>(await client.get(apiPath`/organization/${organizationId}/environments`, o), 'environment', ENVIRONMENT),
    listOrganizationServices: async (organizationId, o) => checkList(await client.get(apiPath`/organization/${organizationId}/services`, o), 'service', SERVICE_LIGHT),
    listServices: (environmentId, o) => listServices(client, environmentId, o),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight; once `signal` aborts, items not yet started are rejected. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        if (signal?.aborted) {
          throw new QoveryApiError('cancelled');
        }
        out[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  const n = Math.min(items.length, Math.max(1, Math.floor(limit) || 8));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}

export interface ScanResult {
  /** Every service of the organizations; those of git types carry their git data. */
  services: ServiceCandidate[];
  /** Requests the scan sent. */
  requests: number;
  /** Failures, by what failed; the rest of the scan still counts. */
  failures: { what: string; error: unknown }[];
}

/** The most environment lists fetched at once. */
const CONCURRENCY = 4;

export async function scanOrganizations(client: ScanClient, organizations: readonly { id: string; name: string }[], signal?: AbortSignal): Promise<ScanResult> {
  const result: ScanResult = { services: [], requests: 0, failures: [] };
  for (const organization of organizations) {
    let environments: OrganizationEnvironment[];
    let light: ServiceLight[];
    try {
      result.requests += 2;
      [environments, light] = await Promise.all([
        client.listOrganizationEnvironments(organization.id, { signal }),
        client.listOrganizationServices(organization.id, { signal }),
      ]);
    } catch (error) {
      result.failures.push({ what: `organization ${organization.id}`, error });
      continue;
    }
    const modes = new Map(environments.map((e) => [e.id, e]));
    const withGit = [...new Set(light.filter((s) => GIT_SERVICE_TYPES.has(s.service_type)).map((s) => s.environment_id))];
    result.requests += withGit.length;
    const detailed = await mapWithConcurrency(withGit, CONCURRENCY, (id) => client.listServices(id, { signal }), signal);
    const gitById = new Map<string, ReturnType<typeof gitRepositoryOf>>();
    detailed.forEach((settled, i) => {
      if (settled.status === 'fulfilled') {
        for (const service of settled.value) {
          gitById.set(service.id, gitRepositoryOf(service));
        }
      } else {
        result.failures.push({ what: `environment ${withGit[i]}`, error: settled.reason });
      }
    });
    for (const s of light) {
      const environment = modes.get(s.environment_id);
      const git = gitById.get(s.id) ?? {};
      result.services.push({
        organizationId: organization.id,
        organizationName: organization.name,
        projectId: s.project_id,
        projectName: s.project_name,
        environmentId: s.environment_id,
        environmentName: s.environment_name || environment?.name || s.environment_id,
        environmentMode: environment?.mode,
        serviceId: s.id,
        serviceName: s.name,
        serviceType: s.service_type,
        repository: repositoryKeyOf(git),
        git,
      });
    }
  }
  return result;
}
