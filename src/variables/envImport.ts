// Import .env File: the file read and parsed, a preview of what is created or changed (secrets
// marked), then one import call for a service, or one call per variable for an environment or a project.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { errorText } from '../format';
import { actionLabel, runCommonAction } from '../ui';
import { VariablesApi } from './api';
import type { VariablesContext } from './context';
import { decodeDotenv, MAX_DOTENV_BYTES } from './dotenv';
import { importEach, type ImportRun } from './importRun';
import { serviceScopeOf, type VariableTarget } from './model';
import { variablesKey } from './nodes';
import { levelName } from './present';
import { importPlan, type ImportItem } from './preview';
import { dotenvProblemText, importPreviewLines } from './texts';

export class EnvImport {
  constructor(private readonly ctx: VariablesContext) {}

  private get deps(): VariablesContext['deps'] {
    return this.ctx.deps;
  }

  /**
   * Import .env File: the file parsed, a preview of what is created or changed (secrets marked), then
   * one import call for a service, or one call per variable for an environment or a project.
   */
  async importEnv(node?: unknown, file?: vscode.Uri): Promise<string[] | undefined> {
    const begun = await this.ctx.begin(node);
    if (!begun) {
      return undefined;
    }
    const { client, target } = begun;
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
    const level = await this.ctx.pickLevel(target, title, vscode.l10n.t('Where the variables are set'));
    if (!level) {
      return undefined;
    }
    const visible = await this.ctx.progress(vscode.l10n.t('Qovery: reading the variables of {0}…', target.name), (signal) => new VariablesApi(client).list({ scope: level.scope, parentId: level.parentId }, { signal }));
    if (!visible) {
      return undefined;
    }
    const items = importPlan(parsed.entries, visible, (v) => v.scope === level.scope);
    for (;;) {
      const sent = items.filter((i) => i.action !== 'unchanged');
      const lines = importPreviewLines(items, vscode.l10n);
      const problems = parsed.problems.map((p) => dotenvProblemText(p, vscode.l10n));
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
          this.ctx.changed(target, vscode.l10n.t('{0} of {1} variables imported into {2}.', run.done.length, sent.length, level.name));
        }
        return run.done;
      }
      const serviceId = target.serviceId;
      const vars = sent.map((i) => ({ name: i.key, value: i.value, scope: level.scope, isSecret: i.secret }));
      const overwrite = sent.some((i) => i.existingId !== undefined);
      const imported = await this.ctx.write(progress, `Importing ${sent.length} variables`, () => api.importToService(serviceId, serviceScope, vars, overwrite));
      if (imported) {
        const missing = sent.map((i) => i.key).filter((k) => !imported.includes(k));
        this.ctx.changed(
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

  async #pickEnvFile(title: string): Promise<vscode.Uri | undefined> {
    const found = await vscode.workspace.findFiles('**/.env*', '**/node_modules/**', 50);
    const browse = { label: `$(folder-opened) ${vscode.l10n.t('Browse…')}`, uri: undefined as vscode.Uri | undefined };
    const picked = await this.deps.ui.prompter.quickPick([...found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), browse], { title, placeHolder: vscode.l10n.t('The .env file to import') });
    if (!picked) {
      return undefined;
    }
    return picked.uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, title, openLabel: vscode.l10n.t('Import') }))?.[0];
  }
}
