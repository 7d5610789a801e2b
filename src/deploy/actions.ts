// What a deploy action sends and when it must be confirmed, without `vscode`: the path of each verb
// (Redeploy is a deploy, as in Qovery's console and CLI), what a service is built from (which decides
// the version a deploy sends), and the environment mode a confirmation relies on. Plain mocha tests it.
import type { EnvironmentVerb, ServiceType, ServiceVerb } from './model';
import { SEGMENTS } from './model';

/**
 * The last path segment a service verb posts to. Redeploy is `POST /{type}/{id}/deploy` with no body, as
 * Qovery's console does: `/{application|container|database}/{id}/redeploy` is legacy (no Qovery client
 * calls it; to be decommissioned), and `/{job|helm|terraform}/{id}/redeploy` is the console's "Restart".
 */
export function serviceActionSegment(verb: ServiceVerb): string {
  return verb === 'redeploy' ? 'deploy' : verb;
}

/** Redeploy Environment is `POST /environment/{id}/deploy` (CLI and console); `/redeploy` is Terraform's restart. */
export function environmentActionSegment(verb: EnvironmentVerb): string {
  return verb === 'redeploy' ? 'deploy' : verb;
}

/** Whether a deploy of this type sends a body at all for this verb (a redeploy never does). */
export const sendsBody = (verb: ServiceVerb): boolean => verb === 'deploy';

// --- what a service is built from ---------------------------------------------------------------

/**
 * What decides the version a deploy sends: a git repository (a commit, HEAD when the workspace is
 * linked), an image (a tag, the current one offered), a chart repository or nothing to choose.
 */
export type BuildSource = { kind: 'git' } | { kind: 'image'; tag?: string } | { kind: 'chart' } | { kind: 'none' };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Read from a service of `GET /environment/{id}/services` (or the service itself), by shape. */
export function buildSourceOf(type: ServiceType, service: unknown): BuildSource | undefined {
  const s = obj(service);
  if (!s) {
    return undefined;
  }
  switch (type) {
    case 'APPLICATION':
      return { kind: 'git' };
    case 'DATABASE':
      return { kind: 'none' };
    case 'CONTAINER':
      return { kind: 'image', tag: text(s.tag) };
    case 'JOB': {
      const source = obj(s.source);
      if (obj(source?.docker)) {
        return { kind: 'git' };
      }
      const image = obj(source?.image);
      return image ? { kind: 'image', tag: text(image.tag) } : undefined;
    }
    case 'HELM': {
      const source = obj(s.source);
      return obj(source?.git) ? { kind: 'git' } : obj(source?.repository) ? { kind: 'chart' } : undefined;
    }
    case 'TERRAFORM':
      return obj(obj(s.terraform_files_source)?.git) ? { kind: 'git' } : { kind: 'none' };
  }
}

/**
 * `GET /{type}/{id}/commit`: the commits Qovery sees on a git-built service's branch. A helm chart's
 * own repository is `?of=chart` (its values may come from another one, `?of=values`).
 */
export function commitsPath(type: ServiceType, encodedId: string): string | undefined {
  switch (type) {
    case 'APPLICATION':
    case 'JOB':
    case 'TERRAFORM':
      return `/${SEGMENTS[type]}/${encodedId}/commit`;
    case 'HELM':
      return `/helm/${encodedId}/commit?of=chart`;
    default:
      return undefined;
  }
}

// --- production ---------------------------------------------------------------------------------
// Which modes are confirmed as production: isProductionLike in src/shared/environmentMode.ts.

/** How long a mode read from Qovery is trusted before an action reads it again. */
export const MODE_MAX_AGE_MS = 3 * 60_000;

export interface EnvironmentFacts {
  name?: string;
  mode?: string;
}

/**
 * The environment names and modes the deploy feature read itself, each trusted for `MODE_MAX_AGE_MS`:
 * a tree row or a workspace scan may be hours old, and an environment can be switched to production
 * meanwhile.
 */
export class EnvironmentModes {
  readonly #read = new Map<string, EnvironmentFacts & { at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** What was read within the last few minutes, or undefined (then read it again). */
  fresh(environmentId: string): EnvironmentFacts | undefined {
    const entry = this.#read.get(environmentId);
    if (!entry) {
      return undefined;
    }
    const age = this.now() - entry.at;
    // A clock set back makes a negative age: not trusted either.
    if (age < 0 || age > MODE_MAX_AGE_MS) {
      this.#read.delete(environmentId);
      return undefined;
    }
    return { name: entry.name, mode: entry.mode };
  }

  remember(environmentId: string, facts: EnvironmentFacts): void {
    this.#read.set(environmentId, { ...facts, at: this.now() });
  }

  /** Forgets every mode read (another connection, or another token, may see other facts). */
  clear(): void {
    this.#read.clear();
  }
}
