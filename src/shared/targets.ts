// The one reader of what a command was given, for every feature: an explorer row (service,
// environment, Variables, variable, "This Workspace" folder), a workspace candidate, a variables
// target, a deployment-log argument, or a reference of this module. Rows are made by other chunks,
// so they are read by shape, never by `instanceof`. No `vscode`.

export type ServiceType = 'APPLICATION' | 'CONTAINER' | 'DATABASE' | 'JOB' | 'HELM' | 'TERRAFORM';

const SERVICE_TYPES: readonly string[] = ['APPLICATION', 'CONTAINER', 'DATABASE', 'JOB', 'HELM', 'TERRAFORM'];

export function serviceTypeOf(value: unknown): ServiceType | undefined {
  return typeof value === 'string' && SERVICE_TYPES.includes(value) ? (value as ServiceType) : undefined;
}

/** An environment, with the ids above it. */
export interface EnvironmentRef {
  organizationId: string;
  projectId: string;
  environmentId: string;
  environmentName?: string;
  /** PRODUCTION, STAGING... (undefined until read). */
  environmentMode?: string;
}

/** A service, with the ids above it. */
export interface ServiceRef extends EnvironmentRef {
  serviceId: string;
  serviceName: string;
  serviceType: ServiceType;
}

type Obj = Readonly<Record<string, unknown>>;

/** What an argument is. `fields` of an `object` are its own: a variables target, a candidate, a reference, a deployment-log argument. */
export type ArgumentRead =
  | { kind: 'serviceRow'; row: Obj; service: Obj }
  | { kind: 'environmentRow'; row: Obj; environment: Obj }
  | { kind: 'variablesRow'; target: Obj }
  | { kind: 'variableRow'; target: Obj; variable: Obj }
  | { kind: 'otherRow'; row: Obj }
  | { kind: 'object'; fields: Obj };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' ? (v as Obj) : undefined);

/** Reads an argument's shape; a "This Workspace" folder row is read as the candidate it is linked to. */
export function readArgument(arg: unknown): ArgumentRead | undefined {
  const a = obj(arg);
  if (!a || Array.isArray(a)) {
    return undefined;
  }
  const key = typeof a.key === 'string' ? a.key : undefined;
  if (key === undefined) {
    return { kind: 'object', fields: a };
  }
  if (key.startsWith('workspace:')) {
    // Its FolderLink holds the candidate.
    return readArgument(obj(obj(a.link)?.link));
  }
  const service = obj(a.service);
  if (key.startsWith('service:') && service) {
    return { kind: 'serviceRow', row: a, service };
  }
  const environment = obj(a.environment);
  if (key.startsWith('env:') && environment) {
    return { kind: 'environmentRow', row: a, environment };
  }
  const target = obj(a.target);
  const variable = obj(a.variable);
  if (key.startsWith('variables:') && target) {
    return { kind: 'variablesRow', target };
  }
  if (key.startsWith('variable:') && target && variable) {
    return { kind: 'variableRow', target, variable };
  }
  return { kind: 'otherRow', row: a };
}

/** The folder link a "This Workspace" row stands for (its folder, its HEAD), when the argument is one. */
export function workspaceRowLinkOf(arg: unknown): Obj | undefined {
  const a = obj(arg);
  return typeof a?.key === 'string' && a.key.startsWith('workspace:') ? obj(a.link) : undefined;
}

/**
 * A service read from an argument: a service row, a variables target of a service, a workspace
 * candidate or a `ServiceRef`. `listed` is the service as the API listed it, when a row gave it (what
 * it is built from).
 */
