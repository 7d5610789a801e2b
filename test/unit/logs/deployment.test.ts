import * as assert from 'node:assert/strict';
import { allowedLink, DeploymentLog, explainFailureOf, latestExecutionId, mergeEntries, ofExecution, ofService, parseDeploymentLogs, plainText, renderDeploymentLog, type DeploymentLogEntry } from '../../../src/logs/deployment';
import { MAX_BUFFER_BYTES, MAX_LINE_CHARS } from '../../../src/logs/live';

const entry = (o: { at: string; exec?: string; service?: string; transmitter?: 'Environment' | 'TaskManager'; stage?: string; step?: string; message?: string; type?: string; error?: Record<string, string> }) => ({
  type: o.type ?? (o.error ? 'error' : 'info'),
  timestamp: o.at,
  details: {
    execution_id: o.exec ?? 'e-1',
    transmitter: o.transmitter
      ? { id: o.transmitter === 'Environment' ? 'env-1' : 'tm-1', name: o.transmitter === 'Environment' ? 'staging' : 'task-manager', type: o.transmitter }
      : { id: o.service ?? 'svc-a', name: o.service === 'svc-b' ? 'worker' : 'api', type: 'Application' },
    stage: { step: o.step ?? 'Deploy', name: o.stage ?? 'Deploy' },
  },
  message: o.message === undefined ? null : { safe_message: o.message },
  error: o.error ?? null,
});

