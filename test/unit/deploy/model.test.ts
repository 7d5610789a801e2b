import * as assert from 'node:assert/strict';
import type * as Q from 'qovery-typescript-axios';
import { chooseCommit, commitText, deployBody, durationText, environmentOutcome, environmentStep, failureText, followStep, historyRow, isErrorState, isFinalState, statusesBefore, verbsOf } from '../../../src/deploy/model';
import { plainL10n } from '../../../src/tree/present';
import { environmentTargetOf, serviceTargetOf } from '../../../src/deploy/targets';

const commit = (sha: string, message = 'A change'): Q.Commit => ({ git_commit_id: sha, created_at: '2026-01-01T00:00:00Z', author_name: 'Sam', message, tag: '' });
const status = (state: Q.StateEnum, execution_id?: string): Q.Status =>
  ({ id: 's', state, service_deployment_status: 'UP_TO_DATE', is_part_last_deployment: true, status_details: { action: 'DEPLOY', status: 'ONGOING', sub_action: 'NONE' }, deployment_request_id: null, deployment_requests_count: 0, execution_id });

describe('deploy: the pure rules', () => {
  it('offers only the actions the spec has for each type', () => {
    assert.deepEqual(verbsOf('APPLICATION'), ['deploy', 'redeploy', 'restart-service', 'stop']);
    assert.deepEqual(verbsOf('DATABASE'), ['deploy', 'redeploy', 'restart-service', 'stop']);
    assert.deepEqual(verbsOf('JOB'), ['deploy', 'redeploy', 'stop']);
    assert.deepEqual(verbsOf('HELM'), ['deploy', 'redeploy', 'stop']);
    assert.deepEqual(verbsOf('TERRAFORM'), ['deploy', 'redeploy']);
  });

  it('builds each type\'s deploy body from its request schema', () => {
    assert.deepEqual(deployBody('APPLICATION', { commitId: 'abc' }), { git_commit_id: 'abc' });
    assert.deepEqual(deployBody('CONTAINER', { imageTag: '1.2' }), { image_tag: '1.2' });
    assert.equal(deployBody('DATABASE', { commitId: 'abc' }), undefined);
    assert.deepEqual(deployBody('JOB', {}), {});
    assert.deepEqual(deployBody('JOB', { imageTag: 't' }), { image_tag: 't' });
    assert.deepEqual(deployBody('HELM', {}), {});
  });

  it('deploys HEAD only when Qovery sees it and the tree is clean; otherwise says why and offers the latest', () => {
    const list = [commit('c3'), commit('c2'), commit('c1')];
    assert.deepEqual(chooseCommit('c2', false, list), { kind: 'head', commit: list[1] });
    assert.deepEqual(chooseCommit('c2', true, list), { kind: 'dirty', head: list[1], latest: list[0] });
    assert.deepEqual(chooseCommit('c3', true, list), { kind: 'dirty', head: list[0], latest: undefined });
    assert.deepEqual(chooseCommit('local', false, list), { kind: 'notVisible', head: 'local', latest: list[0] });
    assert.deepEqual(chooseCommit(undefined, false, list), { kind: 'noHead', latest: list[0] });
    assert.deepEqual(chooseCommit('local', false, []), { kind: 'notVisible', head: 'local', latest: undefined });
  });

  it('a tree git could not check is never taken as clean: HEAD is offered after a question', () => {
    const list = [commit('c3'), commit('c2')];
    assert.deepEqual(chooseCommit('c2', 'unknown', list), { kind: 'unchecked', head: list[1], latest: list[0] });
    assert.deepEqual(chooseCommit('c3', 'unknown', list), { kind: 'unchecked', head: list[0], latest: undefined });
    assert.deepEqual(chooseCommit('local', 'unknown', list), { kind: 'notVisible', head: 'local', latest: list[0] });
  });

  it('knows final states as Qovery\'s CLI does: READY, RECAP, UNAVAILABLE and WAITING_* are not done', () => {
    for (const s of ['DEPLOYED', 'STOPPED', 'RESTARTED', 'DELETED', 'CANCELED', 'BUILD_ERROR', 'DEPLOYMENT_ERROR', 'STOP_ERROR', 'DELETE_ERROR', 'RESTART_ERROR']) {
      assert.ok(isFinalState(s), s);
    }
    for (const s of ['READY', 'RECAP', 'UNAVAILABLE', 'WAITING_RUNNING', 'WAITING_STOPPED', 'WAITING_DELETED', 'DEPLOYMENT_QUEUED', 'BUILDING', 'DEPLOYING', 'RESTARTING', 'STOP_QUEUED', 'CANCELING', 'RUNNING', '', undefined, 42]) {
      assert.ok(!isFinalState(s), String(s));
    }
    assert.ok(isErrorState('BUILD_ERROR') && isErrorState('ERROR') && !isErrorState('READY'));
  });

  const ids = (pairs: [string, string | undefined][]) => statusesBefore({ applications: pairs.map(([id, execution_id]) => ({ ...status('DEPLOYED', execution_id), id })) });
  const withId = (state: Q.StateEnum, execution_id?: string): Q.Status => ({ ...status(state, execution_id), id: 's' });

  it('counts a deployment as begun only on a moving state or an execution id other than the one seen before the action', () => {
    const before = ids([['s', 'old']]);
    // The previous deployment, even named by the action's answer, is not this one.
    assert.deepEqual(followStep(withId('DEPLOYED', 'old'), before, false, 10_000), { started: false, done: false });
    assert.deepEqual(followStep(withId('BUILD_ERROR', 'old'), before, false, 10_000), { started: false, done: false });
    assert.deepEqual(followStep(withId('DEPLOYMENT_QUEUED', 'old'), before, false, 10_000), { started: true, done: false });
    assert.deepEqual(followStep(withId('DEPLOYED', 'new'), before, false, 10_000), { started: true, done: true });
    assert.deepEqual(followStep(withId('BUILD_ERROR'), before, true, 10_000), { started: true, done: true });
    assert.deepEqual(followStep(undefined, before, true, 10_000), { started: true, done: false });
    // A service never deployed had no execution id: its first one is new.
    assert.deepEqual(followStep(withId('DEPLOYED', 'first'), ids([['s', undefined]]), false, 10_000), { started: true, done: true });
    // Nothing read before the action: only a moving state proves it began.
    assert.deepEqual(followStep(withId('DEPLOYED', 'any'), undefined, false, 10_000), { started: false, done: false });
    assert.deepEqual(followStep(withId('BUILDING', 'any'), undefined, false, 10_000), { started: true, done: false });
  });

  it('never ends a follow on a final state during its first 3 s, nor on READY', () => {
    const before = ids([['s', 'old']]);
    assert.deepEqual(followStep(withId('DEPLOYED', 'new'), before, true, 2_999), { started: true, done: false });
    assert.deepEqual(followStep(withId('DEPLOYED', 'new'), before, true, 3_000), { started: true, done: true });
    // READY with a new execution id: begun, not done (READY is never a success).
    assert.deepEqual(followStep(withId('READY', 'new'), before, false, 60_000), { started: true, done: false });
    assert.deepEqual(followStep(withId('UNAVAILABLE'), before, true, 60_000), { started: true, done: false });
  });

  const environmentStatuses = (last: Q.StateEnum | undefined, services: [string, Q.StateEnum, boolean, string?][]) => ({
    environment: { id: 'e', state: 'DEPLOYED', last_deployment_state: last },
    applications: services.map(([id, state, part, execution_id]) => ({ ...status(state, execution_id), id, is_part_last_deployment: part })),
  });

  it('an environment deployment begins on movement or a new execution id, and ends once nothing moves and Qovery gives it a final state', () => {
    const before = statusesBefore(environmentStatuses('DEPLOYED', [['a', 'DEPLOYED', true, 'e-1'], ['b', 'DEPLOYED', true, 'e-1']]));
    const old = environmentStatuses('DEPLOYED', [['a', 'DEPLOYED', true, 'e-1'], ['b', 'DEPLOYED', true, 'e-1']]);
    assert.deepEqual(environmentStep(old, before, false, 10_000), { started: false, done: false, moving: 0, total: 2 });
    const running = environmentStatuses('DEPLOYING', [['a', 'BUILDING', true, 'e-2'], ['b', 'DEPLOYED', true, 'e-2']]);
    assert.deepEqual(environmentStep(running, before, false, 10_000), { started: true, done: false, moving: 1, total: 2 });
    const over = environmentStatuses('DEPLOYED', [['a', 'DEPLOYED', true, 'e-2'], ['b', 'DEPLOYED', true, 'e-2']]);
    assert.deepEqual(environmentStep(over, before, false, 10_000), { started: true, done: true, moving: 0, total: 2 });
    assert.deepEqual(environmentStep(over, before, false, 1_000), { started: true, done: false, moving: 0, total: 2 });
    // Nothing moves but Qovery has not settled the deployment yet: not over.
    const unsettled = environmentStatuses('READY', [['a', 'DEPLOYED', true, 'e-2']]);
    assert.equal(environmentStep(unsettled, before, true, 10_000).done, false);
  });

  it('an environment\'s outcome comes from its last_deployment_state, and names only the services part of that deployment', () => {
    // b failed last week and was left out: not a failure of this deployment.
    const leftOut = environmentStatuses('DEPLOYED', [['a', 'DEPLOYED', true], ['b', 'BUILD_ERROR', false]]);
    assert.deepEqual(environmentOutcome(leftOut), { state: 'DEPLOYED', failed: false, cancelled: false, failedServices: [] });
    const failed = environmentStatuses('DEPLOYMENT_ERROR', [['a', 'DEPLOYMENT_ERROR', true], ['b', 'BUILD_ERROR', false]]);
    const outcome = environmentOutcome(failed);
    assert.equal(outcome.failed, true);
    assert.deepEqual(outcome.failedServices.map((s) => s.id), ['a']);
    // An environment-level failure with no service in error is still a failure.
    assert.equal(environmentOutcome(environmentStatuses('BUILD_ERROR', [['a', 'DEPLOYED', true]])).failed, true);
    assert.equal(environmentOutcome(environmentStatuses('CANCELED', [['a', 'CANCELED', true]])).cancelled, true);
    // Without last_deployment_state, the services part of the deployment decide.
    assert.equal(environmentOutcome(environmentStatuses(undefined, [['a', 'DEPLOYED', true], ['b', 'BUILD_ERROR', false]])).failed, false);
    assert.equal(environmentOutcome(environmentStatuses(undefined, [['a', 'BUILD_ERROR', true]])).failed, true);
  });

  it('writes the failure in one place, with Qovery\'s explanation when given, link-free', () => {
    assert.equal(failureText('web', 'BUILD_ERROR', plainL10n), 'Qovery: the deployment of web failed: build error.');
    const clean = (s: string): string => s.replace(/https?:\/\/\S+/g, '');
    assert.equal(
      failureText('web', 'DEPLOYMENT_ERROR', plainL10n, { message: 'Readiness probe failed', hint: 'Check the port https://x.example' }, clean).trim(),
      'Qovery: the deployment of web failed: deployment error. Readiness probe failed Hint: Check the port',
    );
  });

  it('shows a history entry with state, commit, who and how long', () => {
    const row = historyRow(
      {
        identifier: { name: 'web', service_id: 's', service_type: 'APPLICATION', execution_id: 'env-3' },
        status: 'BUILD_ERROR',
        auditing_data: { created_at: '2026-01-01T10:00:00Z', updated_at: '2026-01-01T10:01:35Z', triggered_by: 'Alex Martin' },
        details: { commit: commit('0123456789abcdef', 'Try the new bundler\n\nlong body'), build_pod_name: 'b' },
        status_details: { action: 'DEPLOY', status: 'ERROR', sub_action: 'NONE' },
        icon_uri: 'app://x',
        total_duration: 'PT1M35S',
      },
      plainL10n,
    );
    assert.equal(row.label, '$(error) build error · 0123456 Try the new bundler');
    assert.equal(row.description, 'by Alex Martin · 1 min 35 s');
    assert.equal(row.executionId, 'env-3');
    assert.equal(row.commit?.git_commit_id, '0123456789abcdef');
    assert.equal(durationText('PT0S'), '0 s');
    assert.equal(durationText('nonsense'), undefined);
    assert.equal(commitText(undefined), '');
  });

  it('a commit message is plain text, and an odd commit shape from the API does not throw', () => {
    // A notification would make `[label](url)` a clickable link: a commit message never brings one.
    assert.equal(commitText({ git_commit_id: 'abcdef0123', message: '[Release notes](https://evil.example/x) command:workbench.action.quit\nmore' }), 'abcdef0 Release notes');
    assert.equal(commitText({ git_commit_id: 'abcdef0123', message: 42 as never }), 'abcdef0');
    assert.equal(commitText({ git_commit_id: 7 as never, message: { text: 'x' } as never }), '');
    // A commit id is shown as the workspace link shows it: seven lower-case hex digits, or not at all.
    assert.equal(commitText({ git_commit_id: 'ABCDEF0123', message: 'Fix' }), 'abcdef0 Fix');
    assert.equal(commitText({ git_commit_id: '<b>not-a-sha</b>', message: 'Fix' }), 'Fix');
    const row = historyRow({ id: 'd', status: 'DEPLOYED', details: { commit: { git_commit_id: 'abcdef0123', message: null } } } as never, plainL10n);
    assert.ok(row.description.includes('abcdef0') || row.label.includes('abcdef0') || row.detail.includes('abcdef0'), JSON.stringify(row));
  });
});

