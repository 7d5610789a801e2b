import * as assert from 'node:assert/strict';
import { tokenInUse } from '../../../src/auth/rotation/policyTokens';

describe('rotation: a token in use that is a policy API token', () => {
  const api = [{ id: 'a1', name: 'ci' }];
  const policy = [{ id: 'p1', name: 'deploy-policy' }];

  it('found among the API tokens: rotatable', () => {
    assert.deepEqual(tokenInUse('a1', api, policy), { kind: 'apiToken', token: api[0] });
  });

  it('not among the API tokens but among the policy tokens: said to be a policy token (not "not found")', () => {
    assert.deepEqual(tokenInUse('p1', api, policy), { kind: 'policyToken', token: policy[0] });
  });

  it('in neither list, an unknown id, or the policy list unreadable: unknown', () => {
    assert.deepEqual(tokenInUse('zz', api, policy), { kind: 'unknown' });
    assert.deepEqual(tokenInUse(undefined, api, policy), { kind: 'unknown' });
    assert.deepEqual(tokenInUse('p1', api, undefined), { kind: 'unknown' });
  });
});

describe('rotation: the policy API token list against the test server and the spec', function () {
  this.timeout(20_000);

  it('GET /organization/{id}/policyApiToken lists tokens that the API token list never shows; the answer matches the spec', async () => {
    const { QoveryClient } = await import('../../../src/api');
    const { DEMO, startQoveryServer } = await import('../../qovery');
    const { loadSpec, validateResponse } = await import('../../qovery/contract');
    const server = await startQoveryServer();
    try {
      const client = new QoveryClient({ baseUrl: server.url, token: server.tokens.admin });
      const policy = await client.listPolicyApiTokens(DEMO.organizations.acme);
      assert.equal(policy.length, 1);
      const api = await client.listApiTokens(DEMO.organizations.acme);
      assert.equal(api.some((t) => policy.some((p) => p.id === t.id)), false, 'never in the API token list');
      assert.deepEqual(tokenInUse(policy[0].id, api, policy), { kind: 'policyToken', token: policy[0] });
      const spec = loadSpec();
      if (spec) {
        const path = `/organization/${DEMO.organizations.acme}/policyApiToken`;
        const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Token ${server.tokens.admin}` } });
        const result = validateResponse(spec, 'GET', path, response.status, await response.json());
        assert.deepEqual([...result.errors, ...result.unknownProperties], []);
      }
    } finally {
      await server.close();
    }
  });
});
