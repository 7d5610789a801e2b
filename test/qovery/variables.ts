// Environment variables at every level (project, environment, service, built-in), with overrides,
// aliases and secrets, and the handlers of the /variable endpoints of the official spec.
import type { VariableResponse } from 'qovery-typescript-axios';
import type { Principal } from './auth';
import { IdKind, decodeId, encodeId } from './ids';
import type { EnvironmentRecord, ProjectRecord, QoveryAccount, ServiceRecord, ServiceType } from './model';

/** The scopes of the spec's APIVariableScopeEnum that this server serves. */
export type VariableScope = 'BUILT_IN' | 'PROJECT' | 'ENVIRONMENT' | 'APPLICATION' | 'CONTAINER' | 'JOB' | 'HELM' | 'TERRAFORM';
export type VariableType = 'VALUE' | 'ALIAS' | 'OVERRIDE' | 'BUILT_IN';
const SERVICE_SCOPES: readonly VariableScope[] = ['APPLICATION', 'CONTAINER', 'JOB', 'HELM', 'TERRAFORM'];
const ALL_SCOPES: readonly VariableScope[] = ['BUILT_IN', 'PROJECT', 'ENVIRONMENT', ...SERVICE_SCOPES];
/** Higher levels first: an override or alias goes from one level to the same or a lower one. */
const RANK: Record<VariableScope, number> = { BUILT_IN: 0, PROJECT: 1, ENVIRONMENT: 2, APPLICATION: 3, CONTAINER: 3, JOB: 3, HELM: 3, TERRAFORM: 3 };
/** Roles that may create, change or delete variables (Viewer, Billing Manager and custom roles may not). */
const WRITER_ROLES = new Set(['Admin', 'DevOps']);
export const VARIABLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface VariableRecord {
  id: string;
  createdAt: string;
  updatedAt?: string;
  key: string;
  /** Kept for secrets too (the server must know it); never in an answer. */
  value: string;
  isSecret: boolean;
  scope: VariableScope;
  /** The project, environment or service the variable belongs to. */
  parentId: string;
  type: VariableType;
  /** For an override: the variable it overrides; for an alias: the variable it points to. */
  targetId?: string;
  description?: string;
}

/** A failure the router turns into an RFC 7807 answer. */
export class VariableProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** The levels a parent sees, from the top: project, then environment, then service. */
interface Chain {
  organizationId: string;
  project: ProjectRecord;
  environment?: EnvironmentRecord;
  service?: ServiceRecord;
  scope: VariableScope;
}

export const scopeOfService = (type: ServiceType): VariableScope | undefined => (type === 'DATABASE' ? undefined : type);

export class VariableStore {
  private readonly records: VariableRecord[] = [];
  private next = 1;

  constructor(
    private readonly account: QoveryAccount,
    readonly now: () => Date,
  ) {
    seedVariables(this, account);
  }

  /** Every stored variable (built-ins are computed per service and not stored). */
  all(): readonly VariableRecord[] {
    return this.records;
  }

  byKey(parentId: string, key: string): VariableRecord | undefined {
    return this.records.find((r) => r.parentId === parentId && r.key === key);
  }

  add(record: Omit<VariableRecord, 'id' | 'createdAt'>): VariableRecord {
    const n = this.next++;
    const entry: VariableRecord = { ...record, id: encodeId(IdKind.deployment, 0x7a, n & 0xffff, n >>> 16, 0xbeef), createdAt: this.now().toISOString() };
    this.records.push(entry);
    return entry;
  }

