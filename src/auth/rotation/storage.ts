// Rotation journals and cross-window leases. Every window of the client shares SecretStorage (also
// windows whose extension host runs on another machine), so journals and leases live there; lease
// files in the global storage folder add a true exclusive create between windows of one host.
// Not globalState: it echoes writes to other windows late. No `vscode` import.
import { randomUUID } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, JournalStore, Lease, LeaseProvider, RotationJournal } from './model';
import { ROTATION_STEPS } from './model';
import { reminderKey } from './records';

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
  /** Counts the takes of this lease: a holder whose version is not the stored one lost it. */
  version?: number;
  expiresAt: number;
}

function parseLease(text: string | undefined): LeaseBody | undefined {
  if (text === undefined) {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<LeaseBody> | null;
    return value && typeof value.owner === 'string' && typeof value.expiresAt === 'number' ? (value as LeaseBody) : undefined;
  } catch {
    return undefined;
  }
}

export const LEASE_TTL_MS = 30_000;

/**
 * How long a lease has left, never more than its normal length: a lease dated far ahead (written by a
 * clock ahead of ours, or before ours was set back) lives one normal length from when this window first
 * saw it, unless its holder renews it meanwhile.
 */
class LeaseLife {
  readonly #firstSeen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  remaining(lease: LeaseBody): number {
    const now = this.clock.now();
    const left = lease.expiresAt - now;
    if (left <= this.ttlMs) {
      return left;
    }
    const key = `${lease.owner}|${lease.version ?? 0}|${lease.expiresAt}`;
    let first = this.#firstSeen.get(key);
    if (first === undefined) {
      first = now;
      this.#firstSeen.set(key, now);
    }
    return first + this.ttlMs - now;
  }
}

/** A lease held on some storage: read, write and remove its body. */
interface LeaseCell {
  read(): Promise<string | undefined>;
  write(body: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * A held lease: renewed only while the stored body is still ours (same owner, same version) and not
 * expired; once lost, it stays lost. An expired lease is a fence, even when no other window took it.
 */
function heldLease(cell: LeaseCell, life: LeaseLife, mine: LeaseBody, ttlMs: number, clock: Clock): Lease {
  let lost = false;
  const ours = async (): Promise<boolean> => {
    if (lost) {
      return false;
    }
    const body = parseLease(await cell.read().catch(() => undefined));
    if (!body || body.owner !== mine.owner || (body.version ?? 0) !== (mine.version ?? 0) || life.remaining(body) <= 0) {
      lost = true;
      return false;
    }
    return true;
  };
  return {
    holds: ours,
    renew: async () => {
      if (!(await ours())) {
        return false;
      }
      const next = JSON.stringify({ ...mine, expiresAt: clock.now() + ttlMs } satisfies LeaseBody);
      await cell.write(next);
      // Read back: a window that wrote meanwhile has it now.
      if ((await cell.read().catch(() => undefined)) !== next) {
        lost = true;
        return false;
      }
      return true;
    },
    release: async () => {
      const body = parseLease(await cell.read().catch(() => undefined));
      lost = true;
      if (body && body.owner === mine.owner) {
        await cell.remove().catch(() => undefined);
      }
    },
  };
}

/**
 * Leases as lock files created with exclusive create (`wx`): whoever creates the file holds the
 * lease until it expires; holders renew it while they work. An expired lease is taken over under a
 * second exclusive file (`.steal`), and only if the lease file did not change meanwhile. Files reach
 * the windows of one host only: `SharedLeases` reaches the others.
 */
export class FileLeases implements LeaseProvider {
  readonly #life: LeaseLife;

  constructor(
    private readonly dir: string,
    private readonly clock: Clock,
    private readonly fs: StorageFs = nodeStorageFs,
    private readonly ttlMs = LEASE_TTL_MS,
  ) {
    this.#life = new LeaseLife(clock, ttlMs);
  }

  #path(name: string): string {
    return join(this.dir, `lease-${fileKey(name)}.lock`);
  }

  async tryAcquire(name: string): Promise<Lease | undefined> {
    await this.fs.mkdir(this.dir, { recursive: true });
    const path = this.#path(name);
    const owner = randomUUID();
    const body = (version: number): LeaseBody => ({ owner, version, expiresAt: this.clock.now() + this.ttlMs });
    try {
      const mine = body(1);
      await this.fs.writeFile(path, JSON.stringify(mine), { flag: 'wx' });
      return this.#lease(path, mine);
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
      if (Math.abs(this.clock.now() - at) > this.ttlMs) {
        await this.fs.unlink(steal).catch(() => undefined);
      }
      return undefined;
    }
    try {
      const now = await this.fs.readFile(path, 'utf8').catch(() => undefined);
      if (now !== undefined && now !== seen) {
        return undefined;
      }
      const mine = body((parseLease(seen)?.version ?? 0) + 1);
      await writeAtomic(this.fs, path, JSON.stringify(mine));
      return this.#lease(path, mine);
    } finally {
      await this.fs.unlink(steal).catch(() => undefined);
    }
  }

  /** Expired by its date (capped); an unreadable body counts as live until the file is older than the lease time. */
  async #expired(path: string, text: string): Promise<boolean> {
    const lease = parseLease(text);
    if (lease) {
      return this.#life.remaining(lease) <= 0;
    }
    const stat = await this.fs.stat(path).catch(() => undefined);
    return stat === undefined || Math.abs(this.clock.now() - stat.mtimeMs) > this.ttlMs;
  }

