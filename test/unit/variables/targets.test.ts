// Every argument shape the variables commands accept, read as before the reader moved to src/shared.
import * as assert from 'node:assert/strict';
import { variableTargetOf } from '../../../src/variables/targets';

const ids = { organizationId: 'o', projectId: 'p', environmentId: 'e' };
const ofWeb = { scope: 'APPLICATION', parentId: 's', name: 'web', ...ids, serviceId: 's' };
const ofProduction = { scope: 'ENVIRONMENT', parentId: 'e', name: 'production', ...ids };
const candidate = { ...ids, organizationName: 'Acme', projectName: 'store', environmentName: 'production', environmentMode: 'PRODUCTION', serviceId: 's', serviceName: 'web', serviceType: 'APPLICATION', git: {} };

describe('variables: every argument shape its commands accept', () => {
  const cases: [string, unknown, unknown][] = [
    ['a Variables row of a service', { key: 'variables:s', target: ofWeb }, ofWeb],
    ['a Variables row of an environment', { key: 'variables:e', target: ofProduction }, ofProduction],
    ['a variable row', { key: 'variable:s:v', target: ofWeb, variable: { id: 'v', key: 'PORT' } }, ofWeb],
    ['a service row', { key: 'service:s', ...ids, service: { id: 's', name: 'web', service_type: 'APPLICATION' } }, ofWeb],
    ['an environment row', { key: 'env:e', organizationId: 'o', projectId: 'p', environment: { id: 'e', name: 'production', mode: 'PRODUCTION' } }, ofProduction],
    ['a variables target', ofWeb, ofWeb],
    ['a database row (no variables)', { key: 'service:d', ...ids, service: { id: 'd', name: 'db', service_type: 'DATABASE' } }, undefined],
    ['a service row without its environment', { key: 'service:s', organizationId: 'o', projectId: 'p', service: { id: 's', name: 'web', service_type: 'APPLICATION' } }, undefined],
    ['an environment row without its project', { key: 'env:e', organizationId: 'o', environment: { id: 'e', name: 'production' } }, undefined],
    ['a row of another kind', { key: 'project:p', ...ids }, undefined],
  ];
  for (const [name, arg, expected] of cases) {
    it(`reads ${name}`, () => assert.deepEqual(variableTargetOf(arg), expected));
  }

  // The old reader saw nothing in these and asked for an organization, a project, an environment and a service.
  it('reads a "This Workspace" folder row and a workspace candidate as their service', () => {
    assert.deepEqual(variableTargetOf({ key: 'workspace:file:///a', link: { status: 'linked', link: candidate } }), ofWeb);
    assert.deepEqual(variableTargetOf(candidate), ofWeb);
    assert.equal(variableTargetOf({ ...candidate, serviceType: 'DATABASE' }), undefined);
  });

  it('reads nothing from junk', () => {
    for (const junk of [undefined, null, 3, 'qovery', [], {}]) {
      assert.equal(variableTargetOf(junk), undefined);
    }
  });
});
