import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { QoveryNode } from '../../src/tree/nodes';
import { DEMO, type QoveryServer } from '../qovery';
import { extensionApi, freshServer, type PromptRecord, resetExtension, ScriptedPrompter, signInWith, usedSecrets, waitFor } from './helpers';

interface Row {
  node: QoveryNode;
  item: vscode.TreeItem;
  label: string;
  description: string;
}

describe('variables and secrets', function () {
  let api: QoveryExtensionApi;
  let server: QoveryServer;
  let scratch: string;

  async function rows(parent?: QoveryNode): Promise<Row[]> {
    const nodes = await api.tree.getChildren(parent);
    return nodes.map((node) => {
      const item = api.tree.getTreeItem(node);
      return { node, item, label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''), description: String(item.description ?? '') };
    });
  }

  async function row(parent: QoveryNode | undefined, label: string): Promise<Row> {
    const all = await rows(parent);
    const found = all.find((r) => r.label === label);
    assert.ok(found, `a row "${label}" among ${all.map((r) => r.label).join(', ')}`);
    return found;
  }

  /** The "Variables" row of storefront > production > web (or of the environment itself). */
  async function variablesRow(of: 'web' | 'production' = 'web'): Promise<Row> {
    const org = await row(undefined, 'Acme Corp');
    const project = await row(org.node, 'storefront');
    const environment = await row(project.node, 'production');
    return of === 'production' ? row(environment.node, 'Variables') : row((await row(environment.node, 'web')).node, 'Variables');
  }

  /** The variable rows under a Variables row, loaded again. */
  async function variableRows(variables: Row): Promise<Row[]> {
    api.tree.refreshNode(variables.node);
    return rows(variables.node);
  }

  const secretValue = (): string => {
    const value = `typed-secret-${randomBytes(9).toString('hex')}`;
    usedSecrets.add(value);
    return value;
  };

  function script(...answers: (string | undefined | ((r: PromptRecord) => unknown))[]): ScriptedPrompter {
    const prompter = new ScriptedPrompter().answer(...answers);
    api.ui.prompter = prompter;
    return prompter;
  }

  const stored = (key: string) => server.state.variables().filter((v) => v.key === key);

  /** No trace of the value anywhere the extension keeps or shows things: messages, prompts, state, its log. */
  /** (Files on disk, the log included, are scanned by the last test of the suite.) */
  function assertNowhere(value: string, prompter: ScriptedPrompter): void {
    assert.ok(!JSON.stringify(prompter.shown.map((s) => [s.message, s.actions, (s.options as { detail?: string; value?: string } | undefined)?.detail])).includes(value), 'not in a message');
    for (const key of api.globalState.keys()) {
      assert.ok(!JSON.stringify(api.globalState.get(key) ?? null).includes(value), `not in globalState ${key}`);
    }
  }

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await freshServer(api);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-variables-'));
  });

  afterEach(async () => {
    await server.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  after(async () => {
    await resetExtension(api);
  });

  it('signed out, a variables command asks to sign in as every command does: one message, with Sign In', async () => {
    const prompter = script(undefined);
    const target = { scope: 'APPLICATION', parentId: 's', name: 'web', organizationId: 'o', projectId: 'p', environmentId: 'e', serviceId: 's' };
    await vscode.commands.executeCommand(Commands.addVariable, target);
    const told = await waitFor('the message', () => prompter.shown.find((s) => s.kind === 'info'));
    assert.strictEqual(told.message, 'Qovery: this command needs a connection. Sign in with a Qovery API token first.');
    assert.ok(told.actions.some((a) => a.includes('Sign In')), told.actions.join());
    assert.strictEqual(prompter.shown.length, 1, JSON.stringify(prompter.shown.map((s) => s.message)));
  });

  it('lists the variables of a service with key, value or lock, and origin; an overridden one is marked', async () => {
    await signInWith(api, server.tokens.admin);
    const variables = await variablesRow();
    assert.strictEqual(variables.item.contextValue, 'qovery.variables.service');
    const list = await rows(variables.node);
    const shown = Object.fromEntries(list.map((r) => [`${r.label}${r.description.includes('overridden below') ? ' (overridden)' : ''}`, r.description]));
    assert.strictEqual(shown.PORT, '3000 · service');
    assert.strictEqual(shown.REGION, 'eu-west-3 · environment');
    assert.strictEqual(shown.SENTRY_DSN, 'secret · project');
    assert.strictEqual(shown.STRIPE_SECRET_KEY, 'secret · environment');
    assert.strictEqual(shown.QOVERY_PROJECT_ID, `${DEMO.projects.storefront} · built-in`);
    assert.strictEqual(shown.LOG_LEVEL, 'debug · overridden here');
    assert.strictEqual(shown['LOG_LEVEL (overridden)'], 'info · project, overridden below');
    assert.strictEqual(shown.DB_URL, 'postgres://postgres.internal:5432/store · alias of DATABASE_URL');
    const sentry = list.find((r) => r.label === 'SENTRY_DSN')!;
    assert.strictEqual((sentry.item.iconPath as vscode.ThemeIcon).id, 'lock');
    assert.ok(!JSON.stringify(list.map((r) => [r.description, (r.item.tooltip as vscode.MarkdownString).value])).includes('seeded-sentry-dsn-value'));
    // The environment's own Variables row sees the project and itself, not its services.
    const environmentRows = await rows((await variablesRow('production')).node);
    assert.ok(environmentRows.some((r) => r.label === 'REGION'));
    assert.ok(!environmentRows.some((r) => r.label === 'PORT'));
  });

  it('Add Variable checks the key first, then sends it at the level picked, and says when it applies', async () => {
    await signInWith(api, server.tokens.admin);
    const variables = await variablesRow();
    let validation: (string | undefined)[] = [];
    const prompter = script('service', (r: PromptRecord) => {
      const options = r.options as vscode.InputBoxOptions;
      validation = ['9LIVES', 'MY-KEY', '', 'FEATURE_SEARCH'].map((k) => options.validateInput?.(k) as string | undefined);
      return 'FEATURE_SEARCH';
    }, 'on');
    await vscode.commands.executeCommand(Commands.addVariable, variables.node);
    assert.deepStrictEqual(validation, ['A key cannot start with a digit.', 'Use letters, digits and _ only (an environment variable name).', 'Enter a key.', undefined]);
    assert.deepStrictEqual(stored('FEATURE_SEARCH').map((v) => [v.value, v.scope, v.parentId, v.isSecret]), [['on', 'APPLICATION', DEMO.services.storefrontWeb, false]]);
    await waitFor('the message', () => prompter.messages('info').find((m) => /FEATURE_SEARCH was added to web/.test(m)));
    assert.match(prompter.messages('info').join('\n'), /applies at the next deployment/);
    assert.ok((await variableRows(variables)).some((r) => r.label === 'FEATURE_SEARCH' && r.description === 'on · service'));
  });

  it('Add Secret sends the value once; it is shown nowhere and kept nowhere', async () => {
    await signInWith(api, server.tokens.admin);
    const variables = await variablesRow();
    const value = secretValue();
    const prompter = script('environment', 'PAYMENT_API_KEY', value);
    await vscode.commands.executeCommand(Commands.addSecret, variables.node);
    const valuePrompt = prompter.shown.find((s) => s.kind === 'inputBox' && /goes to Qovery only/.test(String((s.options as vscode.InputBoxOptions).prompt)));
    assert.strictEqual((valuePrompt?.options as vscode.InputBoxOptions).password, true);
    assert.deepStrictEqual(stored('PAYMENT_API_KEY').map((v) => [v.value, v.scope, v.isSecret]), [[value, 'ENVIRONMENT', true]], 'the value arrived');
    const request = server.requests.find((r) => r.method === 'POST' && r.path === '/variable');
    assert.strictEqual((request?.body as { value?: string }).value, value);
    await waitFor('the message', () => prompter.messages('info').find((m) => /PAYMENT_API_KEY was added/.test(m)));
    const secretRow = (await variableRows(variables)).find((r) => r.label === 'PAYMENT_API_KEY');
    assert.strictEqual(secretRow?.description, 'secret · environment');
    assertNowhere(value, prompter);
  });

  it('a refused secret does not show its value in the error, even when the server repeats it', async () => {
    await signInWith(api, server.tokens.admin);
    const variables = await variablesRow();
    const value = secretValue();
    server.setFault('POST /variable', { status: 400, body: { status: 400, title: 'Bad Request', detail: `Invalid value ${value}` }, times: 1 });
    const prompter = script('service', 'ECHOED_SECRET', value);
    await vscode.commands.executeCommand(Commands.addSecret, variables.node);
    const error = await waitFor('the error', () => prompter.messages('error')[0]);
    assert.match(error, /Qovery refused the change: .*Invalid value •••/);
    assertNowhere(value, prompter);
  });

  it('Edit Value shows a plain value; a secret is replaced without its old value being shown or asked for', async () => {
    await signInWith(api, server.tokens.admin);
    const variables = await variablesRow();
    let list = await rows(variables.node);
    let prompter = script('4000');
    await vscode.commands.executeCommand(Commands.editVariable, list.find((r) => r.label === 'PORT')!.node);
    assert.strictEqual((prompter.shown[0].options as vscode.InputBoxOptions).value, '3000');
    assert.strictEqual(stored('PORT')[0].value, '4000');
    await waitFor('the message', () => prompter.messages('info').find((m) => /PORT was changed/.test(m)));

    // A secret of the service itself.
    const first = secretValue();
    prompter = script('service', 'WEBHOOK_SECRET', first);
    await vscode.commands.executeCommand(Commands.addSecret, variables.node);
    await waitFor('the message', () => prompter.messages('info').find((m) => /WEBHOOK_SECRET was added/.test(m)));
    list = await variableRows(variables);
    const replacement = secretValue();
    prompter = script(replacement);
    await vscode.commands.executeCommand(Commands.editVariable, list.find((r) => r.label === 'WEBHOOK_SECRET')!.node);
    const box = prompter.shown[0].options as vscode.InputBoxOptions;
    assert.strictEqual(box.value, undefined, 'the old value is not offered');
    assert.strictEqual(box.password, true);
    assert.match(String(box.prompt), /current value is not shown/);
    assert.strictEqual(stored('WEBHOOK_SECRET')[0].value, replacement);
    const put = server.requests.filter((r) => r.method === 'PUT');
    assert.strictEqual(put.length, 2);
    assert.ok(!server.requests.some((r) => r.method === 'GET' && /\/variable\/./.test(r.path)), 'no call asks for one variable');
    assertNowhere(first, prompter);
    assertNowhere(replacement, prompter);
  });

  it('Override Here, Create Alias and Delete (with a modal naming key and level)', async () => {
    await signInWith(api, server.tokens.admin);
    const variables = await variablesRow();
    let list = await rows(variables.node);
    const region = list.find((r) => r.label === 'REGION')!;
    assert.match(String(region.item.contextValue), /\.overridable\./);
    let prompter = script('us-east-2');
    await vscode.commands.executeCommand(Commands.overrideVariable, region.node);
    await waitFor('the message', () => prompter.messages('info').find((m) => /REGION is overridden in web/.test(m)));
    list = await variableRows(variables);
    assert.ok(list.some((r) => r.label === 'REGION' && r.description === 'us-east-2 · overridden here'));
    assert.ok(list.some((r) => r.label === 'REGION' && r.description === 'eu-west-3 · environment, overridden below'));

    prompter = script('HTTP_PORT');
    await vscode.commands.executeCommand(Commands.aliasVariable, list.find((r) => r.label === 'PORT')!.node);
    await waitFor('the message', () => prompter.messages('info').find((m) => /HTTP_PORT is an alias of PORT/.test(m)));
    list = await variableRows(variables);
    assert.ok(list.some((r) => r.label === 'HTTP_PORT' && r.description === '3000 · alias of PORT'), list.map((r) => `${r.label}: ${r.description}`).join('\n'));

    const feature = list.find((r) => r.label === 'FEATURE_CHECKOUT_V2')!;
    prompter = script(undefined);
    await vscode.commands.executeCommand(Commands.deleteVariable, feature.node);
    assert.strictEqual(prompter.shown[0].kind, 'warn');
    assert.strictEqual(prompter.shown[0].message, 'Delete the variable FEATURE_CHECKOUT_V2 (service) of web?');
    assert.strictEqual((prompter.shown[0].options as vscode.MessageOptions).modal, true);
    assert.strictEqual(stored('FEATURE_CHECKOUT_V2').length, 1, 'kept when not confirmed');
    prompter = script('Delete');
    await vscode.commands.executeCommand(Commands.deleteVariable, feature.node);
    assert.strictEqual(stored('FEATURE_CHECKOUT_V2').length, 0);
    await waitFor('the message', () => prompter.messages('info').find((m) => /FEATURE_CHECKOUT_V2 was deleted/.test(m)));
    assert.ok(!(await variableRows(variables)).some((r) => r.label === 'FEATURE_CHECKOUT_V2'));
  });

  it("a viewer is told its token's role may not change variables (403), and nothing changes", async () => {
    await signInWith(api, server.tokens.viewer);
    const variables = await variablesRow();
    const before = JSON.stringify(server.state.variables());
    const value = secretValue();
    const prompter = script('service', 'NOT_ALLOWED', value);
    await vscode.commands.executeCommand(Commands.addSecret, variables.node);
    assert.deepStrictEqual(prompter.messages('error'), ["Qovery: your token's role may not change variables (403)."]);
    const port = (await rows(variables.node)).find((r) => r.label === 'PORT')!;
    script('Delete');
    await vscode.commands.executeCommand(Commands.deleteVariable, port.node);
    assert.strictEqual(JSON.stringify(server.state.variables()), before);
    assert.strictEqual(api.session.state.status, 'signedIn', 'a 403 does not sign anyone out');
    assertNowhere(value, prompter);
  });

  it('the API says why it refuses: a key that exists already', async () => {
    await signInWith(api, server.tokens.admin);
    const prompter = script('service', 'PORT', '1');
    await vscode.commands.executeCommand(Commands.addVariable, (await variablesRow()).node);
    assert.match(prompter.messages('error')[0] ?? '', /^Qovery refused the change: .*A variable with the key PORT exists already at this level\./);
  });

  it('Import .env File shows a preview (secrets marked) and creates the variables in one call for a service', async () => {
    await signInWith(api, server.tokens.admin);
    const variables = await variablesRow();
    const secret = secretValue();
    const file = path.join(scratch, '.env');
    fs.writeFileSync(file, `# local settings\nexport PORT=3000\nNEW_FLAG="yes please"\nDATABASE_PASSWORD='${secret}'\nbroken line\nFEATURE_CHECKOUT_V2=false # turned off\n`);
    let detail = '';
    const prompter = script('service', (r: PromptRecord) => {
      detail = String((r.options as vscode.MessageOptions).detail);
      return 'Import';
    });
    const imported = await vscode.commands.executeCommand<string[]>(Commands.importEnv, variables.node, vscode.Uri.file(file));
    assert.match(prompter.messages('warn')[0], /^Import 3 variables from \.env into web \(service\)\?$/);
    assert.deepStrictEqual(detail.split('\n'), [
      '= PORT (unchanged, skipped)',
      '+ NEW_FLAG',
      '+ DATABASE_PASSWORD 🔒 secret',
      '~ FEATURE_CHECKOUT_V2 (changed)',
      '',
      'line 5: no "=", skipped',
    ]);
    assert.deepStrictEqual(imported, ['NEW_FLAG', 'DATABASE_PASSWORD', 'FEATURE_CHECKOUT_V2']);
    assert.strictEqual(server.requests.filter((r) => r.path === '/variable/import').length, 1);
    assert.deepStrictEqual(stored('NEW_FLAG').map((v) => v.value), ['yes please']);
    assert.deepStrictEqual(stored('DATABASE_PASSWORD').map((v) => [v.value, v.isSecret]), [[secret, true]]);
    assert.deepStrictEqual(stored('FEATURE_CHECKOUT_V2').map((v) => v.value), ['false']);
    assertNowhere(secret, prompter);
  });

  it('Import .env File into an environment: one call per variable; secrets can be chosen', async () => {
    await signInWith(api, server.tokens.admin);
    const file = path.join(scratch, 'prod.env');
    fs.writeFileSync(file, 'CACHE_TTL=60\nREGION=eu-west-1\n');
    script(
      'environment',
      'Choose Secrets…',
      (r: PromptRecord) => (r.items ?? []).filter((i) => i.label === 'CACHE_TTL'),
      (r: PromptRecord) => {
        assert.match(String((r.options as vscode.MessageOptions).detail), /\+ CACHE_TTL 🔒 secret/);
        return 'Import';
      },
    );
    await vscode.commands.executeCommand(Commands.importEnv, (await variablesRow('production')).node, vscode.Uri.file(file));
    assert.deepStrictEqual(stored('CACHE_TTL').map((v) => [v.value, v.isSecret, v.scope]), [['60', true, 'ENVIRONMENT']]);
    assert.deepStrictEqual(stored('REGION').map((v) => v.value), ['eu-west-1']);
    assert.strictEqual(server.requests.filter((r) => r.path === '/variable/import').length, 0);
    assert.deepStrictEqual(server.requests.filter((r) => r.method !== 'GET').map((r) => r.method), ['POST', 'PUT']);
  });

  it('Import .env File that fails part way says what was imported, what failed and what was not tried; Retry sends the rest', async () => {
    await signInWith(api, server.tokens.admin);
    const file = path.join(scratch, 'partial.env');
    fs.writeFileSync(file, 'PART_ONE=1\nPART_TWO=2\nPART_THREE=3\nPART_FOUR=4\n');
    server.setFault('POST /variable', { status: 500, skip: 1, times: 1 });
    let retryPreview = '';
    const prompter = script('environment', 'Import', 'Retry', 'environment', (r: PromptRecord) => {
      retryPreview = String((r.options as vscode.MessageOptions).detail);
      return 'Import';
    });
    const imported = await vscode.commands.executeCommand<string[]>(Commands.importEnv, (await variablesRow('production')).node, vscode.Uri.file(file));
    assert.deepStrictEqual(imported, ['PART_ONE']);
    const stopped = prompter.shown.find((s) => s.kind === 'error');
    assert.match(stopped?.message ?? '', /^Qovery: 1 of 4 variables imported into production; PART_TWO failed: Qovery had a server error\. .* Imported: PART_ONE\. Not tried: PART_THREE, PART_FOUR\.$/);
    assert.deepStrictEqual(stopped?.actions, ['Retry', 'Show Log']);
    // Retry: the same file again; what was imported is skipped, the rest is sent.
    const keys = (): string[] => server.state.variables().filter((v) => v.key.startsWith('PART_')).map((v) => v.key);
    await waitFor('the retry to import the rest', () => keys().length === 4 && prompter.messages('info').some((m) => /3 of 3 variables imported into production/.test(m)));
    assert.deepStrictEqual(retryPreview.split('\n'), ['= PART_ONE (unchanged, skipped)', '+ PART_TWO', '+ PART_THREE', '+ PART_FOUR']);
    assert.deepStrictEqual(keys().sort(), ['PART_FOUR', 'PART_ONE', 'PART_THREE', 'PART_TWO']);
  });

  it('Pull Variables to .env refuses a .env that is a symbolic link and says where it points', async () => {
    await signInWith(api, server.tokens.admin);
    const elsewhere = path.join(scratch, 'elsewhere.txt');
    fs.writeFileSync(elsewhere, 'kept\n');
    const file = path.join(scratch, '.env');
    fs.symlinkSync(elsewhere, file);
    const prompter = script();
    assert.strictEqual(await vscode.commands.executeCommand(Commands.pullEnv, (await variablesRow()).node, vscode.Uri.file(file)), undefined);
    assert.deepStrictEqual(prompter.messages('error'), [`Qovery: .env is a symbolic link to ${elsewhere}: the variables were not written through it. Remove the link or choose another file.`]);
    assert.strictEqual(fs.readFileSync(elsewhere, 'utf8'), 'kept\n');
  });

  it('Pull Variables to .env writes values and placeholders, and asks before writing a file git would track', async () => {
    await signInWith(api, server.tokens.admin);
    const variables = await variablesRow();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: scratch, stdio: 'pipe' });
    git('init', '-q');
    const file = path.join(scratch, '.env');
    // Not ignored: refused unless the user says so; here, by adding it to .gitignore.
    let prompter = script(undefined);
    assert.strictEqual(await vscode.commands.executeCommand(Commands.pullEnv, variables.node, vscode.Uri.file(file)), undefined);
    assert.match(prompter.messages('warn')[0], /\.env is not ignored by git/);
    assert.deepStrictEqual(prompter.shown.find((s) => s.kind === 'warn')?.actions, ['Add to .gitignore and Write', 'Write Anyway']);
    assert.ok(!fs.existsSync(file), 'nothing written without an answer');
    prompter = script('Add to .gitignore and Write');
    await vscode.commands.executeCommand(Commands.pullEnv, variables.node, vscode.Uri.file(file));
    assert.strictEqual(fs.readFileSync(path.join(scratch, '.gitignore'), 'utf8'), '/.env\n');
    assert.strictEqual(git('check-ignore', '.env').toString().trim(), '.env');
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^PORT=3000$/m);
    assert.match(text, /^LOG_LEVEL=debug$/m, 'the override wins');
    assert.doesNotMatch(text, /^LOG_LEVEL=info$/m);
    assert.match(text, /^DB_URL=postgres:\/\/postgres\.internal:5432\/store$/m);
    assert.match(text, /^# SENTRY_DSN= {2}# secret: set its value yourself$/m);
    assert.match(text, /^# STRIPE_SECRET_KEY= /m);
    assert.ok(!text.includes('seeded-sentry-dsn-value') && !text.includes('seeded-stripe-secret-value'));
    await waitFor('the message', () => prompter.messages('info').find((m) => /secrets left as commented placeholders/.test(m)));

    // Once it is ignored, it is written without a question; a committed file needs Write Anyway.
    prompter = script();
    await vscode.commands.executeCommand(Commands.pullEnv, variables.node, vscode.Uri.file(file));
    assert.deepStrictEqual(prompter.messages('warn'), []);
    const tracked = path.join(scratch, 'committed.env');
    fs.writeFileSync(tracked, 'OLD=1\n');
    git('add', 'committed.env');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'env');
    prompter = script(undefined);
    await vscode.commands.executeCommand(Commands.pullEnv, variables.node, vscode.Uri.file(tracked));
    assert.match(prompter.messages('warn')[0], /committed\.env is tracked by git/);
    assert.deepStrictEqual(prompter.shown.find((s) => s.kind === 'warn')?.actions, ['Write Anyway']);
    assert.strictEqual(fs.readFileSync(tracked, 'utf8'), 'OLD=1\n');
  });

  it('Filter Variables keeps the rows whose key or value holds the text', async () => {
    await signInWith(api, server.tokens.admin);
    const variables = await variablesRow();
    script('log');
    await vscode.commands.executeCommand(Commands.filterVariables, variables.node);
    const list = await rows(variables.node);
    assert.deepStrictEqual(
      list.map((r) => r.label),
      ['Filter "log": 2 of 12', 'LOG_LEVEL', 'LOG_LEVEL'],
    );
    script('');
    await vscode.commands.executeCommand(Commands.filterVariables, variables.node);
    assert.strictEqual((await rows(variables.node)).length, 12);
  });

  it('Show Variables from the Command Palette: the service is picked, then the list', async () => {
    await signInWith(api, server.tokens.admin);
    const prompter = script('storefront', 'production', 'web', (r: PromptRecord) => {
      const labels = (r.items ?? []).map((i) => `${i.label} | ${i.description ?? ''}`);
      assert.ok(labels.includes('$(lock) SENTRY_DSN | secret · project'), labels.join('\n'));
      assert.ok(labels.includes('$(symbol-variable) PORT | 3000 · service'), labels.join('\n'));
      return (r.items ?? []).find((i) => i.label.endsWith(' PORT'));
    }, 'Edit Value…', '8080');
    await vscode.commands.executeCommand(Commands.showVariables);
    assert.strictEqual(prompter.pending, 0, prompter.messages().join('\n'));
    assert.strictEqual(stored('PORT')[0].value, '8080');
  });
});
