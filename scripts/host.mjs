// Installs and locates the VS Code host used by the integration tests, the benchmark and the demo:
// the VS Code 1.100.3 server from the npm package code-server, driven by Debian's Chromium.
// The install is idempotent and lives in .vscode-test/ (like @vscode/test-electron's cache).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, realpathSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const marker = join(cacheDir, '.installed');
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
function seedRipgrepCache(tmp) {
  const dir = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(dir, { recursive: true });
  const stage = join(tmp, 'rg-stage');
  mkdirSync(stage, { recursive: true });
  copyFileSync('/usr/bin/rg', join(stage, 'rg'));
  execFileSync('tar', ['-czf', join(dir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', stage, 'rg']);
}

export function hostInstalled() {
  return existsSync(marker) && existsSync(codeServerEntry);
}

/** Makes sure the browser is there (the code-server install may already be cached). */
export function ensureBrowser() {
  ensureAptPackages(APT_PACKAGES.slice(0, 1));
}

/** Installs code-server once; `browser: false` skips Chromium (for `npm start`, which opens no browser). */
export function ensureHost({ browser = true } = {}) {
  if (hostInstalled()) {
    ensureAptPackages(browser ? [APT_PACKAGES[0], GIT_PACKAGE] : [GIT_PACKAGE]);
    return;
  }
  ensureAptPackages([...(browser ? APT_PACKAGES : APT_PACKAGES.slice(1)), GIT_PACKAGE]);
  log(`installing code-server@${CODE_SERVER_VERSION} (VS Code 1.100.3 server) into ${cacheDir}; this takes a minute or two once`);
  // A cache folder reached through a symbolic link (one checkout sharing another's install) is not
  // this checkout's to delete: say so instead of removing the other checkout's install.
  const parent = dirname(cacheDir);
  if (existsSync(parent) && realpathSync(parent) !== resolve(parent)) {
    throw new Error(`${parent} is a link to ${realpathSync(parent)}, whose VS Code host install is incomplete: run "node scripts/host.mjs" in that checkout, or remove the link.`);
  }
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'package.json'), JSON.stringify({ name: 'qovery-vscode-host', private: true }));
  const tmp = mkdtempSync(join(tmpdir(), 'qovery-host-install-'));
  try {
    seedRipgrepCache(tmp);
    const result = spawnSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`],
      {
        cwd: cacheDir,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: {
          ...process.env,
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
    ensureHost();
    log(`ready: ${codeServerEntry}`);
  } catch (error) {
    process.stderr.write(`[host] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
