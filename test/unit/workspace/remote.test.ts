import * as assert from 'node:assert/strict';
import { normaliseRemoteUrl, repositoryKeyOf } from '../../../src/workspace/remote';

const key = (url: string): string | undefined => normaliseRemoteUrl(url)?.key;

describe('workspace link: remote URL normalisation', () => {
  it('gives SSH (scp-like and ssh://), HTTPS and git:// forms of one repository the same key', () => {
    const forms = [
      'https://github.com/acme/storefront-web.git',
      'https://github.com/acme/storefront-web',
      'https://github.com/acme/storefront-web/',
      'http://github.com/acme/storefront-web.git',
      'git@github.com:acme/storefront-web.git',
      'git@github.com:acme/storefront-web',
      'ssh://git@github.com/acme/storefront-web.git',
      'ssh://git@github.com:22/acme/storefront-web.git',
      'git://github.com/acme/storefront-web.git',
      'git+ssh://git@github.com/acme/storefront-web.git',
      '  https://github.com/acme/storefront-web.git\n',
    ];
    for (const form of forms) {
      assert.equal(key(form), 'github.com/acme/storefront-web', form);
    }
  });

  it('ignores the case of host, owner and name', () => {
    assert.equal(key('https://GitHub.COM/Acme/Storefront-Web.GIT'), 'github.com/acme/storefront-web');
    assert.equal(key('git@GITHUB.com:ACME/storefront-web.git'), 'github.com/acme/storefront-web');
  });

  it('keeps GitLab subgroups', () => {
    assert.equal(key('https://gitlab.com/acme/platform/backend/api.git'), 'gitlab.com/acme/platform/backend/api');
    assert.equal(key('git@gitlab.com:acme/platform/backend/api.git'), 'gitlab.com/acme/platform/backend/api');
    assert.notEqual(key('https://gitlab.com/acme/platform/api.git'), key('https://gitlab.com/acme/api.git'));
  });

  it('drops ports, so a self-hosted SSH port and HTTPS match', () => {
    assert.equal(key('ssh://git@git.acme.example:2222/team/app.git'), 'git.acme.example/team/app');
    assert.equal(key('https://git.acme.example:8443/team/app'), 'git.acme.example/team/app');
  });

  it('drops credentials, and the key never holds them', () => {
    const withSecrets = [
      'https://x-access-token:ghp_SECRETSECRET@github.com/acme/storefront-web.git',
      'https://oauth2:glpat-SECRETSECRET@github.com/acme/storefront-web.git',
      'https://alice@github.com/acme/storefront-web.git',
      'ssh://alice:SECRETSECRET@github.com/acme/storefront-web.git',
    ];
    for (const url of withSecrets) {
      const k = normaliseRemoteUrl(url);
      assert.equal(k?.key, 'github.com/acme/storefront-web', url);
      assert.ok(!JSON.stringify(k).includes('SECRET') && !JSON.stringify(k).includes('alice'), url);
    }
  });

  it('refuses what names no hosted repository', () => {
    for (const url of ['', '   ', '/home/alice/repo', '../other', 'C:\\repos\\app', 'file:///srv/git/app.git', 'https://github.com/acme', 'not a url', 'git@github.com:']) {
      assert.equal(normaliseRemoteUrl(url), undefined, url);
    }
    assert.equal(normaliseRemoteUrl(undefined), undefined);
    assert.equal(normaliseRemoteUrl(null), undefined);
  });

  it('keys a service git_repository by its URL, else by provider, owner and name', () => {
    assert.equal(repositoryKeyOf({ url: 'https://github.com/acme/infra.git', provider: 'GITHUB', owner: 'acme', name: 'acme/infra' })?.key, 'github.com/acme/infra');
    assert.equal(repositoryKeyOf({ provider: 'GITLAB', owner: 'Acme', name: 'platform-api' })?.key, 'gitlab.com/acme/platform-api');
    assert.equal(repositoryKeyOf({ provider: 'BITBUCKET', owner: 'acme', name: 'acme/site' })?.key, 'bitbucket.org/acme/site');
    assert.equal(repositoryKeyOf({ provider: 'SOMETHING', name: 'x/y' }), undefined);
  });
});
