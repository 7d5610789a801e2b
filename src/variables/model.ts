// What a variable is and where it comes from, without `vscode`: the tree, the commands and plain
// mocha tests share it.
import type * as Q from 'qovery-typescript-axios';

/** One item of `GET /variable`: a secret's `value` is always null. */
export type Variable = Q.VariableResponse;
export type ServiceScope = 'APPLICATION' | 'CONTAINER' | 'JOB' | 'HELM' | 'TERRAFORM';
/** The levels a variable can be created at (BUILT_IN variables are Qovery's own). */
export type VariableScope = 'PROJECT' | 'ENVIRONMENT' | ServiceScope;
export type Level = 'project' | 'environment' | 'service';

const SERVICE_SCOPES: readonly string[] = ['APPLICATION', 'CONTAINER', 'JOB', 'HELM', 'TERRAFORM'];

/** The project, environment or service whose variables are shown, with the levels above it. */
export interface VariableTarget {
  scope: VariableScope;
  parentId: string;
  /** The name shown: "web", "production"... */
  name: string;
  organizationId: string;
  projectId: string;
  environmentId?: string;
  serviceId?: string;
}

/** The variable scope of a service type; undefined for databases, which have no variables. */
export function serviceScopeOf(serviceType: unknown): ServiceScope | undefined {
  return typeof serviceType === 'string' && SERVICE_SCOPES.includes(serviceType) ? (serviceType as ServiceScope) : undefined;
}

export function levelOfScope(scope: unknown): Level | 'builtIn' | undefined {
  if (scope === 'BUILT_IN') {
    return 'builtIn';
  }
  if (scope === 'PROJECT') {
    return 'project';
  }
  if (scope === 'ENVIRONMENT') {
    return 'environment';
  }
  return serviceScopeOf(scope) ? 'service' : undefined;
}

/** The levels a new variable of this target may be created at, its own first. */
export function levelsOf(target: VariableTarget): { level: Level; scope: VariableScope; parentId: string }[] {
  const levels: { level: Level; scope: VariableScope; parentId: string }[] = [];
  if (target.serviceId && serviceScopeOf(target.scope)) {
    levels.push({ level: 'service', scope: target.scope, parentId: target.serviceId });
  }
  if (target.environmentId) {
    levels.push({ level: 'environment', scope: 'ENVIRONMENT', parentId: target.environmentId });
  }
  levels.push({ level: 'project', scope: 'PROJECT', parentId: target.projectId });
  return levels;
}

export type KeyProblem = 'empty' | 'startsWithDigit' | 'invalidCharacter';

/** An environment variable name: letters, digits and `_`, not starting with a digit. */
export function checkKey(key: string): KeyProblem | undefined {
  if (key === '') {
    return 'empty';
  }
  if (/^[0-9]/.test(key)) {
    return 'startsWithDigit';
  }
  return /^[A-Za-z0-9_]+$/.test(key) ? undefined : 'invalidCharacter';
}

export type Origin =
  | { kind: 'builtIn' }
  | { kind: 'value'; level: Level }
  | { kind: 'override'; level: Level; here: boolean }
  | { kind: 'alias'; level: Level; of: string };

/** Where a variable comes from, seen from the target. */
export function originOf(variable: Variable, target: VariableTarget): Origin {
  const level = levelOfScope(variable.scope);
  if (variable.variable_type === 'BUILT_IN' || level === 'builtIn' || level === undefined) {
    return { kind: 'builtIn' };
  }
  if (variable.variable_type === 'OVERRIDE') {
    return { kind: 'override', level, here: variable.scope === target.scope };
  }
  if (variable.variable_type === 'ALIAS') {
    return { kind: 'alias', level, of: variable.aliased_variable?.key ?? '?' };
  }
  return { kind: 'value', level };
}

/** True when the variable belongs to the target's own level (not inherited). */
export const isOwnedHere = (variable: Variable, target: VariableTarget): boolean => variable.scope === target.scope;

/** Ids of the variables that an override visible from the same place replaces. */
export function overriddenIds(variables: readonly Variable[]): Set<string> {
  return new Set(variables.flatMap((v) => (v.variable_type === 'OVERRIDE' && v.overridden_variable?.id ? [v.overridden_variable.id] : [])));
}

/** Whether a variable may be overridden at the target's level: inherited, a plain value or a secret. */
export function canOverrideHere(variable: Variable, target: VariableTarget, overridden: ReadonlySet<string>): boolean {
  const rank = (scope: unknown): number => ({ builtIn: 0, project: 1, environment: 2, service: 3 })[levelOfScope(scope) ?? 'builtIn'];
  return (
    (variable.variable_type === 'VALUE' || variable.variable_type === 'EXTERNAL_SECRET') &&
    rank(variable.scope) < rank(target.scope) &&
    !overridden.has(variable.id)
  );
}

/** Built-ins first, then by key. */
export function sortVariables(variables: readonly Variable[]): Variable[] {
  const builtIn = (v: Variable): number => (v.variable_type === 'BUILT_IN' ? 0 : 1);
  return variables.slice().sort((a, b) => builtIn(a) - builtIn(b) || String(a.key).localeCompare(String(b.key)));
}

/** The text filter of a Variables row: a case-insensitive match on the key, or on a non-secret value. */
export function matchesFilter(variable: Variable, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (f === '') {
    return true;
  }
  return String(variable.key).toLowerCase().includes(f) || (!variable.is_secret && typeof variable.value === 'string' && variable.value.toLowerCase().includes(f));
}

/** A key that usually holds a secret; the import preview proposes to send it as one. */
export function looksSecret(key: string): boolean {
  return /(SECRET|PASSWORD|PASSWD|PWD|TOKEN|PRIVATE|API_?KEY|ACCESS_?KEY|CREDENTIAL|DSN)/i.test(key);
}
