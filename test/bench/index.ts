// Entry point that VS Code's extension host loads as extensionTestsPath for `npm run bench`: signs
// the real extension in to the benchmark's API server process, times the tree and the two
// baselines, counts requests (from the server's log), checks refresh coalescing and measures memory.
// Reads its settings from QOVERY_BENCH_CONFIG (JSON, see BenchConfig) and writes BenchResults.
import * as fs from 'node:fs';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import * as vscode from 'vscode';
import type { QoveryExtensionApi } from '../../src/extension';
import { extensionApi, setSetting, signInWith, waitFor } from '../integration/helpers';
import { GeneratedClient } from './generated';
import {
  parseSize,
  planFor,
  scopeFor,
  type BenchConfig,
  type BenchResults,
  type MemoryResult,
  type MemorySample,
  type RefreshResult,
  type RequestStats,
  type Scope,
  type SizeResult,
  type Timing,
} from './protocol';
import { cappedFetchWalk } from './capped';
import { runSequential, type SequentialSample } from './sequential';
import { ViewStandIn, walkTree, type RowCounts, type WalkResult } from './walk';
import { measureLogsFlood } from './logs';

/** The one-after-another baseline sends the first organization's first 10 projects (62 requests) and estimates the rest. */
const SEQUENTIAL_SAMPLE: SequentialSample = { organizations: 1, projectsPerOrganization: 10 };

const QOVERY_ID = 'qovery-community.qovery';

/** Quiet time before a memory reading, so that what a load released is gone. */
const MEMORY_QUIET_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

type GcKind = MemoryResult['gc'];

/** global.gc when the host runs with --expose-gc; otherwise the flag is set at run time and gc taken from a fresh context. */
function findGc(): { kind: GcKind; collect: () => void } {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') {
    return { kind: 'expose-gc', collect: () => exposed() };
  }
  try {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as unknown;
    if (typeof collect === 'function') {
      return { kind: 'v8-flag', collect: () => (collect as () => void)() };
    }
  } catch {
    // no way to collect: memory figures are plain deltas
  }
  return { kind: 'none', collect: () => undefined };
}

function memory(): MemorySample {
  const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, rss, external, arrayBuffers };
}

const openSockets = (): number => process.getActiveResourcesInfo().filter((kind) => kind.startsWith('TCP')).length;

const rowTotal = (rows: RowCounts): number => rows.organization + rows.project + rows.environment + rows.service;

/** Busy CPU time of the whole machine so far, in ms (Linux /proc/stat, in USER_HZ = 100 ticks per second). */
function machineBusyMs(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + (steal || 0)) * 10;
  } catch {
    return undefined;
  }
}

interface CpuProbe {
  hostCpuMs: number;
  machineCpuMs?: number;
}

function startCpuProbe(): () => CpuProbe {
  const host = process.cpuUsage();
  const machine = machineBusyMs();
  return () => {
    const used = process.cpuUsage(host);
    const now = machineBusyMs();
    return { hostCpuMs: (used.user + used.system) / 1000, machineCpuMs: now !== undefined && machine !== undefined ? now - machine : undefined };
  };
}

class Bench {
  readonly results: BenchResults;
  readonly #gc = findGc();
  /** TCP sockets the extension host has open when the benchmark starts (its own connections). */
  readonly #idleSockets = openSockets();

  constructor(
    private readonly api: QoveryExtensionApi,
    private readonly config: BenchConfig,
    private readonly say: (line: string) => void,
  ) {
    this.results = {
      vscodeVersion: vscode.version,
      node: process.version,
      latencyMs: config.server.latencyMs,
      sizes: [],
      refresh: [],
      secretRead: { sequentialMeanMs: 0, concurrent: 0, concurrentTotalMs: 0 },
      activationStats: [],
      errors: [],
    };
  }

