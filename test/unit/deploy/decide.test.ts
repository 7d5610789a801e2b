import * as assert from 'node:assert/strict';
import type * as Q from 'qovery-typescript-axios';
import { QoveryApiError } from '../../../src/api/errors';
import { answerUnknown, cancelPlan, confirmation, environmentVerbTitleOf, linkDescription, serviceVerbTitles, uncheckedReasonText, usableLinks, versionText } from '../../../src/deploy/decide';
import { plainL10n } from '../../../src/tree/present';

const ids = { organizationId: 'o', projectId: 'p', environmentId: 'e' };

describe('deploy: what to confirm and how it is worded', () => {
  it('asks nothing outside production, but always before a Stop', () => {
    for (const mode of ['DEVELOPMENT', 'STAGING', 'PREVIEW', ' staging ']) {
      assert.equal(confirmation('deploy', { ...ids, environmentMode: mode, serviceName: 'web' }, undefined, plainL10n), undefined, mode);
      assert.equal(confirmation('restart-service', { ...ids, environmentMode: mode }, undefined, plainL10n), undefined, mode);
    }
    assert.deepEqual(confirmation('stop', { ...ids, environmentName: 'staging', environmentMode: 'STAGING', serviceName: 'web' }, undefined, plainL10n), {
      message: 'Qovery: Stop web in staging?\nStopped services do not serve anyone until they are deployed again.',
      button: 'Stop',
    });
  });

  it('confirms production, a mode it does not know and one it could not read, naming the mode and the version', () => {
    assert.deepEqual(confirmation('deploy', { ...ids, environmentName: 'production', environmentMode: 'PRODUCTION', serviceName: 'web' }, 'Commit: abc1234 Fix', plainL10n), {
      message: 'Qovery: Deploy web in production (PRODUCTION)?\nCommit: abc1234 Fix',
      button: 'Deploy',
    });
    assert.equal(confirmation('redeploy', { ...ids, environmentMode: 'CANARY' }, undefined, plainL10n)?.message, 'Qovery: Redeploy the environment e (CANARY)?');
    assert.equal(confirmation('cancel', { ...ids, environmentName: 'production' }, undefined, plainL10n)?.message, 'Qovery: Cancel Deployment the environment production (mode unknown)?');
    assert.equal(confirmation('restart-service', { ...ids, environmentName: 'production', serviceName: 'api' }, undefined, plainL10n)?.button, 'Restart');
  });

  it('words the version, the verbs and why a working tree went unchecked', () => {
    assert.equal(versionText({ commitId: 'abcdef0123', what: 'abcdef0 Fix' }, 'abcdef0', plainL10n), 'Commit: abcdef0 Fix');
    assert.equal(versionText({ commitId: 'abcdef0123' }, 'abcdef0', plainL10n), 'Commit: abcdef0');
    assert.equal(versionText({ imageTag: '1.4.2' }, '', plainL10n), 'Image tag: 1.4.2');
    assert.equal(versionText({}, '', plainL10n), undefined);
    assert.deepEqual(serviceVerbTitles(plainL10n), { deploy: 'Deploy', redeploy: 'Redeploy', 'restart-service': 'Restart', stop: 'Stop' });
    assert.deepEqual((['deploy', 'redeploy', 'stop'] as const).map((v) => environmentVerbTitleOf(v, plainL10n)), ['Deploy', 'Redeploy', 'Stop']);
    assert.equal(uncheckedReasonText({ kind: 'unknown', reason: 'noGit' }, plainL10n), 'git is not available in VS Code');
    assert.equal(uncheckedReasonText({ kind: 'unknown', reason: 'notFound' }, plainL10n), 'the git executable was not found');
    assert.equal(uncheckedReasonText({ kind: 'unknown', reason: 'timeout' }, plainL10n), 'git did not answer in time');
    assert.equal(uncheckedReasonText({ kind: 'unknown', reason: 'notRepository' }, plainL10n), 'git does not see a repository there');
    assert.equal(uncheckedReasonText({ kind: 'unknown', reason: 'failed' }, plainL10n), 'git could not run');
  });
});

