// Baseline 2: the same requests through Qovery's generated client (qovery-typescript-axios, on axios),
// configured as its documentation shows, with the same parallel expansion as the tree walk.
import {
  Configuration,
  EnvironmentMainCallsApi,
  EnvironmentsApi,
  OrganizationMainCallsApi,
  ProjectsApi,
} from 'qovery-typescript-axios';
import type { Scope } from './protocol';
import { emptyCounts, type WalkResult } from './walk';

interface Named {
  id: string;
  name: string;
}

const sorted = <T extends Named>(list: T[] | undefined): T[] => (list ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));

export class GeneratedClient {
  readonly #organizations: OrganizationMainCallsApi;
  readonly #projects: ProjectsApi;
  readonly #environments: EnvironmentsApi;
  readonly #environment: EnvironmentMainCallsApi;

  constructor(baseUrl: string, token: string) {
    // A user JWT goes as "Authorization: Bearer ..." (the generated client's accessToken); an
    // organization API token would go as baseOptions.headers.Authorization = "Token ...".
    const configuration = new Configuration({ basePath: baseUrl, accessToken: token });
    this.#organizations = new OrganizationMainCallsApi(configuration);
    this.#projects = new ProjectsApi(configuration);
    this.#environments = new EnvironmentsApi(configuration);
    this.#environment = new EnvironmentMainCallsApi(configuration);
  }

  async walk(scope: Scope, start: number): Promise<WalkResult> {
    const rows = emptyCounts();
    const organizations = sorted((await this.#organizations.listOrganization()).data.results);
    rows.organization += organizations.length;
    const firstLevelMs = performance.now() - start;
    await Promise.all(
      organizations.map(async (organization) => {
        const projects = sorted((await this.#projects.listProject(organization.id)).data.results);
        rows.project += projects.length;
        const expanded = scope.expandProjects === undefined ? projects : projects.slice(0, scope.expandProjects);
        await Promise.all(
          expanded.map(async (project) => {
            const [environments] = await Promise.all([
              this.#environments.listEnvironment(project.id),
              this.#environments.getProjectEnvironmentsStatus(project.id),
            ]);
            const list = sorted(environments.data.results);
            rows.environment += list.length;
            await Promise.all(
              list.map(async (environment) => {
                const [services] = await Promise.all([
                  this.#environment.listServicesByEnvironmentId(environment.id),
                  this.#environment.getEnvironmentStatuses(environment.id),
                ]);
                rows.service += services.data.results?.length ?? 0;
              }),
            );
          }),
        );
      }),
    );
    return { firstLevelMs, wholeMs: performance.now() - start, rows };
  }
}
