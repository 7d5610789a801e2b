// Bundles the core, src/extension.ts, into dist/extension.js and each chunk, src/chunks/<name>.ts,
// into dist/chunks/<name>.js: CommonJS files (vscode external) that the core loads with require on
// first use. esbuild's code splitting needs ESM output, which VS Code loads only from 1.100, and the
// extension supports 1.90; so the sharing is done here instead:
//  1. the core is bundled once to learn which source files it holds;
//  2. the chunks are bundled with every import of one of those files replaced by a read of the
//     core's table of shared modules (so a chunk never carries its own copy of the API client's
//     errors, the formatter, the registry...), which records the files the chunks use;
//  3. the core is bundled for real, with that table: the namespaces of the files chunks use, set on
//     a global symbol when extension.js loads (before any chunk can).
// --production minifies without source maps (for the .vsix); --watch rebuilds on change.
import * as esbuild from 'esbuild';
import { watch as watchFiles } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The chunks (the modules ChunkModules lists in src/chunks/core.ts). */
export const CHUNK_ENTRY_POINTS = {
  'chunks/connections': 'src/chunks/connections.ts',
  'chunks/reminder': 'src/chunks/reminder.ts',
  'chunks/rotation': 'src/chunks/rotation.ts',
  'chunks/tokens': 'src/chunks/tokens.ts',
  'chunks/tree': 'src/chunks/tree.ts',
  'chunks/workspace': 'src/chunks/workspace.ts',
  'chunks/variables': 'src/chunks/variables.ts',
  'chunks/statuses': 'src/chunks/statuses.ts',
  'chunks/api': 'src/chunks/api.ts',
  'chunks/deploy': 'src/chunks/deploy.ts',
  'chunks/logs': 'src/chunks/logs.ts',
  'chunks/gateway': 'src/chunks/gateway.ts',
  'chunks/preview': 'src/chunks/preview.ts',
};

export const CORE_ENTRY = 'src/extension.ts';

/** The global symbol the core puts its shared modules under (src/chunks/core.ts names it too). */
export const SHARED_KEY = 'qovery-community.qovery/shared-modules';

const COMMON = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outdir: 'dist',
  // ws loads these optional native helpers when they are installed; it works without them.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  legalComments: 'none',
  logLevel: 'silent',
  metafile: true,
};

/** Step 2's plugin: an import of a core file becomes a read of the core's table. */
function useCoreModules(coreFiles, used, workingDir) {
  // The same form as the metafile's input paths: relative to the working directory.
  const sourceId = (file) => relative(workingDir, file).split('\\').join('/');
  return {
    name: 'use-core-modules',
    setup(build) {
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.namespace !== 'file' || args.pluginData?.fromPlugin) {
          return undefined;
        }
        const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { fromPlugin: true } });
        if (resolved.errors.length > 0 || !coreFiles.has(sourceId(resolved.path))) {
          return undefined;
        }
        const id = sourceId(resolved.path);
        used.add(id);
        return { path: id, namespace: 'core-module' };
      });
      build.onLoad({ filter: /.*/, namespace: 'core-module' }, (args) => ({
        contents: `const shared = globalThis[Symbol.for(${JSON.stringify(SHARED_KEY)})];
if (!shared || !shared[${JSON.stringify(args.path)}]) { throw new Error(${JSON.stringify(`The core bundle does not share ${args.path}: rebuild with esbuild.mjs.`)}); }
module.exports = shared[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

/** Step 3's entry: the core, plus the table of the files chunks use. */
function coreEntry(used) {
  const files = [...used].sort();
  const imports = files.map((file, i) => `import * as m${i} from ${JSON.stringify(`./${file}`)};`).join('\n');
  const table = files.map((file, i) => `${JSON.stringify(file)}: m${i}`).join(', ');
  return {
    contents: `export * from ${JSON.stringify(`./${CORE_ENTRY}`)};
${imports}
// Frozen and not writable: nothing else in the extension host can swap a module the chunks use.
if (!Object.getOwnPropertyDescriptor(globalThis, Symbol.for(${JSON.stringify(SHARED_KEY)}))) {
  Object.defineProperty(globalThis, Symbol.for(${JSON.stringify(SHARED_KEY)}), { value: Object.freeze({ ${table} }), writable: false, configurable: false });
}`,
    resolveDir: here,
    sourcefile: 'extension-entry.js',
    loader: 'ts',
  };
}

/**
 * Builds the core and every chunk. Returns the metafile outputs of both (keyed by output path), the
 * output files when `write` is false, and the errors.
 */
export async function buildAll({ production = false, write = true, plugins = [], absWorkingDir = here } = {}) {
  const options = { ...COMMON, absWorkingDir, minify: production, sourcemap: !production, sourcesContent: false, write, plugins };
  // 1. Which files the core holds.
  const probe = await esbuild.build({ ...options, entryPoints: { extension: CORE_ENTRY }, write: false, sourcemap: false });
  const coreFiles = new Set(Object.keys(probe.metafile.inputs).filter((f) => f.startsWith('src/')));
  // 2. The chunks, reading what the core holds from its table.
  const used = new Set();
  const chunks = await esbuild.build({ ...options, entryPoints: CHUNK_ENTRY_POINTS, plugins: [...plugins, useCoreModules(coreFiles, used, absWorkingDir)] });
  // 3. The core, with its table.
  const core = await esbuild.build({ ...options, stdin: coreEntry(used), outfile: 'dist/extension.js', outdir: undefined });
  return {
    outputs: { ...core.metafile.outputs, ...chunks.metafile.outputs },
    outputFiles: [...(core.outputFiles ?? []), ...(chunks.outputFiles ?? [])],
    errors: [...core.errors, ...chunks.errors],
    shared: [...used].sort(),
  };
}

/** Prints errors in the form of the esbuild problem matcher so F5 shows them in the Problems view. */
async function buildOnce(production) {
  console.log('[watch] build started');
  try {
    const result = await buildAll({ production });
    console.log('[watch] build finished');
    return result.errors.length === 0;
  } catch (error) {
    for (const { text, location } of error.errors ?? [{ text: String(error) }]) {
      console.error(`✘ [ERROR] ${text}`);
      if (location) {
        console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
    }
    console.log('[watch] build finished');
    return false;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const production = process.argv.includes('--production');
  const ok = await buildOnce(production);
  if (process.argv.includes('--watch')) {
    // Every change rebuilds all three steps (a few hundred milliseconds), so the table stays right.
    // One build at a time: the chunks of one build never sit beside the core of another.
    let timer;
    let running = Promise.resolve();
    watchFiles(join(here, 'src'), { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        running = running.then(() => buildOnce(production));
      }, 100);
    });
  } else if (!ok) {
    process.exit(1);
  }
}
