// The API itself: routes, access rules and handlers, as a pure function from a request to a reply.
import { IdKind, encodeId } from './ids';
import { STATUS_CODES } from 'node:http';
import type { OrganizationApiTokenCreate } from 'qovery-typescript-axios';
import { authenticate, canManageApiTokens, canRead, type Credentials, type Principal } from './auth';
import type { EnvironmentRecord, OrganizationRecord, ProjectRecord, QoveryAccount } from './model';
import {
  accountJson,
  apiTokenJson,
  environmentJson,
  environmentStatusJson,
  environmentStatusesJson,
  organizationEnvironmentJson,
  organizationJson,
  projectJson,
  roleJson,
  serviceJson,
  serviceLightJson,
} from './shapes';
import type { ApiTokenStore } from './tokens';
import { VariableProblem, variableHandlers, type VariableStore } from './variables';
import { DeploymentProblem, type DeploymentStore } from './deployments';
import type { DeploymentLogStore } from './logs';
import { PreviewProblem, deploymentRuleJson, type EditableAccount } from './previews';

export type RequestBody = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'invalid'; text: string };

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  credentials: Credentials;
  body: RequestBody;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiContext {
  account: QoveryAccount;
  tokens: ApiTokenStore;
  variables: VariableStore;
  /** Optional so a context built elsewhere (the benchmark) still works: no deployments then. */
  deployments?: DeploymentStore;
  deploymentLogs: DeploymentLogStore;
  /** Clone, service edit, deployment rules and delete (test/qovery/previews.ts); absent: those routes answer 404. */
  previews?: EditableAccount;
}

