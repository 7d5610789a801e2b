import * as assert from 'node:assert/strict';
import { isProductionLike } from '../../../src/shared/environmentMode';
import { loadSource } from '../support/loadSource';
import type * as Act from '../../../src/agents/act';

const PRODUCTION_LIKE = ['PRODUCTION', 'production', 'Production', ' PRODUCTION ', 'PROD', 'LIVE', '', undefined];
const SAFE = ['DEVELOPMENT', 'development', 'Staging', 'PREVIEW', ' preview'];

describe('environment modes: one rule for what is confirmed as production', () => {
  it('confirms production whatever its spelling, and any mode not known to be safe', () => {
    for (const mode of PRODUCTION_LIKE) {
      assert.equal(isProductionLike(mode), true, String(mode));
    }
    for (const mode of SAFE) {
      assert.equal(isProductionLike(mode), false, mode);
    }
  });

  it("the agents' act confirmation marks production exactly where the deploy commands confirm it", async () => {
    const format = (text: string, ...args: unknown[]): string => text.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
    const act = await loadSource<typeof Act>('src/agents/act.ts', { l10n: { t: format } });
    const service = { serviceId: 's', serviceName: 'web', environmentId: 'e', environmentName: 'env', projectId: 'p', projectName: 'store', organizationId: 'o', organizationName: 'Acme' };
    for (const mode of [...PRODUCTION_LIKE, ...SAFE]) {
      const { message } = act.actConfirmation('redeploy', { ...service, environmentMode: mode } as Parameters<typeof act.actConfirmation>[1], 'abc1234');
      assert.equal(message.includes('This is a production environment'), isProductionLike(mode), `${String(mode)}: ${message}`);
    }
  });
});
