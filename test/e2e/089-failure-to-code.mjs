// A build that fails on a line of this workspace: the deployment's compiler error becomes a Problem at
// that file and line, and the deployment log links the line to the file (Ctrl+click opens it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DEPLOYED = '"Qovery: Deploy" asks first for production, then follows the deployment to "running"';
const ERROR = 'src/index.ts:4:10 - error TS2304: Cannot find name "total".';

export const steps = [
  {
    name: 'a failed build\'s compiler error is a Problem at the workspace\'s file, and the deployment log links to it',
    needs: [DEPLOYED],
    timeout: 120_000,
    async run({ wb, page, host, server, api, screenshot }) {
      const git = (...args) => execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], { cwd: host.workspaceDir, encoding: 'utf8' }).trim();
      mkdirSync(join(host.workspaceDir, 'src'), { recursive: true });
      writeFileSync(join(host.workspaceDir, 'src', 'index.ts'), 'const prices = [3, 4];\n\nexport function sum(): number {\n  return total(prices);\n}\n');
      git('add', 'src/index.ts');
      git('commit', '-q', '-m', 'sum the prices');
      const head = git('rev-parse', 'HEAD');
      const service = api.DEMO.services.storefrontWeb;
      const off = server.deployments.onStep((d, state) => {
        if (d.serviceId === service && state === 'BUILD_ERROR') {
          server.state.appendDeploymentLogs([{ environmentId: d.environmentId, executionId: d.executionId, service: { id: d.serviceId, name: d.serviceName }, stage: 'Build', step: 'Build', message: ERROR }]);
        }
      });
      try {
        server.deployments.pushCommit(service, { sha: head, message: 'sum the prices', failsBuild: true });
        await wb.runCommand('Qovery: Deploy');
        await wb.dialog().waitFor({ state: 'visible', timeout: 30_000 });
        const asked = (await wb.dialog().innerText()).replace(/\s+/g, ' ');
        assert.ok(asked.includes(`Commit: ${head.slice(0, 7)}`), `the new commit is deployed: ${asked}`);
        await wb.clickDialogButton('Deploy');
        await wb.waitForStatus(/web · production: .*(error|failed)/i, { timeout: 60_000, itemId: 'qovery.workspace' });
      } finally {
        off();
      }
      await wb.runCommand('View: Close All Editors');
      await wb.runCommand('Qovery: Show Deployment Logs');
      await page.waitForFunction((text) => (document.querySelector('.editor-instance .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ').includes(text), 'error TS2304', { timeout: 30_000 });
      await wb.runCommand('Problems: Focus on Problems View');
      const problems = page.locator('.markers-panel');
      await problems.getByText('Cannot find name "total".', { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
      const listed = (await problems.innerText()).replace(/\s+/g, ' ');
      assert.match(listed, /index\.ts/);
      assert.match(listed, /Qovery build/);
      assert.match(listed, /\[Ln 4, Col 10\]/);
      await wb.runCommand('Notifications: Clear All Notifications');
      // The log line's link: Monaco underlines a detected link under the mouse while Ctrl is held.
      const path = page.locator('.editor-instance .view-line', { hasText: 'error TS2304' }).first().locator('span > span', { hasText: 'src/index.ts' }).first();
      const box = await path.boundingBox();
      assert.ok(box, 'the path is on screen');
      await page.mouse.move(box.x + box.width - 30, box.y + box.height / 2);
      await page.keyboard.down('Control');
      await page.waitForTimeout(700);
      await screenshot('failure-to-code');
      // Ctrl+click opens the workspace's file at the line.
      await page.mouse.click(box.x + box.width - 30, box.y + box.height / 2);
      await page.keyboard.up('Control');
      await page.waitForTimeout(1500);
      await screenshot('failure-opened');
      await page.locator('.tab.active', { hasText: 'index.ts' }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await page.waitForFunction(() => /Ln 4, Col 10/.test(document.querySelector('.statusbar')?.textContent ?? ''), undefined, { timeout: 10_000 });
      await wb.runCommand('View: Close All Editors');
    },
  },
];
