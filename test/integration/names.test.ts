import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { QoveryNode } from '../../src/tree/nodes';
import { DEMO, demoAccount, startQoveryServer, type QoveryServer } from '../qovery';
import type { QoveryAccount } from '../qovery/model';
import { extensionApi, resetExtension, ScriptedPrompter, setSetting, signInWith, usedTokens, waitFor, type PromptRecord } from './helpers';

/** The demo account with some organizations, projects, environments or services named otherwise (by id). */
function renamed(base: QoveryAccount, names: Readonly<Record<string, string>>): QoveryAccount {
  const rename = <T extends { id: string; name: string }>(r: T): T => (names[r.id] === undefined ? r : { ...r, name: names[r.id] });
  const one = <T extends { id: string; name: string }>(r: T | undefined): T | undefined => r && rename(r);
  return {
    summary: base.summary,
    organizations: () => base.organizations().map(rename),
    organization: (id) => one(base.organization(id)),
    projects: (organizationId) => base.projects(organizationId).map(rename),
    project: (id) => one(base.project(id)),
    environments: (projectId) => base.environments(projectId).map(rename),
    environment: (id) => one(base.environment(id)),
    services: (environmentId) => base.services(environmentId).map(rename),
    roles: (organizationId) => base.roles(organizationId),
    seedApiTokens: () => base.seedApiTokens(),
    users: () => base.users(),
  };
}

/** What a notification would render as a link: `[label](target)`. */
const LINK = /\[[^\]]+\]\([^)]*\)/;

