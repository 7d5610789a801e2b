// Public API of the fake Qovery server used by unit and integration tests, the benchmark and the demo.
export { startQoveryServer } from './server';
export type { ApiTokenState, FaultKind, QoveryServer, QoveryServerOptions, QoveryServerState, RequestLogEntry } from './server';
export type { Fault, FaultOptions, FaultRoute } from './faults';
export type { AuthScheme } from './auth';
export type { Problem } from './router';
export { DEMO, demoAccount } from './seed';
export type { DemoEnvironmentKey, DemoOrganizationKey, DemoProjectKey, DemoServiceKey } from './seed';
export { generateLargeAccount } from './generator';
export type { LargeAccountOptions } from './generator';
export {
  DEMO_ADMIN_TOKEN,
  DEMO_DEPLOYER_TOKEN,
  DEMO_SECOND_ORG_ADMIN_TOKEN,
  DEMO_USER_EMAIL,
  DEMO_USER_JWT,
  DEMO_VIEWER_TOKEN,
  SEED_TOKENS,
} from './credentials';
export type { SeedTokens } from './credentials';
export type { QoveryAccount, ServiceType } from './model';
export { SERVICE_TYPES, ENVIRONMENT_MODES } from './model';
export type { VariableRecord, VariableScope } from './variables';
export type { DeploymentAction, DeploymentRecord, DeploymentTimings } from './deployments';
export { DeploymentLogStore, failedExecutionId } from './logs';
export type { DeploymentLogInput, LogStreamControls } from './logs';
export { DEPLOYMENT_STREAM_PATHS } from './deploymentStreams';
export type { DeploymentStreamControls, DeploymentStreamPath, StageInput } from './deploymentStreams';
export type { FakePod, ShellControls, ShellUpgrade } from './shell';
export { EditableAccount } from './previews';
export type { DeploymentRuleRecord } from './previews';
