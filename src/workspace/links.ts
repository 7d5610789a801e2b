// The link between each workspace folder and the Qovery service that builds it: detection through the
// git extension, the scan (cached per connection), the decision and what the user chose.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EnvironmentServiceStatuses } from '../api';
import type { SessionManager } from '../auth/session';
import { errorText } from '../format';
import { Disposable, toDisposable, type IDisposable } from '../lifecycle';
import type { Logger } from '../logger';
import { indexServiceStatuses } from '../tree/present';
import type { Ui } from '../ui';
import { listServices } from '../api/explorer';
import { isMovingState, type EnvironmentStatusService } from '../shared/environmentStatus';
import { gitApi, type GitApi, type GitRepository } from '../shared/git';
import { decideLink, gitRepositoryOf, matchServices, type LocalRepository, type RememberedLink, type ServiceCandidate } from './match';
import { shortSha } from '../shared/sha';
import { normaliseRemoteUrl } from './remote';
import { scanClientOf, scanOrganizations, type ScanResult } from './scan';
import { noIcons, QoveryApiError } from '../api/errors';

/** Workspace state key: folder URI -> what the user chose (ids only). */
export const LINKS_KEY = 'qovery.workspaceLinks';

export type FolderStatus =
  /** No git repository with a hosted remote in this folder. */
  | 'noRepository'
  | 'signedOut'
  | 'scanning'
  | 'linked'
  /** Several services match; the user has not chosen. */
  | 'pick'
  | 'none'
  | 'unlinked'
  /** The remembered service is not in the scan any more. */
  | 'missing'
  /** The scan failed. */
  | 'failed';

export interface FolderLink {
  folder: vscode.WorkspaceFolder;
  status: FolderStatus;
  local?: LocalRepository;
  /** The local HEAD commit. */
  head?: string;
  link?: ServiceCandidate;
  matches: ServiceCandidate[];
  error?: unknown;
  /** With no match: whether some environment builds this repository (on other branches), so a preview can be cloned from it. */
  previewable?: boolean;
}

/** A folder left a branch that a preview environment builds (the preview feature asks whether the branch is gone). */
export interface LeftBranch {
  folder: vscode.WorkspaceFolder;
  branch: string;
  /** The preview environments' services that build the branch left, from the scan. */
  previews: ServiceCandidate[];
}

/** A scan younger than this is reused on a branch switch: the branch's services are matched locally, no request. */
export const SCAN_FRESH_MS = 120_000;

/** The service's state from the environment's statuses. */
export interface ServiceState {
  state?: string;
  deploymentStatus?: string;
  lastDeploymentDate?: string;
}

type Obj = Record<string, unknown>;

function repositorySignature(repository: GitRepository): string {
  const s = repository.state;
  return JSON.stringify([s.HEAD?.name ?? null, s.remotes.map((r) => [r.name, r.fetchUrl ?? r.pushUrl ?? ''])]);
}

/** What `.git/HEAD` names: a branch (with its commit when the ref can be read), or a commit when detached. */
export type HeadFile = { branch: string; commit?: string } | { commit: string };

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The commit a branch ref names: its loose ref file, else the packed refs (in a worktree, the common folder's). */
async function readBranchCommit(gitDir: string, branch: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  if (branch.split('/').some((part) => part === '..' || part === '')) {
    return undefined;
  }
  const commonText = await fs.readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => undefined);
  const dirs = [gitDir, ...(commonText ? [path.resolve(gitDir, commonText.trim())] : [])];
  for (const dir of dirs) {
    const loose = (await fs.readFile(path.join(dir, ref), 'utf8').catch(() => '')).trim();
    if (SHA.test(loose)) {
      return loose;
    }
  }
  for (const dir of dirs) {
    const packed = await fs.readFile(path.join(dir, 'packed-refs'), 'utf8').catch(() => '');
    const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
    const sha = line?.slice(0, line.indexOf(' '));
    if (sha && SHA.test(sha)) {
      return sha;
    }
  }
  return undefined;
}

