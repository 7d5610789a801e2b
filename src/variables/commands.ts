// The variable commands: show, add (value or secret), edit, delete, override, alias, filter; import
// a .env file and pull to one are in envImport.ts and envPull.ts. A secret the user types goes to the
// API and nowhere else: not the log, not state, not a message.
import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import { InfoNode, type QoveryNode } from '../tree/nodes';
import { VariablesApi } from './api';
import { VariablesContext, type VariableDeps } from './context';
import { EnvImport } from './envImport';
import { EnvPull } from './envPull';
import { isOwnedHere, matchesFilter, originOf, overriddenIds, sortVariables, type Variable, type VariableTarget } from './model';
import { VariableNode, variablesKey } from './nodes';
import { levelName, originText, presentVariable } from './present';
import { variablesTargetOf } from './targets';
import { keyProblemText } from './texts';

export type { VariableDeps };

export class VariableCommands {
  /** The text filter of each Variables row, by the row's key. Only what the user typed to filter: no value. */
  readonly #filters = new Map<string, string>();
  private readonly ctx: VariablesContext;
  readonly #import: EnvImport;
  readonly #pull: EnvPull;

  constructor(private readonly deps: VariableDeps) {
    this.ctx = new VariablesContext(deps);
    this.#import = new EnvImport(this.ctx);
    this.#pull = new EnvPull(this.ctx);
  }

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
    // From the Command Palette: the service this folder deploys to, when the workspace is linked.
    const linked = node === undefined ? this.deps.linkedTarget?.() : undefined;
    const begun = await this.ctx.begin(linked ?? node);
    if (!begun) {
      return;
    }
    const { client, target } = begun;
    const variables = await this.ctx.progress(vscode.l10n.t('Qovery: reading the variables of {0}…', target.name), (signal) => new VariablesApi(client).list(target, { signal }));
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
    const begun = await this.ctx.begin(node);
    if (!begun) {
      return undefined;
    }
    const { client, target } = begun;
    const title = secret ? vscode.l10n.t('Qovery: Add Secret') : vscode.l10n.t('Qovery: Add Variable');
    const level = await this.ctx.pickLevel(target, title, secret ? vscode.l10n.t('Where the secret is set') : vscode.l10n.t('Where the variable is set'));
    if (!level) {
      return undefined;
    }
    const key = await this.deps.ui.prompter.inputBox({
      title,
      prompt: vscode.l10n.t('Key: letters, digits and _, not starting with a digit.'),
      ignoreFocusOut: true,
      validateInput: (value) => keyProblemText(value.trim(), vscode.l10n),
    });
    if (key === undefined || keyProblemText(key.trim(), vscode.l10n)) {
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
    const created = await this.ctx.write(vscode.l10n.t('Qovery: adding {0}…', key.trim()), `Adding the variable ${key.trim()}`, () =>
      new VariablesApi(client).create({ key: key.trim(), value, isSecret: secret, scope: level.scope, parentId: level.parentId }),
    );
    if (created) {
      this.ctx.changed(target, vscode.l10n.t('{0} was added to {1} ({2}).', key.trim(), level.name, levelName(level.level, vscode.l10n)));
    }
    return created;
  }

  /** Edit Value: a non-secret shows its value; a secret is replaced, its old value never shown nor asked for. */
  async editValue(node?: unknown): Promise<Variable | undefined> {
    const begun = await this.ctx.beginVariable(node);
    if (!begun) {
      return undefined;
    }
    const { client, target, variable } = begun;
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
    const edited = await this.ctx.write(vscode.l10n.t('Qovery: saving {0}…', variable.key), `Editing the variable ${variable.key}`, () => new VariablesApi(client).editValue(variable, value));
    if (edited) {
      this.ctx.changed(target, vscode.l10n.t('{0} was changed.', variable.key));
    }
    return edited;
  }

  /** Delete, after a modal confirmation that names the key and the level. */
  async deleteVariable(node?: unknown): Promise<boolean> {
    const begun = await this.ctx.beginVariable(node);
    if (!begun) {
      return false;
    }
    const { client, target, variable } = begun;
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
    const done = await this.ctx.write(vscode.l10n.t('Qovery: deleting {0}…', variable.key), `Deleting the variable ${variable.key}`, () => new VariablesApi(client).remove(variable.id).then(() => true));
    if (done) {
      this.ctx.changed(target, vscode.l10n.t('{0} was deleted.', variable.key));
    }
    return done === true;
  }

  /** Override Here: a new value for an inherited variable, at this service or environment only. */
  async overrideHere(node?: unknown): Promise<Variable | undefined> {
    const begun = await this.ctx.beginVariable(node);
    if (!begun) {
      return undefined;
    }
    const { client, target, variable } = begun;
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
    const created = await this.ctx.write(vscode.l10n.t('Qovery: overriding {0}…', variable.key), `Overriding the variable ${variable.key}`, () =>
      new VariablesApi(client).override(variable, value, target.scope, target.parentId),
    );
    if (created) {
      this.ctx.changed(target, vscode.l10n.t('{0} is overridden in {1}.', variable.key, target.name));
    }
    return created;
  }

  /** Create Alias: another key with the same value, at this level or a lower one. */
  async createAlias(node?: unknown): Promise<Variable | undefined> {
    const begun = await this.ctx.beginVariable(node);
    if (!begun) {
      return undefined;
    }
    const { client, target, variable } = begun;
    const title = vscode.l10n.t('Qovery: Create Alias of {0}', variable.key);
    const key = await this.deps.ui.prompter.inputBox({
      title,
      prompt: vscode.l10n.t('Key of the alias: it takes the value of {0}.', variable.key),
      ignoreFocusOut: true,
      validateInput: (value) => keyProblemText(value.trim(), vscode.l10n),
    });
    if (key === undefined || keyProblemText(key.trim(), vscode.l10n)) {
      return undefined;
    }
    const created = await this.ctx.write(vscode.l10n.t('Qovery: creating the alias {0}…', key.trim()), `Creating the alias ${key.trim()}`, () =>
      new VariablesApi(client).alias(variable.id, key.trim(), target.scope, target.parentId),
    );
    if (created) {
      this.ctx.changed(target, vscode.l10n.t('{0} is an alias of {1} in {2}.', key.trim(), variable.key, target.name));
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

  /** Import .env File (envImport.ts). */
  importEnv(node?: unknown, file?: vscode.Uri): Promise<string[] | undefined> {
    return this.#import.importEnv(node, file);
  }

  /** Pull Variables to .env (envPull.ts). */
  pullEnv(node?: unknown, file?: vscode.Uri): Promise<vscode.Uri | undefined> {
    return this.#pull.pullEnv(node, file);
  }
}