describe('deployment logs', () => {
  it('parses the bare array the API answers, skipping entries that are not objects, oldest first', () => {
    const entries = parseDeploymentLogs([
      entry({ at: '2026-11-30T09:00:02.000Z', message: 'second' }),
      42,
      null,
      entry({ at: '2026-11-30T09:00:01.000Z', message: 'first', stage: 'Build' }),
    ]);
    assert.deepEqual(entries.map((e) => e.message), ['first', 'second']);
    assert.equal(entries[0].stageName, 'Build');
    assert.equal(entries[0].transmitterId, 'svc-a');
    assert.equal(entries[0].executionId, 'e-1');
  });

  it('refuses an answer that is not an array (a {results} body is not this endpoint)', () => {
    assert.throws(() => parseDeploymentLogs({ results: [] }), TypeError);
  });

  it('keeps one execution and one service', () => {
    const entries = parseDeploymentLogs([
      entry({ at: '2026-11-30T09:00:01Z', exec: 'e-1', message: 'old' }),
      entry({ at: '2026-11-30T09:00:02Z', exec: 'e-2', service: 'svc-a', message: 'mine' }),
      entry({ at: '2026-11-30T09:00:03Z', exec: 'e-2', service: 'svc-b', message: 'other' }),
    ]);
    assert.equal(latestExecutionId(entries), 'e-2');
    assert.deepEqual(ofService(ofExecution(entries, 'e-2'), 'svc-a').map((e) => e.message), ['mine']);
    assert.equal(ofService(entries, undefined).length, 3);
  });

  it("keeps the environment's and the task manager's lines beside the service's, not another service's", () => {
    const entries = parseDeploymentLogs([
      entry({ at: '2026-11-30T09:00:01Z', transmitter: 'TaskManager', message: 'queued' }),
      entry({ at: '2026-11-30T09:00:02Z', transmitter: 'Environment', step: 'PreCheck', stage: 'Deploy', message: 'checking' }),
      entry({ at: '2026-11-30T09:00:03Z', service: 'svc-a', message: 'mine' }),
      entry({ at: '2026-11-30T09:00:04Z', service: 'svc-b', message: 'other' }),
    ]);
    assert.deepEqual(ofService(entries, 'svc-a').map((e) => e.message), ['queued', 'checking', 'mine']);
    assert.deepEqual(ofService(entries, 'svc-b').map((e) => e.message), ['queued', 'checking', 'other']);
  });

  it('explains a precheck failure told on an Environment line, and says where it came from', () => {
    const entries = ofService(
      parseDeploymentLogs([
        entry({ at: '2026-11-30T09:00:01Z', transmitter: 'Environment', step: 'PreCheck', message: 'checking the cluster' }),
        entry({ at: '2026-11-30T09:00:02Z', transmitter: 'Environment', step: 'PreCheck', message: 'raw', error: { user_log_message: 'The cluster has no capacity left for this environment.', hint_message: 'Scale the cluster.' } }),
        entry({ at: '2026-11-30T09:00:03Z', service: 'svc-b', error: { user_log_message: 'another service failed' } }),
      ]),
      'svc-a',
    );
    const e = explainFailureOf(entries);
    assert.equal(e?.message, 'The cluster has no capacity left for this environment.');
    assert.equal(e?.hint, 'Scale the cluster.');
    assert.equal(e?.origin, 'precheck');
    const env = explainFailureOf(parseDeploymentLogs([entry({ at: '2026-11-30T09:00:02Z', transmitter: 'TaskManager', stage: 'Deploy', error: { user_log_message: 'the deployment was aborted' } })]));
    assert.equal(env?.origin, 'environment');
    assert.equal(explainFailureOf(parseDeploymentLogs([entry({ at: '2026-11-30T09:00:02Z', error: { user_log_message: 'x' } })]))?.origin, undefined, "a service's own error");
  });

  it('shows the precheck apart, first, and marks the lines of the environment and the task manager', () => {
    const text = renderDeploymentLog(
      ofService(
        parseDeploymentLogs([
          entry({ at: '2026-11-30T09:00:01Z', transmitter: 'TaskManager', stage: 'Queued', step: 'Queued', message: 'request queued' }),
          entry({ at: '2026-11-30T09:00:02Z', transmitter: 'Environment', stage: 'Deploy', step: 'PreCheck', message: 'precheck started' }),
          entry({ at: '2026-11-30T09:00:03Z', service: 'svc-a', stage: 'Build', step: 'Build', message: 'building' }),
          entry({ at: '2026-11-30T09:00:04Z', transmitter: 'Environment', stage: 'Deploy', step: 'PreCheck', message: 'raw', error: { user_log_message: 'No capacity.' } }),
        ]),
        'svc-a',
      ),
      { title: 't' },
    );
    const lines = text.split('\n');
    const precheck = lines.indexOf('## Precheck');
    assert.ok(precheck > 0 && precheck < lines.indexOf('## Queued') && lines.indexOf('## Queued') < lines.indexOf('## Build'), text);
    const section = lines.slice(precheck, lines.indexOf('## Queued'));
    assert.ok(section.some((l) => l.includes('staging (environment)') && l.includes('precheck started')), text);
    assert.ok(section.some((l) => l.includes('staging (environment)') && l.includes('ERROR No capacity.')), text);
    assert.ok(lines.some((l) => l.includes('task-manager (task manager)') && l.includes('request queued')), text);
    assert.ok(lines.some((l) => / api building$/.test(l)), 'the service line is not marked');
  });

  it('lets through only https links on a qovery.com host', () => {
    assert.equal(allowedLink('https://hub.qovery.com/docs/x'), 'https://hub.qovery.com/docs/x');
    assert.equal(allowedLink('https://qovery.com/'), 'https://qovery.com/');
    for (const bad of ['http://hub.qovery.com/docs', 'https://qovery.com.evil.io/', 'https://evilqovery.com/', 'command:workbench.action.quit', 'javascript:alert(1)', 'https://user:pw@qovery.com/', 'https://qovery.com:8443/', 'not a url', undefined]) {
      assert.equal(allowedLink(bad), undefined, String(bad));
    }
  });

  it('explains a failure with the last error: message and hint without links, the documentation link only when allowed', () => {
    const entries = parseDeploymentLogs([
      entry({ at: '2026-11-30T09:00:01Z', error: { user_log_message: 'early failure', hint_message: 'early hint', link: 'https://hub.qovery.com/a' } }),
      entry({ at: '2026-11-30T09:00:02Z', message: 'fine' }),
      entry({
        at: '2026-11-30T09:00:03Z',
        message: 'raw',
        error: { user_log_message: 'It crashed, see https://evil.example.com/x and command:workbench.action.quit now', hint_message: 'Check [the port](https://evil.example.com) 8080.', link: 'https://hub.qovery.com/docs/troubleshoot' },
      }),
    ]);
    const e = explainFailureOf(entries);
    assert.ok(e);
    assert.ok(e.message.startsWith('It crashed'), e.message);
    assert.ok(!/https?:|command:/.test(e.message + e.hint), `${e.message} ${e.hint}`);
    assert.equal(e.hint, 'Check the port 8080.');
    assert.equal(e.link, 'https://hub.qovery.com/docs/troubleshoot');
    assert.equal(e.serviceName, 'api');
  });

  it('drops a link that is not on qovery.com, and says nothing when there is no error', () => {
    const bad = parseDeploymentLogs([entry({ at: '2026-11-30T09:00:03Z', error: { user_log_message: 'boom', link: 'https://docs.evil.example.com/qovery.com' } })]);
    assert.deepEqual(explainFailureOf(bad), { message: 'boom', hint: undefined, link: undefined, serviceName: 'api', executionId: 'e-1' });
    assert.equal(explainFailureOf(parseDeploymentLogs([entry({ at: '2026-11-30T09:00:03Z', message: 'all good' })])), undefined);
  });

  it('renders stages as sections with UTC times, errors with their hint and allowed link', () => {
    const text = renderDeploymentLog(
      parseDeploymentLogs([
        entry({ at: '2026-11-30T09:00:01.250Z', stage: 'Build', step: 'Build', message: 'building\nstep 2' }),
        entry({ at: '2026-11-30T09:00:02Z', stage: 'Deploy', step: 'Deploy', message: '\u001b[31mred\u001b[0m text' }),
        entry({ at: '2026-11-30T09:00:03Z', stage: 'Deploy', step: 'DeployedError', message: 'raw', error: { user_log_message: 'crashed, see https://evil.example.com/x', hint_message: 'check the port command:workbench.action.quit', link: 'https://evil.example.com' } }),
      ]),
      { title: 'Deployment log of api', status: 'over' },
    );
    const lines = text.split('\n');
    assert.equal(lines[0], 'Deployment log of api');
    assert.ok(lines.includes('## Build') && lines.includes('## Deploy'), text);
    assert.ok(text.includes('2026-11-30 09:00:01.250 api building\n    step 2'), text);
    assert.ok(text.includes('red text') && !text.includes('\u001b'), text);
    assert.ok(text.includes('ERROR crashed, see\n') && text.includes('    Hint: check the port\n'), text);
    assert.ok(!text.includes('command:'), 'no command: URI from server text');
    assert.ok(!text.includes('evil.example.com'), 'a link that is not allowed is not shown as the documentation');
    assert.ok(renderDeploymentLog([], { title: 't' }).includes('(no log entries yet)'));
  });

  it('plain text keeps tabs and line breaks, removes other control characters', () => {
    assert.equal(plainText('a\tb\r\nc\u0007d\u001b[1;32m!'), 'a\tb\ncd!');
  });
});

