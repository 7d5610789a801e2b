// Deploy from the palette: the linked production service asks first (a modal naming service,
// environment and commit), then one notification and the status bar follow the deployment to its end.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const LINKED = 'a folder that a demo service builds shows that service, its state and a tooltip in the status bar';

export const steps = [
  {
    name: '"Qovery: Deploy" asks first for production, then follows the deployment to "running"',
    needs: [LINKED],
    timeout: 120_000,
    async run({ wb, page, host, server, api, screenshot }) {
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: host.workspaceDir, encoding: 'utf8' }).trim();
      // Qovery sees the folder's HEAD on the service's branch (as after a push), so Deploy sends it.
      server.deployments.pushCommit(api.DEMO.services.storefrontWeb, { sha: head, message: 'first' });
      server.deployments.setTimings({ stepMs: 2_500 });
      await wb.runCommand('Qovery: Deploy');
      const dialog = await wb.waitForDialog();
      assert.match(`${dialog.message} ${dialog.detail}`, /Deploy web in production \(PRODUCTION\)/);
      assert.ok(`${dialog.message} ${dialog.detail}`.includes(head.slice(0, 7)), `the commit is named: ${dialog.message} ${dialog.detail}`);
      await screenshot('deploy-confirm');
      await wb.clickDialogButton('Deploy');
      const moving = await wb.waitForStatus(/web · production: (deployment queued|building|deploying)/, { timeout: 30_000, itemId: 'qovery.workspace' });
      assert.match(moving.text, /web · production/);
      await wb.waitForToast(/Deploy(ing)? web/i, { timeout: 30_000 }).catch(() => undefined);
      const { height } = page.viewportSize();
      await screenshot('deploy-progress', { clip: { x: 0, y: height - 240, width: page.viewportSize().width, height: 240 } });
      const done = await wb.waitForStatus('web · production: running', { timeout: 60_000, itemId: 'qovery.workspace' });
      assert.equal(done.text, 'web · production: running');
      const posted = server.requests.filter((r) => r.method === 'POST' && r.path === `/application/${api.DEMO.services.storefrontWeb}/deploy`);
      assert.equal(posted.length, 1, 'one deploy request');
    },
  },
];
