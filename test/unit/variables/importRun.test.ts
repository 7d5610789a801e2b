import * as assert from 'node:assert/strict';
import { QoveryClient } from '../../../src/api';
import { errorKind } from '../../../src/api/errors';
import { VariablesApi } from '../../../src/variables/api';
import { importEach } from '../../../src/variables/importRun';
import type { ImportItem } from '../../../src/variables/preview';
import { DEMO, startQoveryServer, type QoveryServer } from '../../qovery';

// One call per variable (an environment's import) against the test server: which were created,
// which failed and which were not tried.
describe('variables: an import sent one variable at a time', function () {
  this.timeout(20_000);
  let server: QoveryServer;
  let api: VariablesApi;
  const level = { scope: 'ENVIRONMENT' as const, parentId: DEMO.environments.storefrontProduction };
  const item = (key: string, value = 'v'): ImportItem => ({ key, value, action: 'create', secret: false });

  before(async () => {
    server = await startQoveryServer();
    api = new VariablesApi(new QoveryClient({ baseUrl: server.url, token: server.tokens.admin, maxRetries: 0 }));
  });
  after(async () => {
    await server?.close();
  });

  it('sends every item in order when all are accepted', async () => {
    const run = await importEach(api, [item('RUN_A'), item('RUN_B')], level);
    assert.deepEqual(run, { done: ['RUN_A', 'RUN_B'], notTried: [] });
    assert.deepEqual(server.state.variables().filter((v) => v.key.startsWith('RUN_')).map((v) => v.key).sort(), ['RUN_A', 'RUN_B']);
  });

  it('stops at the first failure and tells the created, the failed and the not tried apart', async () => {
    server.setFault('POST /variable', { status: 500, skip: 2, times: 1 });
    const run = await importEach(api, ['PART_1', 'PART_2', 'PART_3', 'PART_4', 'PART_5'].map((k) => item(k)), level);
    assert.deepEqual(run.done, ['PART_1', 'PART_2']);
    assert.equal(run.failed?.key, 'PART_3');
    assert.equal(errorKind(run.failed?.error), 'server');
    assert.deepEqual(run.notTried, ['PART_4', 'PART_5']);
    assert.deepEqual(server.state.variables().filter((v) => v.key.startsWith('PART_')).map((v) => v.key).sort(), ['PART_1', 'PART_2']);
    // Sent again (what is there now is left out by the plan), the rest goes through.
    const again = await importEach(api, ['PART_3', 'PART_4', 'PART_5'].map((k) => item(k)), level);
    assert.deepEqual(again, { done: ['PART_3', 'PART_4', 'PART_5'], notTried: [] });
  });
});