  #lease(path: string, mine: LeaseBody): Lease {
    const cell: LeaseCell = {
      read: () => this.fs.readFile(path, 'utf8'),
      write: (text) => writeAtomic(this.fs, path, text),
      remove: () => this.fs.unlink(path),
    };
    return heldLease(cell, this.#life, mine, this.ttlMs, this.clock);
  }
}

/** Key-value storage every window of the client shares: VS Code's SecretStorage fits. */
export interface SharedStore {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

const SHARED_PREFIX = 'qovery.rotation.';
const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/**
 * How long a writer of shared storage waits before it believes its write. In VS Code each window reads
 * SecretStorage from its own in-memory copy: a write reaches the main process after a flush (about
 * 100 ms) and the other windows' copies later still, through change events. So a read-back right after
 * a write only ever sees the writer's own value; two windows that wrote at once see each other's value
 * only once both writes went round.
 */
export const SHARED_SETTLE_MS = 1_000;

/**
 * Whether our write to `key` still stands after the writes of other windows had time to arrive: read
 * at half of `settleMs` and at `settleMs`, and ours only when both reads show it. Two windows that
 * wrote at once may both back off (each sees the other's write); they never both win.
 */
async function stillOurs(store: SharedStore, key: string, ours: (text: string | undefined) => boolean, settleMs: number): Promise<boolean> {
  for (const wait of [Math.floor(settleMs / 2), settleMs - Math.floor(settleMs / 2)]) {
    await sleep(wait);
    if (!ours(await store.get(key))) {
      return false;
    }
  }
  return true;
}

/**
 * Leases in storage that every window of the client sees, also windows whose extension host runs on
 * another machine (WSL, SSH, containers). The store has no compare-and-set: a window writes its body,
 * waits until other windows' writes had time to reach it (`SHARED_SETTLE_MS`), and holds the lease only
 * when it reads its own body back twice; every irreversible call is fenced by `holds()` as well.
 */
export class SharedLeases implements LeaseProvider {
  readonly #life: LeaseLife;

  constructor(
    private readonly store: SharedStore,
    private readonly clock: Clock,
    private readonly ttlMs = LEASE_TTL_MS,
    /** How long a writer waits before it believes its body (another window's write lands meanwhile). */
    private readonly settleMs = SHARED_SETTLE_MS,
  ) {
    this.#life = new LeaseLife(clock, ttlMs);
  }

  async tryAcquire(name: string): Promise<Lease | undefined> {
    const key = `${SHARED_PREFIX}lease.${name}`;
    const seen = parseLease(await this.store.get(key));
    if (seen && this.#life.remaining(seen) > 0) {
      return undefined;
    }
    const mine: LeaseBody = { owner: randomUUID(), version: (seen?.version ?? 0) + 1, expiresAt: this.clock.now() + this.ttlMs };
    await this.store.store(key, JSON.stringify(mine));
    if (!(await stillOurs(this.store, key, (text) => parseLease(text)?.owner === mine.owner, this.settleMs))) {
      return undefined;
    }
    const cell: LeaseCell = { read: () => this.store.get(key), write: (text) => this.store.store(key, text), remove: () => this.store.delete(key) };
    return heldLease(cell, this.#life, mine, this.ttlMs, this.clock);
  }
}

/** The same-host lease (true exclusive create) first, then the lease every window of the client sees. */
export class LayeredLeases implements LeaseProvider {
  constructor(
    private readonly local: LeaseProvider,
    private readonly shared: LeaseProvider,
  ) {}

  async tryAcquire(name: string): Promise<Lease | undefined> {
    const local = await this.local.tryAcquire(name);
    if (!local) {
      return undefined;
    }
    let shared: Lease | undefined;
    try {
      shared = await this.shared.tryAcquire(name);
    } catch (error) {
      await local.release().catch(() => undefined);
      throw error;
    }
    if (!shared) {
      await local.release().catch(() => undefined);
      return undefined;
    }
    const both = shared;
    return {
      holds: async () => (await local.holds()) && (await both.holds()),
      renew: async () => (await local.renew()) && (await both.renew()),
      release: async () => {
        await both.release().catch(() => undefined);
        await local.release().catch(() => undefined);
      },
    };
  }
}

/**
 * Journals in storage every window of the client sees, one entry per connection, with an index of the
 * connections that have one (the caller's connection list is read too, in case two windows raced on it).
 */
export class SharedJournalStore implements JournalStore {
  constructor(
    private readonly store: SharedStore,
    private readonly connections: () => string[] = () => [],
  ) {}

