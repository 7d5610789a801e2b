// The status bar item once signed in: its text, its tooltip, and the actions it offers on click.
import assert from 'node:assert/strict';

const SIGNED_IN = 'the demo token signs in from "Try Another Token"';

export const steps = [
  {
    name: 'the status bar shows the organization and its tooltip the connection',
    needs: [SIGNED_IN],
    async run({ wb, server, page, screenshot }) {
      const status = await wb.waitForStatus('Qovery: Acme Corp');
      assert.equal(status.text, 'Qovery: Acme Corp');
      assert.equal(status.icon, 'cloud');
      const lines = await wb.statusTooltip();
      assert.equal(lines[0], 'Signed in.');
      for (const expected of ['Connection: Acme Corp', 'Organization: Acme Corp', `API: ${server.url}`]) {
        assert.ok(lines.includes(expected), `tooltip has "${expected}": ${JSON.stringify(lines)}`);
      }
      assert.ok(lines.some((l) => /^Token age: .+ \(pasted\)$/.test(l)), `tooltip has the token age: ${JSON.stringify(lines)}`);
      assert.ok(lines.some((l) => l.startsWith('Last verified: ') && !l.endsWith('never')), `tooltip has the last check: ${JSON.stringify(lines)}`);
      const { height } = page.viewportSize();
      const region = await wb.regionAround([wb.statusItem(), page.locator('.workbench-hover').last()], 16);
      await screenshot('status-signed-in', { clip: { x: 0, y: region.y, width: Math.max(420, region.x + region.width), height: height - region.y } });
      await wb.moveMouseAway();
    },
  },
  {
    name: 'clicking the status bar item offers the actions of a signed-in connection',
    needs: [SIGNED_IN],
    async run({ wb, page }) {
      await wb.statusItem().click();
      await wb.waitForInputBox('Qovery');
      const labels = await waitForLabels(wb);
      for (const expected of ['Test Authentication', 'Refresh', 'Switch Connection', 'Sign Out', 'Show Log']) {
        assert.ok(labels.includes(expected), `actions offered: ${labels.join(', ')}`);
      }
      await page.keyboard.press('Escape');
      await wb.quickInput().waitFor({ state: 'hidden' });
      // The focus goes back to the status bar item, which then shows its tooltip: move it on.
      await wb.focusEditorArea();
    },
  },
];

async function waitForLabels(wb) {
  const rows = wb.quickInput().locator('.monaco-list-row .label-name');
  await rows.first().waitFor();
  return (await rows.allInnerTexts()).map((t) => t.trim());
}
