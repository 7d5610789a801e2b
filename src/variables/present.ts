// A variable -> what its row shows. No `vscode`: plain mocha tests it.
import { text, type L10n, type RowPresentation } from '../tree/present';
import { canOverrideHere, isOwnedHere, originOf, type Level, type Origin, type Variable, type VariableTarget } from './model';

export function levelName(level: Level | 'builtIn', l10n: L10n): string {
  switch (level) {
    case 'project':
      return l10n.t('project');
    case 'environment':
      return l10n.t('environment');
    case 'service':
      return l10n.t('service');
    case 'builtIn':
      return l10n.t('built-in');
  }
}

/** "built-in", "project", "overridden here", "override (environment)", "alias of DATABASE_URL". */
export function originText(origin: Origin, l10n: L10n): string {
  switch (origin.kind) {
    case 'builtIn':
      return l10n.t('built-in');
    case 'value':
      return levelName(origin.level, l10n);
    case 'override':
      return origin.here ? l10n.t('overridden here') : l10n.t('override ({0})', levelName(origin.level, l10n));
    case 'alias':
      return l10n.t('alias of {0}', origin.of);
  }
}

/**
 * The row of one variable: its key, its value (or a lock for a secret), where it comes from; an
 * inherited variable that an override replaces says so. The context value lists what may be done
 * with it: `qovery.variable` then `.own` (edit, delete) or `.inherited`, `.overridable`, `.aliasable`.
 */
export function presentVariable(variable: Variable, target: VariableTarget, overridden: ReadonlySet<string>, l10n: L10n): RowPresentation {
  const origin = originOf(variable, target);
  const key = text(variable.key) ?? '?';
  const value = variable.is_secret ? l10n.t('secret') : (text(variable.value, 80) ?? (variable.value === '' ? l10n.t('(empty)') : ''));
  const from = originText(origin, l10n);
  const isOverridden = overridden.has(variable.id);
  const own = isOwnedHere(variable, target) && origin.kind !== 'builtIn';
  const flags = [
    own ? 'own' : 'inherited',
    own && origin.kind !== 'alias' ? 'editable' : undefined,
    canOverrideHere(variable, target, overridden) ? 'overridable' : undefined,
    origin.kind !== 'alias' && origin.kind !== 'builtIn' ? 'aliasable' : undefined,
    variable.is_secret ? 'secret' : 'plain',
  ].filter(Boolean);
  return {
    label: key,
    description: [value, isOverridden ? l10n.t('{0}, overridden below', from) : from].filter(Boolean).join(' · '),
    tooltipTitle: key,
    tooltipRows: [
      [l10n.t('Value'), variable.is_secret ? l10n.t('secret: Qovery never returns its value') : (text(variable.value, 400) ?? '')],
      [l10n.t('Origin'), from],
      ...(isOverridden ? ([[l10n.t('Overridden'), l10n.t('a lower level sets another value')]] as [string, string][]) : []),
      ...(text(variable.description) ? ([[l10n.t('Description'), text(variable.description) ?? '']] as [string, string][]) : []),
    ],
    icon: variable.is_secret ? 'lock' : origin.kind === 'builtIn' ? 'symbol-constant' : origin.kind === 'alias' ? 'references' : origin.kind === 'override' ? 'layers' : 'symbol-variable',
    iconColor: isOverridden ? 'disabledForeground' : undefined,
    contextValue: `qovery.variable.${flags.join('.')}`,
    collapsible: false,
  };
}
