// "Qovery: Sign In" from the command palette: a wrong token first, then the demo token.
import assert from 'node:assert/strict';
import { extensionRequests } from './support/qovery.mjs';

const WRONG_TOKEN = `qov_${'Wr0ngT0ken'.repeat(4)}`;

export const steps = [
  {
    name: 'a wrong token is rejected with a 401 and "Try Another Token"',
    needs: ['the Qovery view opens from the activity bar and explains how to sign in'],
    async run({ wb, server, screenshot, state }) {
      state.requestsBeforeSignIn = server.requests.length;
      await wb.runCommand('Qovery: Sign In');
      const box = await wb.waitForInputBox('Qovery: Sign In');
      assert.equal(box.type, 'password', 'the token is typed into a password box');
      await wb.typeAndSubmit(WRONG_TOKEN);
      const toast = await wb.waitForToast('Qovery rejected this token (401)');
      assert.equal(toast.severity, 'error');
      assert.ok(toast.buttons.includes('Try Another Token'), `buttons: ${toast.buttons.join(', ')}`);
      const sent = extensionRequests(server, state.requestsBeforeSignIn);
      assert.ok(
        sent.some((r) => r.method === 'GET' && r.path === '/organization' && r.status === 401 && r.authScheme === 'Token'),
        'the wrong token was checked against GET /organization',
      );
      await wb.moveMouseAway();
      await screenshot('sign-in-rejected');
      await wb.waitForWelcome('Sign in with a Qovery API token');
    },
  },
  {
    name: 'the demo token signs in from "Try Another Token"',
    needs: ['a wrong token is rejected with a 401 and "Try Another Token"'],
    async run({ wb, api, server, page, screenshot, state }) {
      await wb.clickToastButton('Qovery rejected this token (401)', 'Try Another Token');
      const box = await wb.waitForInputBox('Qovery: Sign In');
      assert.equal(box.type, 'password');
      await box.input.pressSequentially(api.DEMO_ADMIN_TOKEN);
      await wb.waitForNoToasts();
      await screenshot('sign-in');
      await page.keyboard.press('Enter');
      await wb.waitForRow('Acme Corp', 1);
      const sent = extensionRequests(server, state.requestsBeforeSignIn);
      assert.ok(
        sent.some((r) => r.path === '/organization' && r.status === 200 && r.tokenName === 'vscode-demo-admin'),
        'the demo admin token was checked against GET /organization',
      );
      assert.equal(await wb.welcome().isVisible(), false, 'the welcome text is gone');
    },
  },
];
