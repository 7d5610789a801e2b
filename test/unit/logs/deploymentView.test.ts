import * as assert from 'node:assert';
import type { EnvironmentServiceStatuses } from '../../../src/api';
import type { DeploymentLogEntry } from '../../../src/logs/deployment';
import type { DeploymentLogView, DeploymentViewOptions } from '../../../src/logs/deploymentView';
import { loadSource } from '../support/loadSource';

/** What the view uses of VS Code outside the editor: l10n.t. */
const vscodeStandIn = { l10n: { t: (text: string, ...args: unknown[]) => text.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) } };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('deployment log view: a burst of stream messages', () => {
  let View: new (o: DeploymentViewOptions) => DeploymentLogView;

  before(async () => {
    ({ DeploymentLogView: View } = await loadSource<{ DeploymentLogView: typeof View }>('src/logs/deploymentView.ts', vscodeStandIn));
  });

  it('1,000 messages in a row redraw once at once and once at the end of the burst, not once each; the last entry is shown', async () => {
    let changes = 0;
    let onEntries: ((entries: DeploymentLogEntry[]) => void) | undefined;
    let onStatuses: ((s: EnvironmentServiceStatuses | undefined) => void) | undefined;
    const view = new View({
      uri: {} as DeploymentViewOptions['uri'],
      target: { environmentId: 'env', serviceId: 'web' },
      title: 'web',
      documents: { changed: () => changes++ } as unknown as DeploymentViewOptions['documents'],
      fetch: () => Promise.resolve({ entries: [], executionId: 'x' }),
      watch: (_id, listener) => {
        onStatuses = listener;
        return { dispose: () => undefined };
      },
      stream: (entries, state) => {
        onEntries = entries;
        state('connected');
        return { close: () => undefined };
      },
      onError: (e) => assert.fail(String(e)),
    });
    await view.start();
    assert.ok(onStatuses);
    onStatuses({ environment: { id: 'env', state: 'DEPLOYING' }, applications: [{ id: 'web', state: 'DEPLOYING' }] } as unknown as EnvironmentServiceStatuses);
    assert.ok(onEntries);
    const base = changes;
    const t0 = Date.parse('2026-12-01T10:00:00.000Z');
    for (let i = 0; i < 1_000; i++) {
      onEntries([{ type: 'info', at: t0 + i, step: 'Build', message: `line ${i}`, transmitterId: 'web', executionId: 'x' }]);
    }
    assert.strictEqual(changes - base, 1, 'one redraw at once');
    await sleep(400);
    assert.strictEqual(changes - base, 2, 'one more at the end of the burst');
    assert.strictEqual(view.entries.length, 1_000);
    assert.strictEqual(view.entries[999].message, 'line 999');
    view.dispose();
  });
});
