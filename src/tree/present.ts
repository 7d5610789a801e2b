// API data -> what a row shows (label, description, tooltip, icon, context value). No `vscode` here:
// plain mocha fuzzes it with mangled answers. Only id and name are guaranteed by validation, so every
// other field is read defensively: a field of the wrong type is left out, never a reason to throw.

// A type-only import: erased from the build, so plain mocha runs this file; it also lets the l10n
// tooling (npm run l10n-export) find the `l10n.t` texts below.
import type { l10n } from 'vscode';

/** `vscode.l10n` in the extension; `plainL10n` in tests. */
export type L10n = Pick<typeof l10n, 't'>;

type Message = string | { message: string; args?: unknown[] | Record<string, unknown> };

/** English texts with their `{0}` / `{name}` placeholders filled, like `vscode.l10n.t` without a bundle. */
export const plainL10n: L10n = {
  t: ((first: Message, ...rest: unknown[]): string => {
    const message = typeof first === 'string' ? first : first.message;
    const named = rest.length === 1 && rest[0] !== null && typeof rest[0] === 'object' && !Array.isArray(rest[0]);
    const args = (typeof first === 'string' ? (named ? rest[0] : rest) : first.args ?? []) as Record<string, unknown>;
    return message.replace(/\{(\w+)\}/g, (_, key: string) => String((args[key] as string | number | boolean | undefined) ?? ''));
  }) as L10n['t'],
};

export interface RowPresentation {
  label: string;
  description?: string;
  /** The bold first line of the tooltip, then label/value lines. */
  tooltipTitle: string;
  tooltipRows: [string, string][];
  /** A codicon id. */
  icon: string;
  /** A theme colour id for the icon. */
  iconColor?: string;
  contextValue: string;
  collapsible: boolean;
}

/** Longest text a row shows from one field: a huge string from a broken server stays readable. */
export const MAX_FIELD_LENGTH = 200;

type Obj = Record<string, unknown>;

