// The workspace link: once the open folder is a git repository whose remote and branch a demo service
// builds, the service's item appears beside the auth item, with its state and a tooltip.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SIGNED_IN = 'the demo token signs in from "Try Another Token"';

function makeDemoRepository(dir) {
  const git = (...args) => execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# storefront-web\n');
  git('add', 'README.md');
  git('commit', '-q', '-m', 'first');
  git('remote', 'add', 'origin', 'git@github.com:acme/storefront-web.git');
  git('update-ref', 'refs/remotes/origin/main', 'HEAD');
}

export const steps = [
  {
    name: 'a folder that a demo service builds shows that service, its state and a tooltip in the status bar',
    needs: [SIGNED_IN],
    async run({ wb, page, host, screenshot }) {
      await wb.waitForStatus('Qovery: Acme Corp');
      makeDemoRepository(host.workspaceDir);
      const status = await wb.waitForStatus('web · production: running', { timeout: 60_000, itemId: 'qovery.workspace' }).catch(async () =>
        wb.readStatus('qovery.workspace'),
      );
      assert.equal(status.text, 'web · production: running', `the service item reads ${JSON.stringify(status)}`);
      assert.equal(status.icon, 'rocket');
      const lines = await wb.statusTooltip('qovery.workspace');
      for (const expected of ['Service: web (application)', 'Environment: production (PRODUCTION)', 'Project: storefront', 'Organization: Acme Corp', 'Branch: main']) {
        assert.ok(lines.includes(expected), `tooltip has "${expected}": ${JSON.stringify(lines)}`);
      }
      assert.ok(lines.some((l) => /^HEAD [0-9a-f]{7} is not deployed; production runs [0-9a-f]{7}\.$/.test(l)), JSON.stringify(lines));
      const { height } = page.viewportSize();
      const region = await wb.regionAround([wb.statusItem(), wb.statusItem('qovery.workspace'), page.locator('.workbench-hover').last()], 16);
      await screenshot('status-workspace-link', { clip: { x: 0, y: region.y, width: Math.max(520, region.x + region.width), height: height - region.y } });
      await wb.moveMouseAway();
    },
  },
];
