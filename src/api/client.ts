import { QoveryApiError } from './errors';
import { HttpEngine, type CallOptions, type HttpMethod, type HttpOptions } from './http';
import type { AuthScheme } from './token';
import type {
  Account,
  Environment,
  EnvironmentServiceStatuses,
  EnvironmentStatus,
  Organization,
  OrganizationApiToken,
  OrganizationApiTokenCreate,
  OrganizationApiTokenCreateRequest,
  OrganizationAvailableRole,
  Project,
  Service,
} from './types';
import {
  API_TOKEN,
  checkList,
  checkObject,
  checkServiceStatuses,
  CREATED_API_TOKEN,
  ENVIRONMENT,
  ENVIRONMENT_STATUS,
  ORGANIZATION,
  PROJECT,
  ROLE,
  SERVICE,
} from './validate';

export type QoveryClientOptions = HttpOptions;

/** Builds a path, encoding each id; `.`/`..` would let URL normalisation change the endpoint. */
function p(parts: TemplateStringsArray, ...ids: string[]): string {
  return parts.reduce((acc, part, i) => {
    const id = String(ids[i - 1] ?? '');
    if (!id || id === '.' || id === '..') {
      throw new QoveryApiError('badRequest', 'A Qovery id is missing or invalid.');
    }
    return acc + encodeURIComponent(id) + part;
  });
}

/** Typed access to the Qovery endpoints the extension uses. */
export class QoveryClient {
  readonly baseUrl: string;
  readonly scheme: AuthScheme;
  readonly #http: HttpEngine;

  constructor(options: QoveryClientOptions) {
    this.#http = new HttpEngine(options);
    this.baseUrl = this.#http.baseUrl;
    this.scheme = this.#http.scheme;
  }

  /** A call of an endpoint that a feature folder types itself (src/variables/api.ts); ids must be encoded by the caller. */
  send(method: HttpMethod, path: string, body?: unknown, o?: CallOptions): Promise<unknown> {
    return this.#http.request(method, path, body, o);
  }

  #get(path: string, o?: CallOptions): Promise<unknown> {
    return this.#http.request('GET', path, undefined, o);
  }

  async listOrganizations(o?: CallOptions): Promise<Organization[]> {
    return checkList(await this.#get('/organization', o), 'organization', ORGANIZATION);
  }

  async getOrganization(organizationId: string, o?: CallOptions): Promise<Organization> {
    return checkObject(await this.#get(p`/organization/${organizationId}`, o), 'the organization', ORGANIZATION);
  }

  async listProjects(organizationId: string, o?: CallOptions): Promise<Project[]> {
    return checkList(await this.#get(p`/organization/${organizationId}/project`, o), 'project', PROJECT);
  }

  async listEnvironments(projectId: string, o?: CallOptions): Promise<Environment[]> {
    return checkList(await this.#get(p`/project/${projectId}/environment`, o), 'environment', ENVIRONMENT);
  }

  async listEnvironmentStatuses(projectId: string, o?: CallOptions): Promise<EnvironmentStatus[]> {
    return checkList(await this.#get(p`/project/${projectId}/environment/status`, o), 'environment status', ENVIRONMENT_STATUS);
  }

  async listServices(environmentId: string, o?: CallOptions): Promise<Service[]> {
    return checkList(await this.#get(p`/environment/${environmentId}/services`, o), 'service', SERVICE);
  }

  async getServiceStatuses(environmentId: string, o?: CallOptions): Promise<EnvironmentServiceStatuses> {
    return checkServiceStatuses(await this.#get(p`/environment/${environmentId}/statuses`, o));
  }

  async listAvailableRoles(organizationId: string, o?: CallOptions): Promise<OrganizationAvailableRole[]> {
    return checkList(await this.#get(p`/organization/${organizationId}/availableRole`, o), 'role', ROLE);
  }

  async listApiTokens(organizationId: string, o?: CallOptions): Promise<OrganizationApiToken[]> {
    return checkList(await this.#get(p`/organization/${organizationId}/apiToken`, o), 'API token', API_TOKEN);
  }

  async createApiToken(
    organizationId: string,
    req: OrganizationApiTokenCreateRequest,
    o?: CallOptions,
  ): Promise<OrganizationApiTokenCreate> {
    const name = req.name?.trim();
    if (!name || !req.role_id) {
      throw new QoveryApiError('badRequest', 'A new API token needs a name and a role.');
    }
    const body = { name, description: req.description || undefined, role_id: req.role_id };
    const res = await this.#http.request('POST', p`/organization/${organizationId}/apiToken`, body, o);
    return checkObject(res, 'the created API token', CREATED_API_TOKEN);
  }

  async deleteApiToken(organizationId: string, apiTokenId: string, o?: CallOptions): Promise<void> {
    await this.#http.request('DELETE', p`/organization/${organizationId}/apiToken/${apiTokenId}`, undefined, o);
  }

  async getAccount(o?: CallOptions): Promise<Account> {
    return checkObject(await this.#get('/account', o), 'the account', []);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; once `signal` aborts, items not yet started are rejected. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<PromiseSettledResult<R>[]> {
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
