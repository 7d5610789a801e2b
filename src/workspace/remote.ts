// Git remote URLs -> one comparable key ("github.com/acme/storefront-web"). No `vscode` here.
// SSH (scp-like and ssh://), HTTPS and git:// forms of one repository give the same key: the scheme,
// any credentials, the port, a trailing ".git" or "/" and the case are dropped. Credentials never
// leave this function: the key is all that callers keep or log.

/** A repository as the matcher compares it: host and path, lower case, path segments kept (GitLab subgroups). */
export interface RepositoryKey {
  host: string;
  /** "owner/name" or "group/subgroup/name". */
  path: string;
  /** `${host}/${path}` */
  key: string;
}

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;

function finish(host: string, rawPath: string): RepositoryKey | undefined {
  const cleanHost = host.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  let path = rawPath.replace(/[?#].*$/, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep the raw path: a stray % is not a reason to drop the remote
  }
  path = path
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/g, '')
    .replace(/^~[^/]*\//, '') // scp-like paths relative to a home folder keep their repository part
    .toLowerCase();
  // Bitbucket Server and some GitLab installs serve under "scm/" or a "/-/" suffix: the repository is before it.
  path = path.replace(/\/-\/.*$/, '');
  const segments = path.split('/').filter(Boolean);
  if (!cleanHost || segments.length < 2 || segments.some((s) => s === '.' || s === '..')) {
    return undefined;
  }
  const joined = segments.join('/');
  return { host: cleanHost, path: joined, key: `${cleanHost}/${joined}` };
}

/** The key of a remote URL, or undefined when it names no hosted repository (a local path, garbage). */
export function normaliseRemoteUrl(raw: string | undefined | null): RepositoryKey | undefined {
  if (typeof raw !== 'string') {
    return undefined;
  }
  const url = raw.trim();
  if (!url || url.length > 2048) {
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (!['http:', 'https:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol)) {
      return undefined;
    }
    return finish(parsed.hostname, parsed.pathname);
  }
  const scp = SCP_LIKE.exec(url);
  if (scp && !/^[a-z]:$/i.test(`${scp[1]}:`)) {
    return finish(scp[1], scp[2]);
  }
  return undefined;
}

/** The host Qovery's git providers live on, for a git_repository that carries no URL. */
const PROVIDER_HOSTS: Record<string, string> = { GITHUB: 'github.com', GITLAB: 'gitlab.com', BITBUCKET: 'bitbucket.org' };

/**
 * The key of a service's git_repository: its `url` when readable, else provider + owner + name
 * (`name` is sometimes the full "owner/name").
 */
export function repositoryKeyOf(git: { url?: unknown; provider?: unknown; owner?: unknown; name?: unknown }): RepositoryKey | undefined {
  const fromUrl = typeof git.url === 'string' ? normaliseRemoteUrl(git.url) : undefined;
  if (fromUrl) {
    return fromUrl;
  }
  const host = typeof git.provider === 'string' ? PROVIDER_HOSTS[git.provider] : undefined;
  if (!host || typeof git.name !== 'string') {
    return undefined;
  }
  const name = git.name.includes('/') || typeof git.owner !== 'string' ? git.name : `${git.owner}/${git.name}`;
  return finish(host, name);
}
