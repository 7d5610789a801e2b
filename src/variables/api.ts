// The /variable endpoints of the official spec, over the client's one HTTP seam. No `vscode`.
// A secret value given to a call is removed from any error that call throws.
import type { QoveryClient } from '../api/client';
import { isApiError, QoveryApiError } from '../api/errors';
import type { CallOptions } from '../api/http';
import { scrubSecrets } from '../api/scrub';
import { checkList, checkObject } from '../api/validate';
import type { ServiceScope, Variable, VariableScope, VariableTarget } from './model';

const VARIABLE = ['id', 'key', 'scope', 'variable_type'] as const;

function checkVariable(v: unknown, what: string): Variable {
  const variable = checkObject<Variable>(v, what, VARIABLE);
  if (typeof variable.is_secret !== 'boolean' || (variable.value !== null && variable.value !== undefined && typeof variable.value !== 'string')) {
    throw new QoveryApiError('invalidResponse', `Unexpected answer from the Qovery API: ${what} has no valid "is_secret" or "value".`);
  }
  return variable;
}

const id = (value: string): string => {
  if (!value || value === '.' || value === '..') {
    throw new QoveryApiError('badRequest', 'A Qovery id is missing or invalid.');
  }
  return encodeURIComponent(value);
};

/**
 * The same error without `secret` in its message, whole or in part (see scrubSecrets): secrets typed
 * by the user never reach a message or a log. The HTTP layer removes them before the text is cut; this
 * covers any other error.
 */
export function withoutSecret(error: unknown, secret: string | undefined): unknown {
  if (!secret || !(error instanceof Error)) {
    return error;
  }
  const message = scrubSecrets(error.message, [secret]);
  if (message === error.message) {
    return error;
  }
  if (isApiError(error)) {
    const { status, retryAfterMs, networkCause, origin, method, path } = error;
    return new QoveryApiError(error.kind, message, { status, retryAfterMs, networkCause, origin, method, path });
  }
  return new Error(message);
}

/** The call's options with `secret` among the values its errors never show. */
const hiding = (o: CallOptions | undefined, secret: string | undefined): CallOptions | undefined => (secret ? { ...o, secrets: [...(o?.secrets ?? []), secret] } : o);

async function scrubbed<T>(secret: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw withoutSecret(error, secret);
  }
}

export interface NewVariable {
  key: string;
  value: string;
  isSecret: boolean;
  scope: VariableScope;
  parentId: string;
}

export interface ImportedVariable {
  name: string;
  value: string;
  scope: VariableScope;
  isSecret: boolean;
}

export class VariablesApi {
  constructor(private readonly client: QoveryClient) {}

  /** What the target sees: its own variables and those it inherits, built-ins included. */
  async list(target: Pick<VariableTarget, 'scope' | 'parentId'>, o?: CallOptions): Promise<Variable[]> {
    const query = new URLSearchParams({ parent_id: target.parentId, scope: target.scope });
    const answer = await this.client.send('GET', `/variable?${query.toString()}`, undefined, o);
    const list = checkList<unknown>(answer, 'variable', VARIABLE);
    return list.map((v, i) => checkVariable(v, `variable #${i + 1}`));
  }

  create(v: NewVariable, o?: CallOptions): Promise<Variable> {
    const body = { key: v.key, value: v.value, is_secret: v.isSecret, variable_scope: v.scope, variable_parent_id: v.parentId };
    const secret = v.isSecret ? v.value : undefined;
    return scrubbed(secret, async () => checkVariable(await this.client.send('POST', '/variable', body, hiding(o, secret)), 'the created variable'));
  }

  /** A new value (a secret's is replaced, never read); `key` stays as it is unless given. */
  editValue(variable: Pick<Variable, 'id' | 'key' | 'is_secret'>, value: string, o?: CallOptions): Promise<Variable> {
    const secret = variable.is_secret ? value : undefined;
    return scrubbed(secret, async () => checkVariable(await this.client.send('PUT', `/variable/${id(variable.id)}`, { key: variable.key, value }, hiding(o, secret)), 'the changed variable'));
  }

  async remove(variableId: string, o?: CallOptions): Promise<void> {
    await this.client.send('DELETE', `/variable/${id(variableId)}`, undefined, o);
  }

  override(variable: Pick<Variable, 'id' | 'is_secret'>, value: string, scope: VariableScope, parentId: string, o?: CallOptions): Promise<Variable> {
    const body = { value, override_scope: scope, override_parent_id: parentId };
    const variableId = variable.id;
    const secret = variable.is_secret ? value : undefined;
    return scrubbed(secret, async () => checkVariable(await this.client.send('POST', `/variable/${id(variableId)}/override`, body, hiding(o, secret)), 'the override'));
  }

  async alias(variableId: string, key: string, scope: VariableScope, parentId: string, o?: CallOptions): Promise<Variable> {
    const body = { key, alias_scope: scope, alias_parent_id: parentId };
    return checkVariable(await this.client.send('POST', `/variable/${id(variableId)}/alias`, body, o), 'the alias');
  }

  /** Several variables of a service (and its environment or project) in one call; returns the names imported. */
  importToService(serviceId: string, serviceType: ServiceScope, vars: readonly ImportedVariable[], overwrite: boolean, o?: CallOptions): Promise<string[]> {
    const query = new URLSearchParams({ service_id: serviceId, service_type: serviceType });
    const body = { overwrite, vars: vars.map((v) => ({ name: v.name, value: v.value, scope: v.scope, is_secret: v.isSecret })) };
    const secrets = vars.filter((v) => v.isSecret).map((v) => v.value);
    return scrubbedAll(
      secrets,
      async () => {
        const answer = checkObject<{ successful_imported_variables?: unknown }>(await this.client.send('POST', `/variable/import?${query.toString()}`, body, { ...o, secrets }), 'the import', []);
        const done = Array.isArray(answer.successful_imported_variables) ? answer.successful_imported_variables : [];
        return done.flatMap((d) => (d && typeof d === 'object' && typeof (d as { name?: unknown }).name === 'string' ? [(d as { name: string }).name] : []));
      },
    );
  }
}

async function scrubbedAll<T>(secrets: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw secrets.reduce<unknown>((e, s) => withoutSecret(e, s), error);
  }
}
