// What the Qovery test API holds, read over HTTP the way any client reads it, and what the extension
// asked it. The e2e run's own requests carry a user agent of their own, so the two never mix.

const USER_AGENT = 'qovery-e2e-check';

/** GET `path` on the test API with `token` (scheme Token); returns the parsed body. */
export async function apiGet(server, path, token) {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Token ${token}`, 'user-agent': USER_AGENT } });
  if (!res.ok) {
    throw new Error(`GET ${path} answered ${res.status}`);
  }
  return res.json();
}

/** The requests the extension sent (the log of the test server, without the checks of this run). */
export function extensionRequests(server, since = 0) {
  return server.requests.slice(since).filter((r) => r.userAgent !== USER_AGENT);
}

/** The organization, projects, environments and services a token sees, names sorted as the tree sorts them. */
export async function accountSeenBy(server, token) {
  const byName = (a, b) => a.name.localeCompare(b.name);
  const organizations = (await apiGet(server, '/organization', token)).results.sort(byName);
  for (const organization of organizations) {
    organization.projects = (await apiGet(server, `/organization/${organization.id}/project`, token)).results.sort(byName);
    for (const project of organization.projects) {
      project.environments = (await apiGet(server, `/project/${project.id}/environment`, token)).results.sort(byName);
      for (const environment of project.environments) {
        environment.services = (await apiGet(server, `/environment/${environment.id}/services`, token)).results.sort(byName);
      }
    }
  }
  return organizations;
}
