import * as assert from 'node:assert/strict';
import { decideLink, gitRepositoryOf, matchServices, normaliseRootPath, orderForPick, type LocalRepository, type ServiceCandidate } from '../../../src/workspace/match';
import { normaliseRemoteUrl, repositoryKeyOf } from '../../../src/workspace/remote';

let next = 0;
function service(fields: Partial<ServiceCandidate> & { url?: string; branch?: string; rootPath?: string }): ServiceCandidate {
  next++;
  const git = { url: fields.url, branch: fields.branch, rootPath: fields.rootPath };
  return {
    organizationId: 'org',
    organizationName: 'Acme',
    projectId: 'project',
    projectName: 'storefront',
    environmentId: `env-${next}`,
    environmentName: fields.environmentName ?? 'production',
    environmentMode: fields.environmentMode ?? 'PRODUCTION',
    serviceId: fields.serviceId ?? `service-${next}`,
    serviceName: fields.serviceName ?? 'web',
    serviceType: fields.serviceType ?? 'APPLICATION',
    repository: fields.url ? repositoryKeyOf(git) : undefined,
    git,
  };
}

function local(url: string, branch: string | undefined, paths: string[] = ['']): LocalRepository {
  return { remotes: [normaliseRemoteUrl(url)!], branch, paths };
}

const WEB = 'https://github.com/acme/web.git';

