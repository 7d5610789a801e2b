// Starts the VS Code 1.100.3 server (code-server) and Debian's Chromium, and runs a mocha suite
// inside the extension host, the way VS Code's own browser integration runner does.
// Every process started here is ended, and every temporary folder removed, by dispose().
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { ensureHost, hostKind, hostPaths, chromiumPath, root } from './host.mjs';

export { root };

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs, isAlive) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) {
      throw new Error('code-server exited before it was ready');
    }
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * A code-server instance with its own user-data, extensions, config and XDG/TMP folders.
 * options.env is added to the server's environment (the extension host inherits it); options.settings
 * to the user settings; options.port fixes the port; options.baseDir keeps the folders (not removed);
 * options.browser: false skips installing Chromium; options.logLevel is the server's log level (warn);
 * options.kind is the host, `floor` (VS Code 1.100.3, the default or QOVERY_VSCODE_HOST) or `newer` (1.103.2).
 */
export class CodeServerHost {
  constructor(options = {}) {
    this.options = options;
    this.paths = hostPaths(hostKind(options.kind));
    this.base = options.baseDir ?? mkdtempSync(join(tmpdir(), 'qovery-vscode-'));
    this.ownsBase = !options.baseDir;
    this.userDataDir = join(this.base, 'user-data');
    this.extensionsDir = join(this.base, 'extensions');
    this.workspaceDir = join(this.base, 'workspace');
    this.xdg = join(this.base, 'xdg');
    for (const dir of [this.userDataDir, this.extensionsDir, this.workspaceDir, this.xdg, join(this.xdg, 'tmp')]) {
      mkdirSync(dir, { recursive: true });
    }
    this.serverLog = [];
  }

  get childEnv() {
    return {
      ...process.env,
      XDG_DATA_HOME: join(this.xdg, 'data'),
      XDG_CONFIG_HOME: join(this.xdg, 'config'),
      XDG_CACHE_HOME: join(this.xdg, 'cache'),
      TMPDIR: join(this.xdg, 'tmp'),
      ...this.options.env,
    };
  }