export function serviceRefOf(arg: unknown): (ServiceRef & { listed?: Obj }) | undefined {
  const read = readArgument(arg);
  if (!read) {
    return undefined;
  }
  if (read.kind === 'serviceRow') {
    const { row, service } = read;
    const type = serviceTypeOf(service.service_type);
    const [organizationId, projectId, environmentId, serviceId, serviceName] = [str(row.organizationId), str(row.projectId), str(row.environmentId), str(service.id), str(service.name)];
    return type && organizationId && projectId && environmentId && serviceId && serviceName ? { organizationId, projectId, environmentId, serviceId, serviceName, serviceType: type, listed: service } : undefined;
  }
  const a = read.kind === 'object' ? read.fields : read.kind === 'variablesRow' || read.kind === 'variableRow' ? read.target : undefined;
  if (!a) {
    return undefined;
  }
  const [organizationId, projectId, environmentId, serviceId] = [str(a.organizationId), str(a.projectId), str(a.environmentId), str(a.serviceId)];
  if (!serviceId || !environmentId) {
    return undefined;
  }
  // A variables target of a service: its scope is the service type.
  if (str(a.scope)) {
    const type = serviceTypeOf(a.scope);
    return type && organizationId && projectId ? { organizationId, projectId, environmentId, serviceId, serviceName: str(a.name) ?? serviceId, serviceType: type } : undefined;
  }
  // A workspace candidate, or a reference of this module.
  const type = serviceTypeOf(a.serviceType);
  return type && organizationId && projectId
    ? { organizationId, projectId, environmentId, environmentName: str(a.environmentName), environmentMode: str(a.environmentMode), serviceId, serviceName: str(a.serviceName) ?? serviceId, serviceType: type }
    : undefined;
}

/** An environment read from an environment row, from anything a service is read from, or from an `EnvironmentRef`. */
export function environmentRefOf(arg: unknown): EnvironmentRef | undefined {
  const read = readArgument(arg);
  if (read?.kind === 'environmentRow') {
    const { row, environment } = read;
    const [organizationId, projectId] = [row.organizationId, row.projectId];
    return typeof organizationId === 'string' && typeof projectId === 'string'
      ? {
          organizationId,
          projectId,
          environmentId: String(environment.id),
          environmentName: typeof environment.name === 'string' ? environment.name : undefined,
          environmentMode: typeof environment.mode === 'string' ? environment.mode : undefined,
        }
      : undefined;
  }
  const service = serviceRefOf(arg);
  if (service) {
    return { organizationId: service.organizationId, projectId: service.projectId, environmentId: service.environmentId, environmentName: service.environmentName, environmentMode: service.environmentMode };
  }
  if (read?.kind !== 'object') {
    return undefined;
  }
  const a = read.fields;
  const [organizationId, projectId, environmentId] = [str(a.organizationId), str(a.projectId), str(a.environmentId)];
  return organizationId && projectId && environmentId ? { organizationId, projectId, environmentId, environmentName: str(a.environmentName), environmentMode: str(a.environmentMode) } : undefined;
}

/** What the deployment and live logs read: the ids they have (only the environment's is needed), and the deployment when one is named. */
export interface LogTargetRead {
  organizationId?: string;
  projectId?: string;
  environmentId: string;
  serviceId?: string;
  /** The service's name, or the environment's for an environment row (the view's title). */
  serviceName?: string;
  executionId?: string;
  environmentName?: string;
}

/** The logs' reading: looser than a `ServiceRef` (a deployment-log argument may carry only the environment's id). */
export function logTargetOf(arg: unknown): LogTargetRead | undefined {
  const read = readArgument(arg);
  switch (read?.kind) {
    case 'serviceRow': {
      const environmentId = str(read.row.environmentId);
      const serviceId = str(read.service.id);
      return environmentId && serviceId ? { organizationId: str(read.row.organizationId), projectId: str(read.row.projectId), environmentId, serviceId, serviceName: str(read.service.name) } : undefined;
    }
    case 'environmentRow': {
      const environmentId = str(read.environment.id);
      return environmentId ? { organizationId: str(read.row.organizationId), projectId: str(read.row.projectId), environmentId, serviceName: str(read.environment.name) } : undefined;
    }
    case 'object':
    case 'otherRow': {
      const a = read.kind === 'object' ? read.fields : read.row;
      const environmentId = str(a.environmentId);
      return environmentId
        ? {
            organizationId: str(a.organizationId),
            projectId: str(a.projectId),
            environmentId,
            serviceId: str(a.serviceId),
            serviceName: str(a.serviceName),
            executionId: str(a.executionId),
            environmentName: str(a.environmentName),
          }
        : undefined;
    }
    default:
      return undefined;
  }
}
