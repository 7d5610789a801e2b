// What creating a preview environment costs in REST requests, from the clone to the deploy (the follow
// after it is the deployment streams' figure): plain Node, the creation saga against the test server on
// 127.0.0.1. The blueprint is the demo's storefront production (8 services), and every copy whose
// source a branch can be set on is pointed at the branch: the most requests a creation can make there.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QoveryClient } from '../../src/api';
import { FileLeases } from '../../src/auth/rotation/storage';
import { previewApiOf } from '../../src/preview/api';
import { journalKey, type PreviewJournal } from '../../src/preview/model';
import { PreviewSaga, type PreviewJournalStore } from '../../src/preview/saga';
import { DEMO, startQoveryServer } from '../qovery';

export interface PreviewCost {
  services: number;
  pointed: number;
  requests: number;
  byRoute: Record<string, number>;
}

class MemoryJournals implements PreviewJournalStore {
  readonly #entries = new Map<string, PreviewJournal>();
  get(key: string): PreviewJournal | undefined {
    return this.#entries.get(key);
  }
  list(): PreviewJournal[] {
    return [...this.#entries.values()];
  }
  save(journal: PreviewJournal): Promise<void> {
    this.#entries.set(journal.key, journal);
    return Promise.resolve();
  }
  clear(key: string): Promise<void> {
    this.#entries.delete(key);
    return Promise.resolve();
  }
}

export async function measurePreviewCost(): Promise<PreviewCost> {
  const server = await startQoveryServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qovery-bench-preview-'));
  try {
    const branch = 'feat/bench';
    const head = 'b'.repeat(40);
    server.deployments.setTimings({ stepMs: 20 });
    const blueprint = DEMO.environments.storefrontProduction;
    const names = server.state.account.services(blueprint).map((s) => s.name);
    for (const s of server.state.account.services(blueprint)) {
      if ('repository' in s.source && typeof s.source.repository === 'string') {
        server.deployments.pushBranchCommit(s.source.repository, branch, { sha: head });
      }
    }
    const saga = new PreviewSaga({
      api: previewApiOf(new QoveryClient({ baseUrl: server.url, token: server.tokens.admin, maxRetries: 0 })),
      journals: new MemoryJournals(),
      leases: new FileLeases(dir, { now: () => Date.now() }),
      now: () => Date.now(),
      log: { info: () => undefined, warn: () => undefined },
    });
    server.clearLog();
    const outcome = await saga.create({
      key: journalKey('bench', DEMO.projects.storefront, 'github.com/acme/storefront-web', branch),
      connectionId: 'bench',
      organizationId: DEMO.organizations.acme,
      projectId: DEMO.projects.storefront,
      blueprintId: blueprint,
      blueprintName: 'production',
      branch,
      commitId: head,
      pointNames: new Set(names),
    });
    if (outcome.kind !== 'created') {
      throw new Error(`the preview was not created: ${JSON.stringify(outcome)}`);
    }
    const byRoute: Record<string, number> = {};
    for (const r of server.requests) {
      const route = `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')}`;
      byRoute[route] = (byRoute[route] ?? 0) + 1;
    }
    return { services: names.length, pointed: outcome.pointed.length, requests: server.requests.length, byRoute };
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// `node out/test/bench/preview.js`: prints the figures as JSON.
if (require.main === module) {
  measurePreviewCost().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
