// What a deploy command was given, read by shape (tree rows are made by another chunk, so `instanceof`
// cannot be used): a service or environment row, the variables feature's `VariableTarget`, the
// workspace link's `ServiceCandidate`, or a target of this feature. No `vscode`.
import { buildSourceOf } from './actions';
import { serviceTypeOf, type DeployTarget, type EnvironmentTarget } from './model';

type Obj = Record<string, unknown>;

/** A service read from whatever a command was given: a service row, a `VariableTarget`, a `ServiceCandidate`. */
export function serviceTargetOf(arg: unknown): DeployTarget | undefined {
  const a = (arg && typeof arg === 'object' ? arg : {}) as Obj;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  // A service row of the explorer (made by the tree chunk: read by shape, not class).
  const service = a.service as Obj | undefined;
  if (typeof a.key === 'string' && a.key.startsWith('service:') && service) {
    const type = serviceTypeOf(service.service_type);
    const [organizationId, projectId, environmentId, id, name] = [str(a.organizationId), str(a.projectId), str(a.environmentId), str(service.id), str(service.name)];
    return type && organizationId && projectId && environmentId && id && name
      ? { organizationId, projectId, environmentId, serviceId: id, serviceName: name, serviceType: type, buildSource: buildSourceOf(type, service) }
      : undefined;
  }
  // A VariableTarget of a service (the variables feature's Redeploy).
  if (str(a.scope) && str(a.serviceId) && str(a.environmentId)) {
    const type = serviceTypeOf(a.scope);
    const [organizationId, projectId] = [str(a.organizationId), str(a.projectId)];
    return type && organizationId && projectId ? { organizationId, projectId, environmentId: String(a.environmentId), serviceId: String(a.serviceId), serviceName: str(a.name) ?? String(a.serviceId), serviceType: type } : undefined;
  }
  // A ServiceCandidate (the workspace link).
  if (str(a.serviceId) && str(a.serviceType) && str(a.environmentId)) {
    const type = serviceTypeOf(a.serviceType);
    const [organizationId, projectId] = [str(a.organizationId), str(a.projectId)];
    return type && organizationId && projectId
      ? {
          organizationId,
          projectId,
          environmentId: String(a.environmentId),
          environmentName: str(a.environmentName),
          environmentMode: str(a.environmentMode),
          serviceId: String(a.serviceId),
          serviceName: str(a.serviceName) ?? String(a.serviceId),
          serviceType: type,
        }
      : undefined;
  }
  return undefined;
}

/** An environment read from an environment row, or from any service target. */
export function environmentTargetOf(arg: unknown): EnvironmentTarget | undefined {
  const a = (arg && typeof arg === 'object' ? arg : {}) as Obj;
  const environment = a.environment as Obj | undefined;
  if (typeof a.key === 'string' && a.key.startsWith('env:') && environment && typeof a.organizationId === 'string' && typeof a.projectId === 'string') {
    return {
      organizationId: a.organizationId,
      projectId: a.projectId,
      environmentId: String(environment.id),
      environmentName: typeof environment.name === 'string' ? environment.name : undefined,
      environmentMode: typeof environment.mode === 'string' ? environment.mode : undefined,
    };
  }
  const service = serviceTargetOf(arg);
  if (service) {
    return { organizationId: service.organizationId, projectId: service.projectId, environmentId: service.environmentId, environmentName: service.environmentName, environmentMode: service.environmentMode };
  }
  // An EnvironmentTarget itself (a 409's Cancel Deployment on an environment action).
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const [organizationId, projectId, environmentId] = [str(a.organizationId), str(a.projectId), str(a.environmentId)];
  return organizationId && projectId && environmentId && a.key === undefined
    ? { organizationId, projectId, environmentId, environmentName: str(a.environmentName), environmentMode: str(a.environmentMode) }
    : undefined;
}