  /** The chain of levels of a parent of this scope, or a 404. */
  chain(parentId: string, scope: VariableScope): Chain {
    if (scope === 'PROJECT') {
      const project = this.account.project(parentId);
      if (project) {
        return { organizationId: project.organizationId, project, scope };
      }
    } else if (scope === 'ENVIRONMENT') {
      const environment = this.account.environment(parentId);
      const project = environment && this.account.project(environment.projectId);
      if (environment && project) {
        return { organizationId: project.organizationId, project, environment, scope };
      }
    } else if (SERVICE_SCOPES.includes(scope)) {
      const found = this.service(parentId);
      if (found?.service && scopeOfService(found.service.source.type) === scope) {
        return { ...found, scope };
      }
    }
    throw new VariableProblem(404, `No ${scope.toLowerCase()} with id ${parentId}.`);
  }

  private service(serviceId: string): Omit<Chain, 'scope'> | undefined {
    const decoded = decodeId(serviceId);
    if (!decoded || decoded.kind !== IdKind.service) {
      return undefined;
    }
    const [o, p, e] = decoded.indexes;
    const environment = this.account.environment(encodeId(IdKind.environment, decoded.account, o, p, e));
    const service = environment && this.account.services(environment.id).find((s) => s.id === serviceId);
    const project = environment && this.account.project(environment.projectId);
    return service && project ? { organizationId: project.organizationId, project, environment, service } : undefined;
  }

  /** What a parent sees: its own variables and those of the levels above, built-ins first. */
  visible(chain: Chain): VariableRecord[] {
    const parents = [chain.project.id, chain.environment?.id, chain.service?.id].filter((id): id is string => id !== undefined);
    return [...builtIns(chain, this.now), ...this.records.filter((r) => parents.includes(r.parentId))];
  }

  find(id: string): VariableRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  /** The chain of the level a stored variable belongs to. */
  chainOf(record: VariableRecord): Chain {
    return this.chain(record.parentId, record.scope);
  }

  remove(record: VariableRecord): void {
    // Overrides and aliases of a deleted variable go with it, as the spec says.
    const gone = new Set([record.id, ...this.records.filter((r) => r.targetId === record.id).map((r) => r.id)]);
    for (let i = this.records.length - 1; i >= 0; i--) {
      if (gone.has(this.records[i].id)) {
        this.records.splice(i, 1);
      }
    }
  }
}

function builtIns(chain: Chain, now: () => Date): VariableRecord[] {
  const at = chain.service ?? chain.environment;
  if (!at) {
    return [];
  }
  const created = (chain.service?.createdAt ?? chain.environment?.createdAt ?? now().toISOString());
  const prefix = chain.service ? `QOVERY_${chain.service.source.type}_Z${chain.service.id.slice(0, 8).toUpperCase()}` : 'QOVERY_ENVIRONMENT';
  const values: [string, string][] = [
    ['QOVERY_PROJECT_ID', chain.project.id],
    ['QOVERY_ENVIRONMENT_ID', chain.environment?.id ?? ''],
    ...(chain.service ? ([[`${prefix}_NAME`, chain.service.name]] as [string, string][]) : []),
  ];
  return values.map(([key, value], i) => ({
    id: encodeId(IdKind.deployment, 0x7b, i, 0, 0, Number.parseInt(at.id.slice(0, 4), 16)),
    createdAt: created,
    key,
    value,
    isSecret: false,
    scope: 'BUILT_IN',
    parentId: at.id,
    type: 'BUILT_IN',
  }));
}

/** The answer for one variable: a secret's value is null, always. */
export function variableJson(store: VariableStore, r: VariableRecord): VariableResponse {
  const target = r.targetId ? store.find(r.targetId) : undefined;
  const linked = target && {
    id: target.id,
    key: target.key,
    value: target.isSecret ? null : target.value,
    mount_path: '',
    scope: target.scope,
    variable_type: target.type,
  };
  return {
    id: r.id,
    created_at: r.createdAt,
    ...(r.updatedAt ? { updated_at: r.updatedAt } : {}),
    key: r.key,
    value: r.isSecret ? null : r.type === 'ALIAS' ? (linked?.value ?? null) : r.value,
    mount_path: null,
    ...(r.type === 'OVERRIDE' && linked ? { overridden_variable: linked } : {}),
    ...(r.type === 'ALIAS' && linked ? { aliased_variable: linked } : {}),
    scope: r.scope,
    variable_type: r.type,
    owned_by: 'QOVERY',
    is_secret: r.isSecret,
    ...(r.description ? { description: r.description } : {}),
  };
}

