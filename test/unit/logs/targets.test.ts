// Every argument shape Show Deployment Logs and Show Service Logs accept, read as before the reader moved to src/shared.
import * as assert from 'node:assert/strict';
import { logTargetOf } from '../../../src/shared/targets';

const ids = { organizationId: 'o', projectId: 'p', environmentId: 'e' };
const candidate = { ...ids, organizationName: 'Acme', projectName: 'store', environmentName: 'production', environmentMode: 'PRODUCTION', serviceId: 's', serviceName: 'web', serviceType: 'APPLICATION', git: {} };

describe('logs: every argument shape its commands accept', () => {
  const web = { ...ids, serviceId: 's', serviceName: 'web' };
  const cases: [string, unknown, unknown][] = [
    ['a service row', { key: 'service:s', ...ids, service: { id: 's', name: 'web', service_type: 'APPLICATION' } }, web],
    // The ids above the service are not needed to read logs: a row without them still reads.
    ['a service row without its project', { key: 'service:s', environmentId: 'e', service: { id: 's', name: 'web' } }, { organizationId: undefined, projectId: undefined, environmentId: 'e', serviceId: 's', serviceName: 'web' }],
    ['an environment row (its name titles the view)', { key: 'env:e', organizationId: 'o', projectId: 'p', environment: { id: 'e', name: 'production' } }, { ...ids, serviceName: 'production' }],
    ['a "This Workspace" folder row', { key: 'workspace:file:///a', link: { status: 'linked', link: candidate } }, { ...web, executionId: undefined, environmentName: 'production' }],
    ['a workspace candidate', candidate, { ...web, executionId: undefined, environmentName: 'production' }],
    ["the deploy feature's argument", { ...web, executionId: 'x-1' }, { ...web, executionId: 'x-1', environmentName: undefined }],
    ['an environment only', { environmentId: 'e' }, { organizationId: undefined, projectId: undefined, environmentId: 'e', serviceId: undefined, serviceName: undefined, executionId: undefined, environmentName: undefined }],
    ["a service's variables target (its name is not read)", { scope: 'APPLICATION', parentId: 's', name: 'web', ...ids, serviceId: 's' }, { ...ids, serviceId: 's', serviceName: undefined, executionId: undefined, environmentName: undefined }],
    ['a service row without its environment', { key: 'service:s', service: { id: 's' } }, undefined],
    ['an environment row without its id', { key: 'env:e', environment: { name: 'x' } }, undefined],
    ['a "This Workspace" row not linked', { key: 'workspace:file:///a', link: { status: 'pick' } }, undefined],
    ['a Variables row', { key: 'variables:s', target: { scope: 'APPLICATION', parentId: 's', name: 'web', ...ids, serviceId: 's' } }, undefined],
  ];
  for (const [name, arg, expected] of cases) {
    it(`reads ${name}`, () => assert.deepEqual(logTargetOf(arg), expected));
  }

  it('reads nothing from junk', () => {
    for (const junk of [undefined, null, 3, 'qovery', [], {}, { key: 'project:p' }]) {
      assert.equal(logTargetOf(junk), undefined);
    }
  });
});
