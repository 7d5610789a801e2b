// VS Code windows for rotation tests, in plain Node: separate engines that share what windows share
// (one SecretStorage, one globalState that echoes writes to other windows late and has no
// compare-and-set, one global storage folder) and talk to the Qovery-compatible server over sockets.
// A window "dies" at a chosen call: that call and every later one throws, as if VS Code quit there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QoveryClient } from '../../../src/api';
import { RotationEngine } from '../../../src/auth/rotation/engine';
import type { RotationPlan, RotationReport, RotationSecrets, SagaControl } from '../../../src/auth/rotation/model';
import { readTokenRecord, tokenIdOf, writeTokenRecord } from '../../../src/auth/rotation/records';
import {
  FileJournalStore,
  FileLeases,
  LayeredLeases,
  MigratingJournalStore,
  nodeStorageFs,
  SharedJournalStore,
  SharedLeases,
  type SharedStore,
  type StorageFs,
} from '../../../src/auth/rotation/storage';
import { DEMO, type ApiTokenState, type QoveryServer } from '../../qovery';

export const ACME = DEMO.organizations.acme;
export const CONNECTION = 'c1';
export const tokenKey = (id: string): string => `qovery.token.${id}`;
export const pendingKey = (id: string): string => `qovery.pending.${id}`;

export class Crash extends Error {
  constructor(readonly window: string) {
    super(`window ${window} was closed`);
  }
}

/** Time every window reads; tests move it to expire a dead window's lease. */
export class SharedClock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

/** Facts of a connection (what the extension keeps in globalState), with late echo to other windows. */
interface ConnectionFacts {
  tokenId?: string;
  tokenName?: string;
}

export class World {
  readonly secrets = new Map<string, string>();
  /** The newest globalState values, and each window's (possibly stale) view of them. */
  readonly facts = new Map<string, ConnectionFacts>();
  readonly views = new Map<string, Map<string, ConnectionFacts>>();
  readonly dir = mkdtempSync(join(tmpdir(), 'qovery-rotation-'));
  readonly clock = new SharedClock();
  /** Every token a window was told was created (from the create answers seen by the server). */
  readonly reports: RotationReport[] = [];
  /** The keyring is locked: every SecretStorage read fails (or only those of the keys this accepts). */
  locked: boolean | ((key: string) => boolean) = false;
  /** Every wait a window asked for (ms): a wait moves the shared clock instead of taking time. */
  readonly sleeps: number[] = [];
  /** How a locked read fails: an error, or "nothing" (VS Code deletes a secret it cannot decrypt from its answer and returns undefined). */
  lockedReads: 'throw' | 'undefined' = 'throw';

  constructor(
    readonly server: QoveryServer,
    readonly timeoutMs = 400,
  ) {}

  /** The connection signed in with `secret`, known as token `tokenId`. */
  signIn(secret: string, tokenId?: string): void {
    this.secrets.set(tokenKey(CONNECTION), secret);
    this.facts.set(CONNECTION, { tokenId });
    for (const view of this.views.values()) {
      view.set(CONNECTION, { tokenId });
    }
  }

  /** Delivers globalState writes to every window (VS Code does so some time later). */
  echo(): void {
    for (const view of this.views.values()) {
      for (const [id, facts] of this.facts) {
        view.set(id, { ...facts });
      }
    }
  }

