// Which Qovery services build the repository open in a workspace folder, and what to do about it.
// No `vscode` here: plain mocha tests the rules.
import type { RepositoryKey } from './remote';

/** The service types whose source can be a git repository (the light list has no git data). */
export const GIT_SERVICE_TYPES: ReadonlySet<string> = new Set(['APPLICATION', 'JOB', 'HELM', 'TERRAFORM']);

/** What a service's git_repository says, read defensively from wherever its type keeps it. */
export interface ServiceGit {
  url?: string;
  provider?: string;
  owner?: string;
  name?: string;
  branch?: string;
  rootPath?: string;
  deployedCommitId?: string;
}

/** A service that builds from git, with what the status bar and the pick show about it. */
export interface ServiceCandidate {
  organizationId: string;
  organizationName: string;
  projectId: string;
  projectName: string;
  environmentId: string;
  environmentName: string;
  /** PRODUCTION, STAGING, DEVELOPMENT, PREVIEW (or undefined when unknown). */
  environmentMode?: string;
  serviceId: string;
  serviceName: string;
  serviceType: string;
  repository?: RepositoryKey;
  git: ServiceGit;
}

/** What the workspace folder's git repository says about itself. */
export interface LocalRepository {
  /** Keys of every remote (origin first, but any remote counts). */
  remotes: RepositoryKey[];
  /** The current branch; undefined on a detached HEAD. */
  branch?: string;
  /**
   * Paths inside the repository, relative to its root with "/" separators: the workspace folder's
   * and the active file's. "" is the root.
   */
  paths: string[];
}

type Obj = Record<string, unknown>;
const asObject = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 2048 ? v : undefined);

/**
 * The git_repository of a service of `GET /environment/{id}/services`: applications keep it at
 * `git_repository`, jobs at `source.docker.git_repository`, helm at `source.git.git_repository` and
 * terraform at `terraform_files_source.git.git_repository`. Undefined when there is none.
 */
export function gitRepositoryOf(service: unknown): ServiceGit | undefined {
  const s = asObject(service);
  const source = asObject(s.source);
  const candidates = [
    s.git_repository,
    asObject(source.docker).git_repository,
    asObject(source.git).git_repository,
    asObject(asObject(s.terraform_files_source).git).git_repository,
  ];
  const found = candidates.find((c) => c && typeof c === 'object' && !Array.isArray(c));
  if (!found) {
    return undefined;
  }
  const g = asObject(found);
  return {
    url: str(g.url),
    provider: str(g.provider),
    owner: str(g.owner),
    name: str(g.name),
    branch: str(g.branch),
    rootPath: str(g.root_path),
    deployedCommitId: str(g.deployed_commit_id),
  };
}

/** "/", "", "./" -> ""; "/apps/web/" -> "apps/web". */
export function normaliseRootPath(rootPath: string | undefined): string {
  return (rootPath ?? '')
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s && s !== '.')
    .join('/');
}

/** Whether `path` (relative to the repository root) is `root` or inside it. */
export function isWithin(root: string, path: string): boolean {
  return root === '' || path === root || path.startsWith(`${root}/`);
}

/**
 * The services that build this repository on this branch. In a monorepo, the ones whose root path
 * holds the folder or the active file win; when none does (the folder is the repository root and no
 * file is open under a service's root), every service of the repository and branch stays a candidate.
 */
export function matchServices(candidates: readonly ServiceCandidate[], local: LocalRepository): ServiceCandidate[] {
  if (local.branch === undefined || local.remotes.length === 0) {
    return [];
  }
  const keys = new Set(local.remotes.map((r) => r.key));
  const onBranch = candidates.filter((c) => c.repository && keys.has(c.repository.key) && c.git.branch === local.branch);
  const specific = onBranch.filter((c) => {
    const root = normaliseRootPath(c.git.rootPath);
    return root !== '' && local.paths.some((p) => isWithin(root, p));
  });
  const chosen = specific.length > 0 ? specific : onBranch;
  return [...chosen].sort(byModeThenName);
}

// A branch's own preview first: it is the environment made for this branch.
const MODE_ORDER: Record<string, number> = { PREVIEW: 0, DEVELOPMENT: 1, STAGING: 2, PRODUCTION: 3 };

/** Production last in a pick, so it is never the first item by accident. */
function byModeThenName(a: ServiceCandidate, b: ServiceCandidate): number {
  const ma = MODE_ORDER[a.environmentMode ?? ''] ?? 1.5;
  const mb = MODE_ORDER[b.environmentMode ?? ''] ?? 1.5;
  return ma - mb || a.environmentName.localeCompare(b.environmentName) || a.serviceName.localeCompare(b.serviceName);
}

/** What the user chose for a folder, kept in workspace state (ids only). */
export type RememberedLink =
  | { kind: 'linked'; serviceId: string; environmentId: string; organizationId: string; connectionId: string; manual: boolean }
  | { kind: 'unlinked'; connectionId: string };

export type LinkDecision =
  | { kind: 'linked'; candidate: ServiceCandidate; how: 'remembered' | 'automatic' }
  | { kind: 'pick'; matches: ServiceCandidate[] }
  | { kind: 'none' }
  | { kind: 'unlinked' }
  /** A remembered service that the scan no longer finds (deleted, or another connection's). */
  | { kind: 'missing'; serviceId: string };

/**
 * The link of a folder. A remembered choice wins while it holds: a manual link (made from the whole
 * list) always, a pick among matches while that service still matches the branch. Otherwise one match
 * links automatically, several ask once, none offers "Link…". After Unlink nothing links by itself.
 */
export function decideLink(
  all: readonly ServiceCandidate[],
  matches: readonly ServiceCandidate[],
  remembered: RememberedLink | undefined,
  connectionId: string,
): LinkDecision {
  if (remembered && remembered.connectionId === connectionId) {
    if (remembered.kind === 'unlinked') {
      return { kind: 'unlinked' };
    }
    const inMatches = matches.find((m) => m.serviceId === remembered.serviceId);
    if (inMatches) {
      return { kind: 'linked', candidate: inMatches, how: 'remembered' };
    }
    if (remembered.manual) {
      const known = all.find((c) => c.serviceId === remembered.serviceId);
      return known ? { kind: 'linked', candidate: known, how: 'remembered' } : { kind: 'missing', serviceId: remembered.serviceId };
    }
  }
  if (matches.length === 1) {
    return { kind: 'linked', candidate: matches[0], how: 'automatic' };
  }
  // One preview environment among several builds this branch: it was made for it, so it wins.
  const previews = new Set(matches.filter((m) => m.environmentMode === 'PREVIEW').map((m) => m.environmentId));
  if (previews.size === 1) {
    return { kind: 'linked', candidate: matches.find((m) => m.environmentMode === 'PREVIEW')!, how: 'automatic' };
  }
  if (matches.length > 1) {
    return { kind: 'pick', matches: [...matches] };
  }
  return { kind: 'none' };
}

/** The Link… pick: the services of this repository first, then every other, each group by name. */
export function orderForPick(all: readonly ServiceCandidate[], local: LocalRepository): { repository: ServiceCandidate[]; others: ServiceCandidate[] } {
  const keys = new Set(local.remotes.map((r) => r.key));
  const repository = all.filter((c) => c.repository && keys.has(c.repository.key)).sort(byModeThenName);
  const others = all
    .filter((c) => !repository.includes(c))
    .sort((a, b) => a.projectName.localeCompare(b.projectName) || a.environmentName.localeCompare(b.environmentName) || a.serviceName.localeCompare(b.serviceName));
  return { repository, others };
}
