// "Qovery: Sign Out" asks in a modal dialog, then leaves the view and the status bar signed out.
import assert from 'node:assert/strict';
import { waitFor } from './support/workbench.mjs';

export const steps = [
  {
    name: '"Qovery: Sign Out" asks first, then the view and status bar are signed out',
    needs: ['the demo token signs in from "Try Another Token"'],
    async run({ wb, screenshot }) {
      await wb.runCommand('Qovery: Sign Out');
      const dialog = await wb.waitForDialog();
      assert.equal(dialog.message, 'Sign out of "Acme Corp"?');
      assert.match(dialog.detail, /stays valid on Qovery until it is revoked/);
      assert.ok(dialog.buttons.includes('Sign Out') && dialog.buttons.includes('Cancel'), `buttons: ${dialog.buttons.join(', ')}`);
      await screenshot('sign-out');
      await wb.clickDialogButton('Sign Out');
      await wb.waitForWelcome('Sign in with a Qovery API token');
      await waitFor('the tree to be empty', () => wb.treeRows(), (rows) => rows.length === 0);
      const status = await wb.waitForStatus('Qovery: Sign In');
      assert.equal(status.text, 'Qovery: Sign In');
    },
  },
];
