// The variable commands: show, add (value or secret), edit, delete, override, alias, filter, import
// a .env file and pull to one. A secret the user types goes to the API and nowhere else: not the
// log, not state, not a message.
import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import { errorKind } from '../api/errors';
import { listEnvironments, listProjects, listServices } from '../api/explorer';
import type { SessionManager } from '../auth/session';
import { Commands } from '../contributions';
import { errorText } from '../format';
import type { Logger } from '../logger';
import { InfoNode, type QoveryNode } from '../tree/nodes';
import type { ExplorerView } from '../tree/view';
import { actionLabel, runCommonAction, signalFrom, type Ui } from '../ui';
import { VariablesApi } from './api';
import { decodeDotenv, keyForMessage, MAX_DOTENV_BYTES, writeDotenv, type DotenvProblem } from './dotenv';
import { linkTarget, writeEnvFile } from './envFile';
import { gitApi } from '../shared/git';
import { gitignoreLine, gitWouldTrack } from './git';
import { checkKey, isOwnedHere, levelsOf, matchesFilter, originOf, overriddenIds, serviceScopeOf, sortVariables, type Level, type Variable, type VariableScope, type VariableTarget } from './model';
import { VariableNode, variablesKey } from './nodes';
import { variableOf, variablesTargetOf, variableTargetOf } from './targets';
import { levelName, originText, presentVariable } from './present';
import { importEach, type ImportRun } from './importRun';
import { importPlan, type ImportItem } from './preview';
import * as path from 'node:path';

export interface VariableDeps {
  session: SessionManager;
  ui: Ui;
  log: Logger;
  tree: ExplorerView;
  /** The service the active workspace folder is linked to, if any (the workspace link's). */
  linkedTarget?(): VariableTarget | undefined;
}

const TITLE = (): string => vscode.l10n.t('Qovery: Variables');

function keyProblemText(key: string): string | undefined {
  switch (checkKey(key)) {
    case 'empty':
      return vscode.l10n.t('Enter a key.');
    case 'startsWithDigit':
      return vscode.l10n.t('A key cannot start with a digit.');
    case 'invalidCharacter':
      return vscode.l10n.t('Use letters, digits and _ only (an environment variable name).');
    default:
      return undefined;
  }
}

function dotenvProblemText(p: DotenvProblem): string {
  switch (p.kind) {
    case 'noEquals':
      return vscode.l10n.t('line {0}: no "=", skipped', p.line);
    case 'invalidKey':
      return vscode.l10n.t('line {0}: "{1}" is not a valid variable name, skipped', p.line, p.key ?? '');
    case 'unterminatedQuote':
      return vscode.l10n.t('line {0}: the quote is never closed, skipped', p.line);
    case 'textAfterQuote':
      return vscode.l10n.t('line {0}: text after the closing quote, skipped', p.line);
    case 'duplicate':
      return vscode.l10n.t('line {0}: {1} is given again, the last value is kept', p.line, p.key ?? '');
    case 'swallowedKeys':
      return vscode.l10n.t('line {0}: the quoted value of {1} runs to line {2} and takes in {3}: is a closing quote missing?', p.line, p.key ?? '', p.endLine ?? p.line, (p.keys ?? []).join(', '));
  }
}

export class VariableCommands {
  /** The text filter of each Variables row, by the row's key. Only what the user typed to filter: no value. */
  readonly #filters = new Map<string, string>();

  constructor(private readonly deps: VariableDeps) {}

  // ---- rows of the explorer ----

  async rows(client: QoveryClient, target: VariableTarget, signal: AbortSignal): Promise<QoveryNode[]> {
    const variables = sortVariables(await new VariablesApi(client).list(target, { signal }));
    const overridden = overriddenIds(variables);
    const filter = this.#filters.get(variablesKey(target)) ?? '';
    const shown = variables.filter((v) => matchesFilter(v, filter));
    const rows: QoveryNode[] = shown.map((v) => new VariableNode(target, v, overridden));
    if (filter) {
      rows.unshift(new InfoNode(`${variablesKey(target)}:filter`, vscode.l10n.t('Filter "{0}": {1} of {2}', filter, shown.length, variables.length)));
    }
    return rows;
  }

  // ---- commands ----

