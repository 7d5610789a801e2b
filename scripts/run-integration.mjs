// Runs the integration suites inside real VS Code (code-server + Debian Chromium):
//  1. the development folder's suite (test/integration) in VS Code 1.100.3, the floor, then the activation
//     time VS Code reports; its files are split in two halves run side by side in two hosts (the suite
//     mostly waits on timers and servers, so two halves take about half the time on two cores);
//  2. beside them, the AI tests of that folder (agent tools, @qovery, the MCP server definition) again in
//     the newer host, VS Code 1.103.2, where the APIs after 1.100 exist: there no test may be skipped;
//  3. the smoke suite against the packaged .vsix installed like a user installs it (test/smoke).
// `--only=integration|newer|smoke` runs one of them.
// Exits non-zero when a test fails, the host crashes or a suite times out.
import { join } from 'node:path';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { CodeServerHost, runSuiteInHost, readJsonIfExists, readActivationTimes, root } from './vscode-host.mjs';
import { ensureHost } from './host.mjs';

const only = process.argv.slice(2).find((a) => a.startsWith('--only='))?.slice('--only='.length);
const totals = { passes: 0, failures: 0, pending: 0 };
let failed = false;

function npmRun(script) {
  execFileSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
}

/** The AI tests' files, which the newer host runs (a regular expression on test/integration's file names). */
const AI_TEST_FILES = '^(agents|mcp|zz-secrets-on-disk)';
/**
 * The first half of the floor suite (about half of its waiting time); the second half is every other file,
 * so a new file always runs. The secret scan (zz-secrets-on-disk) runs at the end of both: each host has its
 * own folders to scan, and each half types tokens and secret values (variables: the first; agents: the second).
 */
const FIRST_HALF = ['rotation', 'auth', 'names', 'activation', 'signedOut', 'bounded', 'forward', 'variables'];
const HALVES = [`^(${FIRST_HALF.join('|')}|zz-secrets-on-disk)\\.test\\.js$`, `^(?!(${FIRST_HALF.join('|')})\\.test\\.js$)`];

async function runSuite(name, { setup, extensionDevelopmentPath, extensionTestsPath, env = {}, afterRun, multiRoot = false, kind = 'floor', noneSkipped = false, buffered = false }) {
  const scratch = mkdtempSync(join(tmpdir(), `qovery-${name}-`));
  const resultsFile = join(scratch, 'results.json');
  const outputFile = join(scratch, 'output.txt');
  // Trace level: every line the extension logs reaches disk, where the last test looks for secrets.
  const host = new CodeServerHost({ kind, logLevel: 'trace', env: { QOVERY_TEST_RESULTS: resultsFile, QOVERY_TEST_OUTPUT: outputFile, ...env } });
  // The folders VS Code writes to (user data, logs, extension storage): scanned for secrets at the end.
  host.options.env.QOVERY_TEST_SCAN_DIR = host.base;
  try {
    await setup?.(host);
    await host.start();
    process.stdout.write(`\n== ${name} suite, VS Code server on ${host.url}${buffered ? ' (its report follows when it ends)' : ''}\n`);
    // The integration suite opens a .code-workspace: its workspace link tests add git repositories as
    // further folders, which a single-folder window could only do by restarting the extension host.
    const workspace = multiRoot ? host.writeWorkspaceFile([host.workspaceDir], { 'git.autofetch': false, 'git.enabled': true }) : undefined;
    const heading = `\n== ${name} suite, its report:\n`;
    const { code, page } = await runSuiteInHost(host, { extensionDevelopmentPath, extensionTestsPath, outputFile, workspace, buffered, heading });
    const results = readJsonIfExists(resultsFile);
    if (results) {
      totals.passes += results.passes;
      totals.failures += results.failures;
      totals.pending += results.pending;
      process.stdout.write(`${name}: ${results.passes} passing, ${results.failures} failing, ${results.pending} skipped inside VS Code ${results.vscodeVersion}\n`);
      if (results.vscodeVersion !== host.paths.vscode) {
        process.stdout.write(`${name}: expected VS Code ${host.paths.vscode}, the host reported ${results.vscodeVersion}.\n`);
        failed = true;
      }
      if (noneSkipped && (results.pending > 0 || results.passes === 0)) {
        process.stdout.write(`${name}: every test must run in this host (${results.pending} skipped, ${results.passes} passing).\n`);
        failed = true;
      }
    } else {
      process.stdout.write(`${name}: the suite wrote no results (exit ${code}).\n`);
    }
    if (code !== 0 || !results || results.failures > 0) {
      failed = true;
    } else {
      await afterRun?.(host, page);
    }
  } finally {
    await host.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main() {
  ensureHost();
  npmRun('package-bundle');
  const side = [];
  // A focused run (QOVERY_TEST_GREP) takes one host: the halves are there for the whole suite's time.
  const halves = process.env.QOVERY_TEST_GREP ? [undefined] : HALVES;
  if (!only || only === 'integration') {
    halves.forEach((files, i) =>
      side.push({
        name: halves.length > 1 ? `integration (${i + 1} of ${halves.length})` : 'integration',
        extensionDevelopmentPath: root,
        extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
        multiRoot: true,
        env: files ? { QOVERY_TEST_FILES: files } : {},
        afterRun:
          i === 0
            ? async (host) => {
                const times = await readActivationTimes(host, { extensionDevelopmentPaths: [root], names: ['Qovery'] }).catch(() => ({}));
                process.stdout.write(times.Qovery === undefined ? 'Activation time: not read from "Running Extensions".\n' : `Activation time, as VS Code reports it in "Running Extensions": ${times.Qovery} ms\n`);
              }
            : undefined,
      }),
    );
  }
  if (!only || only === 'newer') {
    ensureHost({ kind: 'newer' });
    side.push({
      name: 'newer',
      kind: 'newer',
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
      multiRoot: true,
      noneSkipped: true,
      env: { QOVERY_TEST_FILES: AI_TEST_FILES },
    });
  }
  // Side by side, each report printed whole when its suite ends (one suite alone prints as it goes).
  await Promise.all(side.map((suite) => runSuite(suite.name, { ...suite, buffered: side.length > 1 })));
  if (!only || only === 'smoke') {
    npmRun('package');
    const vsix = join(root, 'dist', 'qovery.vsix');
    if (!existsSync(vsix)) {
      throw new Error('npm run package produced no dist/qovery.vsix');
    }
    await runSuite('smoke', {
      setup: (host) => {
        const installed = host.installVsix(vsix);
        process.stdout.write(`\nInstalled ${installed.join(', ')} from ${vsix}\n`);
      },
      extensionDevelopmentPath: join(root, 'test', 'smoke', 'fixture'),
      extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
      env: { QOVERY_TEST_SUITE_DIR: join(root, 'out', 'test', 'smoke') },
    });
  }
  process.stdout.write(`\nintegration: ${totals.passes} passed, ${totals.failures} failed\n`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
