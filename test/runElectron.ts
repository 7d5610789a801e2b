// Runs the integration suite in desktop VS Code downloaded by @vscode/test-electron
// (for machines that can reach update.code.visualstudio.com, such as GitHub Actions runners).
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const extensionDevelopmentPath = path.resolve(__dirname, '..', '..');
  const extensionTestsPath = path.resolve(__dirname, 'integration', 'index.js');
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath,
    extensionTestsPath,
    launchArgs: ['--disable-extensions', '--use-inmemory-secretstorage', '--disable-workspace-trust'],
  });
}

main().catch((error: unknown) => {
  console.error('Integration tests failed:', error);
  process.exit(1);
});