  /** The saga's wait: the clock moves by `ms`, and the other windows get their turn. */
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.clock.offset += ms;
    return new Promise((resolve) => setImmediate(resolve));
  }

  client(secret: string): QoveryClient {
    return new QoveryClient({ baseUrl: this.server.url, token: secret, timeoutMs: this.timeoutMs, maxRetries: 1, retryBaseDelayMs: 5, maxRetryDelayMs: 20 });
  }

  tokens(): ApiTokenState[] {
    return this.server.state.apiTokens(ACME);
  }

  async works(secret: string | undefined): Promise<boolean> {
    if (secret === undefined) {
      return false;
    }
    const res = await fetch(`${this.server.url}/organization`, { headers: { Authorization: `Token ${secret}` } });
    await res.arrayBuffer();
    return res.status === 200;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface WindowOptions {
  /**
   * The machine the window's extension host runs on: each host has its own global storage folder
   * (lease and journal files), while SecretStorage and globalState are the client's, shared by all.
   */
  host?: string;
  /** Before this 1-based call the window freezes: `during` runs (other windows work, time passes), then it goes on. */
  freezeAt?: { call: number | ((call: string, before: readonly string[]) => boolean); during: () => Promise<void> };
  /**
   * The window dies at this call: a 1-based count of its storage, secret and API calls, or a test of
   * the call's name ('api.createApiToken', 'secrets.storePending', 'fs.rename', ...) and of the calls before.
   */
  dieAt?: number | ((call: string, before: readonly string[]) => boolean);
}

export class Window {
  readonly engine: RotationEngine;
  calls = 0;
  readonly history: string[] = [];
  dead = false;
  /** The call the window froze before, if it did. */
  frozenBefore: string | undefined;
  readonly log: string[] = [];

  constructor(
    readonly name: string,
    readonly world: World,
    private readonly options: WindowOptions = {},
  ) {
    const view = new Map<string, ConnectionFacts>(world.facts);
    world.views.set(name, view);
    const named = <T>(what: string, call: () => Promise<T>): Promise<T> => {
      if (this.dead) {
        return Promise.reject(new Crash(name));
      }
      this.calls++;
      const freeze = this.options.freezeAt;
      if (freeze && this.frozenBefore === undefined && (typeof freeze.call === 'number' ? this.calls === freeze.call : freeze.call(what, this.history))) {
        this.frozenBefore = what;
        return freeze.during().then(() => {
          this.history.push(what);
          return call();
        });
      }
      const dieAt = this.options.dieAt;
      if (dieAt !== undefined && (typeof dieAt === 'number' ? this.calls >= dieAt : dieAt(what, this.history))) {
        this.dead = true;
        return Promise.reject(new Crash(name));
      }
      this.history.push(what);
      return call();
    };
    const fs: StorageFs = {
      mkdir: (p, o) => named('fs.mkdir', () => nodeStorageFs.mkdir(p, o)),
      readFile: (p, e) => named('fs.readFile', () => nodeStorageFs.readFile(p, e)),
      writeFile: (p, d, o) => named('fs.writeFile', () => nodeStorageFs.writeFile(p, d, o)),
      rename: (a, b) => named('fs.rename', () => nodeStorageFs.rename(a, b)),
      unlink: (p) => named('fs.unlink', () => nodeStorageFs.unlink(p)),
      readdir: (p) => named('fs.readdir', () => nodeStorageFs.readdir(p)),
      stat: (p) => named('fs.stat', () => nodeStorageFs.stat(p)),
    };
    const read = (key: string): Promise<string | undefined> =>
      world.locked === true || (typeof world.locked === 'function' && world.locked(key))
        ? world.lockedReads === 'undefined'
          ? Promise.resolve(undefined)
          : Promise.reject(new Error('The keyring is locked.'))
        : Promise.resolve(world.secrets.get(key));
    const shared: SharedStore = {
      get: (key) => named('shared.get', () => read(key)),
      store: (key, value) => named('shared.store', () => Promise.resolve(void world.secrets.set(key, value))),
      delete: (key) => named('shared.delete', () => Promise.resolve(void world.secrets.delete(key))),
    };
    const secrets: RotationSecrets = {
      current: (id) => named('secrets.current', () => read(tokenKey(id))),
      pending: (id) => named('secrets.pending', () => read(pendingKey(id))),
      storePending: (id, secret) => named('secrets.storePending', () => Promise.resolve(void world.secrets.set(pendingKey(id), secret))),
      deletePending: (id) => named('secrets.deletePending', () => Promise.resolve(void world.secrets.delete(pendingKey(id)))),
      swap: (id, secret, facts) =>
        named('secrets.swap', () => {
          world.secrets.set(tokenKey(id), secret);
          // globalState: this window sees its write at once, the others at the next echo.
          world.facts.set(id, { tokenId: facts.tokenId, tokenName: facts.tokenName });
          view.set(id, { tokenId: facts.tokenId, tokenName: facts.tokenName });
          return writeTokenRecord({ get: read, store: (k, v) => Promise.resolve(void world.secrets.set(k, v)), delete: (k) => Promise.resolve(void world.secrets.delete(k)) }, id, secret, facts.tokenId);
        }),
      exists: (id) => world.secrets.has(tokenKey(id)),
      storedTokenId: (id) => view.get(id)?.tokenId,
      tokenRecord: (id) => readTokenRecord(shared, id),
    };
    const api = (secret: string) => {
      const client = world.client(secret);
      return {
        listOrganizations: () => named('api.listOrganizations', () => client.listOrganizations()),
        listApiTokens: (org: string, o?: Parameters<QoveryClient['listApiTokens']>[1]) => named('api.listApiTokens', () => client.listApiTokens(org, o)),
        createApiToken: (org: string, body: Parameters<QoveryClient['createApiToken']>[1]) => named('api.createApiToken', () => client.createApiToken(org, body)),
        deleteApiToken: (org: string, id: string) => named('api.deleteApiToken', () => client.deleteApiToken(org, id)),
      };
    };
    const log = (level: string) => (message: string) => void this.log.push(`${level} ${message}`);
    const dir = join(world.dir, options.host ?? 'local', 'rotation');
    this.engine = new RotationEngine({
      journals: new MigratingJournalStore(new SharedJournalStore(shared, () => [CONNECTION]), new FileJournalStore(dir, fs)),
      leases: new LayeredLeases(new FileLeases(dir, world.clock, fs), new SharedLeases(shared, world.clock, undefined, 5)),
      secrets,
      api,
      clock: world.clock,
      sleep: (ms) => world.sleep(ms),
      log: { info: log('info'), warn: log('warn'), error: log('error'), protect: () => undefined },
    });
  }

  /** What the planner would decide with the user: rotate, revoking `oldId`, with the token list of now. */
  async plan(oldId: string | undefined = DEMO.apiTokens.admin): Promise<RotationPlan | RotationReport> {
    const secret = this.world.secrets.get(tokenKey(CONNECTION));
    if (secret === undefined) {
      return { outcome: 'failed', connectionId: CONNECTION, revoked: false, stage: 'prepare' };
    }
    let tokens;
    let serverClock: RotationPlan['serverClock'];
    try {
      const local = this.world.clock.now();
      tokens = await this.world.client(secret).listApiTokens(ACME, { onServerDate: (server) => (serverClock = { server, local }) });
    } catch (error) {
      return { outcome: 'failed', connectionId: CONNECTION, revoked: false, stage: 'prepare', errorKind: (error as { kind?: string }).kind };
    }
    const old = oldId ? tokens.find((t) => t.id === oldId) : undefined;
    // As the planner: the record kept with the secret names its token; globalState may lag.
    const record = await readTokenRecord({ get: (k) => Promise.resolve(this.world.secrets.get(k)), store: () => Promise.resolve(), delete: () => Promise.resolve() }, CONNECTION);
    const previousTokenId = tokenIdOf(secret, record, this.world.views.get(this.name)?.get(CONNECTION)?.tokenId);
    const roleId = old?.role_id ?? tokens.find((t) => t.id === DEMO.apiTokens.admin)?.role_id ?? '';
    return {
      connectionId: CONNECTION,
      connectionName: 'acme',
      organizationId: ACME,
      oldSecret: secret,
      old: old ? { id: old.id, name: old.name ?? undefined } : undefined,
      role: { id: roleId },
      knownTokens: tokens.map((t) => ({ id: t.id, name: t.name })),
      previousTokenId: previousTokenId ?? this.world.views.get(this.name)?.get(CONNECTION)?.tokenId,
      serverClock,
    };
  }

  /** "Rotate Token" in this window; a death ends it with 'died'. */
  async rotate(control: Partial<SagaControl> = {}, oldId?: string): Promise<RotationReport | 'died'> {
    return this.#run(() => this.engine.rotate(CONNECTION, () => this.plan(oldId), { interactive: true, ...control }));
  }

  /** What a window does after it starts. */
  async recover(): Promise<RotationReport[] | 'died'> {
    try {
      const reports = await this.engine.recover();
      if (this.dead) {
        return 'died';
      }
      this.world.reports.push(...reports);
      return reports;
    } catch (error) {
      if (error instanceof Crash) {
        return 'died';
      }
      throw error;
    }
  }

  async #run(task: () => Promise<RotationReport>): Promise<RotationReport | 'died'> {
    try {
      const report = await task();
      if (this.dead) {
        return 'died';
      }
      this.world.reports.push(report);
      return report;
    } catch (error) {
      if (error instanceof Crash) {
        return 'died';
      }
      throw error;
    }
  }
}