type Fields = Record<string, unknown>;

function object(body: unknown): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new VariableProblem(400, 'The request body must be a JSON object.');
  }
  return body as Fields;
}

function text(fields: Fields, name: string, required = true): string | undefined {
  const v = fields[name];
  if (v === undefined || v === null) {
    if (required) {
      throw new VariableProblem(400, `${name} is required.`);
    }
    return undefined;
  }
  if (typeof v !== 'string') {
    throw new VariableProblem(400, `${name} must be a string.`);
  }
  return v;
}

function scopeField(fields: Fields, name: string): VariableScope {
  const v = fields[name];
  if (typeof v !== 'string' || !ALL_SCOPES.includes(v as VariableScope) || v === 'BUILT_IN') {
    throw new VariableProblem(400, `${name} must be one of PROJECT, ENVIRONMENT, ${SERVICE_SCOPES.join(', ')}.`);
  }
  return v as VariableScope;
}

function checkKey(key: string): string {
  if (!VARIABLE_KEY.test(key)) {
    throw new VariableProblem(400, `The key "${key.slice(0, 64)}" is not a valid environment variable name: use letters, digits and _, not starting with a digit.`);
  }
  return key;
}

export function canWriteVariables(principal: Principal, organizationId: string): boolean {
  return principal.kind === 'user' || (principal.token.organizationId === organizationId && WRITER_ROLES.has(principal.role.name));
}

function canReadOrganization(principal: Principal, organizationId: string): boolean {
  return principal.kind === 'user' || principal.token.organizationId === organizationId;
}

function readable(principal: Principal, chain: Chain): void {
  if (!canReadOrganization(principal, chain.organizationId)) {
    throw new VariableProblem(403, 'This token has no access to this organization.');
  }
}

function writable(principal: Principal, chain: Chain): void {
  readable(principal, chain);
  if (!canWriteVariables(principal, chain.organizationId)) {
    throw new VariableProblem(403, 'Your role does not allow changing environment variables.');
  }
}

function duplicate(store: VariableStore, parentId: string, key: string): void {
  if (store.byKey(parentId, key)) {
    throw new VariableProblem(400, `A variable with the key ${key} exists already at this level.`);
  }
}