// Names are the user's (or a teammate's) text: one that holds markdown link syntax, nested or split,
// is shown as plain text in every notification, never as a link a click would run.
describe('names with link syntax in messages', function () {
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  let scratch: string;
  const environmentName = '[[prod](x)](command:workbench.action.quit)';
  const serviceName = '[web](command:workbench.action.quit)';
  const developmentName = '[[dev](x)](command:workbench.action.quit)';

  async function child(parent: QoveryNode | undefined, label: string): Promise<QoveryNode> {
    const nodes = await api.tree.getChildren(parent);
    const labels = nodes.map((n) => {
      const item = api.tree.getTreeItem(n);
      return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    });
    const found = nodes[labels.indexOf(label)];
    assert.ok(found, `a row "${label}" among ${labels.join(' | ')}`);
    return found;
  }

  /** Every message, detail and progress text shown: none holds a link, or a "](" that could make one. */
  function assertNoLink(prompter: ScriptedPrompter): void {
    const shown = prompter.shown.filter((r) => r.kind !== 'inputBox' && r.kind !== 'quickPick');
    assert.ok(shown.length > 0, 'messages were shown');
    for (const r of shown) {
      for (const text of [r.message, String((r.options as vscode.MessageOptions | undefined)?.detail ?? '')]) {
        assert.doesNotMatch(text, LINK, `${r.kind}: ${text}`);
        assert.ok(!text.includes(']('), `${r.kind}: ${text}`);
      }
    }
  }

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await startQoveryServer({ account: renamed(demoAccount(), { [DEMO.environments.storefrontProduction]: environmentName, [DEMO.services.storefrontWeb]: serviceName, [DEMO.environments.toolsDevelopment]: developmentName }) });
    server.deployments.setTimings({ stepMs: 300 });
    Object.values(server.tokens).forEach((t) => usedTokens.add(t));
    await resetExtension(api);
    await setSetting('apiUrl', server.url);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-names-'));
    await signInWith(api, server.tokens.admin);
  });

  afterEach(async () => {
    await server.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  after(async () => {
    await resetExtension(api);
  });

  async function rows(): Promise<{ environmentVariables: QoveryNode; serviceVariables: QoveryNode }> {
    const project = await child(await child(undefined, 'Acme Corp'), 'storefront');
    const environment = await child(project, environmentName);
    return { environmentVariables: await child(environment, 'Variables'), serviceVariables: await child(await child(environment, serviceName), 'Variables') };
  }

  it('variables: the delete question, the import preview, the progress and the change shown name them as plain text', async () => {
    const { environmentVariables, serviceVariables } = await rows();
    const prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;

    // Add a variable to the service: the progress and the message after the change.
    prompter.answer('service', 'NAMES_KEY', 'value');
    await vscode.commands.executeCommand(Commands.addVariable, serviceVariables);
    await waitFor('the change message', () => prompter.messages('info').find((m) => m.includes('NAMES_KEY was added')));
    assert.ok(prompter.shown.some((r: PromptRecord) => r.kind === 'progress' && r.message.includes('NAMES_KEY')));

    // Delete: the modal names the service; answered with no, nothing is deleted.
    api.tree.refreshNode(serviceVariables);
    await vscode.commands.executeCommand(Commands.deleteVariable, await child(serviceVariables, 'NAMES_KEY'));
    assert.match(prompter.messages('warn')[0] ?? '', /^Delete the variable NAMES_KEY \(service\) of web \(command:workbench\.action\.quit\)\?$/);

    // Import into the environment, from a file whose name is hostile too: the preview names both.
    const file = path.join(scratch, '[[e](y)](command:workbench.action.quit).env');
    fs.writeFileSync(file, 'NAMES_FLAG=1\n');
    prompter.answer('environment', undefined);
    await vscode.commands.executeCommand(Commands.importEnv, environmentVariables, vscode.Uri.file(file));
    assert.match(prompter.messages('warn')[1] ?? '', /^Import 1 variables from e \(y\) \(command:workbench\.action\.quit\)\.env into prod \(x\) \(command:workbench\.action\.quit\) \(environment\)\?$/);
    assertNoLink(prompter);
  });

  it('deploy: an environment deployed from its row is named as plain text from the start to the outcome', async function () {
    this.timeout(90_000);
    const prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;
    const environment = DEMO.environments.toolsDevelopment;
    const row = { key: `env:${environment}`, organizationId: DEMO.organizations.acme, projectId: DEMO.projects.internalTools, environment: { id: environment, name: developmentName, mode: 'DEVELOPMENT' } };
    await vscode.commands.executeCommand(Commands.deployEnvironment, row);
    await waitFor('the outcome', () => prompter.messages().find((m) => m.startsWith('Qovery: dev (x) (command:workbench.action.quit)')), 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; shown: ${JSON.stringify(prompter.shown.map((r) => r.message))}; reported: ${JSON.stringify(prompter.reported)}`);
    });
    await waitFor('every follow to end', () => api.chunks.get('deploy').commands.following === 0, 30_000);
    assertNoLink(prompter);
  });
});

// A name holding VS Code's icon syntax `$(name)` is shown as typed in a quick pick and the status bar,
// never as an icon (an icon in a pick item can pose as one of the extension's own, such as a warning).
describe('names with icon syntax in picks and the status bar', function () {
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  // One at the very start too: a name can lead a label, where the extension's own icon would be.
  const projectName = '$(pass-filled) store $(warning) $(sync~spin)';

  before(async () => {
    api = await extensionApi();
    server = await startQoveryServer({ account: renamed(demoAccount(), { [DEMO.projects.storefront]: projectName, [DEMO.organizations.acme]: 'Acme $(zap)' }) });
    Object.values(server.tokens).forEach((t) => usedTokens.add(t));
    await resetExtension(api);
    await setSetting('apiUrl', server.url);
    await signInWith(api, server.tokens.admin);
  });

  after(async () => {
    await resetExtension(api);
    await server.close();
  });

  it('a pick shows the name with its icon syntax escaped, keeps its own leading icon, and hands back the item given', async () => {
    const prompter = new ScriptedPrompter();
    api.ui.prompter = prompter;
    // Show Variables with no argument asks for the project by name (the account has one organization).
    prompter.answer(undefined);
    await vscode.commands.executeCommand(Commands.showVariables);
    const picks = prompter.shown.filter((r) => r.kind === 'quickPick');
    assert.equal(picks.length, 1, JSON.stringify(prompter.shown.map((r) => r.message)));
    const labels = (picks[0].items ?? []).map((i) => i.label);
    assert.ok(labels.includes('\\$(pass-filled) store \\$(warning) \\$(sync~spin)'), labels.join(' | '));

    // The extension's own leading icon stays one, and the caller gets its own item back.
    const own = { label: '$(rocket) Deploy $(zap)', description: 'of $(warning) prod', tag: 42 };
    const answer = new ScriptedPrompter();
    api.ui.prompter = answer;
    answer.answer('Deploy');
    const picked = await api.ui.prompter.quickPick([own], {});
    assert.strictEqual(picked, own);
    const shown = answer.shown[0].items?.[0];
    assert.equal(shown?.label, '$(rocket) Deploy \\$(zap)');
    assert.equal(shown?.description, 'of \\$(warning) prod');
  });

  it("the status bar names the organization as typed", () => {
    assert.match(api.statusBar.item.text, /^\$\(cloud\) Qovery: Acme \\\$\(zap\)$/);
  });
});

// The deploy feature keeps the environment names and modes it read for a few minutes: another connection
// (another account, another token) must never be shown the names the previous one read.
describe('names read for one connection', function () {
  this.timeout(120_000);

  it('are not shown for the next: an environment renamed on the new connection is named as Qovery says there', async () => {
    const api = await extensionApi();
    const prompter = new ScriptedPrompter();
    const environment = DEMO.environments.toolsDevelopment;
    const row = (name: string) => ({ key: `env:${environment}`, organizationId: DEMO.organizations.acme, projectId: DEMO.projects.internalTools, environment: { id: environment, name, mode: 'DEVELOPMENT' } });
    const deployAndWait = async (server: QoveryServer, name: string, expected: string) => {
      server.deployments.setTimings({ stepMs: 300 });
      Object.values(server.tokens).forEach((t) => usedTokens.add(t));
      await resetExtension(api);
      await setSetting('apiUrl', server.url);
      await signInWith(api, server.tokens.admin);
      api.ui.prompter = prompter;
      prompter.shown.length = 0;
      await vscode.commands.executeCommand(Commands.deployEnvironment, row(name));
      await waitFor(`the outcome naming ${expected}`, () => prompter.messages().find((m) => m.startsWith(`Qovery: ${expected} is`)), 60_000).catch((e: Error) => {
        throw new Error(`${e.message}; shown: ${JSON.stringify(prompter.shown.map((r) => r.message))}`);
      });
      await waitFor('every follow to end', () => api.chunks.get('deploy').commands.following === 0, 30_000);
    };
    const plain = await startQoveryServer();
    const other = await startQoveryServer({ account: renamed(demoAccount(), { [environment]: 'tools-dev' }) });
    try {
      await deployAndWait(plain, 'development', 'development');
      await deployAndWait(other, 'development', 'tools-dev');
    } finally {
      await plain.close();
      await other.close();
      await resetExtension(api);
    }
  });
});