  async #control(method: 'GET' | 'POST', path: string): Promise<unknown> {
    const res = await fetch(`${this.config.server.control}${path}`, { method });
    if (!res.ok) {
      throw new Error(`control ${method} ${path} answered ${res.status}`);
    }
    return res.json();
  }

  async #reset(size: string): Promise<void> {
    await this.#control('POST', `/reset?size=${size}`);
  }

  async #stats(size: string): Promise<RequestStats> {
    return (await this.#control('GET', `/stats?size=${size}`)) as RequestStats;
  }

  async #setLatency(size: string, ms: number): Promise<void> {
    await this.#control('POST', `/latency?size=${size}&ms=${ms}`);
  }

  /** Points the extension at the API server of this size (the setting a user would change) and waits for the new sign-in check. */
  async #connect(size: string): Promise<void> {
    const url = this.config.server.servers[size];
    const session = this.api.session;
    if (session.state.status === 'signedIn' && session.state.apiUrl === url) {
      return;
    }
    await setSetting('apiUrl', url);
    await waitFor(`signed in to ${url}`, () => session.state.status === 'signedIn' && session.state.apiUrl === url, 30_000);
  }

  async signIn(): Promise<void> {
    await setSetting('apiUrl', this.config.server.servers[this.config.sizes[0]]);
    await signInWith(this.api, this.config.server.token, 'benchmark');
  }

  /** Cost of one SecretStorage read: the tree reads the token before every level it loads. */
  async measureSecretReads(): Promise<void> {
    const id = this.api.store.active()?.id;
    if (!id) {
      return;
    }
    const sequential = 200;
    let started = performance.now();
    for (let i = 0; i < sequential; i++) {
      await this.api.store.getToken(id);
    }
    const sequentialMeanMs = (performance.now() - started) / sequential;
    const concurrent = 1000;
    started = performance.now();
    await Promise.all(Array.from({ length: concurrent }, () => this.api.store.getToken(id)));
    this.results.secretRead = { sequentialMeanMs, concurrent, concurrentTotalMs: performance.now() - started };
  }

  #timing(walk: WalkResult, cpu: CpuProbe, stats: RequestStats): Timing {
    return {
      firstLevelMs: walk.firstLevelMs,
      wholeMs: walk.wholeMs,
      requests: stats.count,
      rowsLoaded: rowTotal(walk.rows),
      errorRows: walk.rows.error,
      otherRows: walk.rows.other,
      ...cpu,
      stats,
    };
  }

  /**
   * From an empty tree (as after a connection switch): the sign-in check (GET /organization), then
   * the scope expanded. Memory is read before (empty tree) and after (scope held), after collections.
   */
  async #timeTree(size: string, scope: Scope): Promise<{ timing: Timing; memory: MemoryResult }> {
    this.api.tree.clear();
    const before = await this.#settledMemory(MEMORY_QUIET_MS);
    await this.#reset(size);
    const cpu = startCpuProbe();
    const start = performance.now();
    const state = await this.api.session.check();
    if (state.status !== 'signedIn') {
      throw new Error(`the sign-in check ended ${state.status}`);
    }
    const walk = await walkTree(this.api.tree, scope, start);
    const timing = this.#timing(walk, cpu(), await this.#stats(size));
    const justAfter = await this.#settledMemory();
    const after = await this.#settledMemory(MEMORY_QUIET_MS);
    return { timing, memory: { gc: this.#gc.kind, before, justAfter, after, rowsHeld: timing.rowsLoaded } };
  }

  /**
   * Memory after full collections stop freeing anything (heapUsed moves less than 256 KB, at most 8
   * collections). With `quietMs`, first waits that long and until the sockets of earlier loads are
   * closed (at most 8 s): just after a load, responses still being released hold several MB.
   */
  async #settledMemory(quietMs = 0): Promise<MemorySample> {
    const start = performance.now();
    while (quietMs > 0 && (performance.now() - start < quietMs || openSockets() > this.#idleSockets + 1) && performance.now() - start < 8000) {
      await sleep(250);
    }
    let last = memory();
    for (let i = 0; i < 8 && this.#gc.kind !== 'none'; i++) {
      this.#gc.collect();
      await sleep(25);
      const now = memory();
      const settled = Math.abs(now.heapUsed - last.heapUsed) < 256 * 1024;
      last = now;
      if (settled) {
        break;
      }
    }
    return last;
  }

  async #timeGenerated(size: string, scope: Scope): Promise<Timing> {
    const client = new GeneratedClient(this.config.server.servers[size], this.config.server.token);
    this.#gc.collect();
    await this.#reset(size);
    const cpu = startCpuProbe();
    const walk = await client.walk(scope, performance.now());
    return this.#timing(walk, cpu(), await this.#stats(size));
  }

  async #timeCapped(size: string, scope: Scope, cap: number): Promise<Timing> {
    this.#gc.collect();
    await this.#reset(size);
    const cpu = startCpuProbe();
    const walk = await cappedFetchWalk(this.config.server.servers[size], this.config.server.token, scope, cap, performance.now());
    return this.#timing(walk, cpu(), await this.#stats(size));
  }

  #line(t: Timing): string {
    const machine = t.machineCpuMs === undefined ? '' : `, whole machine ${(t.machineCpuMs / 1000).toFixed(1)} s`;
    return `first level ${t.firstLevelMs.toFixed(0)} ms, whole ${t.wholeMs.toFixed(0)} ms, ${t.requests} requests, ${t.rowsLoaded} rows${t.errorRows ? `, ${t.errorRows} ERROR rows` : ''}; CPU: extension host ${(t.hostCpuMs / 1000).toFixed(1)} s, API server ${(t.stats.serverCpuMs / 1000).toFixed(1)} s${machine}`;
  }

  async measureSize(size: string): Promise<void> {
    const account = parseSize(size);
    const scope = scopeFor(account);
    const plan = planFor(account, scope);
    const result: SizeResult = { size, plan, tree: [], axios: [], sequential: [], memory: [], capSweep: [] };
    this.results.sizes.push(result);
    this.say(`\n== ${size}: ${plan.describe}; ${plan.requests} requests expected`);
    await this.#connect(size);
    const runs = this.config.runs[size] ?? 1;
    for (let run = 1; run <= runs; run++) {
      const { timing: tree, memory: held } = await this.#timeTree(size, scope);
      result.tree.push(tree);
      result.memory.push(held);
      const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
      this.say(
        `  run ${run} tree:      ${this.#line(tree)}; memory held: heap ${mb(held.after.heapUsed - held.before.heapUsed)} (${mb(held.justAfter.heapUsed - held.before.heapUsed)} just after the load), rss ${mb(held.after.rss - held.before.rss)}`,
      );
      const generated = await this.#timeGenerated(size, scope);
      result.axios.push(generated);
      this.say(`  run ${run} generated: ${this.#line(generated)}`);
      if (run <= this.config.sequentialRuns) {
        await this.#reset(size);
        const sequential = await runSequential(this.config.server.servers[size], this.config.server.token, account, scope, plan, SEQUENTIAL_SAMPLE);
        result.sequential.push(sequential);
        this.say(
          `  run ${run} one after another: ${sequential.sampleRequests} requests in ${sequential.sampleMs.toFixed(0)} ms; whole ${sequential.exact ? 'measured' : 'estimated'} ${(sequential.estimatedWholeMs / 1000).toFixed(1)} s`,
        );
      }
    }
    if (this.config.zeroLatencySizes.includes(size)) {
      await this.#setLatency(size, 0);
      try {
        const { timing: tree } = await this.#timeTree(size, scope);
        const generated = await this.#timeGenerated(size, scope);
        result.zeroLatency = { tree: [tree], axios: [generated] };
        this.say(`  no added latency: tree ${this.#line(tree)}`);
        this.say(`  no added latency: generated ${this.#line(generated)}`);
      } finally {
        await this.#setLatency(size, this.config.server.latencyMs);
      }
    }
    if (this.config.capSweepSizes.includes(size)) {
      for (const cap of this.config.caps) {
        const timing = await this.#timeCapped(size, scope, cap);
        result.capSweep.push({ cap, timing });
        this.say(`  plain fetch, ${cap > 0 ? `at most ${cap}` : 'no cap on'} requests in flight: ${this.#line(timing)}`);
      }
    }
  }

  /**
   * The "Extension Activation Stats" of VS Code's Startup Performance page (load code, call
   * activate, finish activate), read as a document from the workbench's perf: content provider.
   */
  async readActivationStats(): Promise<void> {
    // The page's content provider is registered when the page is first shown.
    await vscode.commands.executeCommand('perfview.show');
    const uri = vscode.Uri.from({ scheme: 'perf', path: 'Startup Performance' });
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    for (const line of text.split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      const [, id, eager, loadCode, callActivate, finishActivate, event] = cells;
      if (id && /^\d+$/.test(loadCode ?? '') && (id === QOVERY_ID || id.startsWith('bench-fixture.'))) {
        this.results.activationStats.push({
          id,
          eager: eager === 'true',
          loadCodeMs: Number(loadCode),
          callActivateMs: Number(callActivate),
          finishActivateMs: Number(finishActivate),
          event: event ?? '',
        });
      }
    }
    this.say(`\n== Startup Performance page: ${this.results.activationStats.map((a) => `${a.id}: load code ${a.loadCodeMs} ms, call activate ${a.callActivateMs} ms, finish activate ${a.finishActivateMs} ms`).join('; ') || 'no rows found'}`);
  }

  /** One refresh, then 20 within one second, of the expanded tree with a stand-in view reloading the expanded rows. */
  async measureRefresh(size: string): Promise<void> {
    const scope = scopeFor(parseSize(size));
    await this.#connect(size);
    const tree = this.api.tree;
    tree.clear();
    await this.api.session.check();
    await walkTree(tree, scope, performance.now());
    const view = new ViewStandIn(tree, scope);
    try {
      const gap = tree.coalesceMs + 200;
      await sleep(gap);
      await this.#reset(size);
      await tree.refresh();
      await view.settled(300);
      const one = (await this.#stats(size)).count;
      await sleep(gap);
      await this.#reset(size);
      const started = performance.now();
      const fired: Promise<void>[] = [];
      for (let i = 0; i < 20; i++) {
        await sleep(started + i * 50 - performance.now());
        fired.push(tree.refresh());
      }
      await Promise.all(fired);
      await view.settled(300);
      const settledMs = performance.now() - started - 300;
      const stats = await this.#stats(size);
      const result: RefreshResult = { size, oneRefresh: one, twentyRefreshes: stats.count, settledMs, stats };
      this.results.refresh.push(result);
      this.say(`\n== refresh, ${size}: one refresh ${one} requests; 20 refreshes within 1 s ${stats.count} requests (${view.reloads} view reloads)`);
    } finally {
      view.dispose();
    }
  }
}