describe('deploy: whether Qovery may have acted after a failed answer', () => {
  it('a 5xx, a timeout or an answer lost on the way may have acted; a request that never left or a refusal did not', () => {
    assert.equal(answerUnknown(new QoveryApiError('server', undefined, { status: 502 })), true);
    assert.equal(answerUnknown(new QoveryApiError('timeout')), true);
    assert.equal(answerUnknown(new QoveryApiError('network', undefined, { networkCause: 'reset' })), true);
    assert.equal(answerUnknown(new QoveryApiError('network', undefined, { networkCause: 'unknown' })), true);
    assert.equal(answerUnknown(new QoveryApiError('network')), true);
    for (const cause of ['dns', 'refused', 'tls', 'proxy'] as const) {
      assert.equal(answerUnknown(new QoveryApiError('network', undefined, { networkCause: cause })), false, cause);
    }
    for (const kind of ['conflict', 'forbidden', 'unauthorized', 'notFound', 'badRequest'] as const) {
      assert.equal(answerUnknown(new QoveryApiError(kind)), false, kind);
    }
  });
});

describe('deploy: the cancel plan', () => {
  const statuses = (...services: { state: string; deployment_request_id?: string }[]) => ({ environment: { id: 'e', state: 'DEPLOYING' }, applications: services.map((s, i) => ({ id: `s${i}`, ...s })) });

  it('cancels each queued request in the queue when everything that moves is still queued', () => {
    assert.deepEqual(cancelPlan(statuses({ state: 'DEPLOYMENT_QUEUED', deployment_request_id: 'r1' }, { state: 'DEPLOYMENT_QUEUED', deployment_request_id: 'r1' }, { state: 'STOP_QUEUED', deployment_request_id: 'r2' }, { state: 'DEPLOYED' }), false), {
      kind: 'requests',
      requestIds: ['r1', 'r2'],
    });
  });

  it("cancels the environment's deployment once anything is under way, when asked to force, or when nothing shows", () => {
    assert.deepEqual(cancelPlan(statuses({ state: 'DEPLOYMENT_QUEUED', deployment_request_id: 'r1' }, { state: 'BUILDING' }), false), { kind: 'environment', force: false });
    assert.deepEqual(cancelPlan(statuses({ state: 'DEPLOYMENT_QUEUED', deployment_request_id: 'r1' }), true), { kind: 'environment', force: true });
    assert.deepEqual(cancelPlan(statuses({ state: 'DEPLOYMENT_QUEUED' }), false), { kind: 'environment', force: false });
    assert.deepEqual(cancelPlan(statuses({ state: 'DEPLOYED' }), false), { kind: 'environment', force: false });
    assert.deepEqual(cancelPlan(undefined, false), { kind: 'environment', force: false });
  });
});

describe('deploy: the service URLs offered', () => {
  const link = (url: string, more: Partial<Q.Link> = {}): Q.Link => ({ url, internal_port: 8080, external_port: 443, is_qovery_domain: true, is_default: false, ...more }) as Q.Link;

  it('offers web addresses only (plain http for loopback only), the default first', () => {
    const links = [
      link('https://a.example.com'),
      link('http://web.example.com'),
      link('javascript:alert(1)'),
      link('http://127.0.0.1:8080/'),
      link('http://localhost.evil.example/'),
      link('https://b.example.com', { is_default: true }),
      link('HTTPS://C.EXAMPLE.COM'),
    ];
    assert.deepEqual(
      usableLinks(links).map((l) => l.url),
      ['https://b.example.com', 'https://a.example.com', 'http://127.0.0.1:8080/', 'HTTPS://C.EXAMPLE.COM'],
    );
  });

  it('describes a URL by default, domain and port', () => {
    assert.equal(linkDescription(link('https://a', { is_default: true }), plainL10n), 'default · Qovery domain · port 8080');
    assert.equal(linkDescription(link('https://a', { is_qovery_domain: false, internal_port: 3000 }), plainL10n), 'custom domain · port 3000');
  });
});
