// End-to-end tests: the extension in a real VS Code window (code-server 4.100.3, development mode,
// no test runner inside) driven through Chromium as a user drives it, against the Qovery-compatible
// test server running in this process. Steps live in test/e2e/NN-*.mjs and run in file order.
// The run saves screenshots into test-results/screenshots/ (ignored by git; `--screenshots media/screenshots`
// refreshes the README's pictures) and ends with "e2e: N passed, N failed".
//
// Usage: node scripts/e2e.mjs [--no-build] [--no-screenshots] [--screenshots DIR]
//                             [--extension-path DIR] [--only WORD] [--headed]
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeServerHost, root } from './vscode-host.mjs';
import { buildExtension, loadQoveryApi } from './qovery-api.mjs';
import { Workbench } from '../test/e2e/support/workbench.mjs';

const STEP_TIMEOUT_MS = 90_000;
const SCREENSHOT_BUDGET_BYTES = 150 * 1024;
const VIEWPORT = { width: 1280, height: 800 };

function parseArguments(argv) {
  const options = { build: true, screenshots: join(root, 'test-results', 'screenshots'), extensionPath: root, headed: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--no-build':
        options.build = false;
        break;
      case '--no-screenshots':
        options.screenshots = undefined;
        break;
      case '--screenshots':
        options.screenshots = resolve(value());
        break;
      case '--extension-path':
        options.extensionPath = resolve(value());
        break;
      case '--only':
        options.only = value();
        break;
      case '--headed':
        options.headed = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return options;
}

class Skip extends Error {}

/** The extension's log (its LogOutputChannel, which VS Code writes under the user data folder). */
function extensionLog(host, extensionId) {
  const logs = join(host.userDataDir, 'logs');
  if (!existsSync(logs)) {
    return '';
  }
  for (const session of readdirSync(logs).sort().reverse()) {
    const dir = join(logs, session, 'exthost1', extensionId.toLowerCase());
    if (existsSync(dir)) {
      return readdirSync(dir)
        .filter((f) => f.endsWith('.log'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('');
    }
  }
  return '';
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function loadSteps(only) {
  const dir = join(root, 'test', 'e2e');
  const files = readdirSync(dir)
    .filter((f) => /^\d+-.*\.mjs$/.test(f))
    .sort();
  const steps = [];
  for (const file of files) {
    const module = await import(pathToFileURL(join(dir, file)).href).catch((error) => {
      throw new Error(`test/e2e/${file} does not load: ${error.message}`);
    });
    for (const step of module.steps ?? []) {
      steps.push({ ...step, file });
    }
  }
  if (!only) {
    return steps;
  }
  // The matching steps, and the steps they need, in file order.
  const wanted = new Set(steps.filter((s) => s.file.includes(only) || s.name.includes(only)).map((s) => s.name));
  for (const step of [...steps].reverse()) {
    if (wanted.has(step.name)) {
      for (const need of step.needs ?? []) {
        wanted.add(need);
      }
    }
  }
  return steps.filter((s) => wanted.has(s.name));
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds(ms)}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const manifest = JSON.parse(readFileSync(join(options.extensionPath, 'package.json'), 'utf8'));
  const nls = existsSync(join(options.extensionPath, 'package.nls.json')) ? JSON.parse(readFileSync(join(options.extensionPath, 'package.nls.json'), 'utf8')) : {};
  const steps = await loadSteps(options.only);
  if (options.build && options.extensionPath === root) {
    buildExtension();
  }
  const api = await loadQoveryApi();
  const server = await api.startQoveryServer();
  const failureDir = join(root, '.vscode-test', 'e2e-failures');
  rmSync(failureDir, { recursive: true, force: true });
  if (options.screenshots) {
    mkdirSync(options.screenshots, { recursive: true });
  }
  const host = new CodeServerHost({
    settings: {
      'qovery.apiUrl': server.url,
      // Live logs come from the test server's websocket on the same port.
      'qovery.websocketUrl': server.url.replace('http:', 'ws:'),
      'workbench.editor.empty.hint': 'hidden',
      'window.menuBarVisibility': 'compact',
      // The terminal's rows in the DOM, so the shell step can read them.
      'terminal.integrated.gpuAcceleration': 'off',
    },
    // The extension's info lines are printed when a step fails.
    logLevel: 'info',
    // A token in the runner's environment would change the sign-in dialogs: hide it from the extension.
    env: { QOVERY_API_TOKEN: '', QOVERY_CLI_ACCESS_TOKEN: '', Q_CLI_ACCESS_TOKEN: '' },
  });
  const results = { passed: 0, failed: 0, skipped: 0 };
  const passedNames = new Set();
  const started = Date.now();
  try {
    await host.start();
    const context = await host.launchBrowser({ headless: !options.headed, viewport: VIEWPORT });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    say(`e2e: VS Code ${host.url}, Qovery test API ${server.url}, extension ${options.extensionPath === root ? '.' : options.extensionPath}`);
    await page.goto(host.workbenchUrl({ extensionDevelopmentPath: options.extensionPath }));
    const wb = new Workbench(page, manifest);
    await wb.waitForWorkbench();
    await wb.recordNotifications();
    // A development window does not apply the user's theme setting: once the extensions are registered
    // (the Qovery status bar item is there), pick VS Code's default dark theme as a user would.
    await wb
      .statusItem()
      .waitFor({ timeout: 90_000 })
      .then(() => wb.selectColorTheme('Dark Modern'))
      .catch((error) => say(`(the color theme was not changed: ${error.message.split('\n')[0]})`));

    const shots = [];
    const text = (value) => (typeof value === 'string' ? value.replace(/^%(.+)%$/, (whole, key) => nls[key] ?? whole) : value);
    const t = {
      page,
      wb,
      api,
      server,
      host,
      manifest,
      /** Resolves a manifest string (%key%) through package.nls.json. */
      text,
      hasCommand: (id) => (manifest.contributes?.commands ?? []).some((c) => c.command === id),
      /** The command's label in the command palette: "Category: Title". */
      commandTitle: (id) => {
        const c = (manifest.contributes?.commands ?? []).find((x) => x.command === id);
        return c ? [text(c.category), text(c.title)].filter(Boolean).join(': ') : undefined;
      },
      state: {},
      skip(reason) {
        throw new Skip(reason);
      },
      log: (line) => say(`      ${line}`),
      /** Saves <screenshots>/NAME.png: the window, or `clip`, or the region around `around` (locators). */
      async screenshot(name, { clip, around, padding } = {}) {
        if (!options.screenshots) {
          return;
        }
        const region = clip ?? (around ? await wb.regionAround(around, padding) : undefined);
        const path = join(options.screenshots, `${name}.png`);
        await page.screenshot({ path, clip: region, animations: 'disabled', caret: 'hide' });
        const size = statSync(path).size;
        shots.push({ name, size });
        if (size > SCREENSHOT_BUDGET_BYTES) {
          say(`      warning: ${name}.png is ${Math.round(size / 1024)} KB (budget ${SCREENSHOT_BUDGET_BYTES / 1024} KB)`);
        }
      },
    };

    for (const step of steps) {
      const missing = (step.needs ?? []).filter((n) => !passedNames.has(n));
      if (missing.length > 0) {
        results.skipped++;
        say(`  - ${step.name} (skipped: needs "${missing.join('", "')}")`);
        continue;
      }
      const begin = Date.now();
      const logOffset = extensionLog(host, wb.extensionId).length;
      try {
        await withTimeout(step.run(t), step.timeout ?? STEP_TIMEOUT_MS, `"${step.name}"`);
        results.passed++;
        passedNames.add(step.name);
        say(`  ✓ ${step.name} (${seconds(Date.now() - begin)})`);
      } catch (error) {
        if (error instanceof Skip) {
          results.skipped++;
          say(`  - ${step.name} (skipped: ${error.message})`);
          continue;
        }
        results.failed++;
        say(`  ✗ ${step.name} (${seconds(Date.now() - begin)})`);
        say(`      ${String(error instanceof Error ? error.message : error).split('\n').join('\n      ')}`);
        const logLines = extensionLog(host, wb.extensionId).slice(logOffset).trim().split('\n').filter(Boolean);
        if (logLines.length > 0) {
          say(`      the extension's log during the step (last ${Math.min(20, logLines.length)} lines):`);
          say(logLines.slice(-20).map((l) => `        ${l}`).join('\n'));
        }
        mkdirSync(failureDir, { recursive: true });
        const shot = join(failureDir, `${step.file.replace(/\.mjs$/, '')}-${results.failed}.png`);
        await page.screenshot({ path: shot }).then(
          () => say(`      screenshot: ${relative(root, shot)}`),
          () => undefined,
        );
        // Leave the window as a user would after a failed attempt: no open picker, dialog or hover.
        await page.keyboard.press('Escape').catch(() => undefined);
        await wb.closeQuickInput().catch(() => undefined);
        if (await wb.dialog().isVisible().catch(() => false)) {
          await page.keyboard.press('Escape').catch(() => undefined);
        }
      }
    }
    if (shots.length > 0) {
      say(`screenshots in ${relative(root, options.screenshots)}/: ${shots.map((s) => `${s.name}.png (${Math.round(s.size / 1024)} KB)`).join(', ')}`);
    }
    if (pageErrors.length > 0 && process.env.QOVERY_TEST_VERBOSE) {
      say(`page errors:\n  ${pageErrors.join('\n  ')}`);
    }
  } catch (error) {
    results.failed++;
    say(`e2e could not run: ${error instanceof Error ? error.stack : String(error)}`);
    if (host.serverLog.length > 0) {
      say(`code-server output (last lines):\n${host.serverLog.slice(-30).join('')}`);
    }
  } finally {
    await host.dispose();
    await server.close();
  }
  say(`${results.skipped > 0 ? `${results.skipped} skipped; ` : ''}took ${seconds(Date.now() - started)}`);
  say(`e2e: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed > 0 || results.passed === 0 ? 1 : 0);
}

main().catch((error) => {
  say(`${error instanceof Error ? error.stack : String(error)}`);
  say('e2e: 0 passed, 1 failed');
  process.exit(1);
});
