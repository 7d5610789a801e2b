// Diagnostic: the tree's requests sent with plain fetch from the extension host, with at most `cap`
// requests in flight (0: no cap), to show how the time of a whole-account load depends on the cap
// of the extension's API client, apart from the rest of the extension's code.
import type { Scope } from './protocol';
import { emptyCounts, type WalkResult } from './walk';

interface Named {
  id: string;
  name?: string;
}

export async function cappedFetchWalk(baseUrl: string, token: string, scope: Scope, cap: number, start: number): Promise<WalkResult> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const get = async (path: string): Promise<Named[]> => {
    if (cap > 0 && running >= cap) {
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
      const res = await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
      if (!res.ok) {
        throw new Error(`GET ${path} answered ${res.status}`);
      }
      const body = (await res.json()) as { results?: Named[] };
      return (body.results ?? []).slice().sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
  const rows = emptyCounts();
  const organizations = await get('/organization');
  rows.organization = organizations.length;
  const firstLevelMs = performance.now() - start;
  await Promise.all(
    organizations.map(async (organization) => {
      const projects = await get(`/organization/${organization.id}/project`);
      rows.project += projects.length;
      const expanded = scope.expandProjects === undefined ? projects : projects.slice(0, scope.expandProjects);
      await Promise.all(
        expanded.map(async (project) => {
          const [environments] = await Promise.all([get(`/project/${project.id}/environment`), get(`/project/${project.id}/environment/status`)]);
          rows.environment += environments.length;
          await Promise.all(
            environments.map(async (environment) => {
              const [services] = await Promise.all([get(`/environment/${environment.id}/services`), get(`/environment/${environment.id}/statuses`)]);
              rows.service += services.length;
            }),
          );
        }),
      );
    }),
  );
  return { firstLevelMs, wholeMs: performance.now() - start, rows };
}