/** RFC 7807 body, plus `message` as Qovery sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  message: string;
}

export function problem(status: number, detail: string, instance: string): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, instance, message: detail };
}

class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

interface Call {
  request: ApiRequest;
  principal: Principal;
  params: Record<string, string>;
  context: ApiContext;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  paramNames: string[];
  handle(call: Call): Reply;
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const list = (results: unknown[]): Reply => ok({ results });

function route(method: string, template: string, handle: (call: Call) => Reply): Route {
  const paramNames: string[] = [];
  const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    paramNames.push(name);
    return '([^/]+)';
  });
  return { method, template, pattern: new RegExp(`^${source}$`), paramNames, handle };
}

function requireOrganization(call: Call, id: string): OrganizationRecord {
  const org = call.context.account.organization(id);
  if (!org) {
    throw new ProblemError(404, `Organization ${id} not found.`);
  }
  if (!canRead(call.principal, org.id)) {
    throw new ProblemError(403, 'This token has no access to this organization.');
  }
  return org;
}

function requireProject(call: Call): ProjectRecord {
  const project = call.context.account.project(call.params.projectId);
  if (!project) {
    throw new ProblemError(404, `Project ${call.params.projectId} not found.`);
  }
  if (!canRead(call.principal, project.organizationId)) {
    throw new ProblemError(403, 'This token has no access to this project.');
  }
  return project;
}

function requireEnvironment(call: Call): EnvironmentRecord {
  const environment = call.context.account.environment(call.params.environmentId);
  if (!environment) {
    throw new ProblemError(404, `Environment ${call.params.environmentId} not found.`);
  }
  if (!canRead(call.principal, environment.organizationId)) {
    throw new ProblemError(403, 'This token has no access to this environment.');
  }
  return environment;
}

function requireTokenManager(call: Call): OrganizationRecord {
  const org = requireOrganization(call, call.params.organizationId);
  if (!canManageApiTokens(call.principal, org.id)) {
    throw new ProblemError(403, 'Your role does not allow managing API tokens of this organization.');
  }
  return org;
}

function createApiToken(call: Call): Reply {
  const org = requireTokenManager(call);
  const { body } = call.request;
  if (body.kind === 'invalid') {
    throw new ProblemError(400, 'The request body is not valid JSON.');
  }
  const input = body.kind === 'json' ? body.value : undefined;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ProblemError(400, 'The request body must be a JSON object with name and role_id.');
  }
  const fields = input as Record<string, unknown>;
  if (typeof fields.name !== 'string' || fields.name.trim() === '') {
    throw new ProblemError(400, 'name is required.');
  }
  if (fields.description !== undefined && fields.description !== null && typeof fields.description !== 'string') {
    throw new ProblemError(400, 'description must be a string.');
  }
  if (fields.scope !== undefined && fields.scope !== null && fields.scope !== 'ADMIN') {
    throw new ProblemError(400, 'scope is deprecated and only accepts ADMIN.');
  }
  if (typeof fields.role_id !== 'string' || fields.role_id === '') {
    throw new ProblemError(400, 'role_id is required.');
  }
  const role = call.context.account.roles(org.id).find((candidate) => candidate.id === fields.role_id);
  if (!role) {
    throw new ProblemError(400, `role_id ${fields.role_id} is not an available role of this organization.`);
  }
  const result = call.context.tokens.create(org.id, {
    name: fields.name,
    description: typeof fields.description === 'string' ? fields.description : undefined,
    role,
  });
  if ('conflict' in result) {
    throw new ProblemError(409, `An API token named "${fields.name}" already exists in this organization.`);
  }
  const created: OrganizationApiTokenCreate = { ...apiTokenJson(result.created), token: result.created.secret };
  return ok(created, 201);
}

const ROUTES: readonly Route[] = [
  route('GET', '/organization', (call) => {
    const { account } = call.context;
    const orgs = call.principal.kind === 'user' ? account.organizations() : account.organizations().filter((org) => canRead(call.principal, org.id));
    return list(orgs.map(organizationJson));
  }),
  route('GET', '/organization/{organizationId}', (call) => ok(organizationJson(requireOrganization(call, call.params.organizationId)))),
  route('GET', '/organization/{organizationId}/project', (call) => {
    const org = requireOrganization(call, call.params.organizationId);
    return list(call.context.account.projects(org.id).map(projectJson));
  }),
  route('GET', '/organization/{organizationId}/environments', (call) => {
    const org = requireOrganization(call, call.params.organizationId);
    const { account } = call.context;
    return list(account.projects(org.id).flatMap((project) => account.environments(project.id).map(organizationEnvironmentJson)));
  }),
  route('GET', '/organization/{organizationId}/services', (call) => {
    const org = requireOrganization(call, call.params.organizationId);
    const { account } = call.context;
    const projectFilter = call.request.query.get('project_id');
    const environmentFilter = call.request.query.get('environment_id');
    return list(
      account
        .projects(org.id)
        .filter((project) => !projectFilter || project.id === projectFilter)
        .flatMap((project) =>
          account
            .environments(project.id)
            .filter((environment) => !environmentFilter || environment.id === environmentFilter)
            .flatMap((environment) => account.services(environment.id).map((service) => serviceLightJson(service, environment, project))),
        ),
    );
  }),
  route('GET', '/project/{projectId}/environment', (call) => list(call.context.account.environments(requireProject(call).id).map(environmentJson))),
  route('GET', '/project/{projectId}/environment/status', (call) => {
    const { account } = call.context;
    return list(account.environments(requireProject(call).id).map((environment) => environmentStatusJson(environment, servicesNow(call, environment.id))));
  }),
  route('GET', '/environment/{environmentId}/services', (call) =>
    list(call.context.account.services(requireEnvironment(call).id).map((s) => (call.context.deployments ? call.context.deployments.decorateService(serviceJson(s), s.id) : serviceJson(s)))),
  ),
  route('GET', '/environment/{environmentId}/statuses', (call) => {
    const environment = requireEnvironment(call);
    const body = environmentStatusesJson(environment, servicesNow(call, environment.id, true));
    const deployments = call.context.deployments;
    if (!deployments) {
      return ok(body);
    }
    const shown = deployments.decorateStatuses(body);
    deployments.statusesRead(environment.id);
    return ok(shown);
  }),
  route('GET', '/organization/{organizationId}/availableRole', (call) => {
    const org = requireOrganization(call, call.params.organizationId);
    return list(call.context.account.roles(org.id).map(roleJson));
  }),
  route('GET', '/organization/{organizationId}/apiToken', (call) => {
    const org = requireOrganization(call, call.params.organizationId);
    const nameFilter = call.request.query.get('name')?.toLowerCase();
    const tokens = call.context.tokens.list(org.id).filter((token) => !nameFilter || token.name.toLowerCase().includes(nameFilter));
    return list(tokens.map(apiTokenJson));
  }),
  // Policy API tokens (an OPA policy attached): one per organization, listed apart and never among the API tokens.
  route('GET', '/organization/{organizationId}/policyApiToken', (call) => {
    const org = requireOrganization(call, call.params.organizationId);
    const role = call.context.account.roles(org.id).find((r) => r.name === 'deployer');
    return list([
      {
        id: encodeId(IdKind.apiToken, 0x70, org.index, 0xfe),
        created_at: org.createdAt,
        name: 'ci-deploy-policy',
        description: 'CI deploys, staging only',
        ...(role ? { role_id: role.id, role_name: role.name } : {}),
        opa_policy: 'package qovery\ndefault allow := false\nallow if input.environment.mode == "STAGING"',
        creator_name: null,
        expires_at: null,
      },
    ]);
  }),
  route('POST', '/organization/{organizationId}/apiToken', createApiToken),
  route('DELETE', '/organization/{organizationId}/apiToken/{apiTokenId}', (call) => {
    const org = requireTokenManager(call);
    if (!call.context.tokens.revoke(org.id, call.params.apiTokenId)) {
      throw new ProblemError(404, `API token ${call.params.apiTokenId} not found.`);
    }
    return { status: 204 };
  }),
  ...variableRoutes(),
  ...deploymentRoutes(),
  ...previewRoutes(),
  // Deployment logs: a bare array (EnvironmentLogsResponseList), not {results}.
  route('GET', '/environment/{environmentId}/logs', (call) => ok(call.context.deploymentLogs.list(requireEnvironment(call).id, call.request.query.get('version')))),
  route('GET', '/account', (call) => {
    if (call.principal.kind !== 'user') {
      // Undocumented for API tokens upstream; answering 403 makes clients treat it as optional.
      throw new ProblemError(403, 'GET /account needs a user session (Bearer JWT); API tokens are not attached to a user.');
    }
    return ok(accountJson(call.principal.user));
  }),
];

/** GET /variable?parent_id=&scope=, POST /variable, PUT and DELETE /variable/{id}, override, alias, import. */
function variableRoutes(): Route[] {
  const reply = ([status, body]: [number, unknown]): Reply => (body === undefined ? { status } : ok(body, status));
  const json = (call: Call): unknown => {
    if (call.request.body.kind === 'invalid') {
      throw new ProblemError(400, 'The request body is not valid JSON.');
    }
    return call.request.body.kind === 'json' ? call.request.body.value : undefined;
  };
  const v = (handle: (call: Call) => [number, unknown]) => (call: Call): Reply => {
    try {
      return reply(handle(call));
    } catch (error) {
      throw error instanceof VariableProblem ? new ProblemError(error.status, error.detail) : error;
    }
  };
  const h = variableHandlers;
  return [
    route('GET', '/variable', v((c) => h.list(c.context.variables, c.principal, c.request.query))),
    route('POST', '/variable', v((c) => h.create(c.context.variables, c.principal, json(c)))),
    route('POST', '/variable/import', v((c) => h.import(c.context.variables, c.principal, c.request.query, json(c)))),
    route('PUT', '/variable/{variableId}', v((c) => h.edit(c.context.variables, c.principal, c.params.variableId, json(c)))),
    route('DELETE', '/variable/{variableId}', v((c) => h.remove(c.context.variables, c.principal, c.params.variableId))),
    route('POST', '/variable/{variableId}/override', v((c) => h.override(c.context.variables, c.principal, c.params.variableId, json(c)))),
    route('POST', '/variable/{variableId}/alias', v((c) => h.alias(c.context.variables, c.principal, c.params.variableId, json(c)))),
  ];
}