  /** "Qovery: Show Variables": every variable of a service or environment, and what to do with one. */
  async showVariables(node?: unknown): Promise<void> {
    const client = await this.#client();
    // From the Command Palette: the service this folder deploys to, when the workspace is linked.
    const linked = node === undefined ? this.deps.linkedTarget?.() : undefined;
    const target = client && (linked ?? (await this.#target(client, node)));
    if (!client || !target) {
      return;
    }
    const variables = await this.#progress(vscode.l10n.t('Qovery: reading the variables of {0}…', target.name), (signal) => new VariablesApi(client).list(target, { signal }));
    if (!variables) {
      return;
    }
    const sorted = sortVariables(variables);
    const overridden = overriddenIds(sorted);
    type Item = vscode.QuickPickItem & { run?: () => Promise<unknown>; variable?: Variable };
    const items: Item[] = [
      { label: `$(add) ${vscode.l10n.t('Add Variable…')}`, run: () => this.addVariable(target) },
      { label: `$(lock) ${vscode.l10n.t('Add Secret…')}`, run: () => this.addVariable(target, true) },
      { label: `$(cloud-upload) ${vscode.l10n.t('Import .env File…')}`, run: () => this.importEnv(target) },
      { label: `$(cloud-download) ${vscode.l10n.t('Pull Variables to .env…')}`, run: () => this.pullEnv(target) },
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      ...sorted.map((v) => {
        const p = presentVariable(v, target, overridden, vscode.l10n);
        return { label: `$(${p.icon}) ${p.label}`, description: p.description, variable: v };
      }),
    ];
    const picked = await this.deps.ui.prompter.quickPick(items, { title: vscode.l10n.t('Qovery: Variables of {0}', target.name), placeHolder: vscode.l10n.t('Type to filter by key or value'), matchOnDescription: true });
    if (picked?.run) {
      await picked.run();
    } else if (picked?.variable) {
      await this.#variableActions(target, picked.variable, overridden);
    }
  }

  async #variableActions(target: VariableTarget, variable: Variable, overridden: ReadonlySet<string>): Promise<void> {
    const p = presentVariable(variable, target, overridden, vscode.l10n);
    const can = (flag: string): boolean => p.contextValue.split('.').includes(flag);
    const node = { key: `variable:${target.parentId}:${variable.id}`, target, variable };
    const actions: (vscode.QuickPickItem & { run: () => Promise<unknown> })[] = [
      ...(can('editable') ? [{ label: variable.is_secret ? vscode.l10n.t('Replace Secret…') : vscode.l10n.t('Edit Value…'), run: () => this.editValue(node) }] : []),
      ...(can('overridable') ? [{ label: vscode.l10n.t('Override Here…'), run: () => this.overrideHere(node) }] : []),
      ...(can('aliasable') ? [{ label: vscode.l10n.t('Create Alias…'), run: () => this.createAlias(node) }] : []),
      ...(!variable.is_secret && typeof variable.value === 'string' ? [{ label: vscode.l10n.t('Copy Value'), run: () => Promise.resolve(vscode.env.clipboard.writeText(String(variable.value))) }] : []),
      ...(can('own') ? [{ label: vscode.l10n.t('Delete…'), run: () => this.deleteVariable(node) }] : []),
    ];
    const picked = await this.deps.ui.prompter.quickPick(actions, { title: `${variable.key} · ${originText(originOf(variable, target), vscode.l10n)}` });
    await picked?.run();
  }

  /** Add Variable / Add Secret: the level picked, the key checked before sending, the value sent once. */
  async addVariable(node?: unknown, secret = false): Promise<Variable | undefined> {
    const client = await this.#client();
    const target = client && (await this.#target(client, node));
    if (!client || !target) {
      return undefined;
    }
    const title = secret ? vscode.l10n.t('Qovery: Add Secret') : vscode.l10n.t('Qovery: Add Variable');
    const level = await this.#pickLevel(target, title, secret ? vscode.l10n.t('Where the secret is set') : vscode.l10n.t('Where the variable is set'));
    if (!level) {
      return undefined;
    }
    const key = await this.deps.ui.prompter.inputBox({
      title,
      prompt: vscode.l10n.t('Key: letters, digits and _, not starting with a digit.'),
      ignoreFocusOut: true,
      validateInput: (value) => keyProblemText(value.trim()),
    });
    if (key === undefined || keyProblemText(key.trim())) {
      return undefined;
    }
    const value = await this.deps.ui.prompter.inputBox({
      title,
      prompt: secret ? vscode.l10n.t('Value of the secret {0}. It goes to Qovery only; nobody can read it back.', key.trim()) : vscode.l10n.t('Value of {0}', key.trim()),
      password: secret,
      ignoreFocusOut: true,
    });
    if (value === undefined) {
      return undefined;
    }
    const created = await this.#write(vscode.l10n.t('Qovery: adding {0}…', key.trim()), `Adding the variable ${key.trim()}`, () =>
      new VariablesApi(client).create({ key: key.trim(), value, isSecret: secret, scope: level.scope, parentId: level.parentId }),
    );
    if (created) {
      this.#changed(target, vscode.l10n.t('{0} was added to {1} ({2}).', key.trim(), level.name, levelName(level.level, vscode.l10n)));
    }
    return created;
  }

  /** Edit Value: a non-secret shows its value; a secret is replaced, its old value never shown nor asked for. */
  async editValue(node?: unknown): Promise<Variable | undefined> {
    const found = variableOf(node);
    const client = await this.#client();
    if (!found || !client) {
      return undefined;
    }
    const { target, variable } = found;
    if (variable.variable_type === 'ALIAS' || variable.variable_type === 'BUILT_IN') {
      void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: the value of {0} cannot be edited: it is an alias or a built-in variable.', variable.key), {});
      return undefined;
    }
    const value = await this.deps.ui.prompter.inputBox({
      title: variable.is_secret ? vscode.l10n.t('Qovery: Replace Secret {0}', variable.key) : vscode.l10n.t('Qovery: Edit {0}', variable.key),
      prompt: variable.is_secret ? vscode.l10n.t('New value of the secret. The current value is not shown: Qovery never returns it.') : vscode.l10n.t('New value of {0}', variable.key),
      value: variable.is_secret ? undefined : (variable.value ?? ''),
      password: variable.is_secret,
      ignoreFocusOut: true,
    });
    if (value === undefined) {
      return undefined;
    }
    const edited = await this.#write(vscode.l10n.t('Qovery: saving {0}…', variable.key), `Editing the variable ${variable.key}`, () => new VariablesApi(client).editValue(variable, value));
    if (edited) {
      this.#changed(target, vscode.l10n.t('{0} was changed.', variable.key));
    }
    return edited;
  }

  /** Delete, after a modal confirmation that names the key and the level. */
  async deleteVariable(node?: unknown): Promise<boolean> {
    const found = variableOf(node);
    const client = await this.#client();
    if (!found || !client) {
      return false;
    }
    const { target, variable } = found;
    const origin = originText(originOf(variable, target), vscode.l10n);
    const remove = vscode.l10n.t('Delete');
    const answer = await this.deps.ui.prompter.warn(
      vscode.l10n.t('Delete the variable {0} ({1}) of {2}?', variable.key, origin, target.name),
      { modal: true, detail: vscode.l10n.t('Its overrides and aliases are deleted with it. Services get the change at their next deployment.') },
      remove,
    );
    if (answer !== remove) {
      return false;
    }
    const done = await this.#write(vscode.l10n.t('Qovery: deleting {0}…', variable.key), `Deleting the variable ${variable.key}`, () => new VariablesApi(client).remove(variable.id).then(() => true));
    if (done) {
      this.#changed(target, vscode.l10n.t('{0} was deleted.', variable.key));
    }
    return done === true;
  }

  /** Override Here: a new value for an inherited variable, at this service or environment only. */
  async overrideHere(node?: unknown): Promise<Variable | undefined> {
    const found = variableOf(node);
    const client = await this.#client();
    if (!found || !client) {
      return undefined;
    }
    const { target, variable } = found;
    if (isOwnedHere(variable, target) || variable.variable_type === 'ALIAS' || variable.variable_type === 'BUILT_IN') {
      void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: only a variable inherited from a higher level can be overridden here.'), {});
      return undefined;
    }
    const value = await this.deps.ui.prompter.inputBox({
      title: vscode.l10n.t('Qovery: Override {0} in {1}', variable.key, target.name),
      prompt: vscode.l10n.t('Value of {0} for {1} only', variable.key, target.name),
      password: variable.is_secret,
      ignoreFocusOut: true,
    });
    if (value === undefined) {
      return undefined;
    }
    const created = await this.#write(vscode.l10n.t('Qovery: overriding {0}…', variable.key), `Overriding the variable ${variable.key}`, () =>
      new VariablesApi(client).override(variable, value, target.scope, target.parentId),
    );
    if (created) {
      this.#changed(target, vscode.l10n.t('{0} is overridden in {1}.', variable.key, target.name));
    }
    return created;
  }

