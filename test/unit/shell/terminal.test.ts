import * as assert from 'node:assert';
import type { ShellConnection } from '../../../src/shell/connection';
import type { ShellBackend, ShellTerminal } from '../../../src/shell/terminal';
import { loadSource } from '../support/loadSource';

/** What the terminal uses of VS Code: event emitters and l10n.t. */
const vscodeStandIn = {
  EventEmitter: class<T> {
    readonly #listeners: ((e: T) => void)[] = [];
    readonly event = (l: (e: T) => void) => {
      this.#listeners.push(l);
      return { dispose: () => undefined };
    };
    fire(e: T): void {
      for (const l of this.#listeners) {
        l(e);
      }
    }
    dispose(): void {
      this.#listeners.length = 0;
    }
  },
  l10n: { t: (text: string, ...args: unknown[]) => text.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) },
};

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

interface FakeConnection {
  closed: boolean;
  ended: boolean;
  close(): void;
  input(): void;
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('shell terminal: overlapping (re)connections', () => {
  let Terminal: new (backend: ShellBackend, pod: string, onDisposed: (t: ShellTerminal) => void) => ShellTerminal;

  before(async () => {
    ({ ShellTerminal: Terminal } = await loadSource<{ ShellTerminal: typeof Terminal }>('src/shell/terminal.ts', vscodeStandIn));
  });

  function backend() {
    const pending: Deferred<ShellConnection>[] = [];
    const pods: Deferred<string>[] = [];
    const made: FakeConnection[] = [];
    const b: ShellBackend = {
      choosePod: () => {
        const d = deferred<string>();
        pods.push(d);
        return d.promise;
      },
      connect: () => {
        const d = deferred<ShellConnection>();
        pending.push(d);
        return d.promise;
      },
      title: (pod) => pod,
      onRefused: () => undefined,
      log: () => undefined,
    };
    const connection = (): ShellConnection => {
      const c: FakeConnection = {
        closed: false,
        ended: false,
        close() {
          this.closed = true;
          this.ended = true;
        },
        input: () => undefined,
      };
      made.push(c);
      return c as unknown as ShellConnection;
    };
    return { b, pending, pods, made, connection };
  }

  it('stop() during a connect, then Enter: the first attempt\'s connection is closed, one stays open', async () => {
    const { b, pending, pods, made, connection } = backend();
    const t = new Terminal(b, 'pod-a', () => undefined);
    t.open({ columns: 80, rows: 24 });
    await settle();
    assert.strictEqual(pending.length, 1, 'the first attempt waits on connect');
    t.stop({ kind: 'connectionChanged' });
    assert.strictEqual(t.state, 'ended');
    t.handleInput('\r');
    assert.strictEqual(t.state, 'connecting');
    // The first attempt's connection arrives while the second attempt picks its pod.
    pending[0].resolve(connection());
    await settle();
    pods[0].resolve('pod-a');
    await settle();
    assert.strictEqual(pending.length, 2, 'the second attempt connects');
    pending[1].resolve(connection());
    await settle();
    assert.strictEqual(made.length, 2);
    assert.ok(made[0].closed, 'the stale attempt\'s connection is closed');
    assert.ok(!made[1].closed, 'the current one stays');
    assert.strictEqual(t.connections, 1);
    t.close();
    assert.ok(made.every((c) => c.closed), 'nothing left open after close');
  });

  it('close() during a reconnect\'s pod pick: nothing is opened', async () => {
    const { b, pending, pods, made, connection } = backend();
    const t = new Terminal(b, 'pod-a', () => undefined);
    t.open(undefined);
    await settle();
    t.stop({ kind: 'signedOut' });
    t.handleInput('\r');
    t.close();
    pods[0].resolve('pod-a');
    pending[0].resolve(connection());
    await settle();
    assert.strictEqual(pending.length, 1, 'the reconnect stopped before connecting');
    assert.ok(made.every((c) => c.closed));
  });
});
