// "Qovery: Rotate Token": runs when the manifest contributes the command, and is skipped otherwise.
import assert from 'node:assert/strict';
import { waitFor } from './support/workbench.mjs';
import { apiGet, extensionRequests } from './support/qovery.mjs';

/** The API token the extension used last (the test server logs the name and id of each request's token). */
export function tokenInUse(server) {
  const last = extensionRequests(server).filter((r) => r.status === 200 && r.tokenId).at(-1);
  assert.ok(last, 'the extension sent an authenticated request');
  return { id: last.tokenId, name: last.tokenName };
}

export const steps = [
  {
    name: '"Qovery: Rotate Token" replaces the token and revokes the old one',
    needs: ['the demo token signs in from "Try Another Token"'],
    timeout: 120_000,
    async run({ wb, page, api, server, state, skip, hasCommand, commandTitle, log, screenshot }) {
      if (!hasCommand('qovery.rotateToken')) {
        skip('package.json contributes no qovery.rotateToken command yet');
      }
      const organizationId = state.account?.[0]?.id ?? (await apiGet(server, '/organization', api.DEMO_VIEWER_TOKEN)).results[0].id;
      const old = tokenInUse(server);
      const activeBefore = new Set(server.state.apiTokens(organizationId).filter((t) => !t.revoked).map((t) => t.id));
      await wb.runCommand(commandTitle('qovery.rotateToken'));

      // Answer what the rotation asks, as a user who wants the current token rotated would.
      const answered = [];
      let confirmation;
      const outcome = await waitFor(
        'the rotation to finish (a new token created and in use)',
        async () => {
          if (await wb.dialog().isVisible()) {
            const dialog = await wb.waitForDialog();
            if (!confirmation) {
              confirmation = dialog;
              await screenshot('rotate-confirm');
            }
            const button = dialog.buttons.find((b) => /rotate/i.test(b)) ?? dialog.buttons.find((b) => !/cancel/i.test(b));
            answered.push(`dialog "${dialog.message}" -> ${button}`);
            await wb.clickDialogButton(button);
          } else if (await wb.quickInput().isVisible()) {
            const title = await wb.quickInput().locator('.quick-input-title').innerText().catch(() => '');
            const rows = wb.quickInput().locator('.monaco-list-row');
            const pick = rows.filter({ hasText: old.name }).or(rows.filter({ hasText: /current/i })).first();
            if ((await rows.count()) > 0 && (await pick.count()) > 0) {
              answered.push(`pick "${title}" -> ${(await pick.locator('.label-name').first().innerText()).trim()}`);
              await pick.click();
            } else {
              answered.push(`input "${title}" -> Enter`);
              await page.keyboard.press('Enter');
            }
          }
          const created = server.state.apiTokens(organizationId).filter((t) => !t.revoked && !activeBefore.has(t.id));
          const used = extensionRequests(server).filter((r) => r.status === 200 && r.tokenId).at(-1);
          return { created, used };
        },
        ({ created, used }) => created.length === 1 && used?.tokenId === created[0].id,
        { timeout: 90_000, interval: 250 },
      );
      log(answered.join('; ') || 'no questions asked');
      assert.ok(confirmation, 'a modal dialog asked before anything changed');
      assert.match(confirmation.message, /Acme Corp/);
      // The result is a notification. VS Code shows at most 3 new toasts within 800 ms and sends the
      // others to the notification center unseen (the bell gets a dot); the rotation's own progress
      // notifications can use that allowance up.
      const toast = await wb.waitForToast(/was rotated/, { timeout: 5000 }).catch(() => undefined);
      if (toast) {
        assert.ok(toast.message.includes(`the old token "${old.name}"`) && toast.message.includes('was revoked'), toast.message);
      } else {
        assert.equal(await wb.hasUnreadNotifications(), true, 'a notification tells the user (as a toast or behind the bell)');
        log('note: the result was not shown as a toast (VS Code toast rate limit) but waits in the notification center');
      }
      const fresh = outcome.created[0];
      const oldNow = server.state.apiTokens(organizationId).find((t) => t.id === old.id);
      assert.equal(oldNow.revoked, true, `the old token "${old.name}" is revoked`);
      log(`"${old.name}" -> "${fresh.name}" (role ${fresh.roleName}); old token revoked`);
      state.rotatedTo = fresh;
      await wb.clearNotifications();

      // The extension keeps working with the new token.
      const before = server.requests.length;
      await wb.runCommand('Qovery: Test Authentication');
      await wb.waitForToast('Qovery: authenticated as');
      const checks = extensionRequests(server, before).filter((r) => r.path === '/organization');
      assert.ok(checks.length > 0 && checks.every((r) => r.tokenId === fresh.id && r.status === 200), 'Test Authentication used the new token');
      await wb.clearNotifications();
    },
  },
];