/** An environment's services with the states their deployments gave them. */
function servicesNow(call: Call, environmentId: string, asShown = false) {
  const services = call.context.account.services(environmentId);
  const deployments = call.context.deployments;
  return deployments ? services.map((s) => deployments.overlay(s, asShown)) : services;
}

/** Deploy, redeploy, restart, stop and cancel; commits, history and links (test/qovery/deployments.ts). */
function deploymentRoutes(): Route[] {
  const store = (call: Call): DeploymentStore => {
    if (!call.context.deployments) {
      throw new ProblemError(404, 'Deployments are not simulated here.');
    }
    return call.context.deployments;
  };
  const d = (handle: (call: Call) => [number, unknown]) => (call: Call): Reply => {
    try {
      const [status, body] = handle(call);
      return body === undefined ? { status } : ok(body, status);
    } catch (error) {
      throw error instanceof DeploymentProblem ? new ProblemError(error.status, error.detail) : error;
    }
  };
  const body = (call: Call): unknown => {
    if (call.request.body.kind === 'invalid') {
      throw new ProblemError(400, 'The request body is not valid JSON.');
    }
    return call.request.body.kind === 'json' ? call.request.body.value : undefined;
  };
  const routes: Route[] = [];
  const actions: [string, string[]][] = [
    ['application', ['deploy', 'redeploy', 'restart-service', 'stop']],
    ['container', ['deploy', 'redeploy', 'restart-service', 'stop']],
    ['database', ['deploy', 'redeploy', 'restart-service', 'stop']],
    ['job', ['deploy', 'redeploy', 'stop']],
    ['helm', ['deploy', 'redeploy', 'stop']],
    ['terraform', ['deploy', 'redeploy']],
  ];
  for (const [type, verbs] of actions) {
    for (const verb of verbs) {
      routes.push(route('POST', `/${type}/{serviceId}/${verb}`, d((c) => store(c).serviceAction(c.principal, type, c.params.serviceId, verb, body(c)))));
    }
    routes.push(route('GET', `/${type}/{serviceId}/deploymentHistoryV2`, d((c) => store(c).history(c.principal, type, c.params.serviceId, c.request.query))));
  }
  for (const type of ['application', 'container', 'helm']) {
    routes.push(route('GET', `/${type}/{serviceId}/link`, d((c) => store(c).links(c.principal, type, c.params.serviceId))));
  }
  for (const type of ['application', 'job', 'helm', 'terraform']) {
    routes.push(route('GET', `/${type}/{serviceId}/commit`, d((c) => store(c).listCommits(c.principal, c.params.serviceId, type, c.request.query.get('of')))));
  }
  for (const verb of ['deploy', 'redeploy', 'stop'] as const) {
    routes.push(
      route('POST', `/environment/{environmentId}/${verb}`, d((c) => {
        const environment = requireEnvironment(c);
        const [status, answer] = store(c).environmentAction(c.principal, environment, verb);
        return [status, answer ?? environmentStatusJson(environment, servicesNow(c, environment.id))];
      })),
    );
  }
  routes.push(
    route('POST', '/environment/{environmentId}/cancelDeployment', d((c) => {
      const environment = requireEnvironment(c);
      store(c).cancelEnvironment(c.principal, environment);
      return [202, environmentStatusJson(environment, servicesNow(c, environment.id))];
    })),
  );
  routes.push(route('POST', '/deploymentQueue/{deploymentRequestId}/cancelDeployment', d((c) => store(c).cancelRequest(c.principal, c.params.deploymentRequestId))));
  return routes;
}

