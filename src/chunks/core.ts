// What every chunk gets from the core of the extension (the part that activation loads), and the
// loader that brings a chunk in on first use.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { SessionManager } from '../auth/session';
import { Disposable, type IDisposable } from '../lifecycle';
import type { Logger } from '../logger';
import type { StatusBar } from '../statusBar';
import type { ExplorerView } from '../tree/view';
import type { Ui } from '../ui';
import type { CommandId } from '../contributions';
import type * as connections from './connections';
import type * as tree from './tree';
import type * as reminder from './reminder';
import type * as rotation from './rotation';
import type * as tokens from './tokens';
import type * as workspace from './workspace';
import type * as variables from './variables';
import type * as statuses from './statuses';
import type * as api from './api';
import type * as deploy from './deploy';
import type * as logs from './logs';
import type * as gateway from './gateway';
import type * as preview from './preview';

/** The core's services. Chunks receive them; they never build their own. */
export interface Core {
  log: Logger;
  ui: Ui;
  session: SessionManager;
  /** The view; its provider is in the tree chunk (`tree.loaded` is undefined until it is shown). */
  tree: ExplorerView;
  /** Another chunk, loaded if needed. */
  load<N extends ChunkName>(name: N): ChunkOf<N>;
  /** Whether a chunk is loaded already (nothing is loaded by asking). */
  isLoaded(name: ChunkName): boolean;
  statusBar: StatusBar;
  globalState: vscode.Memento;
  /** This workspace's state (the workspace link's choices). */
  workspaceState: vscode.Memento;
  /** A folder every window shares (the extension's global storage): rotation journals and leases. */
  storageDir: string;
}

interface ChunkModules {
  connections: typeof connections;
  reminder: typeof reminder;
  rotation: typeof rotation;
  tokens: typeof tokens;
  tree: typeof tree;
  workspace: typeof workspace;
  variables: typeof variables;
  statuses: typeof statuses;
  api: typeof api;
  deploy: typeof deploy;
  logs: typeof logs;
  gateway: typeof gateway;
  preview: typeof preview;
}

export type ChunkName = keyof ChunkModules;

/**
 * A chunk's command handlers, by command id. The core registers the ids (the `CHUNK_COMMANDS` table of
 * the registry) and loads the chunk when one of them first runs; the chunk brings the code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ChunkHandlers = Partial<Record<CommandId, (...args: any[]) => unknown>>;
export type ChunkOf<N extends ChunkName> = ReturnType<ChunkModules[N]['create']>;

/**
 * Loads a chunk with `require` the first time it is asked for, then hands out the same instance.
 * `require` is synchronous, so a command can load its chunk and run in the same call.
 */
export class Chunks extends Disposable {
  readonly #loaded = new Map<ChunkName, IDisposable>();

  constructor(
    private readonly core: Core,
    /** The folder of the chunk bundles: dist/chunks next to the core bundle. */
    private readonly folder: string,
  ) {
    super();
  }

  get<N extends ChunkName>(name: N): ChunkOf<N> {
    let chunk = this.#loaded.get(name);
    if (!chunk) {
      const started = performance.now();
      // A path built at run time: esbuild leaves this require alone, so the chunk stays a file of its own.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(path.join(this.folder, `${name}.js`)) as ChunkModules[N];
      chunk = this.register(module.create(this.core));
      this.#loaded.set(name, chunk);
      this.core.log.info(`Loaded the ${name} chunk in ${Math.round(performance.now() - started)} ms.`);
    }
    return chunk as ChunkOf<N>;
  }

  isLoaded(name: ChunkName): boolean {
    return this.#loaded.has(name);
  }

  /** The handler a chunk gives for a command (loading the chunk); an id the chunk does not handle is a programming error. */
  handler(name: ChunkName, id: CommandId): (...args: unknown[]) => unknown {
    const run = (this.get(name) as { handlers?: ChunkHandlers }).handlers?.[id];
    if (!run) {
      throw new Error(`The ${name} chunk has no handler for ${id}.`);
    }
    return run;
  }
}
