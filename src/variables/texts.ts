// What the variable commands say, decided without `vscode` (plain mocha tests it): key and .env
// problems, the import preview, the keys a pull left out, a refused change.
import type { ApiErrorKind } from '../api/errors';
import type { L10n } from '../tree/present';
import { keyForMessage, type DotenvProblem } from './dotenv';
import { checkKey, type Level } from './model';
import { levelName } from './present';
import type { ImportItem } from './preview';

export function keyProblemText(key: string, l10n: L10n): string | undefined {
  switch (checkKey(key)) {
    case 'empty':
      return l10n.t('Enter a key.');
    case 'startsWithDigit':
      return l10n.t('A key cannot start with a digit.');
    case 'invalidCharacter':
      return l10n.t('Use letters, digits and _ only (an environment variable name).');
    default:
      return undefined;
  }
}

export function dotenvProblemText(p: DotenvProblem, l10n: L10n): string {
  switch (p.kind) {
    case 'noEquals':
      return l10n.t('line {0}: no "=", skipped', p.line);
    case 'invalidKey':
      return l10n.t('line {0}: "{1}" is not a valid variable name, skipped', p.line, p.key ?? '');
    case 'unterminatedQuote':
      return l10n.t('line {0}: the quote is never closed, skipped', p.line);
    case 'textAfterQuote':
      return l10n.t('line {0}: text after the closing quote, skipped', p.line);
    case 'duplicate':
      return l10n.t('line {0}: {1} is given again, the last value is kept', p.line, p.key ?? '');
    case 'swallowedKeys':
      return l10n.t('line {0}: the quoted value of {1} runs to line {2} and takes in {3}: is a closing quote missing?', p.line, p.key ?? '', p.endLine ?? p.line, (p.keys ?? []).join(', '));
  }
}

export function levelOfScopeName(scope: string): Level {
  return scope === 'PROJECT' ? 'project' : scope === 'ENVIRONMENT' ? 'environment' : 'service';
}

/** One line per variable of an import's preview: `+` created, `~` changed, `=` skipped; a secret marked. */
export function importPreviewLines(items: readonly ImportItem[], l10n: L10n): string[] {
  return items.map((i) => {
    const lock = i.secret ? ` 🔒 ${l10n.t('secret')}` : '';
    switch (i.action) {
      case 'create':
        return `+ ${i.key}${lock}${i.hides ? ` (${l10n.t('hides the {0} variable', levelName(levelOfScopeName(i.hides), l10n))})` : ''}`;
      case 'update':
        return `~ ${i.key}${lock} (${l10n.t('changed')})`;
      case 'replaceSecret':
        return `~ ${i.key}${lock} (${l10n.t('secret replaced')})`;
      case 'unchanged':
        return `= ${i.key} (${l10n.t('unchanged, skipped')})`;
    }
  });
}

/** The keys a pull left out, as a message shows them: at most five, then how many more. */
export function skippedKeysText(keys: readonly string[], l10n: L10n): string {
  const shown = keys.slice(0, 5).map(keyForMessage).join(', ');
  return keys.length > 5 ? l10n.t('{0} and {1} more', shown, keys.length - 5) : shown;
}

/** A refused change, in the user's terms: the role (403), Qovery's reason (400), or the error itself. */
export function writeFailureText(kind: ApiErrorKind | undefined, reason: string, l10n: L10n): string {
  return kind === 'forbidden'
    ? l10n.t("Qovery: your token's role may not change variables (403).")
    : kind === 'badRequest'
      ? l10n.t('Qovery refused the change: {0}', reason)
      : l10n.t('Qovery: {0}', reason);
}
