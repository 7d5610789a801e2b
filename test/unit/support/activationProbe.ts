// Runs the extension's activate() from the production build of src/extension.ts in plain Node, with
// a stand-in for the `vscode` module, and counts the file reads and network calls that activate makes
// while it runs. The first check and everything else after activate are not counted: they run later.
import type * as FsModule from 'node:fs';
import type * as HttpModule from 'node:http';
import type * as HttpsModule from 'node:https';
import type * as NetModule from 'node:net';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as esbuild from 'esbuild';

// The modules themselves, not TypeScript's read-only namespace copies: their functions are wrapped below.
/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require('node:fs') as typeof FsModule;
const http = require('node:http') as typeof HttpModule;
const https = require('node:https') as typeof HttpsModule;
const net = require('node:net') as typeof NetModule;
/* eslint-enable @typescript-eslint/no-require-imports */

export interface ActivationIo {
  /** fs calls that read or open a file or folder during activate, by function name. */
  fileReads: string[];
  /** fetch / http(s).request / net.connect calls during activate. */
  requests: string[];
  /** SecretStorage reads during activate (a keyring or disk read on desktop). */
  secretReads: number;
  /** Commands activate registered. */
  commands: string[];
}

const root = path.resolve(__dirname, '..', '..', '..', '..');

/** A `vscode` module with just enough behaviour for activate: disposables everywhere, defaults for settings. */
function vscodeStub(commands: string[]): unknown {
  const disposable = { dispose: () => undefined };
  const event = () => disposable;
  class EventEmitter {
    event = event;
    fire(): void {}
    dispose(): void {}
  }
  const any: unknown = new Proxy(function () {}, {
    get: (_t, key) => (key === Symbol.toPrimitive ? () => '' : key === 'then' ? undefined : key === 'dispose' ? () => undefined : any),
    apply: () => any,
    construct: () => any as object,
  });
  const l10n = { t: (message: string | { message: string }, ...args: unknown[]) => (typeof message === 'string' ? message : message.message).replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)])) };
  const base = {
    EventEmitter,
    l10n,
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    env: { language: 'en' },
    commands: {
      registerCommand: (id: string) => {
        commands.push(id);
        return disposable;
      },
      executeCommand: () => Promise.resolve(undefined),
    },
    workspace: {
      getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback }),
      onDidChangeConfiguration: event,
      onDidChangeWorkspaceFolders: event,
      workspaceFolders: undefined,
    },
    window: {
      createOutputChannel: () => ({ logLevel: 3, trace() {}, debug() {}, info() {}, warn() {}, error() {}, show() {}, dispose() {} }),
      createTreeView: () => ({ onDidChangeVisibility: event, visible: false, selection: [], dispose() {} }),
      createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
      registerTerminalProfileProvider: () => disposable,
      onDidChangeWindowState: event,
      state: { focused: true },
    },
    authentication: { registerAuthenticationProvider: () => disposable },
  };
  return new Proxy(base, { get: (t, key) => (key in t ? (t as Record<string | symbol, unknown>)[key] : any) });
}

/** Wraps functions of a module so that each call is recorded while `recording()` is true. */
function spy(target: object, names: string[], log: string[], label: string, recording: () => boolean): () => void {
  const record = target as Record<string, unknown>;
  const originals = names.map((name) => [name, record[name]] as const).filter(([, f]) => typeof f === 'function');
  for (const [name, original] of originals) {
    record[name] = function (this: unknown, ...args: unknown[]) {
      if (recording()) {
        log.push(`${label}.${name}`);
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  return () => {
    for (const [name, original] of originals) {
      record[name] = original;
    }
  };
}

export async function probeActivation(): Promise<ActivationIo> {
  const built = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/extension.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    write: false,
    logLevel: 'silent',
  });
  const commands: string[] = [];
  const vscode = vscodeStub(commands);
  const module = { exports: {} as { activate?: (context: unknown) => unknown } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string): unknown => (id === 'vscode' ? vscode : require(id));
  // The bundle runs as Node runs a CommonJS file: wrapped in a function of require, module and exports.
  const wrapped = vm.runInThisContext(`(function (require, module, exports, __dirname, __filename) {${built.outputFiles[0].text}\n})`) as (...args: unknown[]) => void;
  wrapped(load, module, module.exports, path.join(root, 'dist'), path.join(root, 'dist', 'extension.js'));

  const io: ActivationIo = { fileReads: [], requests: [], secretReads: 0, commands };
  let recording = false;
  const on = () => recording;
  const restore = [
    spy(fs, ['readFileSync', 'readFile', 'openSync', 'open', 'readdirSync', 'readdir', 'statSync', 'stat', 'existsSync', 'createReadStream'], io.fileReads, 'fs', on),
    spy(fs.promises, ['readFile', 'open', 'readdir', 'stat'], io.fileReads, 'fs.promises', on),
    spy(http, ['request', 'get'], io.requests, 'http', on),
    spy(https, ['request', 'get'], io.requests, 'https', on),
    spy(net, ['connect', 'createConnection'], io.requests, 'net', on),
    spy(globalThis, ['fetch'], io.requests, 'globalThis', on),
  ];
  const memento = new Map<string, unknown>();
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionMode: 1,
    extension: { packageJSON: { version: 'probe' } },
    // A folder that does not exist: activate must not read it (only a timer after activation may).
    globalStorageUri: { fsPath: '/nonexistent/qovery-probe-global-storage', scheme: 'file' },
    globalState: { keys: () => [...memento.keys()], get: (k: string, d?: unknown) => (memento.has(k) ? memento.get(k) : d), update: (k: string, v: unknown) => Promise.resolve(void memento.set(k, v)) },
    secrets: {
      get: () => {
        if (recording) {
          io.secretReads++;
        }
        return Promise.resolve(undefined);
      },
      store: () => Promise.resolve(),
      delete: () => Promise.resolve(),
      onDidChange: () => ({ dispose: () => undefined }),
    },
  };
  // Timers started by activate (the first check) must not run here: they would send the check.
  const realSetTimeout = globalThis.setTimeout;
  const deferred: unknown[] = [];
  globalThis.setTimeout = ((fn: unknown) => (deferred.push(fn), 0)) as unknown as typeof setTimeout;
  try {
    recording = true;
    module.exports.activate?.(context);
  } finally {
    recording = false;
    globalThis.setTimeout = realSetTimeout;
    restore.forEach((r) => r());
    for (const d of context.subscriptions) {
      try {
        d.dispose();
      } catch {
        // the stand-ins need no clean-up
      }
    }
  }
  return io;
}
