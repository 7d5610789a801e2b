// Rotation journals and cross-window leases as files in one folder that every window of VS Code
// shares (the extension's global storage). Files, not globalState: globalState has no
// compare-and-set and echoes writes to other windows late. No `vscode` import.
import { randomUUID } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, JournalStore, Lease, LeaseProvider, RotationJournal } from './model';
import { ROTATION_STEPS } from './model';

/** The file calls used here; tests wrap them to stop a "window" at any call. */
export interface StorageFs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, options?: { flag?: string }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ mtimeMs: number }>;
}

export const nodeStorageFs: StorageFs = {
  mkdir: (path, options) => nodeFs.mkdir(path, options),
  readFile: (path, encoding) => nodeFs.readFile(path, encoding),
  writeFile: (path, data, options) => nodeFs.writeFile(path, data, options),
  rename: (from, to) => nodeFs.rename(from, to),
  unlink: (path) => nodeFs.unlink(path),
  readdir: (path) => nodeFs.readdir(path),
  stat: (path) => nodeFs.stat(path),
};

const code = (error: unknown): string | undefined => (typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined);

/** File-name safe form of an id. */
const fileKey = (id: string): string => encodeURIComponent(id).replace(/[.*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);

/** Writes a whole file at once (temporary file, then rename), so a reader never sees half of it. */
async function writeAtomic(fs: StorageFs, path: string, data: string): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await fs.writeFile(temporary, data);
  try {
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Reads a journal file, dropping anything that is not a journal of this version. */
export function parseJournal(text: string): RotationJournal | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const j = value as Partial<RotationJournal> | null;
  if (
    typeof j !== 'object' ||
    j === null ||
    typeof j.id !== 'string' ||
    typeof j.connectionId !== 'string' ||
    typeof j.organizationId !== 'string' ||
    typeof j.roleId !== 'string' ||
    typeof j.startedAt !== 'number' ||
    !ROTATION_STEPS.includes(j.step as RotationJournal['step']) ||
    !Array.isArray(j.knownTokenIds) ||
    !j.knownTokenIds.every((id) => typeof id === 'string')
  ) {
    return undefined;
  }
  return j as RotationJournal;
}

/** One journal file per connection: `journal-<connection>.json`. */
export class FileJournalStore implements JournalStore {
  constructor(
    private readonly dir: string,
    private readonly fs: StorageFs = nodeStorageFs,
  ) {}

  #path(connectionId: string): string {
    return join(this.dir, `journal-${fileKey(connectionId)}.json`);
  }

  async get(connectionId: string): Promise<RotationJournal | undefined> {
    try {
      return parseJournal(await this.fs.readFile(this.#path(connectionId), 'utf8'));
    } catch (error) {
      if (code(error) === 'ENOENT') {
        return undefined;
      }
      throw error;
    }
  }

  async list(): Promise<RotationJournal[]> {
    let names: string[];
    try {
      names = await this.fs.readdir(this.dir);
    } catch (error) {
      if (code(error) === 'ENOENT') {
        return [];
      }
      throw error;
    }
    const out: RotationJournal[] = [];
    for (const name of names.filter((n) => n.startsWith('journal-') && n.endsWith('.json'))) {
      try {
        const journal = parseJournal(await this.fs.readFile(join(this.dir, name), 'utf8'));
        if (journal) {
          out.push(journal);
        }
      } catch (error) {
        if (code(error) !== 'ENOENT') {
          throw error;
        }
      }
    }
    return out;
  }

  async save(journal: RotationJournal): Promise<void> {
    await this.fs.mkdir(this.dir, { recursive: true });
    await writeAtomic(this.fs, this.#path(journal.connectionId), JSON.stringify(journal));
  }

  /** Removes the journal, unless the file now holds another rotation's journal. */
  async clear(journal: RotationJournal): Promise<void> {
    const current = await this.get(journal.connectionId).catch(() => undefined);
    if (current && current.id !== journal.id) {
      return;
    }
    try {
      await this.fs.unlink(this.#path(journal.connectionId));
    } catch (error) {
      if (code(error) !== 'ENOENT') {
        throw error;
      }
    }
  }
}

interface LeaseBody {
  owner: string;
  expiresAt: number;
}

function parseLease(text: string): LeaseBody | undefined {
  try {
    const value = JSON.parse(text) as Partial<LeaseBody> | null;
    return value && typeof value.owner === 'string' && typeof value.expiresAt === 'number' ? (value as LeaseBody) : undefined;
  } catch {
    return undefined;
  }
}

export const LEASE_TTL_MS = 30_000;

/**
 * Leases as lock files created with exclusive create (`wx`): whoever creates the file holds the
 * lease until it expires; holders renew it while they work. An expired lease is taken over under a
 * second exclusive file (`.steal`), and only if the lease file did not change meanwhile.
 */
export class FileLeases implements LeaseProvider {
  constructor(
    private readonly dir: string,
    private readonly clock: Clock,
    private readonly fs: StorageFs = nodeStorageFs,
    private readonly ttlMs = LEASE_TTL_MS,
  ) {}

  #path(name: string): string {
    return join(this.dir, `lease-${fileKey(name)}.lock`);
  }

  async tryAcquire(name: string): Promise<Lease | undefined> {
    await this.fs.mkdir(this.dir, { recursive: true });
    const path = this.#path(name);
    const owner = randomUUID();
    const body = (): string => JSON.stringify({ owner, expiresAt: this.clock.now() + this.ttlMs } satisfies LeaseBody);
    try {
      await this.fs.writeFile(path, body(), { flag: 'wx' });
      return this.#lease(path, owner, body);
    } catch (error) {
      if (code(error) !== 'EEXIST') {
        throw error;
      }
    }
    // Someone holds or held it: take it over only when it has expired.
    let seen: string;
    try {
      seen = await this.fs.readFile(path, 'utf8');
    } catch (error) {
      if (code(error) === 'ENOENT') {
        return this.tryAcquire(name);
      }
      throw error;
    }
    if (!(await this.#expired(path, seen))) {
      return undefined;
    }
    const steal = `${path}.steal`;
    try {
      await this.fs.writeFile(steal, JSON.stringify({ owner, at: this.clock.now() }), { flag: 'wx' });
    } catch (error) {
      if (code(error) !== 'EEXIST') {
        throw error;
      }
      // Another window is taking it over; a steal file left by a window that died is cleared later.
      const other = await this.fs.readFile(steal, 'utf8').catch(() => '');
      let at = 0;
      try {
        at = Number((JSON.parse(other) as { at?: unknown }).at) || 0;
      } catch {
        // unreadable: counts as old
      }
      if (this.clock.now() - at > this.ttlMs) {
        await this.fs.unlink(steal).catch(() => undefined);
      }
      return undefined;
    }
    try {
      const now = await this.fs.readFile(path, 'utf8').catch(() => undefined);
      if (now !== undefined && now !== seen) {
        return undefined;
      }
      await writeAtomic(this.fs, path, body());
      return this.#lease(path, owner, body);
    } finally {
      await this.fs.unlink(steal).catch(() => undefined);
    }
  }

  /** Expired by its date; an unreadable body counts as live until the file is older than the lease time. */
  async #expired(path: string, text: string): Promise<boolean> {
    const lease = parseLease(text);
    if (lease) {
      return lease.expiresAt <= this.clock.now();
    }
    const stat = await this.fs.stat(path).catch(() => undefined);
    return stat === undefined || this.clock.now() - stat.mtimeMs > this.ttlMs;
  }

  #lease(path: string, owner: string, body: () => string): Lease {
    const ours = async (): Promise<boolean> => {
      const text = await this.fs.readFile(path, 'utf8').catch(() => undefined);
      return text !== undefined && parseLease(text)?.owner === owner;
    };
    return {
      renew: async () => {
        if (!(await ours())) {
          return false;
        }
        await writeAtomic(this.fs, path, body());
        return true;
      },
      release: async () => {
        if (await ours()) {
          await this.fs.unlink(path).catch(() => undefined);
        }
      },
    };
  }
}

/** Once per key: exclusive create of a marker file, so one window of many wins (the daily reminder). */
export async function claimOnce(dir: string, key: string, fs: StorageFs = nodeStorageFs): Promise<boolean> {
  await fs.mkdir(dir, { recursive: true });
  try {
    await fs.writeFile(join(dir, `once-${fileKey(key)}`), '', { flag: 'wx' });
    return true;
  } catch (error) {
    if (code(error) === 'EEXIST') {
      return false;
    }
    throw error;
  }
}