/** Clone, read and edit a service (whole bodies), deployment rules, delete, deploy chosen services (test/qovery/previews.ts). */
function previewRoutes(): Route[] {
  const store = (call: Call): EditableAccount => {
    if (!call.context.previews) {
      throw new ProblemError(404, 'Environment edits are not simulated here.');
    }
    return call.context.previews;
  };
  const body = (call: Call): unknown => {
    if (call.request.body.kind === 'invalid') {
      throw new ProblemError(400, 'The request body is not valid JSON.');
    }
    return call.request.body.kind === 'json' ? call.request.body.value : undefined;
  };
  // Admin and DevOps (and the user) may change an environment; the others read.
  const mayWrite = (call: Call, environment: EnvironmentRecord): void => {
    if (call.principal.kind === 'apiToken' && !['Admin', 'DevOps'].includes(call.principal.role.name)) {
      throw new ProblemError(403, `The role ${call.principal.role.name} may not change environment ${environment.name}.`);
    }
  };
  const p = (handle: (call: Call) => Reply) => (call: Call): Reply => {
    try {
      return handle(call);
    } catch (error) {
      if (error instanceof PreviewProblem || error instanceof DeploymentProblem) {
        throw new ProblemError(error.status, error.detail);
      }
      throw error;
    }
  };
  const withStates = (call: Call, json: ReturnType<typeof serviceJson>, id: string) => (call.context.deployments ? call.context.deployments.decorateService(json, id) : json);
  const routes: Route[] = [
    route('POST', '/environment/{environmentId}/clone', p((c) => {
      const environment = requireEnvironment(c);
      mayWrite(c, environment);
      return ok(environmentJson(store(c).clone(environment, body(c))), 202);
    })),
    route('DELETE', '/environment/{environmentId}', p((c) => {
      const environment = requireEnvironment(c);
      mayWrite(c, environment);
      store(c).delete(environment);
      return { status: 204 };
    })),
    route('GET', '/environment/{environmentId}', p((c) => ok(environmentJson(requireEnvironment(c))))),
    route('GET', '/environment/{environmentId}/deploymentRule', p((c) => ok(deploymentRuleJson(store(c).rule(requireEnvironment(c)))))),
    route('PUT', '/environment/{environmentId}/deploymentRule/{deploymentRuleId}', p((c) => {
      const environment = requireEnvironment(c);
      mayWrite(c, environment);
      return ok(deploymentRuleJson(store(c).editRule(environment, c.params.deploymentRuleId, body(c))));
    })),
    route('POST', '/environment/{environmentId}/service/deploy', p((c) => {
      const environment = requireEnvironment(c);
      if (!c.context.deployments) {
        throw new ProblemError(404, 'Deployments are not simulated here.');
      }
      c.context.deployments.deployServices(c.principal, environment, body(c));
      return ok(environmentStatusJson(environment, servicesNow(c, environment.id)), 202);
    })),
  ];
  for (const type of ['application', 'job', 'helm', 'terraform']) {
    routes.push(
      route('GET', `/${type}/{serviceId}`, p((c) => {
        const { environment, service } = store(c).service(type, c.params.serviceId);
        if (!canRead(c.principal, environment.organizationId)) {
          throw new ProblemError(403, 'This token has no access to this service.');
        }
        return ok(withStates(c, serviceJson(service), service.id));
      })),
      route('PUT', `/${type}/{serviceId}`, p((c) => {
        const { environment } = store(c).service(type, c.params.serviceId);
        if (!canRead(c.principal, environment.organizationId)) {
          throw new ProblemError(403, 'This token has no access to this service.');
        }
        mayWrite(c, environment);
        const edited = store(c).edit(type, c.params.serviceId, body(c));
        return ok(withStates(c, serviceJson(edited), edited.id));
      })),
    );
  }
  return routes;
}

