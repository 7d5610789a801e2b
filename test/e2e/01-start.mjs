// The window opens with the extension loaded and nobody signed in.
import assert from 'node:assert/strict';

export const steps = [
  {
    name: 'the status bar offers to sign in when the window opens',
    async run({ wb, page, screenshot }) {
      const status = await wb.waitForStatus('Qovery: Sign In', { timeout: 90_000 });
      assert.equal(status.text, 'Qovery: Sign In');
      assert.equal(status.icon, 'sign-in');
      const { height } = page.viewportSize();
      await wb.moveMouseAway();
      await screenshot('status-signed-out', { clip: { x: 0, y: height - 44, width: 420, height: 44 } });
    },
  },
  {
    // VS Code shows a new extension's walkthrough; its progress counts from then on.
    name: 'the walkthrough "Get started with Qovery" opens with its four steps',
    async run({ wb, manifest, text }) {
      const walkthrough = manifest.contributes.walkthroughs?.[0];
      assert.ok(walkthrough, 'package.json contributes a walkthrough');
      const title = text(walkthrough.title);
      assert.equal(title, 'Get started with Qovery');
      const steps = await wb.openWalkthrough(title, walkthrough.steps.length);
      assert.deepEqual(
        steps.map((s) => s.title),
        walkthrough.steps.map((s) => text(s.title)),
      );
      assert.equal(steps.length, 4);
      assert.ok(steps.every((s) => !s.done), 'nothing is ticked before the user did anything');
      await wb.closeWalkthrough();
    },
  },
  {
    name: 'the Qovery view opens from the activity bar and explains how to sign in',
    async run({ wb, screenshot }) {
      await wb.openView();
      const welcome = await wb.waitForWelcome('Sign in with a Qovery API token');
      assert.match(welcome, /Create a token in the Qovery console/);
      await wb.welcome().locator('.monaco-button', { hasText: 'Sign In' }).waitFor();
      assert.deepEqual(await wb.treeRows(), []);
      await wb.moveMouseAway();
      await screenshot('welcome');
    },
  },
];
