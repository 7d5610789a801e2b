import * as assert from 'node:assert/strict';
import { buildSourceOf, commitsPath, environmentActionSegment, EnvironmentModes, MODE_MAX_AGE_MS, serviceActionSegment } from '../../../src/deploy/actions';
import { verbsOf, type ServiceType } from '../../../src/deploy/model';

describe('deploy: what each action sends, and when it is confirmed', () => {
  it('Redeploy posts to /deploy for every type (never the legacy /redeploy); the other verbs keep their path', () => {
    for (const type of ['APPLICATION', 'CONTAINER', 'DATABASE', 'JOB', 'HELM', 'TERRAFORM'] as ServiceType[]) {
      for (const verb of verbsOf(type)) {
        assert.notEqual(serviceActionSegment(verb), 'redeploy', `${type} ${verb}`);
      }
    }
    assert.equal(serviceActionSegment('redeploy'), 'deploy');
    assert.equal(serviceActionSegment('deploy'), 'deploy');
    assert.equal(serviceActionSegment('restart-service'), 'restart-service');
    assert.equal(serviceActionSegment('stop'), 'stop');
  });

  it('Redeploy Environment posts to /environment/{id}/deploy (/redeploy is Terraform\'s restart)', () => {
    assert.equal(environmentActionSegment('redeploy'), 'deploy');
    assert.equal(environmentActionSegment('deploy'), 'deploy');
    assert.equal(environmentActionSegment('stop'), 'stop');
  });

  it('trusts an environment mode it read for a few minutes only, then it is read again', () => {
    let now = 1_000_000;
    const modes = new EnvironmentModes(() => now);
    assert.equal(modes.fresh('e'), undefined);
    modes.remember('e', { name: 'prod', mode: 'PRODUCTION' });
    assert.deepEqual(modes.fresh('e'), { name: 'prod', mode: 'PRODUCTION' });
    now += MODE_MAX_AGE_MS;
    assert.deepEqual(modes.fresh('e'), { name: 'prod', mode: 'PRODUCTION' });
    now += 1;
    assert.equal(modes.fresh('e'), undefined, 'older than the limit');
    modes.remember('e', { name: 'prod', mode: 'STAGING' });
    now -= 60_000;
    assert.equal(modes.fresh('e'), undefined, 'a clock set back is not trusted');
    assert.ok(MODE_MAX_AGE_MS >= 60_000 && MODE_MAX_AGE_MS <= 10 * 60_000, 'a few minutes');
  });

  it('reads what a service is built from: git (applications, git jobs, helm from git, terraform), an image (its tag), a chart', () => {
    assert.deepEqual(buildSourceOf('APPLICATION', { git_repository: {} }), { kind: 'git' });
    assert.deepEqual(buildSourceOf('JOB', { source: { docker: { git_repository: { url: 'u' } } } }), { kind: 'git' });
    assert.deepEqual(buildSourceOf('JOB', { source: { image: { image_name: 'a/b', tag: '1.4.0' } } }), { kind: 'image', tag: '1.4.0' });
    assert.deepEqual(buildSourceOf('HELM', { source: { git: { git_repository: {} } } }), { kind: 'git' });
    assert.deepEqual(buildSourceOf('HELM', { source: { repository: { chart_name: 'x' } } }), { kind: 'chart' });
    assert.deepEqual(buildSourceOf('TERRAFORM', { terraform_files_source: { git: { git_repository: {} } } }), { kind: 'git' });
    assert.deepEqual(buildSourceOf('CONTAINER', { tag: '2.14.1' }), { kind: 'image', tag: '2.14.1' });
    assert.deepEqual(buildSourceOf('DATABASE', {}), { kind: 'none' });
    assert.equal(buildSourceOf('JOB', { source: {} }), undefined);
    assert.equal(buildSourceOf('JOB', null), undefined);
  });

  it('the commits Qovery sees: per type, helm\'s of its chart', () => {
    assert.equal(commitsPath('APPLICATION', 'a'), '/application/a/commit');
    assert.equal(commitsPath('JOB', 'j'), '/job/j/commit');
    assert.equal(commitsPath('HELM', 'h'), '/helm/h/commit?of=chart');
    assert.equal(commitsPath('TERRAFORM', 't'), '/terraform/t/commit');
    assert.equal(commitsPath('CONTAINER', 'c'), undefined);
    assert.equal(commitsPath('DATABASE', 'd'), undefined);
  });
});
