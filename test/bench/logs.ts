// The logs flood, inside the extension host: the real Show Service Logs view of the installed .vsix
// streams 100,000 lines that the benchmark's server process sends over the websocket as fast as it can,
// while `perf_hooks.monitorEventLoopDelay` watches this host's event loop and the heap is sampled.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { Commands } from '../../src/contributions';
import type { QoveryExtensionApi } from '../../src/extension';
import type { LiveLogView } from '../../src/logs/liveView';
import { setSetting, waitFor } from '../integration/helpers';
import type { BenchConfig, LogsFloodResult, LogsFloodRun } from './protocol';

export const FLOOD_LINES = 100_000;

interface Item {
  id: string;
  name: string;
}

async function list(base: string, token: string, path: string): Promise<Item[]> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { results: Item[] }).results;
}

/** Floods in a row; the median one is reported. */
const FLOODS = 3;

async function floodOnce(view: LiveLogView, config: BenchConfig, size: string, serviceId: string, say: (line: string) => void): Promise<LogsFloodRun> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 10);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const received0 = view.buffer.received;
  const redraws0 = view.redraws;
  delay.enable();
  const started = performance.now();
  const res = await fetch(`${config.server.control}/logs/flood?size=${size}&count=${FLOOD_LINES}&service=${serviceId}`, { method: 'POST' });
  if (!res.ok) {
    throw new Error(`the flood did not start: ${res.status}`);
  }
  let lastAt = started;
  let lastCount = 0;
  await waitFor(
    `${FLOOD_LINES} lines`,
    () => {
      const n = view.buffer.received - received0;
      if (n !== lastCount) {
        lastCount = n;
        lastAt = performance.now();
      }
      return n >= FLOOD_LINES;
    },
    180_000,
  );
  const seconds = (lastAt - started) / 1000;
  // The last batch's redraw.
  await new Promise((r) => setTimeout(r, 600));
  delay.disable();
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  const run: LogsFloodRun = {
    lines: FLOOD_LINES,
    seconds,
    linesPerSecond: FLOOD_LINES / seconds,
    keptLines: view.buffer.size,
    maxLines: view.buffer.max,
    dropped: view.buffer.dropped,
    redraws: view.redraws - redraws0,
    heapPeakGrowthBytes: heapPeak - heapBefore,
    eventLoopDelayMs: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
    gc: gc ? 'expose-gc' : 'none',
  };
  say(
    `logs flood: ${FLOOD_LINES} lines in ${seconds.toFixed(2)} s (${Math.round(run.linesPerSecond)} lines/s), kept ${run.keptLines}, dropped ${run.dropped}, ` +
      `${run.redraws} redraws, heap peak +${(run.heapPeakGrowthBytes / 1024 / 1024).toFixed(1)} MB, event-loop delay p99 ${run.eventLoopDelayMs.p99.toFixed(1)} ms (max ${run.eventLoopDelayMs.max.toFixed(1)} ms)`,
  );
  return run;
}

export async function measureLogsFlood(api: QoveryExtensionApi, config: BenchConfig, say: (line: string) => void): Promise<LogsFloodResult> {
  const size = config.sizes[0];
  const base = config.server.servers[size];
  const token = config.server.token;
  await setSetting('apiUrl', base);
  await setSetting('websocketUrl', base.replace('http:', 'ws:'));
  await waitFor('signed in', () => api.session.state.status === 'signedIn', 30_000);
  const [org] = await list(base, token, '/organization');
  const [project] = await list(base, token, `/organization/${org.id}/project`);
  const [environment] = await list(base, token, `/project/${project.id}/environment`);
  const [service] = await list(base, token, `/environment/${environment.id}/services`);
  const target = { organizationId: org.id, projectId: project.id, environmentId: environment.id, serviceId: service.id, serviceName: service.name };
  const view = await vscode.commands.executeCommand<LiveLogView>(Commands.showServiceLogs, target);
  if (!view) {
    throw new Error('Show Service Logs gave no view');
  }
  await waitFor('the stream connected', () => view.stream.state.kind === 'connected' && view.buffer.received >= 3, 30_000);
  // The same host with no flood, for as long: what the machine alone does to the event loop.
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 2000));
  idle.disable();
  const idleEventLoopDelayMs = { p50: idle.percentile(50) / 1e6, p99: idle.percentile(99) / 1e6, max: idle.max / 1e6 };
  say(`no flood, 2 s: event-loop delay p99 ${idleEventLoopDelayMs.p99.toFixed(1)} ms (max ${idleEventLoopDelayMs.max.toFixed(1)} ms)`);
  const runs: LogsFloodRun[] = [];
  for (let i = 0; i < FLOODS; i++) {
    view.clear();
    runs.push(await floodOnce(view, config, size, service.id, say));
  }
  // The run with the median p99 stands for all (the runs are kept too).
  const median = [...runs].sort((x, y) => x.eventLoopDelayMs.p99 - y.eventLoopDelayMs.p99)[Math.floor(runs.length / 2)];
  const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === view.uri.toString())?.getText() ?? '';
  const result: LogsFloodResult = { ...median, documentLines: text.split('\n').length, runs, idleEventLoopDelayMs };
  await vscode.window.showTextDocument(view.uri);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  await waitFor('the socket closed with the view', () => view.stream.state.kind === 'stopped', 10_000);
  await setSetting('websocketUrl', undefined);
  return result;
}
