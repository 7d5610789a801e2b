import * as assert from 'node:assert/strict';
import { failingStepLines, type DeploymentLogEntry } from '../../../src/logs/deployment';

const entry = (o: Partial<DeploymentLogEntry>): DeploymentLogEntry => ({ type: 'info', at: NaN, ...o });

describe('logs: the failing step of a failed deployment (for Problems)', () => {
  const api = 'api-id';
  const web = 'web-id';
  const entries = [
    entry({ transmitterId: api, stageName: 'Build', step: 'Build', message: 'Step 1/4 : FROM node:20' }),
    entry({ transmitterId: api, stageName: 'Build', step: 'Build', message: 'src/a.ts:3:7 - error TS2322: bad\nsrc/b.ts:1:1 - error TS1005: worse' }),
    entry({ transmitterId: web, stageName: 'Build', step: 'Build', message: 'web/src/c.ts:2:2 - error TS1: not mine' }),
    entry({ transmitterId: api, stageName: 'Build', step: 'BuildError', type: 'error', message: '\u001b[31mThe build failed.\u001b[0m', error: { userMessage: 'The build of api failed.' } }),
    entry({ transmitterId: api, stageName: 'Deploy', step: 'Deploy', message: 'src/d.ts:9:9 - error later stage' }),
  ];

  it("gives the lines of the stage of the service's last error, each message's lines apart, in plain text", () => {
    assert.deepEqual(failingStepLines(entries, api), ['Step 1/4 : FROM node:20', 'src/a.ts:3:7 - error TS2322: bad', 'src/b.ts:1:1 - error TS1005: worse', 'The build failed.']);
  });

  it('gives nothing when the service has no error (its deployment did not fail)', () => {
    assert.equal(failingStepLines(entries, web), undefined);
    assert.equal(failingStepLines(entries.filter((e) => e.type !== 'error'), api), undefined);
  });

  it('without a service: the stage of the last error of any', () => {
    assert.equal(failingStepLines(entries, undefined)?.length, 5);
  });
});
