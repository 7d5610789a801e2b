// Every link into Qovery's web console, built in one place. No `vscode`.
// The console's router has one route per service, whatever its type:
// /organization/{o}/project/{p}/environment/{e}/service/{id} (the old /{type}/{id}/general is "Page not found").

export const CONSOLE_URL = 'https://console.qovery.com';

/** Which console page: an organization, a project, an environment, or a service (each needs the ids above it). */
export type ConsolePlace =
  | { organizationId: string }
  | { organizationId: string; projectId: string }
  | { organizationId: string; projectId: string; environmentId: string }
  | { organizationId: string; projectId: string; environmentId: string; serviceId: string };

export function consoleUrl(place: ConsolePlace): string {
  const p = place as { organizationId: string; projectId?: string; environmentId?: string; serviceId?: string };
  const parts: [string, string | undefined][] = [
    ['organization', p.organizationId],
    ['project', p.projectId],
    ['environment', p.environmentId],
    ['service', p.serviceId],
  ];
  let url = CONSOLE_URL;
  for (const [segment, id] of parts) {
    if (!id) {
      break;
    }
    url += `/${segment}/${encodeURIComponent(id)}`;
  }
  return url;
}