function output(file: string | undefined): (line: string) => void {
  return file ? (line) => fs.appendFileSync(file, `${line}\n`) : (line) => console.log(line);
}

export async function run(): Promise<void> {
  const raw = process.env.QOVERY_BENCH_CONFIG;
  if (!raw) {
    throw new Error('QOVERY_BENCH_CONFIG is not set: run the benchmark with npm run bench');
  }
  const config = JSON.parse(raw) as BenchConfig;
  const say = output(config.outputFile);
  const api = await extensionApi();
  const bench = new Bench(api, config, say);
  say(`Benchmark inside VS Code ${vscode.version} (extension host: Node ${process.version}, pid ${process.pid})`);
  try {
    await bench.signIn();
    await bench.measureSecretReads();
    for (const size of config.sizes) {
      await bench.measureSize(size);
    }
    for (const size of config.refreshSizes) {
      await bench.measureRefresh(size);
    }
    await bench.readActivationStats().catch((error: unknown) => say(`Startup Performance page not read: ${String(error)}`));
    say('\n== Live logs flood');
    bench.results.logsFlood = await measureLogsFlood(api, config, say);
  } catch (error) {
    bench.results.errors.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  } finally {
    fs.writeFileSync(config.resultsFile, JSON.stringify(bench.results, null, 2));
  }
}