/** The spec path template a request path matches, e.g. '/project/{projectId}/environment'. */
export function routeTemplate(method: string, path: string): string | undefined {
  return ROUTES.find((candidate) => candidate.method === method && candidate.pattern.test(path))?.template;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface Outcome {
  reply: Reply;
  principal?: Principal;
}

export function handleRequest(request: ApiRequest, context: ApiContext): Outcome {
  const principal = authenticate(request.credentials, context.account, context.tokens);
  const candidates = ROUTES.map((candidate) => ({ candidate, match: candidate.pattern.exec(request.path) })).filter((entry) => entry.match);
  if (candidates.length === 0) {
    return { principal, reply: { status: 404, body: problem(404, `No route for ${request.method} ${request.path}.`, request.path) } };
  }
  const found = candidates.find((entry) => entry.candidate.method === request.method);
  if (!found) {
    const allow = [...new Set(candidates.map((entry) => entry.candidate.method))].join(', ');
    return {
      principal,
      reply: { status: 405, headers: { allow }, body: problem(405, `${request.method} is not allowed on ${request.path}.`, request.path) },
    };
  }
  if (!principal) {
    return { reply: { status: 401, body: problem(401, 'The access token is missing, invalid, expired or revoked.', request.path) } };
  }
  const params: Record<string, string> = {};
  found.candidate.paramNames.forEach((name, index) => {
    params[name] = safeDecode(found.match![index + 1]);
  });
  try {
    return { principal, reply: found.candidate.handle({ request, principal, params, context }) };
  } catch (error) {
    if (error instanceof ProblemError) {
      return { principal, reply: { status: error.status, body: problem(error.status, error.detail, request.path) } };
    }
    throw error;
  }
}
