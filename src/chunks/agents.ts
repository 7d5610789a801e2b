// The agents chunk: the language model tools (VS Code 1.95+, feature-detected) over the linked service.
// Loaded in the background after the first sign-in, as the workspace chunk is; it reads through the
// deploy, logs and variables features' readers (their requests, no new one).
import * as vscode from 'vscode';
import { actConfirmation, registerActTools, type ActVerb } from '../agents/act';
import { participantHandler, registerParticipant } from '../agents/participant';
import { registerReadTools } from '../agents/register';
import { readRuntimeWindow, type RuntimeWindow } from '../agents/runtime';
import { AgentTools, type ToolService } from '../agents/tools';
import { QoveryApiError } from '../api/errors';
import { parseLogMessage, serviceLogsUrl } from '../logs/live';
import { DeployApi } from '../deploy/api';
import { usableLinks } from '../deploy/decide';
import { hasLinks, serviceTypeOf } from '../deploy/model';
import { VariablesApi } from '../variables/api';
import { serviceScopeOf } from '../variables/model';
import { shortSha } from '../shared/sha';
import type { Core } from './core';

export function create(core: Core) {
  // The linked service first, then every service of the workspace link's scan (cached: no request once made).
  const services = async (wanted?: string): Promise<ToolService[]> => {
    const links = core.load('workspace').links;
    await links.refresh();
    const active = links.activeLink();
    const linked: ToolService[] = active?.status === 'linked' && active.link ? [{ ...active.link, head: active.head }] : [];
    if (!wanted || linked.some((s) => s.serviceId === wanted)) {
      return linked;
    }
    const heads = new Map(links.links.filter((l) => l.link).map((l) => [l.link!.serviceId, l.head]));
    return [...linked, ...(await links.services()).services.map((c) => ({ ...c, head: heads.get(c.serviceId) }))];
  };
  const tools = new AgentTools({
    l10n: vscode.l10n,
    client: () => core.session.client(),
    services,
    history: async (client, service, pageSize = 1) => {
      const type = serviceTypeOf(service.serviceType);
      return type ? new DeployApi(client).history(type, service.serviceId, pageSize) : [];
    },
    runtimeLogs: async (service, accept): Promise<RuntimeWindow> => {
      const access = core.load('statuses').access;
      const clusterId = await access.clusterOf(service.projectId, service.environmentId);
      if (!clusterId) {
        throw new QoveryApiError('notFound', 'The environment of this service was not found.');
      }
      const where = `Runtime log window of service ${service.serviceId}`;
      const window = await readRuntimeWindow({
        url: serviceLogsUrl(access.baseUrl(), { ...service, clusterId }),
        authorization: () => access.authorization(),
        connect: (url, headers) => core.load('gateway').connect(url, headers),
        parse: parseLogMessage,
        accept,
        onProblem: (text) => core.log.warn(`${where}: ${text}`),
      });
      // As the live logs: a 401 on the upgrade, or a close 1007/1008, goes through the token check.
      if (window.end === 'unauthorized' || (window.end === 'forbidden' && window.code !== undefined && window.code >= 1000)) {
        core.session.reportFailure(new QoveryApiError('unauthorized', 'The log stream refused the token (401, or close code 1007/1008).'));
      }
      core.log.info(`${where}: ${window.lines.length} of ${window.received} lines in ${window.elapsedMs} ms (${window.end}).`);
      return window;
    },
    deploymentLog: (service) => core.load('logs').commands.fetchDeploymentLogs({ environmentId: service.environmentId, serviceId: service.serviceId, serviceName: service.serviceName }),
    explain: (entries) => core.load('logs').explainFailureOf(entries),
    urls: async (client, service) => {
      const type = serviceTypeOf(service.serviceType);
      return type && hasLinks(type) ? usableLinks(await new DeployApi(client).links(type, service.serviceId)).map((l) => l.url) : [];
    },
    variables: async (client, service) => {
      const scope = serviceScopeOf(service.serviceType);
      if (!scope) {
        return [];
      }
      // The key, scope and whether it is a secret: the value is never read out of the answer.
      return (await new VariablesApi(client).list({ scope, parentId: service.serviceId })).map((v) => ({ key: v.key, scope: v.scope, secret: v.is_secret === true }));
    },
  });
  const service = async (wanted: string | undefined): Promise<ToolService | undefined> => {
    const all = await services(wanted);
    return wanted ? all.find((s) => s.serviceId === wanted) : all[0];
  };
  const commitOf = async (s: ToolService): Promise<string | undefined> => {
    const client = await core.session.client();
    const type = serviceTypeOf(s.serviceType);
    const [last] = client && type ? await new DeployApi(client).history(type, s.serviceId, 1) : [];
    return shortSha((last?.details as { commit?: { git_commit_id?: string } | null } | undefined)?.commit?.git_commit_id);
  };
  const registrations = [
    ...registerReadTools(tools),
    ...registerActTools({
      signedIn: () => core.session.state.status === 'signedIn',
      service,
      commit: commitOf,
      // The deploy feature's own path: its follow, notifications and error messages; the user confirmed for this mode.
      run: (verb, s) => (verb === 'redeploy' ? core.load('deploy').commands.redeploy(s, s.environmentMode) : core.load('deploy').commands.restart(s, s.environmentMode)),
    }),
  ];
  const participantDeps = { tools, service };
  const participant = registerParticipant(participantDeps);
  if (participant) {
    registrations.push(participant);
  }
  return {
    tools,
    /** @qovery's handler (for the tests: no model in the host). */
    participant: participantHandler(participantDeps),
    /** What VS Code asks before an act tool runs (for the tests: the host shows it only in a chat). */
    confirmation: async (verb: ActVerb, serviceId?: string) => {
      const s = await service(serviceId);
      return s && actConfirmation(verb, s, await commitOf(s));
    },
    dispose: () => registrations.forEach((r) => r.dispose()),
  };
}

declare module './core' {
  interface ChunkModules {
    agents: typeof create;
  }
}