/**
 * Reads the repository's `HEAD` file (following a worktree's `.git` file) and the commit its branch
 * names, or undefined when it cannot be read or names something else. A few small reads: the git
 * extension learns of a checkout or a commit only once its file watcher settles, a second or so later.
 */
export async function readHeadFile(root: string): Promise<HeadFile | undefined> {
  try {
    let gitDir = path.join(root, '.git');
    if ((await fs.stat(gitDir)).isFile()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec(await fs.readFile(gitDir, 'utf8'));
      if (!pointer) {
        return undefined;
      }
      gitDir = path.resolve(root, pointer[1].trim());
    }
    const head = (await fs.readFile(path.join(gitDir, 'HEAD'), 'utf8')).trim();
    const ref = /^ref:\s*refs\/heads\/(.+)$/.exec(head);
    if (ref) {
      const commit = await readBranchCommit(gitDir, ref[1]);
      return commit ? { branch: ref[1], commit } : { branch: ref[1] };
    }
    return SHA.test(head) ? { commit: head } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the git extension's state is behind the HEAD file (another branch, another commit, or another detached commit). */
export function headIsBehind(file: HeadFile, state: { name?: string; commit?: string } | undefined): boolean {
  if ('branch' in file) {
    return state?.name !== file.branch || (file.commit !== undefined && state?.commit !== file.commit);
  }
  return state?.name !== undefined || state?.commit !== file.commit;
}

export class WorkspaceLinks extends Disposable {
  readonly #changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.#changed.event;
  #links: FolderLink[] = [];
  #git: Promise<GitApi | undefined> | undefined;
  readonly #watchedRepositories = new Map<string, { signature: string; branch?: string; head?: string; subscription: IDisposable }>();
  #scan: { key: string; result: Promise<ScanResult>; at: number } | undefined;
  readonly #leftBranch = this.register(new vscode.EventEmitter<LeftBranch>());
  /** Fired when a folder switches away from a branch that a preview environment builds. */
  readonly onDidLeaveBranch = this.#leftBranch.event;
  #queue: Promise<void> = Promise.resolve();
  #pending = false;
  /** Picks already offered, by folder and branch: the quick pick shows once. */
  readonly #asked = new Set<string>();
  /** Folders whose automatic link was announced. */
  readonly #announced = new Set<string>();
  readonly #statusWatches = new Map<string, IDisposable>();
  /** The last state seen of each linked service: a change to a settled state re-reads its deployed commit. */
  readonly #linkedStates = new Map<string, string | undefined>();
  /** Re-reads of an environment's services in flight, shared by callers that ask at once. */
  readonly #rereads = new Map<string, Promise<void>>();
  /** The HEAD file's text each repository was last brought up to date for: one `git status` per change, not per refresh. */
  readonly #headsSynced = new Map<string, string>();
  /** Requests made by scans, for tests and the log. */
  scanRequests = 0;
  scans = 0;

  constructor(
    private readonly session: SessionManager,
    private readonly workspaceState: vscode.Memento,
    private readonly log: Logger,
    private readonly ui: Ui,
    readonly statuses: EnvironmentStatusService,
  ) {
    super();
    this.registerAll(
      toDisposable(() => {
        for (const w of this.#watchedRepositories.values()) {
          w.subscription.dispose();
        }
        for (const w of this.#statusWatches.values()) {
          w.dispose();
        }
      }),
      session.onDidChange(() => void this.refresh()),
      session.onDidChangeConnection(() => {
        this.#scan = undefined;
        void this.refresh();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.#changed.fire();
        void this.refresh();
      }),
    );
  }

  get links(): readonly FolderLink[] {
    return this.#links;
  }

  /** The folder the status bar shows: the active editor's, else the first with a repository. */
  activeLink(): FolderLink | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const folder = uri && vscode.workspace.getWorkspaceFolder(uri);
    const byEditor = folder && this.#links.find((l) => l.folder.uri.toString() === folder.uri.toString());
    return byEditor ?? this.#links.find((l) => l.status !== 'noRepository') ?? this.#links[0];
  }

  /**
   * The active folder's link, read again now (a command's first step). Throws what kept it from being
   * read (a token Qovery rejects, a failed scan), so the command says that rather than "not linked".
   */
  async currentLink(): Promise<FolderLink | undefined> {
    await this.refresh();
    const link = this.activeLink();
    if (link?.status === 'failed' && link.error instanceof Error) {
      throw link.error;
    }
    const state = this.session.state;
    if (link?.status === 'signedOut' && state.status === 'invalidToken') {
      throw state.error ?? new QoveryApiError('unauthorized');
    }
    return link;
  }

  linkOf(folder: vscode.WorkspaceFolder): FolderLink | undefined {
    return this.#links.find((l) => l.folder.uri.toString() === folder.uri.toString());
  }

  /** The linked service's state, from the environment status service. */
  serviceState(link: ServiceCandidate | undefined): ServiceState | undefined {
    if (!link) {
      return undefined;
    }
    const statuses = this.statuses.latest(link.environmentId);
    const status = statuses ? (indexServiceStatuses(statuses).get(link.serviceId) as Obj | undefined) : undefined;
    if (!status) {
      return undefined;
    }
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    return { state: str(status.state), deploymentStatus: str(status.service_deployment_status), lastDeploymentDate: str(status.last_deployment_date) };
  }

  /**
   * Reads the services of an environment holding a linked service again, so the deployed commit the
   * tooltip compares with HEAD is the one running now (a deployment, from here or elsewhere, changes it).
   */
  refreshDeployedCommits(environmentId: string): Promise<void> {
    if (!this.#links.some((l) => l.status === 'linked' && l.link?.environmentId === environmentId)) {
      return Promise.resolve();
    }
    let reread = this.#rereads.get(environmentId);
    if (!reread) {
      reread = this.#rereadServices(environmentId).finally(() => this.#rereads.delete(environmentId));
      this.#rereads.set(environmentId, reread);
    }
    return reread;
  }

  async #rereadServices(environmentId: string): Promise<void> {
    const client = await this.session.client();
    if (!client) {
      return;
    }
    let services: Awaited<ReturnType<typeof listServices>>;
    try {
      services = await listServices(client, environmentId);
    } catch (error) {
      this.log.warn(`Workspace link: the services of environment ${environmentId} could not be read again: ${errorText(error)}`);
      this.session.reportFailure(error);
      return;
    }
    // A service whose answer names no deployed commit keeps the one known (an answer without git data proves nothing).
    const deployed = new Map<string, string>();
    for (const s of services) {
      const commit = gitRepositoryOf(s)?.deployedCommitId;
      if (commit) {
        deployed.set(s.id, commit);
      }
    }
    // The scan's candidates and the links share these objects: one update serves both.
    const candidates = new Set<ServiceCandidate>(this.#links.flatMap((l) => (l.link ? [l.link] : [])));
    const scan = this.#scan && (await this.#scan.result.catch(() => undefined));
    for (const c of scan?.services ?? []) {
      candidates.add(c);
    }
    let changed = false;
    for (const c of candidates) {
      if (c.environmentId !== environmentId || !deployed.has(c.serviceId)) {
        continue;
      }
      const commit = deployed.get(c.serviceId);
      if (commit !== c.git.deployedCommitId) {
        this.log.info(`Workspace link: ${c.serviceName} (${c.environmentName}) now runs ${shortSha(commit) ?? ''}, was ${shortSha(c.git.deployedCommitId) || 'none'}.`);
        c.git = { ...c.git, deployedCommitId: commit };
        changed = true;
      }
    }
    if (changed) {
      this.#changed.fire();
    }
  }

  /**
   * Re-reads every folder and decides its link. Calls made while one runs join the next run, so
   * bursts of git events cause one evaluation; `rescan` drops the cached scan first.
   */
  refresh(options: { rescan?: boolean } = {}): Promise<void> {
    if (options.rescan) {
      this.#scan = undefined;
    }
    if (this.#pending) {
      return this.#queue;
    }
    this.#pending = true;
    this.#queue = this.#queue.then(async () => {
      this.#pending = false;
      try {
        await this.#evaluate();
      } catch (error) {
        this.log.error('Linking the workspace to its Qovery service failed', error);
      }
    });
    return this.#queue;
  }

  /** The services of the active connection's organizations (cached; one scan at a time). */
  services(): Promise<ScanResult> {
    const state = this.session.state;
    const key = `${state.connection?.id ?? ''}#${this.session.epoch}`;
    if (!this.#scan || this.#scan.key !== key) {
      const result = (async () => {
        const client = await this.session.client();
        if (!client) {
          return { services: [], requests: 0, failures: [] };
        }
        const organizations = (this.session.state.organizations ?? []).map((o) => ({ id: o.id, name: o.name }));
        const started = performance.now();
        const scan = await scanOrganizations(scanClientOf(client), organizations);
        this.scans++;
        this.scanRequests += scan.requests;
        this.log.info(
          `Workspace link: scanned ${organizations.length} organization(s) in ${scan.requests} request(s), ${Math.round(performance.now() - started)} ms; ${scan.services.filter((s) => s.repository).length} service(s) build from git.`,
        );
        for (const failure of scan.failures) {
          this.log.warn(`Workspace link: the scan of ${failure.what} failed: ${errorText(failure.error)}`);
          this.session.reportFailure(failure.error);
        }
        if (scan.failures.length > 0 && scan.services.length === 0) {
          throw scan.failures[0].error;
        }
        return scan;
      })();
      this.#scan = { key, result, at: Date.now() };
      // A failed scan is not cached: the next refresh tries again.
      result.catch(() => {
        if (this.#scan?.result === result) {
          this.#scan = undefined;
        }
      });
    }
    return this.#scan.result;
  }

  #remembered(): Record<string, RememberedLink> {
    const value = this.workspaceState.get<unknown>(LINKS_KEY);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, RememberedLink>) : {};
  }

  async #remember(folder: vscode.WorkspaceFolder, link: RememberedLink | undefined): Promise<void> {
    const all = { ...this.#remembered() };
    if (link) {
      all[folder.uri.toString()] = link;
    } else {
      delete all[folder.uri.toString()];
    }
    await this.workspaceState.update(LINKS_KEY, all);
  }

  /** Links a folder to a service the user chose (from the matches or the whole list). */
  async linkTo(folder: vscode.WorkspaceFolder, candidate: ServiceCandidate, manual: boolean): Promise<void> {
    const connectionId = this.session.state.connection?.id;
    if (!connectionId) {
      return;
    }
    await this.#remember(folder, {
      kind: 'linked',
      serviceId: candidate.serviceId,
      environmentId: candidate.environmentId,
      organizationId: candidate.organizationId,
      connectionId,
      manual,
    });
    this.#announced.add(folder.uri.toString());
    await this.refresh();
  }

  async unlink(folder: vscode.WorkspaceFolder): Promise<void> {
    const connectionId = this.session.state.connection?.id;
    if (!connectionId) {
      return;
    }
    await this.#remember(folder, { kind: 'unlinked', connectionId });
    await this.refresh();
  }

  async #gitApi(): Promise<GitApi | undefined> {
    this.#git ??= (async () => {
      const api = await gitApi().catch((error: unknown) => {
        this.log.warn(`Workspace link: the git extension is not available: ${errorText(error)}`);
        return undefined;
      });
      if (api) {
        this.registerAll(
          api.onDidOpenRepository(() => void this.refresh()),
          api.onDidCloseRepository(() => void this.refresh()),
          api.onDidChangeState(() => void this.refresh()),
        );
      }
      return api;
    })();
    return this.#git;
  }

  #watchRepository(repository: GitRepository): void {
    const key = repository.rootUri.toString();
    if (this.#watchedRepositories.has(key)) {
      return;
    }
    const entry = {
      signature: repositorySignature(repository),
      branch: repository.state.HEAD?.name,
      head: repository.state.HEAD?.commit,
      subscription: repository.state.onDidChange(() => {
        const signature = repositorySignature(repository);
        const head = repository.state.HEAD?.commit;
        if (signature !== entry.signature) {
          const left = entry.branch;
          const branchChanged = repository.state.HEAD?.name !== entry.branch;
          entry.signature = signature;
          entry.branch = repository.state.HEAD?.name;
          entry.head = head;
          // A branch switch rescans only an old scan: a fresh one already has every branch's services.
          void this.refresh({ rescan: branchChanged && (this.#scan === undefined || Date.now() - this.#scan.at > SCAN_FRESH_MS) });
          if (branchChanged && left) {
            void this.#noteLeftBranch(repository, left);
          }
        } else if (head !== entry.head) {
          entry.head = head;
          void this.refresh();
        }
      }),
    };
    this.#watchedRepositories.set(key, entry);
  }

  /** Tells the preview feature when the branch left has a preview environment (read from the cached scan: no request). */
  async #noteLeftBranch(repository: GitRepository, branch: string): Promise<void> {
    const scan = this.#scan && (await this.#scan.result.catch(() => undefined));
    const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => this.#gitRoot(f, repository));
    if (!scan || !folder) {
      return;
    }
    const local = this.#readLocal(folder, repository);
    const previews = matchServices(scan.services, { ...local, branch }).filter((c) => c.environmentMode === 'PREVIEW');
    if (previews.length > 0) {
      this.#leftBranch.fire({ folder, branch, previews });
    }
  }

  /**
   * Brings the git extension's state up to date when the HEAD file names another branch or commit than
   * it reports (a checkout it has not seen yet): a command run right after `git checkout` then acts on
   * the new branch's service. Its state change runs the usual branch-switch handling too.
   */
  async #catchUpHead(repository: GitRepository): Promise<void> {
    const root = repository.rootUri.fsPath;
    const file = await readHeadFile(root);
    if (!file || !headIsBehind(file, repository.state.HEAD)) {
      return;
    }
    const seen = JSON.stringify(file);
    if (this.#headsSynced.get(root) === seen) {
      return;
    }
    this.#headsSynced.set(root, seen);
    this.log.info(`Workspace link: HEAD of ${root} names ${'branch' in file ? `branch ${file.branch}` : `commit ${shortSha(file.commit) ?? ''}`}; git's state is read again.`);
    await repository.status().catch((error: unknown) => {
      // Tried again at the next refresh (an index.lock held a moment, say), not skipped for this HEAD.
      this.#headsSynced.delete(root);
      this.log.warn(`Workspace link: git status failed in ${root}: ${errorText(error)}`);
    });
  }

  #gitRoot(folder: vscode.WorkspaceFolder, repository: GitRepository): boolean {
    const root = repository.rootUri.fsPath;
    const r = path.relative(root, folder.uri.fsPath);
    return !r.startsWith('..') && !path.isAbsolute(r);
  }

  #readLocal(folder: vscode.WorkspaceFolder, repository: GitRepository): LocalRepository {
    const root = repository.rootUri.fsPath;
    const relative = (p: string): string | undefined => {
      const r = path.relative(root, p);
      return r.startsWith('..') || path.isAbsolute(r) ? undefined : r.split(path.sep).filter(Boolean).join('/');
    };
    const paths = [relative(folder.uri.fsPath)];
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.scheme === 'file' && vscode.workspace.getWorkspaceFolder(active)?.uri.toString() === folder.uri.toString()) {
      paths.push(relative(active.fsPath));
    }
    const remotes = [...repository.state.remotes]
      .sort((a, b) => (a.name === 'origin' ? -1 : b.name === 'origin' ? 1 : 0))
      .flatMap((r) => [normaliseRemoteUrl(r.fetchUrl), normaliseRemoteUrl(r.pushUrl)])
      .filter((k): k is NonNullable<typeof k> => k !== undefined);
    return {
      remotes: remotes.filter((k, i) => remotes.findIndex((o) => o.key === k.key) === i),
      branch: repository.state.HEAD?.name,
      paths: paths.filter((p): p is string => p !== undefined),
    };
  }

  async #evaluate(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const state = this.session.state;
    // While a check runs, or the API is briefly out of reach, the links stay as they were.
    if ((state.status === 'checking' || state.status === 'unreachable' || state.status === 'rateLimited') && this.#links.length > 0) {
      return;
    }
    const git = folders.length > 0 ? await this.#gitApi() : undefined;
    const repositories = folders.map((folder) => git?.getRepository(folder.uri) ?? undefined);
    await Promise.all([...new Set(repositories)].map((r) => (r ? this.#catchUpHead(r) : Promise.resolve())));
    const links: FolderLink[] = folders.map((folder, i) => {
      const repository = repositories[i];
      if (!repository) {
        return { folder, status: 'noRepository', matches: [] };
      }
      this.#watchRepository(repository);
      const local = this.#readLocal(folder, repository);
      const status: FolderStatus = local.remotes.length === 0 ? 'noRepository' : state.status === 'signedIn' ? 'scanning' : 'signedOut';
      return { folder, status, local, head: repository.state.HEAD?.commit, matches: [] };
    });
    const toLink = links.filter((l) => l.status === 'scanning');
    const connectionId = state.connection?.id;
    if (toLink.length > 0 && connectionId) {
      if (!this.#scan) {
        this.#publish(links.map((l) => ({ ...l, link: this.linkOf(l.folder)?.link })));
      }
      let scan: ScanResult | undefined;
      try {
        scan = await this.services();
      } catch (error) {
        for (const l of toLink) {
          l.status = 'failed';
          l.error = error;
        }
      }
      if (scan) {
        const remembered = this.#remembered();
        for (const l of toLink) {
          this.#decide(l, scan, remembered[l.folder.uri.toString()], connectionId);
        }
      }
    }
    this.#publish(links);
  }

  #decide(l: FolderLink, scan: ScanResult, remembered: RememberedLink | undefined, connectionId: string): void {
    const local = l.local!;
    l.matches = matchServices(scan.services, local);
    const decision = decideLink(scan.services, l.matches, remembered, connectionId);
    const key = l.folder.uri.toString();
    switch (decision.kind) {
      case 'linked':
        l.status = 'linked';
        l.link = decision.candidate;
        if (decision.how === 'automatic') {
          void this.#remember(l.folder, {
            kind: 'linked',
            serviceId: decision.candidate.serviceId,
            environmentId: decision.candidate.environmentId,
            organizationId: decision.candidate.organizationId,
            connectionId,
            manual: false,
          });
          if (!this.#announced.has(key)) {
            this.#announced.add(key);
            const c = decision.candidate;
            void this.ui.prompter.info(
              vscode.l10n.t('Qovery: the folder "{0}" deploys to {1} ({2} · {3}): linked.', l.folder.name, c.serviceName, c.environmentName, c.projectName),
              {},
            );
          }
        }
        this.#announced.add(key);
        break;
      case 'pick': {
        l.status = 'pick';
        const asked = `${key}#${local.branch ?? ''}`;
        if (!this.#asked.has(asked)) {
          this.#asked.add(asked);
          // Asked once, outside the evaluation: the status bar shows "Choose…" meanwhile.
          setTimeout(() => void this.pickAmong(l.folder, decision.matches), 0);
        }
        break;
      }
      case 'none': {
        l.status = 'none';
        const keys = new Set(local.remotes.map((r) => r.key));
        l.previewable = local.branch !== undefined && scan.services.some((c) => c.repository !== undefined && keys.has(c.repository.key) && c.environmentMode !== 'PREVIEW');
        break;
      }
      case 'unlinked':
        l.status = 'unlinked';
        break;
      case 'missing':
        l.status = 'missing';
        break;
    }
  }

  /** The quick pick among several matches; production is marked and listed last. */
  async pickAmong(folder: vscode.WorkspaceFolder, matches: readonly ServiceCandidate[]): Promise<ServiceCandidate | undefined> {
    const items = matches.map((c) => candidateItem(c));
    const picked = await this.ui.prompter.quickPick(items, {
      title: vscode.l10n.t('Qovery: several services build "{0}" on this branch: which one does this folder deploy to?', folder.name),
      placeHolder: vscode.l10n.t('The choice is remembered for this folder'),
      ignoreFocusOut: true,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked) {
      await this.linkTo(folder, picked.candidate, false);
    }
    return picked?.candidate;
  }

  /** A linked service whose state changed to a settled one (DEPLOYED, an error...) may run another commit now. */
  #noteLinkedStates(environmentId: string): void {
    let settled = false;
    for (const l of this.#links) {
      if (l.status !== 'linked' || l.link?.environmentId !== environmentId) {
        continue;
      }
      const state = this.serviceState(l.link)?.state;
      const key = l.link.serviceId;
      const before = this.#linkedStates.get(key);
      this.#linkedStates.set(key, state);
      if (before !== undefined && state !== undefined && state !== before && !isMovingState(state)) {
        settled = true;
      }
    }
    if (settled) {
      void this.refreshDeployedCommits(environmentId);
    }
  }

  #publish(links: FolderLink[]): void {
    this.#links = links;
    const environments = new Set(links.filter((l) => l.status === 'linked' && l.link).map((l) => l.link!.environmentId));
    for (const [id, watch] of this.#statusWatches) {
      if (!environments.has(id)) {
        watch.dispose();
        this.#statusWatches.delete(id);
      }
    }
    for (const id of environments) {
      if (!this.#statusWatches.has(id)) {
        this.#statusWatches.set(
          id,
          this.statuses.watch(id, {
            onStatuses: (statuses: EnvironmentServiceStatuses | undefined, error?: unknown) => {
              if (statuses) {
                this.session.reportSuccess();
              }
              if (error) {
                this.log.warn(`Workspace link: the states of environment ${id} could not be read: ${errorText(error)}`);
                this.session.reportFailure(error);
              }
              if (statuses) {
                this.#noteLinkedStates(id);
              }
              this.#changed.fire();
            },
          }),
        );
      }
    }
    this.#changed.fire();
  }
}

export interface CandidateItem extends vscode.QuickPickItem {
  candidate: ServiceCandidate;
}

/** "web", "production · PRODUCTION · storefront", with production called out. */
export function candidateItem(c: ServiceCandidate): CandidateItem {
  const production = c.environmentMode === 'PRODUCTION';
  return {
    label: production ? `$(warning) ${noIcons(c.serviceName)}` : noIcons(c.serviceName),
    description: [c.environmentName, c.environmentMode ?? vscode.l10n.t('mode unknown'), c.projectName, c.organizationName].join(' · '),
    detail: production
      ? vscode.l10n.t('Production environment: deploying from here changes what your users run.')
      : [c.git.branch && vscode.l10n.t('branch {0}', c.git.branch), c.git.rootPath && c.git.rootPath !== '/' ? vscode.l10n.t('root {0}', c.git.rootPath) : undefined].filter(Boolean).join(' · ') || undefined,
    candidate: c,
  };
}
