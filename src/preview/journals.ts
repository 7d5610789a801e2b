// Where unfinished preview creations are recorded: globalState, which every window of this VS Code
// shares. One key per journal, so two windows recording previews of different branches at once never
// write over each other's entries (a single shared key was read, changed and written back whole).
// No `vscode` here: the store is given the memento.
import { createHash } from 'node:crypto';
import type { PreviewJournal } from './model';
import type { PreviewJournalStore } from './saga';

/** What the store needs of a `vscode.Memento`. */
export interface JournalMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
  keys(): readonly string[];
}

/** Every journal's globalState key starts so (src/extension.ts probes it at the first sign-in). */
export const JOURNAL_KEY_PREFIX = 'qovery.previewJournal.';

/** The single key every journal was kept under before: read, and moved to their own keys at the next write. */
export const LEGACY_JOURNALS_KEY = 'qovery.previewJournals';

/** The journal's own key: a hash, so the connection, repository and branch never show in the key. */
export function journalStorageKey(key: string): string {
  return JOURNAL_KEY_PREFIX + createHash('sha256').update(key).digest('hex').slice(0, 32);
}

const isJournal = (v: unknown): v is PreviewJournal => !!v && typeof v === 'object' && typeof (v as { key?: unknown }).key === 'string';

export class MementoJournals implements PreviewJournalStore {
  constructor(private readonly memento: JournalMemento) {}

  #legacy(): PreviewJournal[] {
    const value = this.memento.get<Record<string, unknown>>(LEGACY_JOURNALS_KEY);
    return value && typeof value === 'object' ? Object.values(value).filter(isJournal) : [];
  }

  /** Moves the former single key's journals to their own keys (one not already there), then drops it. */
  async #migrate(): Promise<void> {
    const legacy = this.#legacy();
    if (legacy.length === 0 && this.memento.get(LEGACY_JOURNALS_KEY) === undefined) {
      return;
    }
    for (const journal of legacy) {
      if (this.memento.get(journalStorageKey(journal.key)) === undefined) {
        await this.memento.update(journalStorageKey(journal.key), journal);
      }
    }
    await this.memento.update(LEGACY_JOURNALS_KEY, undefined);
  }

  get(key: string): PreviewJournal | undefined {
    const own = this.memento.get<unknown>(journalStorageKey(key));
    return isJournal(own) ? own : this.#legacy().find((j) => j.key === key);
  }

  list(): PreviewJournal[] {
    const own = this.memento
      .keys()
      .filter((k) => k.startsWith(JOURNAL_KEY_PREFIX))
      .map((k) => this.memento.get<unknown>(k))
      .filter(isJournal);
    const keys = new Set(own.map((j) => j.key));
    return [...own, ...this.#legacy().filter((j) => !keys.has(j.key))];
  }

  async save(journal: PreviewJournal): Promise<void> {
    await this.#migrate();
    await this.memento.update(journalStorageKey(journal.key), journal);
  }

  async clear(key: string): Promise<void> {
    await this.#migrate();
    await this.memento.update(journalStorageKey(key), undefined);
  }
}