describe('workspace link: matching rules', () => {
  it('matches one service on the same repository (any URL form) and branch', () => {
    const prod = service({ url: WEB, branch: 'main' });
    const staging = service({ url: WEB, branch: 'develop', environmentName: 'staging', environmentMode: 'STAGING' });
    const other = service({ url: 'https://github.com/acme/api.git', branch: 'main' });
    assert.deepEqual(matchServices([prod, staging, other], local('git@github.com:Acme/web.git', 'main')), [prod]);
    assert.deepEqual(matchServices([prod, staging, other], local(WEB, 'develop')), [staging]);
    assert.deepEqual(matchServices([prod, staging, other], local(WEB, 'feature/x')), []);
  });

  it('matches nothing on a detached HEAD or without a remote', () => {
    const prod = service({ url: WEB, branch: 'main' });
    assert.deepEqual(matchServices([prod], local(WEB, undefined)), []);
    assert.deepEqual(matchServices([prod], { remotes: [], branch: 'main', paths: [''] }), []);
  });

  it('lists several environments on one branch with production last', () => {
    const prod = service({ url: WEB, branch: 'main', environmentName: 'production', environmentMode: 'PRODUCTION' });
    const preview = service({ url: WEB, branch: 'main', environmentName: 'pr-1', environmentMode: 'PREVIEW' });
    const staging = service({ url: WEB, branch: 'main', environmentName: 'staging', environmentMode: 'STAGING' });
    assert.deepEqual(matchServices([prod, preview, staging], local(WEB, 'main')), [preview, staging, prod]);
  });

  it('a branch\'s preview comes first and links by itself among other environments building the branch', () => {
    const dev = service({ url: WEB, branch: 'feat/login', environmentName: 'dev', environmentMode: 'DEVELOPMENT' });
    const preview = service({ url: WEB, branch: 'feat/login', environmentName: 'feat-login', environmentMode: 'PREVIEW' });
    const matches = matchServices([dev, preview], local(WEB, 'feat/login'));
    assert.deepEqual(matches, [preview, dev]);
    assert.deepEqual(decideLink([dev, preview], matches, undefined, 'c'), { kind: 'linked', candidate: preview, how: 'automatic' });
    // Two previews of one branch: the user chooses.
    const other = service({ url: WEB, branch: 'feat/login', environmentName: 'feat-login-2', environmentMode: 'PREVIEW' });
    assert.equal(decideLink([dev, preview, other], matchServices([dev, preview, other], local(WEB, 'feat/login')), undefined, 'c').kind, 'pick');
  });

  it('in a monorepo, narrows to the services whose root path holds the folder or the active file', () => {
    const mono = 'https://gitlab.com/acme/platform/mono.git';
    const api = service({ url: mono, branch: 'main', rootPath: '/services/api', serviceName: 'api' });
    const web = service({ url: mono, branch: 'main', rootPath: 'services/web/', serviceName: 'web' });
    const all = [api, web];
    // The repository root with no file open: both stay candidates.
    assert.deepEqual(matchServices(all, local(mono, 'main', [''])).map((s) => s.serviceName), ['api', 'web']);
    // A folder inside one service's root.
    assert.deepEqual(matchServices(all, local(mono, 'main', ['services/web'])), [web]);
    assert.deepEqual(matchServices(all, local(mono, 'main', ['services/web/src'])), [web]);
    // The active file decides at the root.
    assert.deepEqual(matchServices(all, local(mono, 'main', ['', 'services/api/src/main.ts'])), [api]);
    // A prefix that is not a path segment does not count.
    assert.deepEqual(matchServices(all, local(mono, 'main', ['services/webhooks'])).length, 2);
  });

  it('normalises root paths', () => {
    assert.equal(normaliseRootPath('/'), '');
    assert.equal(normaliseRootPath(undefined), '');
    assert.equal(normaliseRootPath('./'), '');
    assert.equal(normaliseRootPath('/apps/web/'), 'apps/web');
    assert.equal(normaliseRootPath('apps\\web'), 'apps/web');
  });

  it('decides: one match links automatically, several ask, none offers Link…', () => {
    const a = service({ url: WEB, branch: 'main' });
    const b = service({ url: WEB, branch: 'main', environmentMode: 'STAGING' });
    assert.deepEqual(decideLink([a], [a], undefined, 'c1'), { kind: 'linked', candidate: a, how: 'automatic' });
    assert.deepEqual(decideLink([a, b], [a, b], undefined, 'c1'), { kind: 'pick', matches: [a, b] });
    assert.deepEqual(decideLink([a, b], [], undefined, 'c1'), { kind: 'none' });
  });

  it('keeps a remembered pick while it matches, and relinks after a branch switch when it does not', () => {
    const main = service({ url: WEB, branch: 'main' });
    const mainStaging = service({ url: WEB, branch: 'main', environmentMode: 'STAGING' });
    const develop = service({ url: WEB, branch: 'develop' });
    const remembered = { kind: 'linked' as const, serviceId: mainStaging.serviceId, environmentId: mainStaging.environmentId, organizationId: 'org', connectionId: 'c1', manual: false };
    assert.deepEqual(decideLink([main, mainStaging, develop], [main, mainStaging], remembered, 'c1'), { kind: 'linked', candidate: mainStaging, how: 'remembered' });
    // The branch switched to develop: the pick does not match any more, the one develop service links.
    assert.deepEqual(decideLink([main, mainStaging, develop], [develop], remembered, 'c1'), { kind: 'linked', candidate: develop, how: 'automatic' });
  });

  it('keeps a manual link whatever the branch, and says when its service is gone', () => {
    const other = service({ url: 'https://github.com/acme/other.git', branch: 'main' });
    const manual = { kind: 'linked' as const, serviceId: other.serviceId, environmentId: other.environmentId, organizationId: 'org', connectionId: 'c1', manual: true };
    assert.deepEqual(decideLink([other], [], manual, 'c1'), { kind: 'linked', candidate: other, how: 'remembered' });
    assert.deepEqual(decideLink([], [], manual, 'c1'), { kind: 'missing', serviceId: other.serviceId });
  });

  it('after Unlink, nothing links by itself; another connection\'s choice is ignored', () => {
    const a = service({ url: WEB, branch: 'main' });
    assert.deepEqual(decideLink([a], [a], { kind: 'unlinked', connectionId: 'c1' }, 'c1'), { kind: 'unlinked' });
    assert.deepEqual(decideLink([a], [a], { kind: 'unlinked', connectionId: 'c1' }, 'c2'), { kind: 'linked', candidate: a, how: 'automatic' });
  });

  it('orders the Link… pick with the repository\'s services first', () => {
    const mine = service({ url: WEB, branch: 'develop', serviceName: 'web' });
    const db = service({ serviceName: 'postgres', serviceType: 'DATABASE' });
    const api = service({ url: 'https://github.com/acme/api.git', branch: 'main', serviceName: 'api' });
    const { repository, others } = orderForPick([db, api, mine], local(WEB, 'main'));
    assert.deepEqual(repository, [mine]);
    assert.deepEqual(others.map((s) => s.serviceName), ['api', 'postgres']);
  });

  it('reads git_repository where each service type keeps it', () => {
    const git = { url: 'https://github.com/acme/x.git', branch: 'main', root_path: '/x', deployed_commit_id: 'abc1234' };
    assert.equal(gitRepositoryOf({ service_type: 'APPLICATION', git_repository: git })?.rootPath, '/x');
    assert.equal(gitRepositoryOf({ service_type: 'JOB', source: { docker: { git_repository: git } } })?.branch, 'main');
    assert.equal(gitRepositoryOf({ service_type: 'HELM', source: { git: { git_repository: git } } })?.url, git.url);
    assert.equal(gitRepositoryOf({ service_type: 'TERRAFORM', terraform_files_source: { git: { git_repository: git } } })?.deployedCommitId, 'abc1234');
    assert.equal(gitRepositoryOf({ service_type: 'CONTAINER', image_name: 'x' }), undefined);
    assert.equal(gitRepositoryOf({ git_repository: { url: 42, branch: ['main'] } })?.url, undefined);
    assert.equal(gitRepositoryOf(null), undefined);
  });
});