describe('deployment logs: entries from the REST answer and the stream, kept once each', () => {
  const entry = (at: string, step: string, message: string, transmitterId = 'web'): DeploymentLogEntry => ({ type: 'info', at: Date.parse(at), step, message, transmitterId, executionId: 'x' });

  it('an entry that comes twice (REST then stream, or a backlog sent again) is kept once; two lines of one step in the same millisecond both stay', () => {
    const a = entry('2026-12-01T10:00:00.000Z', 'Build', 'Building web');
    const b = entry('2026-12-01T10:00:00.000Z', 'Build', 'Step 1/4 : FROM node:20-alpine');
    const c = entry('2026-12-01T10:00:01.000Z', 'Deploy', 'Deploying web');
    const first = mergeEntries([], [a, b]);
    assert.deepEqual(first.entries, [a, b]);
    const again = mergeEntries(first.entries, [{ ...a }, { ...b }, c]);
    assert.deepEqual(again.entries, [a, b, c]);
    assert.equal(again.dropped, 0);
  });

  it('keeps time order whatever the arrival order, equal times in arrival order', () => {
    const late = entry('2026-12-01T10:00:05.000Z', 'Deploy', 'late');
    const early = entry('2026-12-01T10:00:01.000Z', 'Build', 'early');
    assert.deepEqual(mergeEntries([late], [early]).entries.map((e) => e.message), ['early', 'late']);
  });

  it('is bounded: the oldest entries go first, and how many is counted', () => {
    const many = Array.from({ length: 30 }, (_, i) => entry(new Date(Date.parse('2026-12-01T10:00:00.000Z') + i * 1000).toISOString(), 'Build', `line ${i}`));
    const r = mergeEntries(many.slice(0, 20), many.slice(20), 25);
    assert.equal(r.entries.length, 25);
    assert.equal(r.dropped, 5);
    assert.equal(r.entries[0].message, 'line 5');
    assert.equal(r.entries[24].message, 'line 29');
  });
});

