// What a deploy command was given, through the one reader of src/shared/targets.ts; a service row
// also says what the service is built from. No `vscode`.
import { environmentRefOf, serviceRefOf } from '../shared/targets';
import { buildSourceOf } from './actions';
import type { DeployTarget, EnvironmentTarget } from './model';

/** A service read from whatever a command was given: a service row, a `VariableTarget`, a `ServiceCandidate`. */
export function serviceTargetOf(arg: unknown): DeployTarget | undefined {
  const ref = serviceRefOf(arg);
  if (!ref) {
    return undefined;
  }
  const { listed, ...target } = ref;
  return listed ? { ...target, buildSource: buildSourceOf(target.serviceType, listed) } : target;
}

/** An environment read from an environment row, from any service target, or from an `EnvironmentTarget`. */
export function environmentTargetOf(arg: unknown): EnvironmentTarget | undefined {
  return environmentRefOf(arg);
}
