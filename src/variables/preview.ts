// What an import of a `.env` file will do at one level, computed before anything is sent.
import type { DotenvEntry } from './dotenv';
import { looksSecret, type Variable } from './model';

export type ImportAction = 'create' | 'update' | 'unchanged' | 'replaceSecret';

export interface ImportItem {
  key: string;
  value: string;
  action: ImportAction;
  /** Sent as a secret: the variable here is one, or its key looks like one. */
  secret: boolean;
  /** The variable of the same key at this level, changed in place. */
  existingId?: string;
  /** A variable of a higher level (project, environment) with this key, which the new one hides. */
  hides?: string;
}

/**
 * One item per entry: created when the level has no variable of that key, changed when it has one
 * with another value, unchanged when the value is the same. A secret's value is unknown, so an
 * existing secret is always replaced. `here` tells whether a listed variable belongs to this level.
 */
export function importPlan(entries: readonly DotenvEntry[], visible: readonly Variable[], here: (v: Variable) => boolean): ImportItem[] {
  return entries.map((entry) => {
    const same = visible.filter((v) => v.key === entry.key);
    const own = same.find(here);
    const above = same.find((v) => !here(v) && v.variable_type !== 'BUILT_IN');
    if (!own) {
      return { key: entry.key, value: entry.value, action: 'create', secret: above?.is_secret ?? looksSecret(entry.key), ...(above ? { hides: String(above.scope) } : {}) };
    }
    const action: ImportAction = own.is_secret ? 'replaceSecret' : own.value === entry.value ? 'unchanged' : 'update';
    return { key: entry.key, value: entry.value, action, secret: own.is_secret, existingId: own.id };
  });
}