describe('deployment logs: bounded by bytes, merged without redoing the whole log', () => {
  const T0 = Date.parse('2026-12-01T10:00:00.000Z');
  const entry = (i: number, message: string, at = T0 + i): DeploymentLogEntry => ({ type: 'info', at, step: 'Build', message, transmitterId: 'web', executionId: 'x' });

  it('a flood of long entries: each message cut to MAX_LINE_CHARS (the text says so), the kept text within MAX_BUFFER_BYTES, the oldest dropped and counted', () => {
    const long = 'y'.repeat(MAX_LINE_CHARS + 5_000);
    const flood = Array.from({ length: 4_000 }, (_, i) => entry(i, `${i} ${long}`));
    const r = mergeEntries([], flood);
    const kept = r.entries.reduce((n, e) => n + (e.message?.length ?? 0), 0);
    assert.ok(kept <= MAX_BUFFER_BYTES, `${kept} characters kept`);
    assert.ok(r.entries.every((e) => (e.message?.length ?? 0) <= MAX_LINE_CHARS));
    assert.ok(r.dropped > 0);
    assert.equal(r.entries.length + r.dropped, flood.length);
    assert.equal(r.entries[r.entries.length - 1].message?.slice(0, 5), '3999 ', 'the newest stay');
    const last = r.entries[r.entries.length - 1];
    assert.equal(last.cut, `3999 ${long}`.length);
    const text = renderDeploymentLog([last], { title: 't' });
    assert.match(text, new RegExp(`cut: ${last.cut} characters in all, the first ${MAX_LINE_CHARS} shown`));
  });

  it('the log kept across messages: its bytes stay within its bound, a cut entry sent again is kept once', () => {
    const log = new DeploymentLog(20_000, 200_000);
    const long = 'z'.repeat(MAX_LINE_CHARS * 2);
    for (let i = 0; i < 100; i++) {
      log.add([entry(i, `${i} ${long}`)]);
      assert.ok(log.bytes <= 200_000, `${log.bytes} after ${i + 1}`);
    }
    const n = log.entries.length;
    assert.equal(log.add([entry(99, `99 ${long}`)]), 0, 'the same (long) entry again');
    assert.equal(log.entries.length, n);
    assert.equal(n + log.dropped, 100);
  });

  it('20,000 stream messages of one entry each: merged in a time that grows linearly, in time order, late ones sorted in', () => {
    const log = new DeploymentLog();
    const started = Date.now();
    for (let i = 0; i < 20_000; i++) {
      log.add([entry(i, `line ${i}`)]);
    }
    const ms = Date.now() - started;
    // Redoing the merge (a Set of every key and a sort of every entry) for each message takes minutes here.
    assert.ok(ms < 5_000, `${ms} ms`);
    assert.equal(log.entries.length, 20_000);
    log.add([entry(-1, 'late', T0 + 10_000.5)]);
    // line 0 dropped (past 20,000): the late entry sits after line 10000.
    assert.equal(log.entries[9_999].message, 'line 10000');
    assert.equal(log.entries[10_000].message, 'late');
    assert.equal(log.entries[10_001].message, 'line 10001');
    assert.equal(log.entries.length, 20_000);
    assert.equal(log.dropped, 1);
    assert.equal(log.entries[0].message, 'line 1');
  });
});
