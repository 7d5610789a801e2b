// A preview environment from the palette: on a pushed feature branch that no environment builds, the
// service item offers "Create Preview…"; the command clones staging (preselected), points web at the
// branch, deploys it, and the item follows it as "web · preview feat/login".
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const LINKED = 'a folder that a demo service builds shows that service, its state and a tooltip in the status bar';
const BRANCH = 'feat/login';

export const steps = [
  {
    name: '"Qovery: Create Preview Environment for This Branch" clones staging for a feature branch and follows it',
    needs: [LINKED],
    timeout: 180_000,
    async run({ wb, page, host, server, api, screenshot }) {
      const git = (...args) => execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', ...args], { cwd: host.workspaceDir, encoding: 'utf8' }).trim();
      // Earlier steps leave the deployer token in use, a role that may not create environments: the
      // connection takes an Admin token of the organization (the one rotation made).
      const admin = server.state.apiTokens(api.DEMO.organizations.acme).find((t) => !t.revoked && t.roleName === 'Admin');
      assert.ok(admin, 'an Admin token of Acme Corp');
      await wb.runCommand('Qovery: Update Token');
      await wb.waitForInputBox('Qovery: New token for "Acme Corp"');
      await wb.typeAndSubmit(admin.secret);
      await wb.waitForStatus('Qovery: Acme Corp', { timeout: 30_000 });
      git('checkout', '-q', '-b', BRANCH);
      try {
        git('update-ref', `refs/remotes/origin/${BRANCH}`, 'HEAD');
        const head = git('rev-parse', 'HEAD');
        // Qovery sees the pushed branch.
        server.deployments.pushBranchCommit('acme/storefront-web', BRANCH, { sha: head, message: 'first' });
        server.deployments.setTimings({ stepMs: 2_500 });
        await wb.waitForStatus('Qovery: Create Preview…', { timeout: 60_000, itemId: 'qovery.workspace' });
        await wb.runCommand('Qovery: Create Preview Environment for This Branch');
        const pick = await wb.waitForInputBox(`Preview of "${BRANCH}"`);
        const first = (await pick.widget.locator('.monaco-list-row .label-name').first().innerText()).trim();
        assert.match(first, /staging/, `staging is first and preselected: ${first}`);
        await screenshot('preview-blueprint');
        await page.keyboard.press('Enter');
        const offer = await wb.waitForToast(/Stop it at night/, { timeout: 60_000 });
        assert.deepEqual(offer.buttons, ['Stop Nightly', 'Keep Running']);
        const moving = await wb.waitForStatus(/web · preview feat\/login: (deployment queued|building|deploying)/, { timeout: 60_000, itemId: 'qovery.workspace' });
        assert.match(moving.text, /web · preview feat\/login/);
        const { height, width } = page.viewportSize();
        await screenshot('preview-create', { clip: { x: 0, y: height - 260, width, height: 260 } });
        await wb.clickToastButton(/Stop it at night/, 'Stop Nightly');
        const done = await wb.waitForStatus('web · preview feat/login: running', { timeout: 120_000, itemId: 'qovery.workspace' });
        assert.equal(done.text, 'web · preview feat/login: running');
        const clones = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/clone'));
        assert.equal(clones.length, 1, 'one clone');
        assert.ok(server.requests.some((r) => r.method === 'PUT' && r.path.includes('/deploymentRule/')), 'the nightly stop is set');
      } finally {
        // The next steps use the linked service of the main branch: back on main, the link follows.
        git('checkout', '-q', 'main');
      }
      await wb.waitForStatus(/^web · production: /, { timeout: 60_000, itemId: 'qovery.workspace' });
    },
  },
];
