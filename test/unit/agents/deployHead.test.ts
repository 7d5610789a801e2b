import * as assert from 'node:assert/strict';
import { headPlan } from '../../../src/agents/deployHead';

const l10n = { t: (message: string, ...args: (string | number)[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) };
const head = 'abcdef1234567890abcdef1234567890abcdef12';
const commits = [
  { git_commit_id: '1111111111111111111111111111111111111111', text: '1111111 Newer on the remote' },
  { git_commit_id: head, text: 'abcdef1 Fix the checkout' },
];

describe('agents: what Deploy HEAD deploys', () => {
  it('HEAD when Qovery sees it, never another commit', () => {
    assert.deepEqual(headPlan({ head, gitBuilt: true, commits, dirty: false }, 'web', l10n), { kind: 'deploy', commitId: head, commitText: 'abcdef1 Fix the checkout', dirty: false });
    assert.equal(headPlan({ head: head.toUpperCase(), gitBuilt: true, commits, dirty: 'unknown' }, 'web', l10n).kind, 'deploy');
  });

  it('refuses a HEAD Qovery does not see (not pushed), naming it, and says nothing was deployed', () => {
    const plan = headPlan({ head: 'f'.repeat(40), gitBuilt: true, commits, dirty: false }, 'web', l10n);
    assert.equal(plan.kind, 'refuse');
    assert.ok(plan.kind === 'refuse' && plan.reason === 'notPushed' && plan.message.includes('HEAD fffffff') && plan.message.includes('push it first') && plan.message.includes('Nothing was deployed'), JSON.stringify(plan));
    assert.equal(headPlan({ head, gitBuilt: true, commits: [], dirty: false }, 'web', l10n).kind, 'refuse');
  });

  it('refuses an unknown HEAD and a service that runs an image', () => {
    const noHead = headPlan({ gitBuilt: true, commits, dirty: false }, 'web', l10n);
    assert.ok(noHead.kind === 'refuse' && noHead.reason === 'noHead', JSON.stringify(noHead));
    const image = headPlan({ head, gitBuilt: false, commits, dirty: false }, 'cache', l10n);
    assert.ok(image.kind === 'refuse' && image.reason === 'notGitBuilt' && image.message.includes('Qovery: Deploy'), JSON.stringify(image));
  });
});
