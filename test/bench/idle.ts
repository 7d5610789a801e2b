// The idle cost of the workspace link over a simulated hour, in plain Node: the environment status
// service polls a real test server over HTTP while an injected clock jumps from timer to timer and an
// injected focus state says whether the window has focus. Used by scripts/bench.mjs.
import { getServiceStatuses } from '../../src/api/explorer';
import { QoveryClient } from '../../src/api';
import { EnvironmentStatusService } from '../../src/shared/environmentStatus';
import { DEMO, DEMO_ADMIN_TOKEN, startQoveryServer } from '../qovery';
import { FakeClock } from '../support/fakeClock';

export interface IdleHour {
  /** Requests in an hour with the window focused and a service linked (nothing deploying). */
  focused: number;
  /** The same hour with the window unfocused. */
  unfocused: number;
  /** Focused, switching away and back every 30 s (focus refreshes are throttled to one a minute). */
  flapping: number;
}

async function hour(focus: 'focused' | 'unfocused' | 'flapping'): Promise<number> {
  const server = await startQoveryServer();
  try {
    const client = new QoveryClient({ baseUrl: server.url, token: DEMO_ADMIN_TOKEN });
    const clock = new FakeClock();
    const service = new EnvironmentStatusService((id) => getServiceStatuses(client, id), clock, focus !== 'unfocused');
    // The linked service's environment (storefront production: every service deployed).
    const sub = service.watch(DEMO.environments.storefrontProduction, { onStatuses: () => undefined });
    // Settling: lets the HTTP answer of a fetch arrive before the clock jumps again.
    const settle = async (): Promise<void> => {
      do {
        await new Promise((r) => setTimeout(r, 1));
      } while (service.busy);
    };
    if (focus === 'flapping') {
      for (let t = 30_000; t <= 3_600_000; t += 30_000) {
        await clock.runUntil(t, settle);
        service.setFocused(!service.focused);
      }
    } else {
      await clock.runUntil(3_600_000, settle);
    }
    sub.dispose();
    service.dispose();
    return server.requests.length;
  } finally {
    await server.close();
  }
}

export async function simulateIdleHour(): Promise<IdleHour> {
  return { focused: await hour('focused'), unfocused: await hour('unfocused'), flapping: await hour('flapping') };
}
