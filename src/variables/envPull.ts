// Pull Variables to .env: non-secret values, secrets as commented placeholders, never through a
// symbolic link; a file git would track is written only once the user confirms.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { gitApi } from '../shared/git';
import { VariablesApi } from './api';
import type { VariablesContext } from './context';
import { writeDotenv } from './dotenv';
import { linkTarget, writeEnvFile } from './envFile';
import { gitignoreLine, gitWouldTrack } from './git';
import { overriddenIds, sortVariables } from './model';
import { skippedKeysText } from './texts';

export class EnvPull {
  constructor(private readonly ctx: VariablesContext) {}

  private get deps(): VariablesContext['deps'] {
    return this.ctx.deps;
  }

  /**
   * Pull Variables to .env: non-secret values, secrets as commented placeholders. A file git would
   * track is written only once the user confirms, and can be added to .gitignore first.
   */
  async pullEnv(node?: unknown, file?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const begun = await this.ctx.begin(node);
    if (!begun) {
      return undefined;
    }
    const { client, target } = begun;
    const variables = await this.ctx.progress(vscode.l10n.t('Qovery: reading the variables of {0}…', target.name), (signal) => new VariablesApi(client).list(target, { signal }));
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
      const names = skippedKeysText(skipped, vscode.l10n);
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
}