  /** Installs a .vsix into this host's extensions folder (offline). */
  installVsix(vsixPath) {
    execFileSync(this.paths.node, [this.paths.entry, '--extensions-dir', this.extensionsDir, '--user-data-dir', this.userDataDir, '--install-extension', vsixPath], {
      env: this.childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return readdirSync(this.extensionsDir).filter((name) => !name.startsWith('.') && name !== 'extensions.json');
  }

  writeUserSettings(settings) {
    const dir = join(this.userDataDir, 'User');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
  }

  async start() {
    ensureHost({ browser: this.options.browser ?? true, kind: this.paths.kind });
    this.port = this.options.port ?? (await freePort());
    const config = join(this.base, 'config.yaml');
    writeFileSync(config, 'auth: none\ncert: false\n');
    this.writeUserSettings({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'window.restoreWindows': 'none',
      ...this.options.settings,
    });
    const args = [
      this.paths.entry,
      '--bind-addr', `127.0.0.1:${this.port}`,
      '--auth', 'none',
      '--config', config,
      '--user-data-dir', this.userDataDir,
      '--extensions-dir', this.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--log', this.options.logLevel ?? 'warn',
    ];
    this.process = spawn(this.paths.node, args, { env: this.childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = false;
    this.process.on('exit', (code, signal) => {
      this.exited = true;
      this.exitInfo = { code, signal };
    });
    const keep = (chunk) => {
      this.serverLog.push(chunk.toString());
      if (this.serverLog.length > 500) {
        this.serverLog.shift();
      }
      if (process.env.QOVERY_TEST_VERBOSE) {
        process.stderr.write(`[code-server] ${chunk}`);
      }
    };
    this.process.stdout.on('data', keep);
    this.process.stderr.on('data', keep);
    this.url = `http://127.0.0.1:${this.port}`;
    await waitForHttp(`${this.url}/healthz`, 60_000, () => !this.exited);
    return this;
  }

  remoteUri(absPath) {
    return `vscode-remote://127.0.0.1:${this.port}${absPath}`;
  }

  /** The workbench URL, optionally with a test payload (extension development path and tests path). */
  /**
   * Writes a .code-workspace file holding `folders` (default: the workspace folder). A window opened on
   * it can add and remove folders without restarting the extension host (a folder window cannot).
   */
  writeWorkspaceFile(folders = [this.workspaceDir], settings = {}) {
    const file = join(this.base, 'test.code-workspace');
    writeFileSync(file, JSON.stringify({ folders: folders.map((path) => ({ path })), settings }, null, 2));
    return file;
  }

  workbenchUrl({ extensionDevelopmentPath, extensionTestsPath, folder, workspace } = {}) {
    const payload = [];
    if (extensionDevelopmentPath) {
      payload.push(['extensionDevelopmentPath', this.remoteUri(extensionDevelopmentPath)]);
    }
    if (extensionTestsPath) {
      payload.push(['extensionTestsPath', this.remoteUri(extensionTestsPath)]);
    }
    const params = new URLSearchParams(workspace ? { workspace } : { folder: folder ?? this.workspaceDir });
    if (payload.length > 0) {
      params.set('payload', JSON.stringify(payload));
    }
    return `${this.url}/?${params.toString()}`;
  }

  async launchBrowser({ headless = true, viewport = { width: 1400, height: 900 } } = {}) {
    this.browser = await chromium.launch({
      executablePath: chromiumPath,
      headless,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      ],
      env: this.childEnv,
    });
    this.context = await this.browser.newContext({ viewport });
    return this.context;
  }

  async dispose() {
    try {
      await this.browser?.close();
    } catch {
      // already gone
    }
    if (this.process && !this.exited) {
      try {
        process.kill(-this.process.pid, 'SIGTERM');
      } catch {
        // group already gone
      }
      const deadline = Date.now() + 5000;
      while (!this.exited && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!this.exited) {
        try {
          process.kill(-this.process.pid, 'SIGKILL');
        } catch {
          // group already gone
        }
      }
    }
    if (this.ownsBase && !process.env.QOVERY_TEST_KEEP) {
      rmSync(this.base, { recursive: true, force: true });
    }
  }
}

/**
 * Runs a mocha suite (extensionTestsPath) in the extension host and resolves with its exit code.
 * The extension host's console (mocha's reporter) is printed to our stdout as it arrives, or, with
 * `buffered` (suites that run side by side), all at once when the suite ends, so reports do not mix.
 */
export async function runSuiteInHost(host, { extensionDevelopmentPath, extensionTestsPath, outputFile, timeoutMs = 20 * 60_000, onPage, workspace, buffered = false, heading }) {
  const context = await host.launchBrowser();
  // Prints what the suite's reporter appends to outputFile.
  let printed = 0;
  const pump = () => {
    if (!outputFile || !existsSync(outputFile)) {
      return;
    }
    const text = readFileSync(outputFile, 'utf8');
    if (text.length > printed) {
      process.stdout.write(text.slice(printed));
      printed = text.length;
    }
  };
  const pumpTimer = buffered ? undefined : setInterval(pump, 200);
  let resolveExit;
  const exited = new Promise((resolve) => {
    resolveExit = resolve;
  });
  await context.exposeFunction('codeAutomationLog', (type, args) => {
    // The workbench's own log (the extension host's console goes through outputFile instead).
    if (process.env.QOVERY_TEST_VERBOSE) {
      const line = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      process.stderr.write(`[workbench ${type}] ${line}\n`);
    }
  });
  await context.exposeFunction('codeAutomationExit', (code) => {
    resolveExit(typeof code === 'number' ? code : 1);
  });
  const page = await context.newPage();
  page.on('crash', () => resolveExit(70));
  await onPage?.(page);
  await page.goto(host.workbenchUrl({ extensionDevelopmentPath, extensionTestsPath, workspace }));
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => {
      process.stdout.write(`\nThe suite did not finish within ${Math.round(timeoutMs / 1000)} s.\n`);
      resolve(124);
    }, timeoutMs);
  });
  const hostDied = new Promise((resolve) => {
    const check = setInterval(() => {
      if (host.exited) {
        clearInterval(check);
        process.stdout.write(`\ncode-server exited (${JSON.stringify(host.exitInfo)}) before the suite finished.\n${host.serverLog.join('')}\n`);
        resolve(71);
      }
    }, 200);
    exited.finally(() => clearInterval(check));
    timedOut.finally(() => clearInterval(check));
  });
  const code = await Promise.race([exited, timedOut, hostDied]);
  clearTimeout(timer);
  clearInterval(pumpTimer);
  if (buffered && heading) {
    process.stdout.write(heading);
  }
  pump();
  return { code, page };
}

export function readJsonIfExists(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

/** Runs a workbench command through the command palette, as a user does. */
export async function runCommandFromPalette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/**
 * Opens a workbench with the extension at extensionPath loaded (development mode, no tests),
 * and reads the activation time VS Code reports for each named extension in "Running Extensions".
 */
export async function readActivationTimes(host, { extensionDevelopmentPaths = [], names }) {
  const context = host.context ?? (await host.launchBrowser());
  const page = await context.newPage();
  try {
    const params = new URLSearchParams({ folder: host.workspaceDir });
    if (extensionDevelopmentPaths.length > 0) {
      params.set('payload', JSON.stringify(extensionDevelopmentPaths.map((p) => ['extensionDevelopmentPath', host.remoteUri(p)])));
    }
    await page.goto(`${host.url}/?${params.toString()}`);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    const result = {};
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && Object.keys(result).length < names.length) {
      await runCommandFromPalette(page, 'Developer: Show Running Extensions');
      await page.locator('.runtime-extensions-editor .monaco-list-row').first().waitFor({ timeout: 15_000 });
      for (const name of names) {
        const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: name }).first();
        if ((await row.count()) === 0) {
          continue;
        }
        const text = (await row.innerText()).replace(/\s+/g, ' ');
        const match = /(?:Activation|Startup Activation):?\s*(\d+)\s*ms/i.exec(text) ?? /(\d+)\s*ms/.exec(text);
        if (match) {
          result[name] = Number(match[1]);
        }
      }
      if (Object.keys(result).length < names.length) {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    return result;
  } finally {
    await page.close();
  }
}
