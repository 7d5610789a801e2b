// Baseline 1: the same requests as the tree, sent one after another by a plain script with fetch,
// the way a first version or a shell loop over the API would do it.
import { ROUTES, type AccountSize, type Plan, type RouteName, type Scope, type SequentialRun } from './protocol';

interface Named {
  id: string;
  name: string;
}

const byName = (a: Named, b: Named): number => a.name.localeCompare(b.name);

/** How much of the account the sequential baseline walks: the first organization and its first projects. */
export interface SequentialSample {
  organizations: number;
  projectsPerOrganization: number;
}

export async function runSequential(
  baseUrl: string,
  token: string,
  size: AccountSize,
  scope: Scope,
  plan: Plan,
  sample: SequentialSample,
): Promise<SequentialRun> {
  const totals = new Map<RouteName, { count: number; ms: number }>();
  const get = async (route: RouteName, path: string): Promise<unknown> => {
    const started = performance.now();
    const res = await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    if (!res.ok) {
      throw new Error(`GET ${path} answered ${res.status}`);
    }
    const body: unknown = await res.json();
    const total = totals.get(route) ?? { count: 0, ms: 0 };
    total.count++;
    total.ms += performance.now() - started;
    totals.set(route, total);
    return body;
  };
  const results = (body: unknown): Named[] => ((body as { results?: Named[] }).results ?? []).slice().sort(byName);

  const started = performance.now();
  const organizations = results(await get('organizations', '/organization')).slice(0, sample.organizations);
  for (const organization of organizations) {
    const projects = results(await get('projects', `/organization/${organization.id}/project`));
    const expanded = Math.min(sample.projectsPerOrganization, scope.expandProjects ?? projects.length);
    for (const project of projects.slice(0, expanded)) {
      const environments = results(await get('environments', `/project/${project.id}/environment`));
      await get('environmentStatuses', `/project/${project.id}/environment/status`);
      for (const environment of environments) {
        await get('services', `/environment/${environment.id}/services`);
        await get('serviceStatuses', `/environment/${environment.id}/statuses`);
      }
    }
  }
  const sampleMs = performance.now() - started;

  const meanMsByRoute: Record<string, number> = {};
  let estimatedWholeMs = 0;
  let sampleRequests = 0;
  for (const [route, { count, ms }] of totals) {
    meanMsByRoute[ROUTES[route]] = ms / count;
    estimatedWholeMs += (plan.byRoute[ROUTES[route]] ?? 0) * (ms / count);
    sampleRequests += count;
  }
  const expandedPerOrganization = Math.min(size.projectsPerOrganization, scope.expandProjects ?? size.projectsPerOrganization);
  const exact = sample.organizations >= size.organizations && sample.projectsPerOrganization >= expandedPerOrganization;
  return { sampleRequests, sampleMs, meanMsByRoute, estimatedWholeMs: exact ? sampleMs : estimatedWholeMs, exact };
}
