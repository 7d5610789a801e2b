// Logs in the editor: the linked service's last deployment log, then its live logs streamed over the
// test server's websocket.
import assert from 'node:assert/strict';

const DEPLOYED = '"Qovery: Deploy" asks first for production, then follows the deployment to "running"';

export const steps = [
  {
    name: '"Qovery: Show Deployment Logs" opens the linked service\'s last deployment log, by stage',
    needs: [DEPLOYED],
    async run({ wb, page, screenshot }) {
      await wb.runCommand('Qovery: Show Deployment Logs');
      const editor = page.locator('.editor-instance .view-lines').first();
      await editor.waitFor({ state: 'visible', timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('.editor-instance .view-lines')?.textContent?.includes('Deploy'), undefined, { timeout: 30_000 });
      const text = await editor.innerText();
      assert.match(text, /Build|Deploy/);
      await screenshot('deployment-logs');
    },
  },
  {
    name: '"Qovery: Show Service Logs" streams the linked service\'s live logs into an editor',
    needs: [DEPLOYED],
    async run({ wb, page, server, screenshot }) {
      server.logs.trickle(200);
      await wb.runCommand('Qovery: Show Service Logs');
      await page.waitForFunction(() => (document.querySelector('.editor-instance .view-lines')?.textContent ?? '').split('\n').length > 0 && /\d\d:\d\d:\d\d/.test(document.querySelector('.editor-instance .view-lines')?.textContent ?? ''), undefined, { timeout: 30_000 });
      await page.waitForTimeout(1500);
      await screenshot('service-logs');
      await wb.runCommand('View: Close All Editors');
      await page.waitForTimeout(500);
      assert.equal(server.logs.openSockets, 0, 'closing the view closes the socket');
    },
  },
];