const asObject = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** A field as one line of text, or undefined when it is absent or not text (or a number). */
export function text(v: unknown, max = MAX_FIELD_LENGTH): string | undefined {
  let s: string;
  if (typeof v === 'string') {
    s = v;
  } else if (typeof v === 'number' && Number.isFinite(v)) {
    s = String(v);
  } else {
    return undefined;
  }
  s = s.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  if (!s) {
    return undefined;
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** "DEPLOYMENT_ERROR" -> "deployment error"; undefined for anything that is not text. */
export function humanize(v: unknown): string | undefined {
  const s = typeof v === 'string' ? text(v) : undefined;
  return s?.toLowerCase().replace(/_/g, ' ');
}

/** An enum value as a key (for context values and icons): upper-case letters, digits and underscores only. */
function enumValue(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(v) ? v : undefined;
}

/** A colour for a deployment state: green when running, red on error, yellow while moving, grey when stopped. */
export function stateColorId(state: unknown): string | undefined {
  const s = enumValue(state);
  if (!s) {
    return undefined;
  }
  if (s.includes('ERROR')) {
    return 'charts.red';
  }
  if (s === 'DEPLOYED' || s === 'READY' || s === 'RESTARTED') {
    return 'charts.green';
  }
  if (/ING$|QUEUED|WAITING/.test(s)) {
    return 'charts.yellow';
  }
  if (s === 'STOPPED' || s === 'CANCELED' || s === 'DELETED' || s === 'UNAVAILABLE') {
    return 'disabledForeground';
  }
  return undefined;
}

/** Qovery's "DEPLOYED" reads as "running" to a person looking at a service. */
export function stateLabel(state: unknown, l10n: L10n): string {
  if (state === 'DEPLOYED') {
    return l10n.t('running');
  }
  return humanize(state) ?? l10n.t('state unknown');
}

export const SERVICE_ICONS: Record<string, string> = {
  APPLICATION: 'code',
  CONTAINER: 'package',
  DATABASE: 'database',
  JOB: 'watch',
  HELM: 'layers',
  TERRAFORM: 'symbol-structure',
};

/** The name a row shows: the name, else the id, else a placeholder. */
export function displayName(v: unknown, l10n: L10n = plainL10n): string {
  const o = asObject(v);
  return text(o.name) ?? text(o.id) ?? l10n.t('(no name)');
}

/** Sorts by the shown name; never throws, whatever the items hold. */
export function byDisplayName(a: unknown, b: unknown): number {
  return displayName(a).localeCompare(displayName(b));
}

function rows(pairs: [string, unknown][]): [string, string][] {
  return pairs.flatMap(([label, value]) => {
    const s = text(value);
    return s === undefined ? [] : [[label, s] as [string, string]];
  });
}

export function presentOrganization(organization: unknown, l10n: L10n): RowPresentation {
  const o = asObject(organization);
  const name = displayName(o, l10n);
  const plan = humanize(o.plan);
  return {
    label: name,
    description: plan,
    tooltipTitle: name,
    tooltipRows: rows([
      [l10n.t('Organization ID'), o.id],
      [l10n.t('Plan'), plan],
      [l10n.t('Description'), o.description],
      [l10n.t('Created'), o.created_at],
    ]),
    icon: 'organization',
    contextValue: 'qovery.organization',
    collapsible: true,
  };
}

export function presentProject(project: unknown, l10n: L10n): RowPresentation {
  const p = asObject(project);
  const name = displayName(p, l10n);
  const count = typeof p.associated_environments_count === 'number' && Number.isFinite(p.associated_environments_count) ? p.associated_environments_count : undefined;
  return {
    label: name,
    description: count === undefined ? undefined : count === 1 ? l10n.t('1 environment') : l10n.t('{0} environments', count),
    tooltipTitle: name,
    tooltipRows: rows([
      [l10n.t('Project ID'), p.id],
      [l10n.t('Description'), p.description],
      [l10n.t('Environments'), count],
    ]),
    icon: 'project',
    contextValue: 'qovery.project',
    collapsible: true,
  };
}

/** How long ago `createdAt` was, in the largest whole unit: "3 days", "5 hours", "12 minutes". */
export function ageText(createdAt: unknown, now: number, l10n: L10n): string | undefined {
  const at = typeof createdAt === 'string' ? Date.parse(createdAt) : NaN;
  if (Number.isNaN(at) || at > now + 60_000) {
    return undefined;
  }
  const minutes = Math.max(0, Math.floor((now - at) / 60_000));
  if (minutes < 60) {
    return minutes === 1 ? l10n.t('1 minute') : l10n.t('{0} minutes', minutes);
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return hours === 1 ? l10n.t('1 hour') : l10n.t('{0} hours', hours);
  }
  return l10n.t('{0} days', Math.floor(hours / 24));
}

export function presentEnvironment(environment: unknown, status: unknown, l10n: L10n, now = Date.now()): RowPresentation {
  const e = asObject(environment);
  const s = asObject(status);
  const name = displayName(e, l10n);
  const mode = enumValue(e.mode);
  const modeLabel = humanize(mode) ?? l10n.t('unknown mode');
  const state = stateLabel(s.state, l10n);
  return {
    label: name,
    description: `${modeLabel} · ${state}`,
    tooltipTitle: name,
    tooltipRows: rows([
      [l10n.t('Environment ID'), e.id],
      [l10n.t('Mode'), modeLabel],
      [l10n.t('State'), state],
      [l10n.t('Last deployment'), humanize(s.last_deployment_state)],
      [l10n.t('Deployed at'), s.last_deployment_date],
      [l10n.t('Cluster'), text(e.cluster_name) ?? e.cluster_id],
      // A preview costs while it runs: its age says how long.
      [l10n.t('Age'), mode === 'PREVIEW' ? ageText(e.created_at, now, l10n) : undefined],
    ]),
    icon: mode === 'PREVIEW' ? 'git-pull-request' : 'server-environment',
    iconColor: stateColorId(s.state),
    contextValue: mode ? `qovery.environment.${mode.toLowerCase()}` : 'qovery.environment',
    collapsible: true,
  };
}

/**
 * A service's `service_deployment_status` in words. It is about the configuration, never commits:
 * OUT_OF_DATE is the console's "configuration has changed and needs to be applied" (a variable, a
 * setting), so it is not read as "a newer commit exists" beside the HEAD line.
 */
export function deploymentStatusText(status: unknown, l10n: L10n): string | undefined {
  switch (status) {
    case undefined:
    case null:
    case '':
      return undefined;
    case 'UP_TO_DATE':
      return l10n.t('configuration up to date');
    case 'OUT_OF_DATE':
      return l10n.t('configuration changed: redeploy to apply it');
    case 'NEVER_DEPLOYED':
      return l10n.t('never deployed');
    default:
      return typeof status === 'string' ? status.toLowerCase().replace(/_/g, ' ') : undefined;
  }
}

/** The same, short enough for a row's description: OUT_OF_DATE is "configuration changed", not "out of date". */
function deploymentStatusShort(status: unknown, l10n: L10n): string | undefined {
  switch (status) {
    case 'UP_TO_DATE':
      return l10n.t('up to date');
    case 'OUT_OF_DATE':
      return l10n.t('configuration changed');
    default:
      return deploymentStatusText(status, l10n);
  }
}

export function presentService(service: unknown, status: unknown, l10n: L10n): RowPresentation {
  const sv = asObject(service);
  const st = asObject(status);
  const name = displayName(sv, l10n);
  const type = enumValue(sv.service_type);
  const typeLabel = humanize(type) ?? l10n.t('unknown type');
  const state = stateLabel(st.state, l10n);
  const deployment = deploymentStatusText(st.service_deployment_status, l10n);
  const details = asObject(st.status_details);
  const action = [humanize(details.action), humanize(details.status)].filter(Boolean).join(' ');
  return {
    label: name,
    description: [typeLabel, state, deploymentStatusShort(st.service_deployment_status, l10n)].filter(Boolean).join(' · '),
    tooltipTitle: name,
    tooltipRows: rows([
      [l10n.t('Service ID'), sv.id],
      [l10n.t('Type'), typeLabel],
      [l10n.t('State'), state],
      [l10n.t('Deployment'), deployment],
      [l10n.t('Last deployment'), st.last_deployment_date],
      [l10n.t('Current action'), action],
    ]),
    icon: (type && SERVICE_ICONS[type]) ?? 'symbol-misc',
    iconColor: stateColorId(st.state),
    contextValue: type ? `qovery.service.${type.toLowerCase()}` : 'qovery.service',
    collapsible: false,
  };
}

export interface ApiTokenUse {
  /** The token of the active connection. */
  inUse: boolean;
  /** Names of the other saved connections that use it. */
  usedBy: string[];
  /** The token's age, already formatted ("3 days"), or undefined when its date is unreadable. */
  age?: (createdAt: number) => string;
}

export function presentApiToken(token: unknown, use: ApiTokenUse, l10n: L10n): RowPresentation {
  const k = asObject(token);
  const name = displayName(k, l10n);
  const createdText = text(k.created_at);
  const created = createdText ? Date.parse(createdText) : Number.NaN;
  const age = Number.isNaN(created) || !use.age ? undefined : use.age(created);
  const role = text(k.role_name);
  const lines: [string, string][] = [
    [l10n.t('Token ID'), text(k.id) ?? '?'],
    [l10n.t('Role'), role ?? text(k.role_id) ?? l10n.t('unknown')],
    [l10n.t('Created'), createdText ?? l10n.t('unknown')],
    ...rows([[l10n.t('Description'), k.description]]),
  ];
  return {
    label: name,
    description: [role, age, use.inUse ? l10n.t('in use') : undefined].filter(Boolean).join(' · '),
    tooltipTitle: name,
    tooltipRows: lines,
    icon: use.inUse ? 'pass-filled' : 'key',
    iconColor: use.inUse ? 'charts.green' : undefined,
    contextValue: use.inUse ? 'qovery.apiToken.inUse' : 'qovery.apiToken',
    collapsible: false,
  };
}

/** What a row shows when its data cannot be shown: it says so, instead of breaking the view. */
export function presentUnrenderable(what: string, l10n: L10n): RowPresentation {
  return {
    label: l10n.t('A row that cannot be shown'),
    description: l10n.t('Qovery sent data for this {0} that the extension does not understand', what),
    tooltipTitle: l10n.t('A row that cannot be shown'),
    tooltipRows: [],
    icon: 'warning',
    iconColor: 'problemsWarningIcon.foreground',
    contextValue: 'qovery.unrenderable',
    collapsible: false,
  };
}

/** Service states of an environment by service id; groups that are not lists are skipped. */
export function indexServiceStatuses(statuses: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const o = asObject(statuses);
  for (const group of ['applications', 'containers', 'jobs', 'databases', 'helms', 'terraforms']) {
    const list = o[group];
    if (!Array.isArray(list)) {
      continue;
    }
    for (const s of list as unknown[]) {
      const id = asObject(s).id;
      if (typeof id === 'string') {
        out.set(id, s);
      }
    }
  }
  return out;
}

/** Environment states by environment id. */
export function indexById(items: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (Array.isArray(items)) {
    for (const s of items as unknown[]) {
      const id = asObject(s).id;
      if (typeof id === 'string') {
        out.set(id, s);
      }
    }
  }
  return out;
}