  /** Create Alias: another key with the same value, at this level or a lower one. */
  async createAlias(node?: unknown): Promise<Variable | undefined> {
    const found = variableOf(node);
    const client = await this.#client();
    if (!found || !client) {
      return undefined;
    }
    const { target, variable } = found;
    const title = vscode.l10n.t('Qovery: Create Alias of {0}', variable.key);
    const key = await this.deps.ui.prompter.inputBox({
      title,
      prompt: vscode.l10n.t('Key of the alias: it takes the value of {0}.', variable.key),
      ignoreFocusOut: true,
      validateInput: (value) => keyProblemText(value.trim()),
    });
    if (key === undefined || keyProblemText(key.trim())) {
      return undefined;
    }
    const created = await this.#write(vscode.l10n.t('Qovery: creating the alias {0}…', key.trim()), `Creating the alias ${key.trim()}`, () =>
      new VariablesApi(client).alias(variable.id, key.trim(), target.scope, target.parentId),
    );
    if (created) {
      this.#changed(target, vscode.l10n.t('{0} is an alias of {1} in {2}.', key.trim(), variable.key, target.name));
    }
    return created;
  }

  /** Filter a Variables row by text (key, or value of non-secrets); an empty text clears it. */
  async filter(node?: unknown): Promise<void> {
    const target = variablesTargetOf(node);
    if (!target) {
      return;
    }
    const key = variablesKey(target);
    const text = await this.deps.ui.prompter.inputBox({
      title: vscode.l10n.t('Qovery: Filter Variables of {0}', target.name),
      prompt: vscode.l10n.t('Text to look for in keys and values; leave empty to show every variable.'),
      value: this.#filters.get(key) ?? '',
    });
    if (text === undefined) {
      return;
    }
    if (text.trim()) {
      this.#filters.set(key, text.trim());
    } else {
      this.#filters.delete(key);
    }
    this.deps.tree.loaded?.refreshNode(key);
  }

  /**
   * Import .env File: the file parsed, a preview of what is created or changed (secrets marked), then
   * one import call for a service, or one call per variable for an environment or a project.
   */
  async importEnv(node?: unknown, file?: vscode.Uri): Promise<string[] | undefined> {
    const client = await this.#client();
    const target = client && (await this.#target(client, node));
    if (!client || !target) {
      return undefined;
    }
    const title = vscode.l10n.t('Qovery: Import .env File');
    const uri = file ?? (await this.#pickEnvFile(title));
    if (!uri) {
      return undefined;
    }
    // The size is checked before the file is read, and again on what was read.
    const size = await vscode.workspace.fs.stat(uri).then(
      (stat) => stat.size,
      () => 0,
    );
    const decoded = size > MAX_DOTENV_BYTES ? ({ kind: 'tooLarge', bytes: size } as const) : decodeDotenv(await vscode.workspace.fs.readFile(uri));
    if (decoded.kind === 'tooLarge') {
      void this.deps.ui.prompter.warn(
        vscode.l10n.t('Qovery: {0} is {1} MB, larger than a .env file can be ({2} MB): nothing was imported.', path.basename(uri.fsPath), (decoded.bytes / 1048576).toFixed(1), MAX_DOTENV_BYTES / 1048576),
        {},
      );
      return undefined;
    }
    const parsed = decoded.parsed;
    if (parsed.entries.length === 0) {
      void this.deps.ui.prompter.warn(vscode.l10n.t('Qovery: {0} holds no variable to import.', path.basename(uri.fsPath)), {});
      return undefined;
    }
    const level = await this.#pickLevel(target, title, vscode.l10n.t('Where the variables are set'));
    if (!level) {
      return undefined;
    }
    const visible = await this.#progress(vscode.l10n.t('Qovery: reading the variables of {0}…', target.name), (signal) => new VariablesApi(client).list({ scope: level.scope, parentId: level.parentId }, { signal }));
    if (!visible) {
      return undefined;
    }
    const items = importPlan(parsed.entries, visible, (v) => v.scope === level.scope);
    for (;;) {
      const sent = items.filter((i) => i.action !== 'unchanged');
      const lines = items.map((i) => {
        const lock = i.secret ? ` 🔒 ${vscode.l10n.t('secret')}` : '';
        switch (i.action) {
          case 'create':
            return `+ ${i.key}${lock}${i.hides ? ` (${vscode.l10n.t('hides the {0} variable', levelName(levelOfScopeName(i.hides), vscode.l10n))})` : ''}`;
          case 'update':
            return `~ ${i.key}${lock} (${vscode.l10n.t('changed')})`;
          case 'replaceSecret':
            return `~ ${i.key}${lock} (${vscode.l10n.t('secret replaced')})`;
          case 'unchanged':
            return `= ${i.key} (${vscode.l10n.t('unchanged, skipped')})`;
        }
      });
      const problems = parsed.problems.map(dotenvProblemText);
      if (sent.length === 0) {
        void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: every variable of {0} has this value already in {1}.', path.basename(uri.fsPath), level.name), {});
        return [];
      }
      const go = vscode.l10n.t('Import');
      const choose = vscode.l10n.t('Choose Secrets…');
      const answer = await this.deps.ui.prompter.warn(
        vscode.l10n.t('Import {0} variables from {1} into {2} ({3})?', sent.length, path.basename(uri.fsPath), level.name, levelName(level.level, vscode.l10n)),
        { modal: true, detail: [...lines, ...(problems.length ? ['', ...problems] : [])].join('\n') },
        go,
        choose,
      );
      if (answer === choose) {
        await this.#chooseSecrets(items);
        continue;
      }
      if (answer !== go) {
        return undefined;
      }
      const api = new VariablesApi(client);
      const serviceScope = serviceScopeOf(target.scope);
      const progress = vscode.l10n.t('Qovery: importing {0} variables…', sent.length);
      if (!target.serviceId || !serviceScope) {
        // The import call takes a service: an environment or a project gets one call per variable.
        const run = await this.deps.ui.prompter.progress(progress, () => importEach(api, sent, level));
        if (run.failed) {
          this.#importStopped(target, run, run.failed, sent.length, level.name, () => this.importEnv(target, uri));
        } else {
          this.#changed(target, vscode.l10n.t('{0} of {1} variables imported into {2}.', run.done.length, sent.length, level.name));
        }
        return run.done;
      }
      const serviceId = target.serviceId;
      const vars = sent.map((i) => ({ name: i.key, value: i.value, scope: level.scope, isSecret: i.secret }));
      const overwrite = sent.some((i) => i.existingId !== undefined);
      const imported = await this.#write(progress, `Importing ${sent.length} variables`, () => api.importToService(serviceId, serviceScope, vars, overwrite));
      if (imported) {
        const missing = sent.map((i) => i.key).filter((k) => !imported.includes(k));
        this.#changed(
          target,
          missing.length === 0
            ? vscode.l10n.t('{0} of {1} variables imported into {2}.', imported.length, sent.length, level.name)
            : vscode.l10n.t('{0} of {1} variables imported into {2}; Qovery did not import {3}.', imported.length, sent.length, level.name, missing.join(', ')),
        );
      }
      return imported;
    }
  }

  /** An import that stopped part way: what was imported, what failed and why, what was not tried; Retry sends what is left. */
  #importStopped(target: VariableTarget, run: ImportRun, failed: NonNullable<ImportRun['failed']>, total: number, levelName: string, retry: () => Promise<unknown>): void {
    const { key, error } = failed;
    this.deps.tree.loaded?.refreshNode(variablesKey(target));
    this.deps.log.error(`Importing ${total} variables stopped at ${key} (${run.done.length} imported, ${run.notTried.length} not tried)`, error);
    this.deps.session.reportFailure(error);
    const list = (keys: readonly string[]): string => (keys.length > 0 ? keys.join(', ') : vscode.l10n.t('none'));
    const again = vscode.l10n.t('Retry');
    const showLog = actionLabel('showLog');
    const message = vscode.l10n.t(
      'Qovery: {0} of {1} variables imported into {2}; {3} failed: {4} Imported: {5}. Not tried: {6}.',
      run.done.length,
      total,
      levelName,
      key,
      errorText(error),
      list(run.done),
      list(run.notTried),
    );
    void Promise.resolve(this.deps.ui.prompter.error(message, {}, again, showLog)).then(async (answer) => {
      if (answer === again) {
        await retry();
      } else {
        await runCommonAction(answer);
      }
    });
  }

  async #chooseSecrets(items: ImportItem[]): Promise<void> {
    const creatable = items.filter((i) => i.action === 'create');
    const picked = (await this.deps.ui.prompter.quickPick(
      creatable.map((i) => ({ label: i.key, picked: i.secret, item: i })),
      { title: vscode.l10n.t('Qovery: which new variables are secrets?'), canPickMany: true },
    )) as unknown as { item: ImportItem }[] | undefined;
    if (!picked) {
      return;
    }
    const chosen = new Set(picked.map((p) => p.item.key));
    for (const i of creatable) {
      i.secret = chosen.has(i.key);
    }
  }

  /**
   * Pull Variables to .env: non-secret values, secrets as commented placeholders. A file git would
   * track is written only once the user confirms, and can be added to .gitignore first.
   */
  async pullEnv(node?: unknown, file?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const client = await this.#client();
    const target = client && (await this.#target(client, node));
    if (!client || !target) {
      return undefined;
    }
    const variables = await this.#progress(vscode.l10n.t('Qovery: reading the variables of {0}…', target.name), (signal) => new VariablesApi(client).list(target, { signal }));
    if (!variables) {
      return undefined;
    }
    const uri = file ?? (await this.#pickPullFile());
    if (!uri) {
      return undefined;
    }
    if (await this.#refuseLink(uri)) {
      return undefined;
    }
    const overridden = overriddenIds(variables);
    // The value the service gets: an overridden variable gives way to its override.
    const effective = sortVariables(variables.filter((v) => !overridden.has(v.id)));
    const { text, skipped } = writeDotenv(
      effective.map((v) => ({ key: String(v.key), value: v.is_secret || typeof v.value !== 'string' ? undefined : v.value })),
      [vscode.l10n.t('Variables of {0} pulled from Qovery on {1}.', target.name, new Date().toISOString()), vscode.l10n.t('Secrets are not included: Qovery never returns their values.')],
      vscode.l10n.t('secret: set its value yourself'),
    );
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    const track = await gitWouldTrack(uri.fsPath, (await gitApi().catch(() => undefined))?.git?.path);
    if (track.tracked) {
      const ignore = vscode.l10n.t('Add to .gitignore and Write');
      const anyway = vscode.l10n.t('Write Anyway');
      const answer = await this.deps.ui.prompter.warn(
        track.committed
          ? vscode.l10n.t('{0} is tracked by git: writing the variables there could publish them with the next commit.', path.basename(uri.fsPath))
          : vscode.l10n.t('{0} is not ignored by git: the variables could be committed with it.', path.basename(uri.fsPath)),
        { modal: true, detail: vscode.l10n.t('Add it to .gitignore first, or write it anyway.') },
        ...(track.committed ? [] : [ignore]),
        anyway,
      );
      if (answer === ignore && track.repository) {
        await gitignoreLine(track.repository, uri.fsPath);
      } else if (answer !== anyway) {
        return undefined;
      }
    } else if (exists && !file) {
      const replace = vscode.l10n.t('Replace');
      const answer = await this.deps.ui.prompter.warn(vscode.l10n.t('{0} exists. Replace it with the variables of {1}?', path.basename(uri.fsPath), target.name), { modal: true }, replace);
      if (answer !== replace) {
        return undefined;
      }
    }
    const written = await writeEnvFile(uri.fsPath, text);
    if (written.kind === 'link') {
      this.#linkRefused(uri, written.target);
      return undefined;
    }
    const left = new Set(skipped);
    const kept = effective.filter((v) => !left.has(String(v.key)));
    const secrets = kept.filter((v) => v.is_secret).length;
    const summary = vscode.l10n.t('Qovery: {0} variables written to {1}; {2} secrets left as commented placeholders.', kept.length - secrets, path.basename(uri.fsPath), secrets);
    this.deps.log.info(`Wrote ${kept.length - secrets} variables of ${target.name} to a .env file (${secrets} secrets left as placeholders).`);
    const open = vscode.l10n.t('Open');
    let shown: Thenable<string | undefined>;
    if (skipped.length > 0) {
      const names = skippedKeysText(skipped);
      this.deps.log.warn(`Left ${skipped.length} variables out of the .env file: their keys are not shell variable names (${names}).`);
      shown = this.deps.ui.prompter.warn(
        `${summary} ${vscode.l10n.t('{0} variables were left out: their keys are not shell variable names (letters, digits and _, not starting with a digit), so sourcing the file could run them as commands: {1}.', skipped.length, names)}`,
        {},
        open,
      );
    } else {
      shown = this.deps.ui.prompter.info(summary, {}, open);
    }
    void Promise.resolve(shown).then(async (answer) => {
      if (answer === open) {
        await vscode.window.showTextDocument(uri);
      }
    });
    return uri;
  }

  // ---- helpers ----

  /** True (and the user told) when the file to write is a symbolic link: variables are never written through one. */
  async #refuseLink(uri: vscode.Uri): Promise<boolean> {
    const target = uri.scheme === 'file' ? await linkTarget(uri.fsPath) : undefined;
    if (target !== undefined) {
      this.#linkRefused(uri, target);
    }
    return target !== undefined;
  }

  #linkRefused(uri: vscode.Uri, target: string): void {
    this.deps.log.warn(`Not writing variables to ${uri.fsPath}: it is a symbolic link to ${target}.`);
    void this.deps.ui.prompter.error(
      vscode.l10n.t('Qovery: {0} is a symbolic link to {1}: the variables were not written through it. Remove the link or choose another file.', path.basename(uri.fsPath), target),
      {},
    );
  }

  async #client(): Promise<QoveryClient | undefined> {
    const client = await this.deps.session.client();
    if (!client) {
      void this.deps.ui.prompter.info(vscode.l10n.t('Qovery: you are not signed in.'), {});
    }
    return client;
  }

  /** The target of a row, or the service or environment the user picks. */
  async #target(client: QoveryClient, node: unknown): Promise<VariableTarget | undefined> {
    return variableTargetOf(node) ?? this.#pickTarget(client);
  }

  async #pickTarget(client: QoveryClient): Promise<VariableTarget | undefined> {
    const { ui, session } = this.deps;
    const title = TITLE();
    const organizations = session.state.organizations ?? [];
    const organization =
      organizations.length <= 1
        ? organizations[0]
        : (await ui.prompter.quickPick(organizations.map((o) => ({ label: o.name, o })), { title, placeHolder: vscode.l10n.t('Organization') }))?.o;
    if (!organization) {
      return undefined;
    }
    const projects = await this.#progress(title, (signal) => listProjects(client, organization.id, { signal }));
    const project = projects && (await ui.prompter.quickPick(projects.map((p) => ({ label: p.name, p })), { title, placeHolder: vscode.l10n.t('Project') }))?.p;
    if (!project) {
      return undefined;
    }
    const environments = await this.#progress(title, (signal) => listEnvironments(client, project.id, { signal }));
    const environment = environments && (await ui.prompter.quickPick(environments.map((e) => ({ label: e.name, description: String(e.mode), e })), { title, placeHolder: vscode.l10n.t('Environment') }))?.e;
    if (!environment) {
      return undefined;
    }
    const services = await this.#progress(title, (signal) => listServices(client, environment.id, { signal }));
    if (!services) {
      return undefined;
    }
    const base = { organizationId: organization.id, projectId: project.id, environmentId: environment.id };
    const picked = await ui.prompter.quickPick<vscode.QuickPickItem & { target: VariableTarget }>(
      [
        { label: `$(server-environment) ${environment.name}`, description: vscode.l10n.t('the environment itself'), target: { ...base, scope: 'ENVIRONMENT', parentId: environment.id, name: environment.name } },
        ...services.flatMap((s) => {
          const scope = serviceScopeOf(s.service_type);
          return scope ? [{ label: s.name, description: String(s.service_type).toLowerCase(), target: { ...base, scope, parentId: s.id, name: s.name, serviceId: s.id } }] : [];
        }),
      ],
      { title, placeHolder: vscode.l10n.t('Service (or the environment)') },
    );
    return picked?.target;
  }

  async #pickLevel(target: VariableTarget, title: string, placeHolder: string): Promise<{ level: Level; scope: VariableScope; parentId: string; name: string } | undefined> {
    const levels = levelsOf(target);
    const named = levels.map((l) => ({ ...l, name: l.parentId === target.parentId ? target.name : levelName(l.level, vscode.l10n) }));
    if (named.length === 1) {
      return named[0];
    }
    const picked = await this.deps.ui.prompter.quickPick(
      named.map((l) => ({ label: levelName(l.level, vscode.l10n), description: l.parentId === target.parentId ? target.name : vscode.l10n.t('every service below it'), l })),
      { title, placeHolder },
    );
    return picked?.l;
  }

  async #pickEnvFile(title: string): Promise<vscode.Uri | undefined> {
    const found = await vscode.workspace.findFiles('**/.env*', '**/node_modules/**', 50);
    const browse = { label: `$(folder-opened) ${vscode.l10n.t('Browse…')}`, uri: undefined as vscode.Uri | undefined };
    const picked = await this.deps.ui.prompter.quickPick([...found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), browse], { title, placeHolder: vscode.l10n.t('The .env file to import') });
    if (!picked) {
      return undefined;
    }
    return picked.uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, title, openLabel: vscode.l10n.t('Import') }))?.[0];
  }

  async #pickPullFile(): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const choose = { label: `$(folder-opened) ${vscode.l10n.t('Choose a file…')}`, uri: undefined as vscode.Uri | undefined };
    const items = [...(folder ? [{ label: '.env', description: folder.name, uri: vscode.Uri.joinPath(folder.uri, '.env') }] : []), choose];
    const picked = await this.deps.ui.prompter.quickPick(items, { title: vscode.l10n.t('Qovery: Pull Variables to .env'), placeHolder: vscode.l10n.t('The file to write') });
    if (!picked) {
      return undefined;
    }
    return picked.uri ?? (await vscode.window.showSaveDialog({ title: vscode.l10n.t('Qovery: Pull Variables to .env'), saveLabel: vscode.l10n.t('Write') }));
  }

  #progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    return Promise.resolve(this.deps.ui.prompter.progress(title, (token) => task(signalFrom(token)), { cancellable: true })).then(
      (value) => value,
      (error: unknown) => {
        if (errorKind(error) !== 'cancelled') {
          this.deps.log.error(`${title} failed`, error);
          void this.deps.ui.prompter.error(vscode.l10n.t('Qovery: {0}', errorText(error)), {});
        }
        this.deps.session.reportFailure(error);
        return undefined;
      },
    );
  }

  /** Runs a change; a refusal is told in the user's terms and nothing else changes. `what` is for the log: keys only, never a value. */
  async #write<T>(title: string, what: string, task: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.deps.ui.prompter.progress(title, () => task());
    } catch (error) {
      this.deps.log.error(`${what} failed`, error);
      const kind = errorKind(error);
      const message =
        kind === 'forbidden'
          ? vscode.l10n.t("Qovery: your token's role may not change variables (403).")
          : kind === 'badRequest'
            ? vscode.l10n.t('Qovery refused the change: {0}', errorText(error))
            : vscode.l10n.t('Qovery: {0}', errorText(error));
      void this.deps.ui.prompter.error(message, {});
      this.deps.session.reportFailure(error);
      return undefined;
    }
  }

  /** After a change: the rows reload, and the user learns it applies at the next deployment (Redeploy offered when that command exists). */
  #changed(target: VariableTarget, done: string): void {
    const provider = this.deps.tree.loaded;
    provider?.refreshNode(variablesKey(target));
    void vscode.commands.getCommands(true).then(async (ids) => {
      const redeploy = vscode.l10n.t('Redeploy');
      const canRedeploy = ids.includes(Commands.redeploy) && target.serviceId !== undefined;
      const message = canRedeploy
        ? vscode.l10n.t('Qovery: {0} It applies at the next deployment of {1}.', done, target.name)
        : vscode.l10n.t('Qovery: {0} The change applies at the next deployment.', done);
      const answer = await this.deps.ui.prompter.info(message, {}, ...(canRedeploy ? [redeploy] : []));
      if (answer === redeploy) {
        await vscode.commands.executeCommand(Commands.redeploy, target);
      }
    });
  }
}

function levelOfScopeName(scope: string): Level {
  return scope === 'PROJECT' ? 'project' : scope === 'ENVIRONMENT' ? 'environment' : 'service';
}

/** The keys a pull left out, as a message shows them: at most five, then how many more. */
function skippedKeysText(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).map(keyForMessage).join(', ');
  return keys.length > 5 ? vscode.l10n.t('{0} and {1} more', shown, keys.length - 5) : shown;
}
