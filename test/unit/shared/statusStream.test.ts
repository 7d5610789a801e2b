// The status stream of a followed environment in the environment status service: opened only while a
// subscriber follows, every message handed over as a polled answer is, no polling while it is
// connected, polling again within one period after a drop, closed when the follow ends.
import * as assert from 'node:assert/strict';
import type { EnvironmentServiceStatuses } from '../../../src/api';
import { EnvironmentStatusService, POLL_MOVING_MS, type StatusStreamCallbacks } from '../../../src/shared/environmentStatus';
import { FakeClock } from '../../support/fakeClock';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
};

const statuses = (state: string): EnvironmentServiceStatuses => ({
  applications: [{ id: 'web', state: state as never }],
  containers: [],
  jobs: [],
  databases: [],
  helms: [],
  terraforms: [],
});

const IDS = { organizationId: 'org', projectId: 'project' };

describe('environment status: the status stream of a followed environment', () => {
  let clock: FakeClock;
  let state: string;
  let calls: number;
  let opened: { environmentId: string; ids: unknown; callbacks: StatusStreamCallbacks; closed: boolean }[];
  const make = (focused = true) =>
    new EnvironmentStatusService(
      () => {
        calls++;
        return Promise.resolve(statuses(state));
      },
      clock,
      focused,
      (environmentId, ids, callbacks) => {
        const s = { environmentId, ids, callbacks, closed: false };
        opened.push(s);
        return { close: () => (s.closed = true) };
      },
    );

  beforeEach(() => {
    clock = new FakeClock();
    state = 'DEPLOYING';
    calls = 0;
    opened = [];
  });

  it('opens no stream for a subscriber that does not follow (the idle pace is unchanged)', async () => {
    const service = make();
    service.watch('env', { onStatuses: () => undefined });
    await flush();
    await clock.advance(60 * 60_000);
    assert.equal(opened.length, 0);
  });

  it('one stream per followed environment, opened with the follow, closed when the last follower leaves', () => {
    const service = make();
    const a = service.watch('env', { onStatuses: () => undefined, follow: IDS });
    const b = service.watch('env', { onStatuses: () => undefined, follow: IDS });
    const plain = service.watch('env', { onStatuses: () => undefined });
    assert.equal(opened.length, 1);
    assert.deepEqual(opened[0].ids, IDS);
    a.dispose();
    assert.equal(opened[0].closed, false);
    b.dispose();
    assert.equal(opened[0].closed, true, 'the follow ended: the stream closes, the plain subscriber goes on polling');
    plain.dispose();
    assert.equal(opened.length, 1);
  });

  it('hands every message to subscribers and listeners as a polled answer, and sends no request while connected', async () => {
    const service = make();
    const seen: string[] = [];
    const heard: string[] = [];
    service.listen((_id, s) => heard.push(String(s.applications[0].state)));
    service.watch('env', { onStatuses: (s) => s && seen.push(String(s.applications[0].state)), follow: IDS });
    await flush();
    const before = calls;
    opened[0].callbacks.onState('connected');
    opened[0].callbacks.onStatuses(statuses('BUILDING'));
    opened[0].callbacks.onStatuses(statuses('DEPLOYING'));
    assert.equal(service.streaming('env'), true);
    await clock.advance(10 * 60_000);
    await service.refresh('env');
    assert.equal((await service.fetch('env')).applications[0].state, 'DEPLOYING');
    assert.equal(calls, before, 'no request while the stream is up: not the 3 s pace, not refresh, not fetch');
    assert.deepEqual(heard.slice(-2), ['BUILDING', 'DEPLOYING']);
    assert.deepEqual(seen.slice(-3), ['BUILDING', 'DEPLOYING', 'DEPLOYING'], 'refresh hands the last message again');
    assert.equal(service.latest('env')?.applications[0].state, 'DEPLOYING');
  });

  it('a dropped stream: polling takes over within one polling period, and stops again when the stream is back', async () => {
    const service = make();
    service.watch('env', { onStatuses: () => undefined, follow: IDS });
    await flush();
    opened[0].callbacks.onState('connected');
    opened[0].callbacks.onStatuses(statuses('DEPLOYING'));
    await clock.advance(1000);
    const before = calls;
    opened[0].callbacks.onState('down');
    await clock.advance(POLL_MOVING_MS - 1000);
    assert.equal(calls, before + 1, 'the first poll comes one period after the last message');
    await clock.advance(POLL_MOVING_MS);
    assert.equal(calls, before + 2);
    opened[0].callbacks.onState('connected');
    await clock.advance(10 * POLL_MOVING_MS);
    assert.equal(calls, before + 2, 'the stream is back: no more polling');
  });

  it('a stream that never connects leaves polling as it is', async () => {
    const service = make();
    service.watch('env', { onStatuses: () => undefined, follow: IDS });
    await flush();
    opened[0].callbacks.onState('down');
    await clock.advance(POLL_MOVING_MS * 3);
    assert.equal(calls, 4, 'the first answer, then one every 3 s while the deployment moves');
  });

  it('a connection change closes the stream and opens it again; a late message of the old one is dropped', async () => {
    const service = make();
    const seen: string[] = [];
    service.watch('env', { onStatuses: (s) => s && seen.push(String(s.applications[0].state)), follow: IDS });
    await flush();
    const old = opened[0];
    service.forgetAll();
    assert.equal(old.closed, true);
    assert.equal(opened.length, 2);
    old.callbacks.onStatuses(statuses('STALE'));
    assert.ok(!seen.includes('STALE'));
  });

  it('dispose closes every stream', () => {
    const service = make();
    service.watch('a', { onStatuses: () => undefined, follow: IDS });
    service.watch('b', { onStatuses: () => undefined, follow: IDS });
    service.dispose();
    assert.deepEqual(
      opened.map((o) => o.closed),
      [true, true],
    );
  });
});
