import { QoveryApiError } from './errors';

type Obj = Record<string, unknown>;

const invalid = (what: string): QoveryApiError =>
  new QoveryApiError('invalidResponse', `Unexpected answer from the Qovery API: ${what}.`);

export const ORGANIZATION = ['id', 'name'] as const;
export const PROJECT = ['id', 'name'] as const;
export const ENVIRONMENT = ['id', 'name', 'mode'] as const;
export const ENVIRONMENT_STATUS = ['id', 'state'] as const;
export const SERVICE = ['id', 'name', 'service_type'] as const;
export const SERVICE_LIGHT = ['id', 'name', 'service_type', 'environment_id'] as const;
export const ROLE = ['id', 'name'] as const;
export const API_TOKEN = ['id', 'created_at'] as const;
export const CREATED_API_TOKEN = ['id', 'created_at', 'token'] as const;
const STATUS_GROUPS = ['applications', 'containers', 'jobs', 'databases', 'helms', 'terraforms'] as const;

/** Checks that `v` is an object whose `fields` are strings; extra fields are kept. */
export function checkObject<T>(v: unknown, what: string, fields: readonly string[]): T {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw invalid(`${what} is not an object`);
  }
  for (const f of fields) {
    if (typeof (v as Obj)[f] !== 'string') {
      throw invalid(`${what} has no "${f}"`);
    }
  }
  return v as T;
}

/** Unwraps a `{ results: [...] }` envelope, checking every item. */
export function checkList<T>(v: unknown, what: string, fields: readonly string[]): T[] {
  const results = v && typeof v === 'object' ? (v as Obj).results : undefined;
  if (!Array.isArray(results)) {
    throw invalid(`the ${what} list has no "results" array`);
  }
  results.forEach((item, i) => checkObject(item, `${what} #${i + 1}`, fields));
  return results as T[];
}

/** Service states of an environment; a missing group counts as empty so an API without, say, terraforms still works. */
export function checkServiceStatuses<T>(v: unknown): T {
  const o = checkObject<Obj>(v, 'the service statuses', []);
  for (const g of STATUS_GROUPS) {
    const list = (o[g] ??= []);
    if (!Array.isArray(list)) {
      throw invalid(`"${g}" in the service statuses is not a list`);
    }
    list.forEach((s: unknown, i) => {
      const st = checkObject<Obj>(s, `${g} status #${i + 1}`, ENVIRONMENT_STATUS);
      if (st.service_deployment_status !== undefined && typeof st.service_deployment_status !== 'string') {
        throw invalid(`${g} status #${i + 1} has a bad "service_deployment_status"`);
      }
    });
  }
  return o as T;
}
