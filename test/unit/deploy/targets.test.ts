// Every argument shape the deploy commands accept, read as before the reader moved to src/shared.
import * as assert from 'node:assert/strict';
import { environmentTargetOf, serviceTargetOf } from '../../../src/deploy/targets';

const ids = { organizationId: 'o', projectId: 'p', environmentId: 'e' };
const serviceRow = { key: 'service:s', ...ids, service: { id: 's', name: 'web', service_type: 'APPLICATION', git_repository: { url: 'https://github.com/a/b.git' } } };
const databaseRow = { key: 'service:d', ...ids, service: { id: 'd', name: 'db', service_type: 'DATABASE' } };
const environmentRow = { key: 'env:e', organizationId: 'o', projectId: 'p', environment: { id: 'e', name: 'production', mode: 'PRODUCTION' } };
const candidate = { ...ids, organizationName: 'Acme', projectName: 'store', environmentName: 'production', environmentMode: 'PRODUCTION', serviceId: 's', serviceName: 'web', serviceType: 'APPLICATION', git: {} };
const workspaceRow = { key: 'workspace:file:///work/b', link: { status: 'linked', folder: { name: 'b' }, link: candidate } };
const variablesOfService = { scope: 'APPLICATION', parentId: 's', name: 'web', ...ids, serviceId: 's' };
const variablesOfEnvironment = { scope: 'ENVIRONMENT', parentId: 'e', name: 'production', ...ids };
const logsArgument = { ...ids, serviceId: 's', serviceName: 'web', executionId: 'x-1' };
const serviceRef = { ...ids, environmentName: 'production', serviceId: 's', serviceName: 'web', serviceType: 'CONTAINER' };
const environmentRef = { ...ids, environmentName: 'staging', environmentMode: 'STAGING' };

const web = { ...ids, serviceId: 's', serviceName: 'web', serviceType: 'APPLICATION' };
const environment = (name?: string, mode?: string) => ({ ...ids, environmentName: name, environmentMode: mode });

describe('deploy: every argument shape its commands accept', () => {
  const cases: [string, unknown, unknown, unknown][] = [
    // name, argument, service read, environment read
    ['a service row', serviceRow, { ...web, buildSource: { kind: 'git' } }, environment()],
    ['a database row', databaseRow, { ...ids, serviceId: 'd', serviceName: 'db', serviceType: 'DATABASE', buildSource: { kind: 'none' } }, environment()],
    ['an environment row', environmentRow, undefined, environment('production', 'PRODUCTION')],
    ['a workspace candidate', candidate, { ...web, environmentName: 'production', environmentMode: 'PRODUCTION' }, environment('production', 'PRODUCTION')],
    ["a service's variables target", variablesOfService, web, environment()],
    ["an environment's variables target", variablesOfEnvironment, undefined, environment()],
    ['a deployment-log argument', logsArgument, undefined, environment()],
    ['a service reference', serviceRef, { ...serviceRef, environmentMode: undefined }, environment('production')],
    ['an environment reference', environmentRef, undefined, environment('staging', 'STAGING')],
    // The old reader saw nothing in it and acted on the active editor's folder, not the row's.
    ['a "This Workspace" folder row', workspaceRow, { ...web, environmentName: 'production', environmentMode: 'PRODUCTION' }, environment('production', 'PRODUCTION')],
    ['a row of another kind', { key: 'project:p', ...ids }, undefined, undefined],
    ['a service row of an unknown type', { ...serviceRow, service: { id: 's', name: 'x', service_type: 'ARGOCD_APP' } }, undefined, undefined],
    ['a service row without its name', { ...serviceRow, service: { id: 's', service_type: 'APPLICATION' } }, undefined, undefined],
    ['an environment row without its project', { ...environmentRow, projectId: undefined }, undefined, undefined],
  ];
  for (const [name, arg, service, env] of cases) {
    it(`reads ${name}`, () => {
      assert.deepEqual(serviceTargetOf(arg), service);
      assert.deepEqual(environmentTargetOf(arg), env);
    });
  }

  it('reads nothing from junk', () => {
    for (const junk of [undefined, null, 3, 'qovery', [], {}, { key: 7 }]) {
      assert.equal(serviceTargetOf(junk), undefined);
      assert.equal(environmentTargetOf(junk), undefined);
    }
  });
});
