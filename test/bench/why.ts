// What `@qovery /why` costs on the linked service: the REST requests it makes and the bytes it hands the
// model, with a failed deployment whose log is large (20,000 lines). Plain Node: the agent tools as the
// agents chunk wires them (statuses, one history entry, the deployment's log), against the test server
// on 127.0.0.1. The workspace link's scan is the link's own, made before: not counted.
import { AgentTools, type ToolService } from '../../src/agents/tools';
import { QoveryClient } from '../../src/api';
import { apiPath } from '../../src/api/client';
import { DeployApi } from '../../src/deploy/api';
import { explainFailureOf, latestExecutionId, ofExecution, ofService, parseDeploymentLogs } from '../../src/logs/deployment';
import { DEMO, failedExecutionId, startQoveryServer } from '../qovery';

export interface WhyCost {
  logLines: number;
  requests: number;
  byRoute: Record<string, number>;
  resultBytes: number;
  /** The failure's explanation and its deployment id are in the answer. */
  explained: boolean;
}

const l10n = { t: (message: string, ...args: (string | number)[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) };

export async function measureWhy(logLines = 20_000): Promise<WhyCost> {
  const server = await startQoveryServer();
  try {
    const environmentId = DEMO.environments.storefrontStaging;
    const serviceId = DEMO.services.stagingApi;
    const environment = server.state.account.environment(environmentId)!;
    const record = server.state.account.services(environmentId).find((s) => s.id === serviceId)!;
    const executionId = failedExecutionId(environmentId);
    // A failing step of 20,000 lines, ended by its error (the server answers the last 1,000 entries, as Qovery's log endpoint does).
    const service = { id: serviceId, name: record.name };
    server.state.appendDeploymentLogs([
      ...Array.from({ length: logLines }, (_, i) => ({ environmentId, executionId, stage: 'Deploy', step: 'Deploy', service, message: `deploy output line ${i + 1}: ${'x'.repeat(60)}` })),
      {
        environmentId,
        executionId,
        stage: 'Deploy',
        step: 'DeployedError',
        service,
        type: 'error' as const,
        message: `Container ${record.name} exited with code 1`,
        error: { tag: 'CONTAINER_CRASHED', user_log_message: `${record.name} crashed at start: the container exited with code 1.`, hint_message: 'Check the port.' },
      },
    ]);
    const client = new QoveryClient({ baseUrl: server.url, token: server.tokens.admin, maxRetries: 0 });
    const linked: ToolService = {
      organizationId: environment.organizationId,
      organizationName: 'Acme Corp',
      projectId: environment.projectId,
      projectName: 'storefront',
      environmentId,
      environmentName: environment.name,
      environmentMode: environment.mode,
      serviceId,
      serviceName: record.name,
      serviceType: record.source.type,
      git: {},
      head: 'c'.repeat(40),
    };
    const tools = new AgentTools({
      l10n,
      client: () => Promise.resolve(client),
      services: () => Promise.resolve([linked]),
      history: (c, s, pageSize = 1) => new DeployApi(c).history(record.source.type, s.serviceId, pageSize),
      runtimeLogs: () => Promise.reject(new Error('/why reads no runtime logs')),
      // As the logs feature's fetchDeploymentLogs: the environment's log, the latest execution, this service's lines.
      deploymentLog: async (s) => {
        const entries = parseDeploymentLogs(await client.get(apiPath`/environment/${s.environmentId}/logs`));
        const id = latestExecutionId(entries);
        return { entries: ofService(ofExecution(entries, id), s.serviceId), executionId: id };
      },
      explain: explainFailureOf,
      urls: () => Promise.resolve([]),
      variables: () => Promise.resolve([]),
    });
    server.clearLog();
    const answer = await tools.lastDeployment({});
    const byRoute: Record<string, number> = {};
    for (const r of server.requests) {
      const route = `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')}`;
      byRoute[route] = (byRoute[route] ?? 0) + 1;
    }
    return { logLines, requests: server.requests.length, byRoute, resultBytes: Buffer.byteLength(answer, 'utf8'), explained: answer.includes(executionId) && answer.includes('crashed at start') };
  } finally {
    await server.close();
  }
}

// `node out/test/bench/why.js`: prints the figures as JSON.
if (require.main === module) {
  measureWhy().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
