// "Qovery: Test Authentication" from the command palette.
import assert from 'node:assert/strict';
import { extensionRequests } from './support/qovery.mjs';

export const steps = [
  {
    name: '"Qovery: Test Authentication" reports the connection in a notification',
    needs: ['the demo token signs in from "Try Another Token"'],
    async run({ wb, server, screenshot }) {
      const before = server.requests.length;
      await wb.runCommand('Qovery: Test Authentication');
      const toast = await wb.waitForToast('Qovery: authenticated as');
      assert.equal(toast.severity, 'info');
      assert.match(toast.message, /^Qovery: authenticated as "Acme Corp"\. Organizations: Acme Corp\./);
      assert.ok(toast.message.includes(`API: ${server.url}.`), toast.message);
      assert.match(toast.message, /Scheme: Token\./);
      assert.match(toast.message, /Round trip: \d+ ms\./);
      assert.ok(
        extensionRequests(server, before).some((r) => r.path === '/organization' && r.status === 200),
        'the test sent GET /organization',
      );
      await wb.toast('testing authentication').waitFor({ state: 'hidden' });
      await wb.expandToast('Qovery: authenticated as');
      await wb.moveMouseAway();
      await screenshot('test-authentication');
      await wb.clearNotifications();
    },
  },
];