/** The handlers, one per operation of the spec; each returns [status, body]. */
export const variableHandlers = {
  list(store: VariableStore, principal: Principal, query: URLSearchParams): [number, unknown] {
    const parentId = query.get('parent_id') ?? '';
    const scope = query.get('scope') ?? '';
    if (!ALL_SCOPES.includes(scope as VariableScope) || scope === 'BUILT_IN') {
      throw new VariableProblem(404, `No parent ${parentId} of scope ${scope}.`);
    }
    const chain = store.chain(parentId, scope as VariableScope);
    readable(principal, chain);
    const secretFilter = query.get('is_secret');
    const records = store.visible(chain).filter((r) => secretFilter === null || String(r.isSecret) === secretFilter);
    return [200, { results: records.map((r) => variableJson(store, r)) }];
  },

  create(store: VariableStore, principal: Principal, body: unknown): [number, unknown] {
    const fields = object(body);
    const scope = scopeField(fields, 'variable_scope');
    const chain = store.chain(text(fields, 'variable_parent_id') ?? '', scope);
    writable(principal, chain);
    const key = checkKey(text(fields, 'key') ?? '');
    const value = text(fields, 'value') ?? '';
    if (typeof fields.is_secret !== 'boolean') {
      throw new VariableProblem(400, 'is_secret must be true or false.');
    }
    const parentId = chain.service?.id ?? chain.environment?.id ?? chain.project.id;
    duplicate(store, parentId, key);
    const record = store.add({ key, value, isSecret: fields.is_secret, scope, parentId, type: 'VALUE', description: text(fields, 'description', false) || undefined });
    return [201, variableJson(store, record)];
  },

  edit(store: VariableStore, principal: Principal, id: string, body: unknown): [number, unknown] {
    const record = existing(store, id);
    writable(principal, store.chainOf(record));
    const fields = object(body);
    const key = checkKey(text(fields, 'key') ?? '');
    const value = text(fields, 'value', false);
    if (record.type === 'OVERRIDE' && key !== record.key) {
      throw new VariableProblem(400, 'The key of an override cannot change.');
    }
    if (record.type === 'ALIAS' && value !== undefined) {
      throw new VariableProblem(400, 'The value of an alias cannot change.');
    }
    if (key !== record.key) {
      duplicate(store, record.parentId, key);
    }
    record.key = key;
    if (value !== undefined) {
      record.value = value;
    }
    const description = text(fields, 'description', false);
    if (description !== undefined) {
      record.description = description || undefined;
    }
    record.updatedAt = store.now().toISOString();
    return [200, variableJson(store, record)];
  },

  remove(store: VariableStore, principal: Principal, id: string): [number, unknown] {
    const record = existing(store, id);
    writable(principal, store.chainOf(record));
    store.remove(record);
    return [204, undefined];
  },

  override(store: VariableStore, principal: Principal, id: string, body: unknown): [number, unknown] {
    const target = existing(store, id);
    const fields = object(body);
    const scope = scopeField(fields, 'override_scope');
    const chain = store.chain(text(fields, 'override_parent_id') ?? '', scope);
    writable(principal, chain);
    const value = text(fields, 'value') ?? '';
    if (target.type === 'ALIAS' || target.type === 'OVERRIDE') {
      throw new VariableProblem(400, 'Override the original variable, not an alias or an override.');
    }
    if (RANK[scope] <= RANK[target.scope] || !store.visible(chain).some((r) => r.id === target.id)) {
      throw new VariableProblem(400, "Can't create an override on a higher scope. Overrides can only be created from one scope to a lower scope.");
    }
    const parentId = chain.service?.id ?? chain.environment?.id ?? chain.project.id;
    duplicate(store, parentId, target.key);
    const record = store.add({ key: target.key, value, isSecret: target.isSecret, scope, parentId, type: 'OVERRIDE', targetId: target.id });
    return [201, variableJson(store, record)];
  },

  alias(store: VariableStore, principal: Principal, id: string, body: unknown): [number, unknown] {
    const target = existing(store, id);
    const fields = object(body);
    const scope = scopeField(fields, 'alias_scope');
    const chain = store.chain(text(fields, 'alias_parent_id') ?? '', scope);
    writable(principal, chain);
    const key = checkKey(text(fields, 'key') ?? '');
    if (target.type === 'ALIAS') {
      throw new VariableProblem(400, "You can't create an alias on an alias.");
    }
    if (RANK[scope] < RANK[target.scope] || !store.visible(chain).some((r) => r.id === target.id)) {
      throw new VariableProblem(400, "Can't create an alias on a higher scope. Aliases can only be created from one scope to a lower scope.");
    }
    const parentId = chain.service?.id ?? chain.environment?.id ?? chain.project.id;
    duplicate(store, parentId, key);
    const record = store.add({ key, value: '', isSecret: target.isSecret, scope, parentId, type: 'ALIAS', targetId: target.id });
    return [201, variableJson(store, record)];
  },

  import(store: VariableStore, principal: Principal, query: URLSearchParams, body: unknown): [number, unknown] {
    const serviceType = query.get('service_type') ?? '';
    if (!SERVICE_SCOPES.includes(serviceType as VariableScope)) {
      throw new VariableProblem(400, `service_type must be one of ${SERVICE_SCOPES.join(', ')}.`);
    }
    const chain = store.chain(query.get('service_id') ?? '', serviceType as VariableScope);
    writable(principal, chain);
    const fields = object(body);
    if (!Array.isArray(fields.vars)) {
      throw new VariableProblem(400, 'vars must be a list.');
    }
    const overwrite = fields.overwrite === true;
    const vars = fields.vars.map((v) => {
      const item = object(v);
      const scope = scopeField(item, 'scope');
      if (typeof item.is_secret !== 'boolean') {
        throw new VariableProblem(400, 'is_secret must be true or false.');
      }
      const parentId = scope === 'PROJECT' ? chain.project.id : scope === 'ENVIRONMENT' ? chain.environment?.id : scope === serviceType ? chain.service?.id : undefined;
      if (!parentId) {
        throw new VariableProblem(400, `scope ${scope} does not match the service.`);
      }
      return { name: checkKey(text(item, 'name') ?? ''), value: text(item, 'value') ?? '', scope, isSecret: item.is_secret, parentId };
    });
    const imported: unknown[] = [];
    for (const v of vars) {
      const found = store.byKey(v.parentId, v.name);
      if (found && !overwrite) {
        continue;
      }
      if (found) {
        found.value = v.value;
        found.isSecret = v.isSecret;
      } else {
        store.add({ key: v.name, value: v.value, isSecret: v.isSecret, scope: v.scope, parentId: v.parentId, type: 'VALUE' });
      }
      imported.push({ name: v.name, scope: v.scope, is_secret: v.isSecret, ...(v.isSecret ? {} : { value: v.value }) });
    }
    return [201, { total_variables_to_import: vars.length, successful_imported_variables: imported }];
  },
};

