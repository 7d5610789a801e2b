import * as assert from 'node:assert/strict';
import { currentStage, deploymentLogsUrl, deploymentStatusUrl, followProgressText, parseStatusMessage, stageText } from '../../../src/shared/deploymentStreams';
import { plainL10n } from '../../../src/tree/present';
import { DEMO, startQoveryServer } from '../../qovery';

const T = { organizationId: 'o', clusterId: 'c', projectId: 'p', environmentId: 'e' };

describe('deployment streams: URLs, status messages and stages', () => {
  it('the URLs name organization, cluster, project and environment; a version only when one is asked for', () => {
    assert.equal(deploymentStatusUrl('wss://ws.qovery.com', T), 'wss://ws.qovery.com/deployment/status?organization=o&cluster=c&project=p&environment=e');
    assert.equal(deploymentLogsUrl('wss://ws.qovery.com', T), 'wss://ws.qovery.com/deployment/logs?organization=o&cluster=c&project=p&environment=e');
    assert.equal(deploymentLogsUrl('wss://x', T, 'e-101'), 'wss://x/deployment/logs?organization=o&cluster=c&project=p&environment=e&version=e-101');
  });

  it("reads the test server's statusesWithStages message as a statuses answer with its stages", async () => {
    const server = await startQoveryServer();
    try {
      const env = DEMO.environments.storefrontProduction;
      server.deploymentStreams.setStages(env, [
        { name: 'data', serviceIds: [DEMO.services.storefrontPostgres] },
        { name: 'backend', serviceIds: [DEMO.services.storefrontApi] },
        { name: 'frontend', serviceIds: [DEMO.services.storefrontWeb] },
      ]);
      const parsed = parseStatusMessage(JSON.stringify(server.deploymentStreams.statusMessage(env)));
      assert.equal(parsed.environment?.id, env);
      assert.deepEqual(
        parsed.containers.map((s) => s.id),
        [DEMO.services.storefrontApi],
      );
      assert.equal(parsed.applications[0].id, DEMO.services.storefrontWeb);
      assert.equal(stageText(parsed, DEMO.services.storefrontApi, plainL10n), 'stage 2 of 3: backend');
      assert.equal(stageText(parsed, DEMO.services.storefrontWeb, plainL10n), 'stage 3 of 3: frontend');
    } finally {
      await server.close();
    }
  });

  it('the current stage of an environment: the ongoing one, else the first queued; none without stages', () => {
    const msg = (statuses: string[]) =>
      parseStatusMessage(JSON.stringify({ stages: statuses.map((status, i) => ({ applications: [], stage: { id: `s${i}`, name: `n${i}`, description: '', status } })) }));
    assert.deepEqual(currentStage(msg(['DONE', 'ONGOING', 'QUEUED'])), { index: 2, total: 3, name: 'n1' });
    assert.deepEqual(currentStage(msg(['DONE', 'QUEUED', 'QUEUED'])), { index: 2, total: 3, name: 'n1' });
    assert.equal(currentStage(msg(['DONE', 'DONE'])), undefined);
    assert.equal(stageText({ applications: [], containers: [], jobs: [], databases: [], helms: [], terraforms: [] }, undefined, plainL10n), undefined);
  });

  it('a message that is not a statuses answer throws (the stream skips it)', () => {
    assert.throws(() => parseStatusMessage('[]'));
    assert.throws(() => parseStatusMessage('not json'));
    assert.throws(() => parseStatusMessage(JSON.stringify({ stages: [{ applications: [{ state: 'DEPLOYED' }] }] })), 'a status without its id');
  });
});

describe('deployment streams: the follow notification text', () => {
  const withStages = parseStatusMessage(
    JSON.stringify({
      stages: [
        { databases: [{ id: 'db', state: 'DEPLOYED' }], stage: { id: 'a', name: 'data', description: '', status: 'DONE' } },
        { containers: [{ id: 'api', state: 'DEPLOYING' }], stage: { id: 'b', name: 'backend', description: '', status: 'ONGOING' } },
        { applications: [{ id: 'web', state: 'DEPLOYMENT_QUEUED' }], stage: { id: 'c', name: 'frontend', description: '', status: 'QUEUED' } },
      ],
    }),
  );

  it('the step, then the stage of the followed service: "deploying · stage 2 of 3: backend"', () => {
    assert.equal(followProgressText('deploying', withStages, 'api', plainL10n), 'deploying · stage 2 of 3: backend');
    assert.equal(followProgressText('deployment queued', withStages, 'web', plainL10n), 'deployment queued · stage 3 of 3: frontend');
  });

  it('an environment: the stage running now; a polled answer (no stages): the step alone', () => {
    assert.equal(followProgressText('1 of 3 services done', withStages, undefined, plainL10n), '1 of 3 services done · stage 2 of 3: backend');
    assert.equal(followProgressText('deploying', { applications: [], containers: [], jobs: [], databases: [], helms: [], terraforms: [] }, 'api', plainL10n), 'deploying');
  });
});
