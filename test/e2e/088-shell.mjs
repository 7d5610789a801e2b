// A shell in the linked service from the palette: "Qovery: Open Shell" opens a terminal named after the
// service, its environment and its pod; what is typed reaches the test server's shell and its output
// comes back; `exit` closes the terminal and the stream.
import assert from 'node:assert/strict';

const LINKED = 'a folder that a demo service builds shows that service, its state and a tooltip in the status bar';

/** The text of the terminal's rows (the DOM renderer: the e2e Chromium runs without a GPU). */
const rows = (page) => page.evaluate(() => [...document.querySelectorAll('.terminal-wrapper.active .xterm-rows > div')].map((r) => r.textContent.replace(/\u00a0/g, ' ')).join('\n'));

export const steps = [
  {
    name: '"Qovery: Open Shell" opens a terminal in the linked service; typing reaches the shell and its output comes back',
    needs: [LINKED],
    async run({ wb, page, server, screenshot }) {
      await wb.runCommand('Qovery: Open Shell');
      await page.waitForFunction(() => [...document.querySelectorAll('.terminal-wrapper.active .xterm-rows > div')].some((r) => (r.textContent ?? '').includes('root@web-7d9f-0')), undefined, { timeout: 30_000 });
      await page.locator('.terminal-wrapper.active .xterm').click();
      await page.keyboard.type('echo hello from VS Code in $HOSTNAME');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => [...document.querySelectorAll('.terminal-wrapper.active .xterm-rows > div')].some((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trim() === 'hello from VS Code in web-7d9f-0'), undefined, { timeout: 15_000 });
      await page.keyboard.type('env');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => (document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent ?? '').includes('QOVERY_SERVICE_NAME=web'), undefined, { timeout: 15_000 });
      const text = await rows(page);
      assert.match(text, /Connecting to web-7d9f-0/);
      assert.equal(server.shell.openShells, 1);
      // The terminal's name: service, environment (production marked) and pod.
      const title = await page.locator('.panel .pane-header, .panel').getByText('web · production [PRODUCTION] · web-7d9f-0').first().isVisible().catch(() => false);
      assert.ok(title, 'the terminal is named after service, environment and pod');
      await screenshot('shell');
      await page.keyboard.type('exit');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => !document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent?.includes('root@web-7d9f-0'), undefined, { timeout: 15_000 }).catch(() => undefined);
      const deadline = Date.now() + 10_000;
      while (server.shell.openShells > 0 && Date.now() < deadline) {
        await page.waitForTimeout(100);
      }
      assert.equal(server.shell.openShells, 0, 'exit closes the stream');
    },
  },
];