function existing(store: VariableStore, id: string): VariableRecord {
  const record = store.find(id);
  if (!record) {
    if (decodeId(id)?.account === 0x7b) {
      throw new VariableProblem(400, "You can't change or delete a BUILT_IN variable.");
    }
    throw new VariableProblem(404, `Variable ${id} not found.`);
  }
  return record;
}

/** Demo data: every level of the storefront project, with a secret, an override and an alias. */
function seedVariables(store: VariableStore, account: QoveryAccount): void {
  const acme = account.organizations()[0];
  const storefront = acme && account.projects(acme.id).find((p) => p.name === 'storefront');
  const production = storefront && account.environments(storefront.id).find((e) => e.name === 'production');
  const web = production && account.services(production.id).find((s) => s.name === 'web');
  if (!storefront || !production || !web) {
    return;
  }
  const add = (parentId: string, scope: VariableScope, key: string, value: string, isSecret = false): VariableRecord =>
    store.add({ key, value, isSecret, scope, parentId, type: 'VALUE' });
  add(storefront.id, 'PROJECT', 'LOG_LEVEL', 'info');
  add(storefront.id, 'PROJECT', 'SENTRY_DSN', 'seeded-sentry-dsn-value', true);
  add(production.id, 'ENVIRONMENT', 'REGION', 'eu-west-3');
  add(production.id, 'ENVIRONMENT', 'STRIPE_SECRET_KEY', 'seeded-stripe-secret-value', true);
  const dbUrl = add(production.id, 'ENVIRONMENT', 'DATABASE_URL', 'postgres://postgres.internal:5432/store');
  add(web.id, 'APPLICATION', 'PORT', '3000');
  add(web.id, 'APPLICATION', 'FEATURE_CHECKOUT_V2', 'true');
  store.add({ key: 'LOG_LEVEL', value: 'debug', isSecret: false, scope: 'APPLICATION', parentId: web.id, type: 'OVERRIDE', targetId: store.byKey(storefront.id, 'LOG_LEVEL')?.id });
  store.add({ key: 'DB_URL', value: '', isSecret: false, scope: 'APPLICATION', parentId: web.id, type: 'ALIAS', targetId: dbUrl.id });
}
