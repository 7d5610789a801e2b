import * as assert from 'node:assert/strict';
import { LEGACY_JOURNALS_KEY, MementoJournals, type JournalMemento } from '../../../src/preview/journals';
import type { PreviewJournal } from '../../../src/preview/model';

/**
 * globalState as two windows see it: each window reads its own copy, and a write reaches the shared
 * storage and the other windows a moment later, key by key (the last write of a key wins).
 */
class SharedStorage {
  readonly stored = new Map<string, unknown>();
  readonly windows: WindowMemento[] = [];
  window(): WindowMemento {
    const w = new WindowMemento(this);
    for (const [k, v] of this.stored) {
      w.cache.set(k, v);
    }
    this.windows.push(w);
    return w;
  }
}

class WindowMemento implements JournalMemento {
  readonly cache = new Map<string, unknown>();
  constructor(private readonly storage: SharedStorage) {}
  get<T>(key: string): T | undefined {
    return this.cache.get(key) as T | undefined;
  }
  keys(): readonly string[] {
    return [...this.cache.keys()];
  }
  update(key: string, value: unknown): Promise<void> {
    const put = (m: Map<string, unknown>) => (value === undefined ? m.delete(key) : m.set(key, structuredClone(value)));
    put(this.cache);
    return new Promise((resolve) =>
      setTimeout(() => {
        put(this.storage.stored);
        for (const other of this.storage.windows.filter((w) => w !== this)) {
          put(other.cache);
        }
        resolve();
      }, 5),
    );
  }
}

const journal = (branch: string): PreviewJournal => ({
  key: `conn|proj|github.com/acme/web|${branch}`,
  connectionId: 'conn',
  organizationId: 'org',
  projectId: 'proj',
  blueprintId: 'env',
  blueprintName: 'staging',
  branch,
  commitId: 'c0ffee',
  pointNames: ['web'],
  name: branch.replace(/\W/g, '-'),
  step: 'cloning',
  edited: [],
  startedAt: 1,
  updatedAt: 1,
});

describe('preview: the journals in globalState', () => {
  it('two windows recording previews of different branches at once keep both journals', async () => {
    const storage = new SharedStorage();
    const a = new MementoJournals(storage.window());
    const b = new MementoJournals(storage.window());
    await Promise.all([a.save(journal('feat/a')), b.save(journal('feat/b'))]);
    const later = new MementoJournals(storage.window());
    assert.deepEqual(later.list().map((j) => j.branch).sort(), ['feat/a', 'feat/b']);
    assert.deepEqual(a.list().map((j) => j.branch).sort(), ['feat/a', 'feat/b']);
    // One window clearing its journal leaves the other's.
    await Promise.all([a.clear(journal('feat/a').key), b.save({ ...journal('feat/b'), step: 'cloned' })]);
    assert.deepEqual(new MementoJournals(storage.window()).list().map((j) => [j.branch, j.step]), [['feat/b', 'cloned']]);
  });

  it('the journals of the former single key are read, and moved to their own keys at the next write', async () => {
    const storage = new SharedStorage();
    const old = journal('feat/old');
    storage.stored.set(LEGACY_JOURNALS_KEY, { [old.key]: old });
    const window = storage.window();
    const journals = new MementoJournals(window);
    assert.deepEqual(journals.get(old.key), old);
    assert.deepEqual(journals.list(), [old]);
    await journals.save(journal('feat/new'));
    assert.equal(window.get(LEGACY_JOURNALS_KEY), undefined, 'the former key is gone');
    assert.deepEqual(journals.list().map((j) => j.branch).sort(), ['feat/new', 'feat/old']);
    await journals.clear(old.key);
    assert.deepEqual(new MementoJournals(storage.window()).list().map((j) => j.branch), ['feat/new']);
    assert.ok(window.keys().every((k) => k.startsWith('qovery.previewJournal.')), window.keys().join());
  });
});
