// What a variables command was given, through the one reader of src/shared/targets.ts. No `vscode`.
import { readArgument, serviceRefOf } from '../shared/targets';
import { serviceScopeOf, type Variable, type VariableTarget } from './model';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The target of a Variables row. */
export function variablesTargetOf(arg: unknown): VariableTarget | undefined {
  const read = readArgument(arg);
  return read?.kind === 'variablesRow' ? (read.target as unknown as VariableTarget) : undefined;
}

/** The variable of a variable row, and the target it is shown under. */
export function variableOf(arg: unknown): { target: VariableTarget; variable: Variable } | undefined {
  const read = readArgument(arg);
  return read?.kind === 'variableRow' ? { target: read.target as unknown as VariableTarget, variable: read.variable as unknown as Variable } : undefined;
}

/**
 * Whose variables a command was given: a Variables or variable row, a service or environment row, a
 * "This Workspace" row or a workspace candidate (its service), or a `VariableTarget`. A database has none.
 */
export function variableTargetOf(arg: unknown): VariableTarget | undefined {
  const read = readArgument(arg);
  switch (read?.kind) {
    case 'variablesRow':
    case 'variableRow':
      return read.target as unknown as VariableTarget;
    case 'serviceRow': {
      const [organizationId, projectId, environmentId, serviceId] = [str(read.row.organizationId), str(read.row.projectId), str(read.row.environmentId), str(read.service.id)];
      const scope = serviceScopeOf(read.service.service_type);
      return scope && organizationId && projectId && environmentId && serviceId ? { scope, parentId: serviceId, name: String(read.service.name), organizationId, projectId, environmentId, serviceId } : undefined;
    }
    case 'environmentRow': {
      const [organizationId, projectId, environmentId] = [str(read.row.organizationId), str(read.row.projectId), str(read.environment.id)];
      return organizationId && projectId && environmentId ? { scope: 'ENVIRONMENT', parentId: environmentId, name: String(read.environment.name), organizationId, projectId, environmentId } : undefined;
    }
    case 'object': {
      const a = read.fields;
      if ('scope' in a && 'parentId' in a && 'projectId' in a) {
        return a as unknown as VariableTarget;
      }
      const service = serviceRefOf(a);
      return service && serviceTargetOf(service);
    }
    default:
      return undefined;
  }
}

/** The variables target of a service (undefined for a database). */
export function serviceTargetOf(service: { organizationId: string; projectId: string; environmentId: string; serviceId: string; serviceName: string; serviceType: string }): VariableTarget | undefined {
  const scope = serviceScopeOf(service.serviceType);
  return scope
    ? { scope, parentId: service.serviceId, name: service.serviceName, organizationId: service.organizationId, projectId: service.projectId, environmentId: service.environmentId, serviceId: service.serviceId }
    : undefined;
}
