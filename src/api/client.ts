import { QoveryApiError } from './errors';
import { HttpEngine, type CallOptions, type HttpMethod, type HttpOptions } from './http';
import type { AuthScheme } from './token';
import type { Account, Organization, OrganizationApiToken, OrganizationApiTokenCreate, OrganizationApiTokenCreateRequest, OrganizationAvailableRole, OrganizationPolicyApiToken } from './types';
import { API_TOKEN, checkList, checkObject, CREATED_API_TOKEN, ORGANIZATION, ROLE } from './validate';

export type QoveryClientOptions = HttpOptions;

/** Builds a path, encoding each id; `.`/`..` would let URL normalisation change the endpoint. */
export function apiPath(parts: TemplateStringsArray, ...ids: string[]): string {
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

  /** A GET of the API; the calls that only a chunk needs are built on it there (see explorer.ts). */
  get(path: string, o?: CallOptions): Promise<unknown> {
    return this.#http.request('GET', path, undefined, o);
  }

  async listOrganizations(o?: CallOptions): Promise<Organization[]> {
    return checkList(await this.get('/organization', o), 'organization', ORGANIZATION);
  }

  async getOrganization(organizationId: string, o?: CallOptions): Promise<Organization> {
    return checkObject(await this.get(apiPath`/organization/${organizationId}`, o), 'the organization', ORGANIZATION);
  }

  async listAvailableRoles(organizationId: string, o?: CallOptions): Promise<OrganizationAvailableRole[]> {
    return checkList(await this.get(apiPath`/organization/${organizationId}/availableRole`, o), 'role', ROLE);
  }

  async listApiTokens(organizationId: string, o?: CallOptions): Promise<OrganizationApiToken[]> {
    return checkList(await this.get(apiPath`/organization/${organizationId}/apiToken`, o), 'API token', API_TOKEN);
  }

  /** GET /organization/{id}/policyApiToken: the policy API tokens, which the API token list never shows. */
  async listPolicyApiTokens(organizationId: string, o?: CallOptions): Promise<OrganizationPolicyApiToken[]> {
    return checkList(await this.get(apiPath`/organization/${organizationId}/policyApiToken`, o), 'policy API token', API_TOKEN);
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
    const res = await this.#http.request('POST', apiPath`/organization/${organizationId}/apiToken`, body, o);
    return checkObject(res, 'the created API token', CREATED_API_TOKEN);
  }

  async deleteApiToken(organizationId: string, apiTokenId: string, o?: CallOptions): Promise<void> {
    await this.#http.request('DELETE', apiPath`/organization/${organizationId}/apiToken/${apiTokenId}`, undefined, o);
  }

  async getAccount(o?: CallOptions): Promise<Account> {
    return checkObject(await this.get('/account', o), 'the account', []);
  }
}
