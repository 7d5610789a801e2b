import * as assert from 'node:assert/strict';
import type { EnvironmentServiceStatuses } from '../../../src/api';
import { deploymentStatusText } from '../../../src/tree/present';
import { EnvironmentStatusService } from '../../../src/shared/environmentStatus';
import { FakeClock, settleMicrotasks as flush } from '../../support/fakeClock';
import { plainL10n } from '../../../src/tree/present';

const statuses = (state: string): EnvironmentServiceStatuses => ({
  applications: [{ id: 'web', state: state as never }],
  containers: [],
  jobs: [],
  databases: [],
  helms: [],
  terraforms: [],
});

describe('workspace link: environment status service', () => {
  let clock: FakeClock;
  let state: string;
  let calls: string[];
  const make = (focused = true) =>
    new EnvironmentStatusService((id) => {
      calls.push(id);
      return Promise.resolve(statuses(state));
    }, clock, focused);

  beforeEach(() => {
    clock = new FakeClock();
    state = 'DEPLOYED';
    calls = [];
  });

  it('fetches once on the first subscriber and shares the answer with the next ones', async () => {
    const service = make();
    const seen: unknown[] = [];
    service.watch('env', { onStatuses: (s) => seen.push(s) });
    await flush();
    service.watch('env', { onStatuses: (s) => seen.push(s) });
    assert.deepEqual(calls, ['env']);
    assert.equal(seen.length, 2);
    service.dispose();
  });

  it('polls every 2 minutes while focused and idle: 30 requests an hour for one environment', async () => {
    const service = make();
    service.watch('env', { onStatuses: () => undefined });
    await flush();
    await clock.advance(3_600_000);
    assert.equal(calls.length, 31); // the first fetch, then one every 2 minutes
    service.dispose();
  });

  it('polls every 3 s while a service is moving, then slows down once it is deployed', async () => {
    state = 'DEPLOYING';
    const service = make();
    service.watch('env', { onStatuses: () => undefined });
    await flush();
    await clock.advance(30_000);
    assert.equal(calls.length, 11);
    state = 'DEPLOYED';
    await clock.advance(3_000);
    const settled = calls.length;
    await clock.advance(119_000);
    assert.equal(calls.length, settled);
    await clock.advance(1_000);
    assert.equal(calls.length, settled + 1);
    service.dispose();
  });

  it('sends nothing while the window is unfocused', async () => {
    const service = make(false);
    service.watch('env', { onStatuses: () => undefined });
    await clock.advance(3_600_000);
    assert.equal(calls.length, 0);
    assert.equal(clock.pending, 0);
    service.dispose();
  });

  it('stops when the focus goes, refreshes once when it comes back, at most once a minute', async () => {
    const service = make();
    service.watch('env', { onStatuses: () => undefined });
    await flush();
    assert.equal(calls.length, 1);
    service.setFocused(false);
    await clock.advance(10 * 60_000);
    assert.equal(calls.length, 1);
    service.setFocused(true);
    await flush();
    assert.equal(calls.length, 2, 'one refresh on regaining focus');
    // Quick focus changes do not cause a request each.
    for (let i = 0; i < 5; i++) {
      service.setFocused(false);
      await clock.advance(1_000);
      service.setFocused(true);
      await flush();
    }
    assert.equal(calls.length, 2);
    await clock.advance(60_000);
    assert.equal(calls.length, 3, 'the throttled refresh comes a minute after the last one');
    service.dispose();
  });

  it('the shortest idle interval of the subscribers wins (the explorer\'s autoRefreshSeconds)', async () => {
    const service = make();
    service.watch('env', { onStatuses: () => undefined, idleMs: 30_000 });
    await flush();
    await clock.advance(60_000);
    assert.equal(calls.length, 3);
    service.dispose();
  });

  it('stops polling an environment when its last subscriber leaves', async () => {
    const service = make();
    const sub = service.watch('env', { onStatuses: () => undefined });
    await flush();
    sub.dispose();
    await clock.advance(3_600_000);
    assert.equal(calls.length, 1);
    assert.equal(clock.pending, 0);
    service.dispose();
  });

  it('tells listeners of every answer, whoever asked, and listening sends nothing', async () => {
    const service = make();
    const heard: string[] = [];
    service.listen((id, answer) => heard.push(`${id}:${String(answer.applications[0]?.state)}`));
    await clock.advance(600_000);
    assert.equal(calls.length, 0, 'a listener alone causes no request');
    state = 'DEPLOYING';
    service.watch('env', { onStatuses: () => undefined });
    await flush();
    state = 'DEPLOYED';
    await service.fetch('other');
    assert.deepEqual(heard, ['env:DEPLOYING', 'other:DEPLOYED']);
    service.dispose();
  });

  it('fetch joins the watched environment\'s request in flight and one-off requests asked at once', async () => {
    const service = make();
    service.watch('env', { onStatuses: () => undefined });
    const [a, b] = await Promise.all([service.fetch('env'), service.fetch('env')]);
    assert.equal(a, b);
    await Promise.all([service.fetch('lone'), service.fetch('lone'), service.fetch('lone')]);
    assert.deepEqual(calls, ['env', 'lone']);
    service.dispose();
  });

  it('fetch rejects with the failure, and a watched environment keeps polling after it', async () => {
    let fail = true;
    const service = new EnvironmentStatusService(
      (id) => {
        calls.push(id);
        return fail ? Promise.reject(new Error('offline')) : Promise.resolve(statuses(state));
      },
      clock,
    );
    await assert.rejects(service.fetch('lone'), /offline/);
    service.watch('env', { onStatuses: () => undefined });
    await assert.rejects(service.fetch('env'), /offline/);
    fail = false;
    await clock.advance(120_000);
    assert.equal(service.latest('env')?.applications[0]?.state, state);
    service.dispose();
  });

  it('forgetAll drops the answers of the previous connection, even one still in flight', async () => {
    let release: (() => void) | undefined;
    const service = new EnvironmentStatusService(
      (id) => {
        calls.push(id);
        const answer = statuses(state);
        return new Promise((resolve) => (release = () => resolve(answer)));
      },
      clock,
    );
    const seen: string[] = [];
    service.watch('env', { onStatuses: (s) => s && seen.push(String(s.applications[0]?.state)) });
    const old = release;
    state = 'DEPLOYED';
    service.forgetAll();
    assert.equal(service.latest('env'), undefined);
    old?.();
    await flush();
    assert.deepEqual(seen, [], 'the answer for the previous connection is dropped');
    release?.();
    await flush();
    assert.deepEqual(seen, ['DEPLOYED']);
    assert.equal(calls.length, 2);
    service.dispose();
  });

  it('a failure after an answer that showed movement falls back to the idle pace, not 3 s', async () => {
    let fail = false;
    const service = new EnvironmentStatusService(
      (id) => {
        calls.push(id);
        return fail ? Promise.reject(new Error('404')) : Promise.resolve(statuses('DEPLOYING'));
      },
      clock,
    );
    service.watch('env', { onStatuses: () => undefined });
    await flush();
    await clock.advance(3_000);
    assert.equal(calls.length, 2, 'moving: every 3 s');
    fail = true;
    await clock.advance(3_000);
    assert.equal(calls.length, 3, 'the failing fetch');
    await clock.advance(60_000);
    assert.equal(calls.length, 3, 'no 3 s polling on a stale answer');
    await clock.advance(60_000);
    assert.equal(calls.length, 4, 'the idle pace');
    service.dispose();
  });

  it('a subscriber with a shorter pace joining a waiting environment moves its next fetch forward', async () => {
    const service = make();
    service.watch('env', { onStatuses: () => undefined });
    await flush();
    await clock.advance(10_000);
    assert.equal(calls.length, 1);
    service.watch('env', { onStatuses: () => undefined, idleMs: 30_000 });
    await clock.advance(20_000);
    assert.equal(calls.length, 2, 'at 30 s, not at the 2 minutes the first subscriber set');
    await clock.advance(30_000);
    assert.equal(calls.length, 3);
    service.dispose();
  });
});

describe('environment status: the deployment status in words', () => {
  it('words OUT_OF_DATE as the console does: the configuration changed and needs a redeploy (not commits)', () => {
    const text = deploymentStatusText('OUT_OF_DATE', plainL10n);
    assert.equal(text, 'configuration changed: redeploy to apply it');
    assert.ok(!/out of date|commit/i.test(text ?? ''), text);
    assert.equal(deploymentStatusText('UP_TO_DATE', plainL10n), 'configuration up to date');
    assert.equal(deploymentStatusText('NEVER_DEPLOYED', plainL10n), 'never deployed');
    assert.equal(deploymentStatusText(undefined, plainL10n), undefined);
    assert.equal(deploymentStatusText(7, plainL10n), undefined);
  });
});
