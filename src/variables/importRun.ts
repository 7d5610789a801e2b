// Sending an import one variable at a time (an environment or a project: the import call takes a
// service), and what came of each. No `vscode`.
import type { VariablesApi } from './api';
import type { VariableScope } from './model';
import type { ImportItem } from './preview';

export interface ImportRun {
  /** Created or changed, in order. */
  done: string[];
  /** The variable whose call failed, and why; the run stops there. */
  failed?: { key: string; error: unknown };
  /** After the failure, not sent. */
  notTried: string[];
}

/** Sends the items in order and stops at the first failure, so the same refusal is not met once per variable. */
export async function importEach(api: VariablesApi, items: readonly ImportItem[], level: { scope: VariableScope; parentId: string }): Promise<ImportRun> {
  const done: string[] = [];
  for (const [index, i] of items.entries()) {
    try {
      if (i.existingId) {
        await api.editValue({ id: i.existingId, key: i.key, is_secret: i.secret }, i.value);
      } else {
        await api.create({ key: i.key, value: i.value, isSecret: i.secret, scope: level.scope, parentId: level.parentId });
      }
    } catch (error) {
      return { done, failed: { key: i.key, error }, notTried: items.slice(index + 1).map((n) => n.key) };
    }
    done.push(i.key);
  }
  return { done, notTried: [] };
}
