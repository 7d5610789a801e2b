// `npm start`: the extension in VS Code in the browser, against the Qovery-compatible demo server.
// Builds the extension, starts the demo API and the VS Code server (code-server 4.100.3, installed on
// first use) on 127.0.0.1 with the extension loaded from this folder, and prints the URL to open and
// the token to paste. Ctrl+C stops both.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CodeServerHost, freePort, root } from './vscode-host.mjs';
import { buildExtension, loadQoveryApi } from './qovery-api.mjs';

const USAGE = `Usage: npm start -- [--port N] [--fresh] [--latency MS]
  --port N       serve VS Code on 127.0.0.1:N (default 8080; a free port when N is taken)
  --fresh        start from a new VS Code profile (forgets connections, settings and window state)
  --latency MS   the demo API waits MS milliseconds before each answer`;

const PROFILE_DIR = join(root, '.vscode-test', 'demo-profile');

function parseArguments(argv) {
  const options = { port: 8080, fresh: false, latencyMs: 0 };
  const integer = (flag, text) => {
    const value = Number(text);
    if (text === undefined || !Number.isInteger(value) || value < 0 || value > 65535) {
      throw new Error(`${flag} needs a whole number, got ${text ?? 'nothing'}`);
    }
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        options.port = integer(flag, value());
        break;
      case '--fresh':
        options.fresh = true;
        break;
      case '--latency':
        options.latencyMs = integer(flag, value());
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return options;
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The user settings of the kept profile, so that what the user changed survives a restart. */
function previousSettings(profile) {
  const file = join(profile, 'user-data', 'User', 'settings.json');
  if (!existsSync(file)) {
    return {};
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Comments or a syntax error: keep the file aside rather than lose it silently.
    renameSync(file, `${file}.bak`);
    process.stdout.write(`Note: ${file} could not be read as JSON; it was kept as settings.json.bak.\n`);
    return {};
  }
}

/** The demo's remote and branch: the demo account's "web" service of storefront/production builds them. */
const DEMO_REMOTE = 'git@github.com:acme/storefront-web.git';
const DEMO_BRANCH = 'main';

/**
 * Makes the demo workspace folder a git repository whose remote and branch match a demo service, so
 * the status bar shows the link at once after sign-in. Nothing is fetched: the remote branch is a local ref.
 */
function prepareDemoRepository(dir) {
  if (existsSync(join(dir, '.git'))) {
    return;
  }
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=Qovery Demo', '-c', 'user.email=demo@example.com', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git('init', '-q', '-b', DEMO_BRANCH);
    writeFileSync(join(dir, 'README.md'), '# storefront-web (Qovery extension demo)\n\nThis folder\'s remote is acme/storefront-web and its branch main: the demo service "web" of storefront/production builds them.\n');
    git('add', 'README.md');
    git('commit', '-q', '-m', 'Demo repository');
    git('remote', 'add', 'origin', DEMO_REMOTE);
    git('update-ref', `refs/remotes/origin/${DEMO_BRANCH}`, 'HEAD');
  } catch (error) {
    process.stdout.write(`Note: the demo folder could not be made a git repository (${error instanceof Error ? error.message : String(error)}); the workspace link will show nothing.\n`);
  }
}

async function main() {
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.fresh) {
    rmSync(PROFILE_DIR, { recursive: true, force: true });
  }

  process.stdout.write('Building the extension (dist/extension.js)…\n');
  buildExtension();
  const api = await loadQoveryApi();
  const server = await api.startQoveryServer({ latencyMs: options.latencyMs });
  // Live logs: every open stream gets a line a second.
  server.logs.trickle(1000);

  let port = options.port;
  if (!(await portIsFree(port))) {
    const requested = port;
    port = await freePort();
    process.stdout.write(`Port ${requested} is taken; using ${port}.\n`);
  }
  const host = new CodeServerHost({
    baseDir: PROFILE_DIR,
    port,
    // `npm start` opens no browser itself, so Chromium is not needed.
    browser: false,
    settings: { 'git.autofetch': false, ...previousSettings(PROFILE_DIR), 'qovery.apiUrl': server.url, 'qovery.websocketUrl': server.url.replace('http:', 'ws:') },
    // Qovery tokens of the shell stay out of the demo: the sign-in would offer them to the demo API.
    env: { QOVERY_API_TOKEN: '', QOVERY_CLI_ACCESS_TOKEN: '', Q_CLI_ACCESS_TOKEN: '' },
  });

  let stopping = false;
  const stop = async (code) => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stdout.write('\nStopping VS Code and the demo API…\n');
    await host.dispose();
    await server.close();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => void stop(0));
  }

  try {
    process.stdout.write('Starting VS Code (code-server)…\n');
    await host.start();
  } catch (error) {
    process.stderr.write(`VS Code did not start: ${error instanceof Error ? error.message : String(error)}\n${host.serverLog.join('')}\n`);
    await stop(1);
    return;
  }
  // After start: the host setup installs git when it is missing. No window is open yet.
  prepareDemoRepository(host.workspaceDir);
  const watcher = setInterval(() => {
    if (host.exited && !stopping) {
      process.stderr.write(`\nVS Code stopped unexpectedly (${JSON.stringify(host.exitInfo)}).\n${host.serverLog.slice(-20).join('')}\n`);
      void stop(1);
    }
  }, 500);
  watcher.unref();

  const { tokens } = server;
  const organizations = server.state.account.organizations().map((o) => o.name);
  process.stdout.write(
    [
      '',
      'Qovery extension demo',
      '',
      `  Open this URL in a browser (VS Code with the extension from ${root}):`,
      `    ${host.workbenchUrl({ extensionDevelopmentPath: root })}`,
      '',
      `  Then run "Qovery: Sign In" (or click Sign In in the Qovery view) and paste this demo token`,
      `  (Admin of "${organizations[0]}"):`,
      `    ${tokens.admin}`,
      '',
      `  Other demo tokens: viewer ${tokens.viewer}`,
      ...(organizations.length > 1 ? [`                     admin of "${organizations[1]}" ${tokens.secondOrgAdmin}`] : []),
      '',
      `  The workspace folder is a git repository of ${DEMO_REMOTE} on ${DEMO_BRANCH}: once signed in, the status bar`,
      '  shows the Qovery service it deploys to (web · production).',
      '',
      `  Demo Qovery API: ${server.url} (${server.state.account.summary}); the setting qovery.apiUrl points to it.`,
      `  VS Code profile: ${PROFILE_DIR} (kept between runs; npm start -- --fresh starts over).`,
      '  The demo API forgets tokens created or rotated in VS Code when it stops: after a restart,',
      '  sign in again with the demo token.',
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
