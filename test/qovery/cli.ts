// Runs the fake Qovery API by hand: node out/test/qovery/cli.js [--port N] [--latency MS] [--large 50x500]
import { generateLargeAccount, type LargeAccountOptions } from './generator';
import { startQoveryServer, type QoveryServerOptions } from './server';

const USAGE = `Usage: node out/test/qovery/cli.js [--port N] [--latency MS] [--large ORGSxPROJECTS[xENVSxSERVICES]]
  --port N        listen on 127.0.0.1:N (default: a free port)
  --latency MS    add MS milliseconds to every answer
  --large SIZE    serve a generated account, e.g. 50x500 or 50x500x2x4, instead of the demo account`;

export interface CliOptions {
  port?: number;
  latencyMs?: number;
  large?: LargeAccountOptions;
  help: boolean;
}

function integer(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 0) {
    throw new Error(`${flag} needs a non-negative integer, got ${text ?? 'nothing'}`);
  }
  return value;
}

function largeSize(text: string | undefined): LargeAccountOptions {
  const parts = (text ?? '').toLowerCase().split('x').map((part) => Number(part));
  if (parts.length < 2 || parts.length > 4 || parts.some((part) => !Number.isInteger(part) || part < 0)) {
    throw new Error(`--large needs ORGSxPROJECTS[xENVSxSERVICES], e.g. 50x500, got ${text ?? 'nothing'}`);
  }
  const [organizations, projectsPerOrganization, environmentsPerProject, servicesPerEnvironment] = parts;
  return { organizations, projectsPerOrganization, environmentsPerProject, servicesPerEnvironment };
}

export function parseCliArguments(args: readonly string[]): CliOptions {
  const options: CliOptions = { help: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--port':
        options.port = integer(flag, value());
        break;
      case '--latency':
        options.latencyMs = integer(flag, value());
        break;
      case '--large':
        options.large = largeSize(value());
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${args[i]}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const serverOptions: QoveryServerOptions = { port: options.port, latencyMs: options.latencyMs };
  if (options.large) {
    serverOptions.account = generateLargeAccount(options.large);
  }
  const server = await startQoveryServer(serverOptions);
  const { tokens } = server;
  console.log(`Qovery test API listening on ${server.url} (${server.state.account.summary})`);
  // Live logs (`/service/logs` on the same port): a line a second on every open stream.
  server.logs.trickle(1000);
  console.log(`  live logs websocket: ${server.url.replace('http:', 'ws:')} (set qovery.websocketUrl to it)`);
  console.log(`  admin token, first organization:    ${tokens.admin}`);
  console.log(`  viewer token, first organization:   ${tokens.viewer}`);
  console.log(`  deployer token, first organization: ${tokens.deployer}`);
  if (server.state.account.organizations().length > 1) {
    console.log(`  admin token, second organization:   ${tokens.secondOrgAdmin}`);
  }
  console.log(`  user JWT, every organization (send as Bearer): ${tokens.userJwt}`);
  console.log(`Try: curl -H "Authorization: Token ${tokens.admin}" ${server.url}/organization  (Ctrl+C to stop)`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`${signal} received, stopping`);
    void server.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  void main();
}
