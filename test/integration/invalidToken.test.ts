import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import { DEMO, DEMO_ADMIN_TOKEN, type QoveryServer } from '../qovery';
import { addFolder, makeRepository, removeAddedFolders } from './folders';
import { extensionApi, freshServer, resetExtension, ScriptedPrompter, setSetting, signInWith, usedTokens, waitFor } from './helpers';

/** A well-formed token the test server does not know: it answers 401. */
const REJECTED_TOKEN = 'qov_RejectedRejectedRejectedRejectedRejected01';

/** The 1.95 tools API (the types of the 1.90 floor do not have it). */
interface LmApi {
  tools: readonly { name: string }[];
  invokeTool(name: string, options: { input: object; toolInvocationToken: undefined }, token?: vscode.CancellationToken): Thenable<{ content: unknown[] }>;
}
const lm = (): LmApi => (vscode as unknown as { lm: LmApi }).lm;

// A connection whose token Qovery rejects: each command says so with the one token message and Update
// Token (never "link this workspace", never nothing), and each agent tool answers that the token was rejected.
describe('commands and tools, run with a token Qovery rejects (401)', function () {
  this.timeout(90_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  let dir: string;
  const env = DEMO.environments.storefrontProduction;

  const serviceRow = () => {
    const environment = server.state.account.environment(env)!;
    return { organizationId: environment.organizationId, projectId: environment.projectId, environmentId: env, serviceId: DEMO.services.storefrontWeb, serviceName: 'web', serviceType: 'APPLICATION' };
  };

  before(async () => {
    api = await extensionApi();
    server = await freshServer(api);
    await setSetting('experimental.portForward', true);
    await signInWith(api, DEMO_ADMIN_TOKEN);
    dir = makeRepository('rejected', 'https://github.com/acme/storefront-web.git');
    const folder = await addFolder(dir);
    await waitFor('the folder linked', () => api.workspace.links.linkOf(folder)?.link?.serviceId === DEMO.services.storefrontWeb, 30_000);
    // The token changes under the connection (revoked, or replaced in another window): Qovery answers 401.
    usedTokens.add(REJECTED_TOKEN);
    await api.store.storeToken(api.store.active()!.id, REJECTED_TOKEN);
    await api.session.check();
    assert.strictEqual(api.session.state.status, 'invalidToken');
  });

  after(async () => {
    await removeAddedFolders();
    await resetExtension(api);
    await setSetting('experimental.portForward', undefined);
    await setSetting('websocketUrl', undefined);
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rejected = (name: string) => `error: ${name}: Qovery rejected this token (401): it is wrong, or it was revoked. [Update Token, Show Log]`;

  const commands: [string, string, () => unknown[]][] = [
    ['Open Shell in the linked service', Commands.openShell, () => []],
    ['Open Shell on a service row', Commands.openShell, () => [serviceRow()]],
    ['Forward Port to the linked service', Commands.forwardPort, () => []],
    ['Forward Port on a service row', Commands.forwardPort, () => [serviceRow()]],
    ['Create Preview Environment', Commands.createPreview, () => []],
    ['Delete Preview Environment', Commands.deletePreview, () => []],
  ];
  for (const [title, id, args] of commands) {
    it(`${title}: the token message with Update Token, nothing else`, async () => {
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      await vscode.commands.executeCommand(id, ...args());
      await waitFor('a message', () => prompter.shown.find((r) => r.kind !== 'progress'), 20_000);
      // Anything said late (a second message) is caught too.
      await new Promise((r) => setTimeout(r, 500));
      assert.deepStrictEqual(
        prompter.shown.filter((r) => r.kind !== 'progress').map((r) => `${r.kind}: ${r.message} [${r.actions.join(', ')}]`),
        [rejected(api.store.active()!.name)],
      );
    });
  }

  for (const tool of ['qovery_lastDeployment', 'qovery_serviceStatus', 'qovery_recentLogs', 'qovery_variables', 'qovery_redeploy', 'qovery_restart']) {
    it(`the ${tool} tool answers that the token was rejected, and how to update it`, async function () {
      if (!lm()?.tools?.some((t) => t.name === tool)) {
        this.skip();
      }
      const prompter = new ScriptedPrompter();
      api.ui.prompter = prompter;
      for (const input of [{}, { serviceId: DEMO.services.storefrontWeb }]) {
        const result = await lm().invokeTool(tool, { input, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
        const text = result.content.map((p) => String((p as { value?: unknown }).value ?? '')).join('');
        assert.ok(text.includes('rejected the token (401)') && text.includes('Update Token'), `${JSON.stringify(input)}: ${text}`);
      }
      assert.deepStrictEqual(prompter.messages(), [], 'nothing acted on');
    });
  }
});
