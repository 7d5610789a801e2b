// The agents chunk: the language model tools (VS Code 1.95+, feature-detected) over the linked service.
// Loaded in the background after the first sign-in, as the workspace chunk is; it reads through the
// deploy, logs and variables features' readers (their requests, no new one).
import * as vscode from 'vscode';
import { actConfirmation, registerActTools, type ActVerb } from '../agents/act';
import { participantHandler, registerParticipant } from '../agents/participant';
import { registerReadTools } from '../agents/register';
import { headPlan, type HeadPlan } from '../agents/deployHead';
import { MCP_PROVIDER_ID, QoveryMcpProvider, type McpHttpDefinitionLike } from '../agents/mcp';
import { readRuntimeWindow, type RuntimeWindow } from '../agents/runtime';
import { AgentTools, type ToolService } from '../agents/tools';
import { QoveryApiError } from '../api/errors';
import { parseLogMessage, serviceLogsUrl } from '../logs/live';
import { DeployApi } from '../deploy/api';
import { usableLinks } from '../deploy/decide';
import { commitsPath } from '../deploy/actions';
import { commitText, hasLinks, serviceTypeOf } from '../deploy/model';
import { gitApi } from '../shared/git';
import { treeState } from '../shared/gitRun';
import { VariablesApi } from '../variables/api';
import { serviceScopeOf } from '../variables/model';
import { readSettings } from '../config';
import { shortSha } from '../shared/sha';
import type { Core } from './core';

