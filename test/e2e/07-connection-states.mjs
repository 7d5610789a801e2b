// What the status bar and the view show when the API cannot be reached, and when the token is revoked.
import assert from 'node:assert/strict';
import { waitFor } from './support/workbench.mjs';
import { apiGet, extensionRequests } from './support/qovery.mjs';
import { tokenInUse } from './06-rotate.mjs';

const SIGNED_IN = 'the demo token signs in from "Try Another Token"';
const isOffline = (r) => r.label.startsWith('Offline: showing data from');

export const steps = [
  {
    name: 'when the API cannot be reached, the status bar says so and the tree keeps its rows',
    needs: [SIGNED_IN],
    async run({ wb, server, page, screenshot }) {
      // With the rows collapsed, only the connection check talks to the API during the outage.
      await wb.collapseAll();
      await wb.waitForViewSettled();
      // Every request fails as when the network is down: the connection is reset.
      const removeFault = server.setFault(/.*/, { reset: true });
      try {
        await wb.runCommand('Qovery: Refresh');
        const status = await wb.waitForStatus('Qovery: unreachable');
        assert.equal(status.icon, 'cloud-offline');
        const rows = await waitFor('an "Offline" row above the kept rows', () => wb.treeRows(), (r) => r.some(isOffline));
        assert.ok(rows.some((r) => r.label === 'Acme Corp' && r.level === 1), 'the organization row is kept');
        const { height } = page.viewportSize();
        await wb.moveMouseAway();
        await screenshot('status-unreachable', { clip: { x: 0, y: height - 44, width: 420, height: 44 } });
        await wb.waitForViewSettled();
      } finally {
        removeFault();
      }
      // The network is back: the offline row retries when clicked.
      const before = server.requests.length;
      await wb.treeRow(/^Offline: showing data from/, 1).locator('.label-name').click();
      await waitFor('the "Offline" row to go', () => wb.treeRows(), (r) => !r.some(isOffline) && r.some((x) => x.label === 'Acme Corp')).catch((error) => {
        const sent = extensionRequests(server, before).map((r) => `${r.method} ${r.path} ${r.status}`);
        throw new Error(`${error.message}\nrequests after the click: ${sent.join(', ') || 'none'}`);
      });
      await wb.clearNotifications();
    },
  },
  {
    name: 'a token revoked in the console shows "invalid token", and "Update Token" in the view replaces it',
    needs: [SIGNED_IN],
    async run({ wb, api, server, state, screenshot }) {
      const organizationId = state.account?.[0]?.id ?? (await apiGet(server, '/organization', api.DEMO_VIEWER_TOKEN)).results[0].id;
      const current = tokenInUse(server);
      assert.equal(server.state.revokeApiToken(organizationId, current.id), true, `revoked "${current.name}" on the server`);
      await wb.runCommand('Qovery: Test Authentication');
      const toast = await wb.waitForToast('Qovery rejected this token (401)');
      assert.equal(toast.severity, 'error');
      const status = await wb.waitForStatus('Qovery: invalid token');
      assert.equal(status.icon, 'error');
      await wb.waitForWelcome('Qovery rejected the token of this connection (401)');
      assert.deepEqual(await wb.treeRows(), [], 'no rows of the account are left on screen');
      await wb.clearNotifications();
      await wb.moveMouseAway();
      await screenshot('status-invalid-token');

      const before = server.requests.length;
      await wb.clickWelcomeButton('Update Token');
      const box = await wb.waitForInputBox('Qovery: New token for "Acme Corp"');
      assert.equal(box.type, 'password');
      // The deployer token: a role that may deploy, which the deploy step later needs.
      await wb.typeAndSubmit(api.DEMO_DEPLOYER_TOKEN);
      await wb.waitForRow('Acme Corp', 1);
      assert.ok(
        extensionRequests(server, before).some((r) => r.path === '/organization' && r.status === 200 && r.tokenName === 'ci-deployer'),
        'the new token was checked',
      );
    },
  },
];
