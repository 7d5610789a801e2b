// The shell's and the port forward's decisions, free of `vscode` (plain mocha tests them): the gateway
// URLs (`/shell/exec`, `/service/pods`, `/shell/portforward`, as Qovery's CLI builds them), the command
// setting, the pods answer, the terminal's title, and what a close means for a shell.
import { CLOSE_NORMAL, CLOSE_PERMISSION, CLOSE_POLICY, CLOSE_UNAVAILABLE } from '../shared/gateway';
import type { L10n } from '../tree/present';

/** What a shell or a forward needs to reach a service through the gateway. */
export interface GatewayTarget {
  organizationId: string;
  projectId: string;
  environmentId: string;
  clusterId: string;
  serviceId: string;
  /** APPLICATION, CONTAINER, DATABASE, JOB, HELM (the CLI sends it upper-cased). */
  serviceType?: string;
}

/** A service a command was given: the ids the gateway needs but the cluster's (read from its environment). */
export interface ServiceArgument {
  organizationId: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  serviceName?: string;
  serviceType?: string;
  environmentName?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** A service row of the explorer, the "This Workspace" row, a workspace link, or an object with the ids. */
export function serviceOfArgument(arg: unknown): ServiceArgument | undefined {
  if (!arg || typeof arg !== 'object') {
    return undefined;
  }
  const a = arg as Record<string, unknown>;
  const key = str(a.key);
  if (key?.startsWith('workspace:')) {
    return serviceOfArgument((a.link as { link?: unknown } | undefined)?.link);
  }
  if (key?.startsWith('service:')) {
    const service = a.service as { id?: unknown; name?: unknown; service_type?: unknown } | undefined;
    const organizationId = str(a.organizationId);
    const projectId = str(a.projectId);
    const environmentId = str(a.environmentId);
    const serviceId = str(service?.id);
    return organizationId && projectId && environmentId && serviceId
      ? { organizationId, projectId, environmentId, serviceId, serviceName: str(service?.name), serviceType: str(service?.service_type) }
      : undefined;
  }
  const organizationId = str(a.organizationId);
  const projectId = str(a.projectId);
  const environmentId = str(a.environmentId);
  const serviceId = str(a.serviceId);
  return organizationId && projectId && environmentId && serviceId
    ? { organizationId, projectId, environmentId, serviceId, serviceName: str(a.serviceName), serviceType: str(a.serviceType), environmentName: str(a.environmentName) }
    : undefined;
}

/**
 * The command when `qovery.shell.command` is empty: bash when the container has it, sh otherwise, in one
 * connection (a fixed text: no name or setting of Qovery's ever goes into it).
 */
export const AUTO_SHELL_COMMAND: readonly string[] = ['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'];

const MAX_COMMAND_WORDS = 32;

/** `qovery.shell.command`: words split on spaces (`/bin/zsh`, `python3 -i`), or the automatic shell. */
export function shellCommandSetting(raw: unknown, l10n: L10n): { command: readonly string[]; problem?: string } {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    return { command: AUTO_SHELL_COMMAND };
  }
  // eslint-disable-next-line no-control-regex
  if (typeof raw !== 'string' || /[\u0000-\u001f\u007f]/.test(raw) || raw.trim().split(/\s+/).length > MAX_COMMAND_WORDS) {
    return {
      command: AUTO_SHELL_COMMAND,
      problem: l10n.t('qovery.shell.command must be a command line of at most {0} words without control characters; using bash, or sh when bash is missing.', MAX_COMMAND_WORDS),
    };
  }
  return { command: raw.trim().split(/\s+/) };
}

/** A gateway URL: the base, the path and the query (repeated keys for a list, as the CLI sends `command`). */
export function gatewayUrl(base: string, path: string, params: readonly (readonly [string, string | undefined])[]): string {
  const q = new URLSearchParams();
  for (const [k, v] of params) {
    if (v !== undefined) {
      q.append(k, v);
    }
  }
  return `${base}${path}?${q.toString()}`;
}

const ids = (t: GatewayTarget): [string, string][] => [
  ['organization', t.organizationId],
  ['cluster', t.clusterId],
  ['project', t.projectId],
  ['environment', t.environmentId],
  ['service', t.serviceId],
];

/** The terminal's size in characters; the gateway takes it only when connecting. */
export interface TtySize {
  columns: number;
  rows: number;
}

export function shellExecUrl(base: string, t: GatewayTarget, o: { pod?: string; container?: string; command: readonly string[]; size: TtySize }): string {
  return gatewayUrl(base, '/shell/exec', [
    ...ids(t),
    ['pod_name', o.pod],
    ['container_name', o.container],
    ...o.command.map((c): [string, string] => ['command', c]),
    ['tty_width', String(Math.max(0, Math.min(65535, Math.floor(o.size.columns))))],
    ['tty_height', String(Math.max(0, Math.min(65535, Math.floor(o.size.rows))))],
  ]);
}

export function servicePodsUrl(base: string, t: GatewayTarget): string {
  return gatewayUrl(base, '/service/pods', [...ids(t), ['service_type', t.serviceType?.toUpperCase()]]);
}

export function portForwardUrl(base: string, t: GatewayTarget, o: { pod?: string; port: number }): string {
  return gatewayUrl(base, '/shell/portforward', [...ids(t), ['pod_name', o.pod], ['service_type', t.serviceType?.toUpperCase()], ['port', String(o.port)]]);
}

/** A pod of `/service/pods` (the spec's PodDto). */
export interface Pod {
  name: string;
  ports: number[];
}