/**
 * SecretStorage as VS Code's windows see it: each window reads its own in-memory copy; a write lands
 * in the writer's copy at once, reaches the main process after `flushMs` (the last write to arrive
 * wins there) and the other windows' copies `broadcastMs` later, as change events do.
 */
export class PropagatingSecrets {
  readonly main = new Map<string, string | undefined>();
  readonly #copies = new Map<string, Map<string, string | undefined>>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly flushMs = 100,
    readonly broadcastMs = 150,
  ) {}

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #write(window: string, key: string, value: string | undefined): Promise<void> {
    const mine = this.#copies.get(window)!;
    mine.set(key, value);
    this.#later(this.flushMs, () => {
      this.main.set(key, value);
      this.#later(this.broadcastMs, () => {
        for (const [name, copy] of this.#copies) {
          if (name !== window) {
            copy.set(key, this.main.get(key));
          }
        }
      });
    });
    return Promise.resolve();
  }

  /** The storage one window sees. */
  window(name: string): SharedStore {
    const copy = new Map(this.main);
    this.#copies.set(name, copy);
    return {
      get: (key) => Promise.resolve(copy.get(key)),
      store: (key, value) => this.#write(name, key, value),
      delete: (key) => this.#write(name, key, undefined),
    };
  }

  dispose(): void {
    for (const timer of this.#timers) {
      clearTimeout(timer);
    }
    this.#timers.clear();
  }
}