  #key(connectionId: string): string {
    return `${SHARED_PREFIX}journal.${connectionId}`;
  }

  async #index(): Promise<string[]> {
    try {
      const value = JSON.parse((await this.store.get(`${SHARED_PREFIX}journals`)) ?? '[]') as unknown;
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    } catch (error) {
      if (error instanceof SyntaxError) {
        return [];
      }
      throw error;
    }
  }

  async #setIndex(ids: string[]): Promise<void> {
    await (ids.length ? this.store.store(`${SHARED_PREFIX}journals`, JSON.stringify(ids)) : this.store.delete(`${SHARED_PREFIX}journals`));
  }

  async get(connectionId: string): Promise<RotationJournal | undefined> {
    const text = await this.store.get(this.#key(connectionId));
    return text === undefined ? undefined : parseJournal(text);
  }

  async list(): Promise<RotationJournal[]> {
    const ids = new Set([...(await this.#index()), ...this.connections()]);
    const out: RotationJournal[] = [];
    for (const id of ids) {
      const journal = await this.get(id);
      if (journal) {
        out.push(journal);
      }
    }
    return out;
  }

  async save(journal: RotationJournal): Promise<void> {
    await this.store.store(this.#key(journal.connectionId), JSON.stringify(journal));
    const index = await this.#index();
    if (!index.includes(journal.connectionId)) {
      await this.#setIndex([...index, journal.connectionId]);
    }
  }

  /** Removes the journal, unless the entry now holds another rotation's journal. */
  async clear(journal: RotationJournal): Promise<void> {
    const current = await this.get(journal.connectionId).catch(() => undefined);
    if (current && current.id !== journal.id) {
      return;
    }
    await this.store.delete(this.#key(journal.connectionId));
    const index = await this.#index();
    if (index.includes(journal.connectionId)) {
      await this.#setIndex(index.filter((id) => id !== journal.connectionId));
    }
  }
}

/** The shared journals, reading journal files that an earlier version left (moved on their next save). */
export class MigratingJournalStore implements JournalStore {
  readonly #fromFiles = new Set<string>();

  constructor(
    private readonly shared: JournalStore,
    private readonly files: JournalStore,
  ) {}

  async #file(connectionId: string): Promise<RotationJournal | undefined> {
    const journal = await this.files.get(connectionId).catch(() => undefined);
    if (journal) {
      this.#fromFiles.add(connectionId);
    }
    return journal;
  }

  async get(connectionId: string): Promise<RotationJournal | undefined> {
    return (await this.shared.get(connectionId)) ?? (await this.#file(connectionId));
  }

  async list(): Promise<RotationJournal[]> {
    const shared = await this.shared.list();
    const seen = new Set(shared.map((j) => j.connectionId));
    const files = (await this.files.list().catch(() => [])).filter((j) => !seen.has(j.connectionId));
    for (const journal of files) {
      this.#fromFiles.add(journal.connectionId);
    }
    return [...shared, ...files];
  }

  async save(journal: RotationJournal): Promise<void> {
    await this.shared.save(journal);
    if (this.#fromFiles.delete(journal.connectionId)) {
      await this.files.clear(journal).catch(() => undefined);
    }
  }

  async clear(journal: RotationJournal): Promise<void> {
    await this.shared.clear(journal);
    if (this.#fromFiles.delete(journal.connectionId)) {
      await this.files.clear(journal).catch(() => undefined);
    }
  }
}

/**
 * Once a day per connection in storage every window of the client sees (the daily reminder): the
 * window that still reads its own claim once other windows' claims had time to arrive asks; the
 * others stay quiet (two windows that claimed at the same moment may both stay quiet that day, never both ask).
 */
export async function claimDay(store: SharedStore, connectionId: string, day: string, settleMs = SHARED_SETTLE_MS): Promise<boolean> {
  const key = reminderKey(connectionId);
  const day_ = (text: string | undefined): string | undefined => {
    try {
      return (JSON.parse(text ?? 'null') as { day?: string } | null)?.day;
    } catch {
      return undefined;
    }
  };
  if (day_(await store.get(key)) === day) {
    return false;
  }
  const mine = JSON.stringify({ day, owner: randomUUID() });
  await store.store(key, mine);
  return stillOurs(store, key, (text) => text === mine, settleMs);
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
