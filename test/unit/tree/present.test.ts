import * as assert from 'node:assert/strict';
import { ageText, plainL10n, presentEnvironment, presentService } from '../../../src/tree/present';

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

describe('tree: a preview environment\'s row tells its age', () => {
  const now = Date.parse('2026-12-07T12:00:00.000Z');
  const env = (mode: string) => ({ id: 'e', name: 'feat-login', mode, created_at: '2026-12-04T09:00:00.000Z' });
  const age = (mode: string) => presentEnvironment(env(mode), { id: 'e', state: 'DEPLOYED' }, plainL10n, now).tooltipRows.find(([label]) => label === 'Age')?.[1];

  it('a preview: its age in the tooltip; other modes: none', () => {
    assert.equal(age('PREVIEW'), '3 days');
    assert.equal(age('STAGING'), undefined);
  });

  it('minutes, hours, then days; nothing for a date to come or not a date', () => {
    assert.equal(ageText('2026-12-07T11:59:00.000Z', now, plainL10n), '1 minute');
    assert.equal(ageText('2026-12-07T10:00:00.000Z', now, plainL10n), '2 hours');
    assert.equal(ageText('2026-12-05T13:00:00.000Z', now, plainL10n), '47 hours');
    assert.equal(ageText('2026-12-08T12:00:00.000Z', now, plainL10n), undefined);
    assert.equal(ageText('soon', now, plainL10n), undefined);
  });
});
