// The "Get started with Qovery" walkthrough ticks the steps the user has done since it was first shown.
import assert from 'node:assert/strict';

export const steps = [
  {
    name: 'the walkthrough ticks "Sign in", "Explore" (and "Rotate") once they are done',
    needs: ['the walkthrough "Get started with Qovery" opens with its four steps', 'the demo token signs in from "Try Another Token"'],
    async run({ wb, page, manifest, text, state, screenshot, log }) {
      const walkthrough = manifest.contributes.walkthroughs[0];
      const steps = await wb.openWalkthrough(text(walkthrough.title), walkthrough.steps.length);
      log(steps.map((s) => `${s.done ? '[x]' : '[ ]'} ${s.title}`).join(', '));
      const done = Object.fromEntries(steps.map((s) => [s.id, s.done]));
      assert.equal(done['qovery.signIn'], true, 'signing in ticked "Sign in"');
      assert.equal(done['qovery.explore'], true, 'opening the view ticked "Explore"');
      assert.equal(done['qovery.createToken'], false, 'the console was not opened');
      if (state.rotatedTo) {
        assert.equal(done['qovery.rotate'], true, 'rotating ticked "Rotate"');
      }
      // Without the side bar the walkthrough shows its steps next to the step's page.
      await wb.waitForNoToasts();
      await wb.toggleSideBar();
      await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
      await wb.walkthroughEditor().locator('.getting-started-step').last().waitFor({ state: 'visible' });
      // The selected step's page (media/walkthrough/*.md) renders in a webview next to the steps.
      await wb.walkthroughMedia().locator('h1', { hasText: 'Create an API token' }).waitFor({ state: 'visible' });
      await wb.moveMouseAway();
      await screenshot('walkthrough');
      await wb.toggleSideBar();
      await page.locator('.part.sidebar').waitFor({ state: 'visible' });
      await wb.closeWalkthrough();
    },
  },
];
