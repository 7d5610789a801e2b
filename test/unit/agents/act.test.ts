import * as assert from 'node:assert/strict';
import type * as Act from '../../../src/agents/act';
import type { ToolService } from '../../../src/agents/tools';
import type { HeadPlan } from '../../../src/agents/deployHead';
import { loadSource } from '../support/loadSource';

// A stand-in for the 1.95 tools API: registerTool keeps each tool, a result is its text.
type Tool = { prepareInvocation(o: { input: unknown }): Promise<{ confirmationMessages?: { title: string } } | undefined>; invoke(o: { input: unknown }): Promise<{ text: string }> };
const registered = new Map<string, Tool>();
const vscode = {
  l10n: { t: (message: string, ...args: (string | number)[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) },
  lm: { registerTool: (name: string, tool: Tool) => (registered.set(name, tool), { dispose: () => registered.delete(name) }) },
  LanguageModelToolResult: class {
    text: string;
    constructor(parts: { value: string }[]) {
      this.text = parts.map((p) => p.value).join('');
    }
  },
  LanguageModelTextPart: class {
    constructor(readonly value: string) {}
  },
};

const service = (serviceId: string, environmentMode: string): ToolService =>
  ({ serviceId, serviceName: serviceId, environmentMode, environmentName: environmentMode.toLowerCase(), projectName: 'p', organizationName: 'o' }) as unknown as ToolService;
const staging = service('staging-web', 'STAGING');
const production = service('production-web', 'PRODUCTION');
const deployOf = (commitId: string): HeadPlan => ({ kind: 'deploy', commitId, commitText: `${commitId.slice(0, 7)} msg`, dirty: false });

describe('agents: the act tools act only on what the user confirmed', () => {
  let act: typeof Act;
  let current: ToolService | undefined;
  let signedIn: boolean;
  let plan: () => Promise<HeadPlan>;
  let runs: { verb: string; serviceId: string; commitId?: string; confirmedMode?: string }[];
  let disposables: { dispose(): void }[] = [];

  before(async () => {
    act = await loadSource<typeof Act>('src/agents/act.ts', vscode);
  });

  beforeEach(() => {
    current = staging;
    signedIn = true;
    plan = () => Promise.resolve(deployOf('a'.repeat(40)));
    runs = [];
    disposables = act.registerActTools({
      signedIn: () => signedIn,
      service: () => Promise.resolve(current),
      commit: () => Promise.resolve('abc1234'),
      headPlan: () => plan(),
      run: (verb, s, o) => {
        runs.push({ verb, serviceId: s.serviceId, commitId: o?.commitId, confirmedMode: o?.confirmedMode });
        return Promise.resolve();
      },
    });
  });

  afterEach(() => disposables.forEach((d) => d.dispose()));

  const tool = (name: string): Tool => registered.get(name)!;

  for (const [verb, name] of [['redeploy', 'qovery_redeploy'], ['restart', 'qovery_restart']] as const) {
    it(`${verb}: the confirmed service runs with the confirmed mode`, async () => {
      assert.ok((await tool(name).prepareInvocation({ input: {} }))?.confirmationMessages);
      await tool(name).invoke({ input: {} });
      assert.deepEqual(runs, [{ verb, serviceId: 'staging-web', commitId: undefined, confirmedMode: 'STAGING' }]);
    });

    it(`${verb}: another service resolved at invoke (the active folder changed) is refused, nothing run`, async () => {
      assert.ok((await tool(name).prepareInvocation({ input: {} }))?.confirmationMessages);
      current = production;
      const answer = await tool(name).invoke({ input: {} });
      assert.ok(answer.text.includes('the service changed since you confirmed; ask again.'), answer.text);
      assert.deepEqual(runs, []);
    });

    it(`${verb}: the same service in another mode since the confirmation is refused`, async () => {
      await tool(name).prepareInvocation({ input: {} });
      current = { ...staging, environmentMode: 'PRODUCTION' };
      await tool(name).invoke({ input: {} });
      assert.deepEqual(runs, []);
    });

    it(`${verb}: no confirmation shown (signed out, or no service, at prepare time) never acts`, async () => {
      signedIn = false;
      assert.equal((await tool(name).prepareInvocation({ input: {} }))?.confirmationMessages, undefined);
      signedIn = true;
      await tool(name).invoke({ input: {} });
      current = undefined;
      assert.equal((await tool(name).prepareInvocation({ input: {} }))?.confirmationMessages, undefined);
      current = staging;
      const answer = await tool(name).invoke({ input: {} });
      assert.deepEqual(runs, []);
      assert.ok(answer.text.includes('ask again'), answer.text);
    });

    it(`${verb}: a confirmation is used once`, async () => {
      await tool(name).prepareInvocation({ input: {} });
      await tool(name).invoke({ input: {} });
      await tool(name).invoke({ input: {} });
      assert.equal(runs.length, 1);
    });
  }

  it('deploy HEAD: the confirmed service and commit deploy with the confirmed mode', async () => {
    assert.ok((await tool('qovery_deployHead').prepareInvocation({ input: {} }))?.confirmationMessages);
    await tool('qovery_deployHead').invoke({ input: {} });
    assert.deepEqual(runs, [{ verb: 'deploy', serviceId: 'staging-web', commitId: 'a'.repeat(40), confirmedMode: 'STAGING' }]);
  });

  it('deploy HEAD: a plan that failed at prepare time (no confirmation) deploys nothing even when it succeeds at invoke', async () => {
    plan = () => Promise.reject(new Error('503'));
    assert.equal((await tool('qovery_deployHead').prepareInvocation({ input: {} }))?.confirmationMessages, undefined);
    plan = () => Promise.resolve(deployOf('a'.repeat(40)));
    const answer = await tool('qovery_deployHead').invoke({ input: {} });
    assert.deepEqual(runs, []);
    assert.ok(answer.text.includes('ask again'), answer.text);
  });

  it('deploy HEAD: a refusal at prepare time then a plan at invoke deploys nothing', async () => {
    plan = () => Promise.resolve({ kind: 'refuse', reason: 'notPushed', message: 'Qovery: push it first.' });
    await tool('qovery_deployHead').prepareInvocation({ input: {} });
    plan = () => Promise.resolve(deployOf('a'.repeat(40)));
    await tool('qovery_deployHead').invoke({ input: {} });
    assert.deepEqual(runs, []);
  });

  it('deploy HEAD: a refusal is answered with its reason', async () => {
    plan = () => Promise.resolve({ kind: 'refuse', reason: 'notPushed', message: 'Qovery: push it first.' });
    await tool('qovery_deployHead').prepareInvocation({ input: {} });
    assert.equal((await tool('qovery_deployHead').invoke({ input: {} })).text, 'Qovery: push it first.');
  });

  it('deploy HEAD: another service, or another mode, than the confirmed one is refused', async () => {
    await tool('qovery_deployHead').prepareInvocation({ input: {} });
    current = production;
    const answer = await tool('qovery_deployHead').invoke({ input: {} });
    assert.ok(answer.text.includes('the service changed since you confirmed; ask again.'), answer.text);
    current = staging;
    await tool('qovery_deployHead').prepareInvocation({ input: {} });
    current = { ...staging, environmentMode: 'PRODUCTION' };
    await tool('qovery_deployHead').invoke({ input: {} });
    assert.deepEqual(runs, []);
  });

  it('deploy HEAD: a HEAD moved since the confirmation is refused', async () => {
    await tool('qovery_deployHead').prepareInvocation({ input: {} });
    plan = () => Promise.resolve(deployOf('b'.repeat(40)));
    const answer = await tool('qovery_deployHead').invoke({ input: {} });
    assert.ok(answer.text.includes('HEAD moved'), answer.text);
    assert.deepEqual(runs, []);
  });
});
