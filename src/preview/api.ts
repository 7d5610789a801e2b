// The requests of preview environments, over the client's one HTTP seam. No `vscode`.
// POSTs and DELETEs are sent once: the client never retries them; a PUT of a whole service is
// idempotent, so the saga may send it again after a lost answer.
import type { QoveryClient } from '../api/client';
import { apiPath } from '../api/client';
import { QoveryApiError } from '../api/errors';
import type { CallOptions } from '../api/http';
import { getServiceStatuses, listEnvironments, listServices } from '../api/explorer';
import type { EnvironmentServiceStatuses } from '../api/types';
import type { EditableKind } from './model';

type Obj = Record<string, unknown>;

export interface EnvironmentFacts {
  id: string;
  name: string;
  mode?: string;
  createdAt?: string;
}

/** What the saga and the commands ask of Qovery; the tests drive it against the test server. */
export interface PreviewApi {
  environments(projectId: string, o?: CallOptions): Promise<EnvironmentFacts[]>;
  services(environmentId: string, o?: CallOptions): Promise<Obj[]>;
  clone(blueprintId: string, name: string, o?: CallOptions): Promise<EnvironmentFacts>;
  editService(kind: EditableKind, serviceId: string, body: Obj, o?: CallOptions): Promise<void>;
  deploymentRule(environmentId: string, o?: CallOptions): Promise<Obj>;
  editDeploymentRule(environmentId: string, ruleId: string, body: Obj, o?: CallOptions): Promise<void>;
  deployServices(environmentId: string, body: Obj, o?: CallOptions): Promise<void>;
  statuses(environmentId: string, o?: CallOptions): Promise<EnvironmentServiceStatuses>;
  deleteEnvironment(environmentId: string, o?: CallOptions): Promise<void>;
  applicationLinks(applicationId: string, o?: CallOptions): Promise<string[]>;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function facts(answer: unknown): EnvironmentFacts {
  const o = answer && typeof answer === 'object' ? (answer as Obj) : {};
  const id = text(o.id);
  const name = text(o.name);
  if (!id || !name) {
    throw new QoveryApiError('invalidResponse', 'The environment in Qovery’s answer has no id or name.');
  }
  return { id, name, mode: text(o.mode), createdAt: text(o.created_at) };
}

export function previewApiOf(client: QoveryClient): PreviewApi {
  return {
    environments: async (projectId, o) => (await listEnvironments(client, projectId, o)).map(facts),
    services: async (environmentId, o) => (await listServices(client, environmentId, o)) as unknown as Obj[],
    // POST /environment/{id}/clone: a PREVIEW copy of the blueprint, under the chosen name (202 with the new environment).
    clone: async (blueprintId, name, o) => facts(await client.send('POST', apiPath`/environment/${blueprintId}/clone`, { name, mode: 'PREVIEW' }, o)),
    editService: async (kind, serviceId, body, o) => {
      switch (kind) {
        case 'APPLICATION':
          await client.send('PUT', apiPath`/application/${serviceId}`, body, o);
          break;
        case 'JOB':
          await client.send('PUT', apiPath`/job/${serviceId}`, body, o);
          break;
        case 'HELM':
          await client.send('PUT', apiPath`/helm/${serviceId}`, body, o);
          break;
        case 'TERRAFORM':
          await client.send('PUT', apiPath`/terraform/${serviceId}`, body, o);
          break;
      }
    },
    deploymentRule: async (environmentId, o) => {
      const answer = await client.get(apiPath`/environment/${environmentId}/deploymentRule`, o);
      if (!answer || typeof answer !== 'object' || !text((answer as Obj).id)) {
        throw new QoveryApiError('invalidResponse', 'The deployment rule in Qovery’s answer has no id.');
      }
      return answer as Obj;
    },
    editDeploymentRule: async (environmentId, ruleId, body, o) => {
      await client.send('PUT', apiPath`/environment/${environmentId}/deploymentRule/${ruleId}`, body, o);
    },
    deployServices: async (environmentId, body, o) => {
      await client.send('POST', apiPath`/environment/${environmentId}/service/deploy`, body, o);
    },
    statuses: (environmentId, o) => getServiceStatuses(client, environmentId, o),
    deleteEnvironment: async (environmentId, o) => {
      await client.send('DELETE', apiPath`/environment/${environmentId}`, undefined, o);
    },
    applicationLinks: async (applicationId, o) => {
      const answer = await client.get(apiPath`/application/${applicationId}/link`, o);
      const results = answer && typeof answer === 'object' && Array.isArray((answer as Obj).results) ? ((answer as Obj).results as unknown[]) : [];
      return results.map((l) => (l && typeof l === 'object' ? text((l as Obj).url) : undefined)).filter((u): u is string => u !== undefined && /^https?:\/\//.test(u));
    },
  };
}
