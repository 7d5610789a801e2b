// Entry point that VS Code's extension host loads as extensionTestsPath: runs every *.test.js
// of this folder with mocha and reports the result (summary on stdout, count in a results file).
import * as path from 'node:path';
import * as fs from 'node:fs';
import { format } from 'node:util';
import * as vscode from 'vscode';
import Mocha from 'mocha';

/** The extension host's console does not reach the runner, so the reporter writes to a file it tails. */
function routeReporterOutput(): (...args: unknown[]) => void {
  const outputFile = process.env.QOVERY_TEST_OUTPUT;
  if (!outputFile) {
    return (...args) => console.log(...args);
  }
  const write = (...args: unknown[]) => fs.appendFileSync(outputFile, `${format(...args)}\n`);
  (Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void }).consoleLog = write;
  console.log = write;
  return write;
}

export async function run(): Promise<void> {
  const say = routeReporterOutput();
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  const grep = process.env.QOVERY_TEST_GREP;
  if (grep) {
    mocha.grep(grep);
  }
  const suiteDir = process.env.QOVERY_TEST_SUITE_DIR ?? __dirname;
  // QOVERY_TEST_FILES (a regular expression on the file names) runs part of the folder: the newer host runs
  // the AI tests only (scripts/run-integration.mjs).
  const only = process.env.QOVERY_TEST_FILES ? new RegExp(process.env.QOVERY_TEST_FILES) : undefined;
  const files = fs
    .readdirSync(suiteDir)
    .filter((name) => name.endsWith('.test.js') && (!only || only.test(name)))
    .sort();
  for (const file of files) {
    mocha.addFile(path.join(suiteDir, file));
  }
  say(`Running ${files.length} integration test files inside VS Code ${vscode.version} (${vscode.env.appHost}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI)`);
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((count) => resolve(count));
    runner.on('end', () => {
      const stats = runner.stats;
      const resultsFile = process.env.QOVERY_TEST_RESULTS;
      if (resultsFile && stats) {
        fs.writeFileSync(resultsFile, JSON.stringify({ vscodeVersion: vscode.version, passes: stats.passes, failures: stats.failures, pending: stats.pending, tests: stats.tests }));
      }
    });
  });
  if (failures > 0) {
    throw new Error(`${failures} integration test(s) failed`);
  }
}
