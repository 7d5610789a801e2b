import * as assert from 'node:assert/strict';
import { plainL10n, presentService } from '../../../src/tree/present';

// Qovery's OUT_OF_DATE means the configuration changed and needs a redeploy (the console's wording):
// a service row never says "out of date", which reads as "a newer commit exists".
describe('tree: a service row words its deployment status as Qovery\'s console does', () => {
  const service = { id: 's', name: 'api', service_type: 'CONTAINER' };
  const row = (status: string) => presentService(service, { id: 's', state: 'DEPLOYED', service_deployment_status: status }, plainL10n);

  it('OUT_OF_DATE: "configuration changed" in the row, "redeploy to apply it" in the tooltip', () => {
    const r = row('OUT_OF_DATE');
    assert.equal(r.description, 'container · running · configuration changed');
    assert.ok(!r.description?.includes('out of date'));
    assert.ok(r.tooltipRows.some(([, value]) => value === 'configuration changed: redeploy to apply it'), JSON.stringify(r.tooltipRows));
  });

  it('UP_TO_DATE and NEVER_DEPLOYED', () => {
    assert.equal(row('UP_TO_DATE').description, 'container · running · up to date');
    assert.equal(row('NEVER_DEPLOYED').description, 'container · running · never deployed');
  });
});