/** The pods answer `{pods: [{name, ports}]}`, or undefined when it is not one; odd entries are left out. */
export function parsePods(text: string): Pod[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = (body as { pods?: unknown } | null)?.pods;
  if (!Array.isArray(list)) {
    return undefined;
  }
  const pods: Pod[] = [];
  for (const p of list as unknown[]) {
    const name = (p as { name?: unknown } | null)?.name;
    const ports = (p as { ports?: unknown } | null)?.ports;
    if (typeof name === 'string' && name.length > 0 && name.length <= 253) {
      pods.push({ name, ports: Array.isArray(ports) ? [...new Set(ports.filter((n): n is number => Number.isInteger(n) && n > 0 && n < 65536))] : [] });
    }
  }
  return pods;
}

/**
 * A name from Qovery as the terminal may print it: no control character (C0, DEL, C1: no escape
 * sequence, no line break), no bidirectional override, at most 100 characters.
 */
export function cleanName(text: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const t = (text ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  return t.length > 100 ? `${t.slice(0, 99)}…` : t;
}

/** Whether a mode is production (an unknown mode is not called so in a title; deploys confirm it anyway). */
export const isProduction = (mode: string | undefined): boolean => mode?.toUpperCase() === 'PRODUCTION';

/** `web · production [PRODUCTION] · web-7d9f-0`: what a shell terminal is called. */
export function shellTitle(o: { serviceName?: string; environmentName?: string; environmentMode?: string; pod?: string }, l10n: L10n): string {
  const environment = cleanName(o.environmentName);
  return [
    cleanName(o.serviceName) || l10n.t('service'),
    environment && isProduction(o.environmentMode) ? l10n.t('{0} [PRODUCTION]', environment) : environment,
    cleanName(o.pod),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** How a shell's connection ended. */
export type ShellEnd =
  /** The shell exited (close 1000). */
  | { kind: 'exited' }
  /** 1007/1008, or a 401/403 on the upgrade: refused, the token is checked. */
  | { kind: 'refused'; code?: number; status?: number }
  /** 1011: the cluster's agent cannot be reached (or the pod is gone). */
  | { kind: 'unavailable'; code: number }
  /** 404 on the upgrade: the service (or the path) is unknown. */
  | { kind: 'notFound'; status: number }
  /** Any other close or a network failure: the connection dropped. */
  | { kind: 'dropped'; code?: number; status?: number }
  /** No pong nor frame for the read timeout. */
  | { kind: 'timeout' }
  /** No token any more, or another connection was chosen. */
  | { kind: 'signedOut' }
  | { kind: 'connectionChanged' }
  /** Closed by the extension (the terminal was closed). */
  | { kind: 'closed' };

/** What a close code from the gateway means for a shell (qovery-cli pkg/shell.go). */
export function shellEndOfClose(code: number): ShellEnd {
  switch (code) {
    case CLOSE_NORMAL:
      return { kind: 'exited' };
    case CLOSE_PERMISSION:
    case CLOSE_POLICY:
      return { kind: 'refused', code };
    case CLOSE_UNAVAILABLE:
      return { kind: 'unavailable', code };
    default:
      return { kind: 'dropped', code };
  }
}

/** What an HTTP status answering the upgrade means. */
export function shellEndOfStatus(status: number): ShellEnd {
  return status === 401 || status === 403 ? { kind: 'refused', status } : status === 404 ? { kind: 'notFound', status } : { kind: 'dropped', status };
}

/** Whether an end should run the token check (a 401, or 1007/1008 that may be the token's doing). */
export const endChecksToken = (end: ShellEnd): boolean => end.kind === 'refused' && (end.status === 401 || end.code !== undefined);

/** The line the terminal shows for an end (the server's reason is cleaned by the caller). */
export function shellEndText(end: ShellEnd, reason: string, l10n: L10n): string {
  const why = reason ? `: ${reason}` : '';
  switch (end.kind) {
    case 'exited':
      return l10n.t('The shell ended{0}.', why);
    case 'refused':
      return end.code !== undefined
        ? l10n.t('The gateway refused the shell (close code {0}{1}). Check that the token may open a shell in this service (a Viewer may not), or run Qovery: Test Authentication.', end.code, why)
        : l10n.t('The gateway refused the shell ({0}{1}). Check the token with Qovery: Test Authentication.', end.status ?? '', why);
    case 'unavailable':
      return l10n.t('The cluster of this service cannot be reached, or the pod is gone (close code {0}{1}).', end.code, why);
    case 'notFound':
      return l10n.t('The gateway does not know this service ({0}).', end.status);
    case 'dropped':
      return end.code !== undefined
        ? l10n.t('The connection was lost (close code {0}{1}).', end.code, why)
        : end.status !== undefined
          ? l10n.t('The gateway answered {0} instead of opening the shell.', end.status)
          : l10n.t('The connection was lost{0}.', why);
    case 'timeout':
      return l10n.t('The connection stopped answering (no answer to pings for 75 s).');
    case 'signedOut':
      return l10n.t('Signed out of Qovery: the shell was closed.');
    case 'connectionChanged':
      return l10n.t('Signed out of Qovery, or another connection chosen: the shell was closed.');
    case 'closed':
      return l10n.t('The shell was closed.');
  }
}

/**
 * A line the extension itself prints into a terminal: names and server reasons cleaned of control
 * characters, and no `scheme://` or `command:` left that the terminal's link detection would make a link.
 */
export function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\b([a-z][a-z0-9+.-]*):(?=\/\/|[a-z0-9])/gi, '$1\u2236');
}

/** A port as typed: a whole number from `min` to 65535, or undefined. */
export function portValue(text: string, min: number): number | undefined {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t)) {
    return undefined;
  }
  const n = Number(t);
  return n >= min && n <= 65535 ? n : undefined;
}