describe('deploy: what a command was given', () => {
  const ids = { organizationId: 'o', projectId: 'p', environmentId: 'e' };
  it('reads a service row, a VariableTarget, a ServiceCandidate and a target of its own', () => {
    const expected = { ...ids, serviceId: 's', serviceName: 'web', serviceType: 'APPLICATION' };
    assert.deepEqual(serviceTargetOf({ key: 'service:s', ...ids, service: { id: 's', name: 'web', service_type: 'APPLICATION' } }), { ...expected, buildSource: { kind: 'git' } });
    // A tree row knows what its service is built from: a git job deploys a commit, an image job a tag.
    const job = (source: unknown) => serviceTargetOf({ key: 'service:j', ...ids, service: { id: 'j', name: 'etl', service_type: 'JOB', source } })?.buildSource;
    assert.deepEqual(job({ docker: { git_repository: { url: 'https://github.com/a/b.git' } } }), { kind: 'git' });
    assert.deepEqual(job({ image: { image_name: 'a/etl', tag: '0.9.3' } }), { kind: 'image', tag: '0.9.3' });
    assert.deepEqual(serviceTargetOf({ scope: 'APPLICATION', parentId: 's', name: 'web', ...ids, serviceId: 's' }), expected);
    const candidate = { ...ids, serviceId: 's', serviceName: 'web', serviceType: 'APPLICATION', environmentName: 'production', environmentMode: 'PRODUCTION', organizationName: 'Acme', projectName: 'store', git: {} };
    const fromCandidate = serviceTargetOf(candidate);
    assert.deepEqual(fromCandidate, { ...expected, environmentName: 'production', environmentMode: 'PRODUCTION' });
    assert.deepEqual(serviceTargetOf(fromCandidate), fromCandidate);
  });

  it('refuses what is not a service: an environment-level VariableTarget, an unknown service type, junk', () => {
    assert.equal(serviceTargetOf({ scope: 'ENVIRONMENT', parentId: 'e', name: 'production', ...ids }), undefined);
    assert.equal(serviceTargetOf({ key: 'service:s', ...ids, service: { id: 's', name: 'x', service_type: 'ARGOCD_APP' } }), undefined);
    for (const junk of [undefined, null, 3, 'qovery', [], {}]) {
      assert.equal(serviceTargetOf(junk), undefined);
      assert.equal(environmentTargetOf(junk), undefined);
    }
  });

  it('reads an environment from its row, a service target or an environment target', () => {
    assert.deepEqual(environmentTargetOf({ key: 'env:e', organizationId: 'o', projectId: 'p', environment: { id: 'e', name: 'production', mode: 'PRODUCTION' } }), {
      ...ids,
      environmentName: 'production',
      environmentMode: 'PRODUCTION',
    });
    assert.deepEqual(environmentTargetOf({ ...ids, serviceId: 's', serviceName: 'web', serviceType: 'APPLICATION' }), { ...ids, environmentName: undefined, environmentMode: undefined });
    assert.deepEqual(environmentTargetOf({ ...ids, environmentName: 'staging' }), { ...ids, environmentName: 'staging', environmentMode: undefined });
    assert.equal(environmentTargetOf({ key: 'project:p', ...ids }), undefined);
  });
});