export function create(core: Core) {
  // The linked service first, then every service of the workspace link's scan (cached: no request once made).
  const services = async (wanted?: string): Promise<ToolService[]> => {
    const links = core.load('workspace').links;
    const active = await links.currentLink();
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
  // Deploy HEAD's facts: the linked folder's HEAD, the commits Qovery sees (one request), the working tree.
  const planHead = async (s: ToolService): Promise<HeadPlan> => {
    const type = serviceTypeOf(s.serviceType);
    const gitBuilt = type !== undefined && commitsPath(type, s.serviceId) !== undefined;
    const client = await core.session.client();
    const commits = gitBuilt && s.head && client && type ? await new DeployApi(client).commits(type, s.serviceId) : [];
    const folder = core.load('workspace').links.activeLink()?.folder.uri.fsPath;
    const tree = s.head && folder ? await treeState((await gitApi().catch(() => undefined))?.git?.path, folder) : undefined;
    return headPlan(
      { head: s.head, gitBuilt, commits: commits.map((c) => ({ git_commit_id: c.git_commit_id, text: commitText(c) })), dirty: tree === undefined || tree.kind === 'unknown' ? 'unknown' : tree.kind === 'dirty' },
      s.serviceName,
      vscode.l10n,
    );
  };
  const registrations = [
    ...registerReadTools(tools),
    ...registerActTools({
      signedIn: () => core.session.state.status === 'signedIn',
      // The read tools' words for a 401 (src/agents/tools.ts).
      notSignedIn: () => (core.session.state.status === 'invalidToken' ? vscode.l10n.t('Qovery rejected the token (401). Update it (Qovery: Update Token).') : undefined),
      service,
      commit: commitOf,
      headPlan: planHead,
      // The deploy feature's own path: its follow, notifications and error messages; the mode the user confirmed for this service.
      run: (verb, s, o) => {
        const commands = core.load('deploy').commands;
        switch (verb) {
          case 'redeploy':
            return commands.redeploy(s, o.confirmedMode);
          case 'restart':
            return commands.restart(s, o.confirmedMode);
          case 'deploy':
            return commands.deploy(s, o.commitId, o.confirmedMode);
        }
      },
    }),
  ];
  // The tool through VS Code, in the chat request: VS Code shows its confirmation before it runs.
  const invokeTool = async (name: string, toolInvocationToken: unknown, token: vscode.CancellationToken): Promise<string> => {
    const lm = (vscode as unknown as { lm?: { invokeTool?(name: string, options: object, token: vscode.CancellationToken): Thenable<{ content: unknown[] }> } }).lm;
    if (typeof lm?.invokeTool !== 'function') {
      throw new QoveryApiError('badRequest', 'This VS Code has no language model tools.');
    }
    const result = await lm.invokeTool(name, { input: {}, toolInvocationToken }, token);
    return result.content.map((p) => (p && typeof p === 'object' && typeof (p as { value?: unknown }).value === 'string' ? (p as { value: string }).value : '')).join('');
  };
  const participantDeps = {
    tools,
    service,
    invokeTool,
    // The workspace files the failing lines point at (the logs feature's resolver: existing files of the linked folder only).
    files: async (text: string, serviceId: string | undefined) => {
      const s = await service(serviceId);
      const found = s ? await core.load('logs').commands.fileLinks.filesIn(text, { serviceId: s.serviceId }) : [];
      return found.map((f) => ({ uri: vscode.Uri.file(f.file), line: f.line, column: f.column, title: `${vscode.workspace.asRelativePath(f.file, false)}:${f.line}` }));
    },
  };
  const mcp = registerMcpProvider(core);
  if (mcp) {
    registrations.push(mcp.registration, mcp.provider);
  }
  const participant = registerParticipant(participantDeps);
  if (participant) {
    registrations.push(participant);
  }
  return {
    tools,
    /** @qovery's handler (for the tests: no model in the host). */
    participant: participantHandler(participantDeps),
    /** The same handler with another tool invoker (for the tests: a host without a chat has no invocation token). */
    participantWith: (invoke: typeof invokeTool) => participantHandler({ ...participantDeps, invokeTool: invoke }),
    /** What VS Code asks before an act tool runs (for the tests: the host shows it only in a chat). */
    confirmation: async (verb: ActVerb, serviceId?: string) => {
      const s = await service(serviceId);
      if (!s) {
        return undefined;
      }
      if (verb === 'deploy') {
        const plan = await planHead(s);
        return plan.kind === 'deploy' ? actConfirmation('deploy', s, plan.commitText, plan.dirty) : undefined;
      }
      return actConfirmation(verb, s, await commitOf(s));
    },
    /** The MCP server definition provider (for the tests: VS Code calls it only from its MCP views), undefined on a host without the API. */
    mcpProvider: mcp?.provider,
    dispose: () => registrations.forEach((r) => r.dispose()),
  };
}

/** The 1.101 API (the types of the 1.90 floor do not have it). */
interface McpApi {
  lm?: { registerMcpServerDefinitionProvider?(id: string, provider: object): vscode.Disposable };
  McpHttpServerDefinition?: new (label: string, uri: vscode.Uri, headers?: Record<string, string>, version?: string) => McpHttpDefinitionLike;
}

/** Qovery's hosted MCP server for the active connection, on a host that has the API (VS Code 1.101+); nothing elsewhere. */
function registerMcpProvider(core: Core): { provider: QoveryMcpProvider<McpHttpDefinitionLike>; registration: vscode.Disposable } | undefined {
  const api = vscode as unknown as McpApi;
  const Definition = api.McpHttpServerDefinition;
  const lm = api.lm;
  if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof Definition !== 'function') {
    return undefined;
  }
  const store = core.session.store;
  const provider = new QoveryMcpProvider<McpHttpDefinitionLike>({
    active: () => {
      const c = store.active();
      return c ? { id: c.id, name: c.name } : undefined;
    },
    token: async (id) => {
      const token = await store.getToken(id);
      if (token) {
        core.log.protect(token);
      }
      return token;
    },
    scheme: () => readSettings().authScheme,
    apiUrl: () => readSettings().apiUrl,
    definition: (label, url, headers, version) => new Definition(label, vscode.Uri.parse(url), headers, version),
    onDidChangeConnection: (listener) => core.session.onDidChangeConnection(listener),
  });
  try {
    return { provider, registration: lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider) };
  } catch (error) {
    // VS Code 1.100 has the function as a proposal that refuses the call: no surface, said in the log.
    core.log.info(`The MCP server definition provider could not be registered: ${core.log.redact(String((error as Error)?.message ?? error))}`);
    provider.dispose();
    return undefined;
  }
}

declare module './core' {
  interface ChunkModules {
    agents: typeof create;
  }
}
