// Bundles the core, src/extension.ts, into dist/extension.js and each chunk, src/chunks/<name>.ts,
// into dist/chunks/<name>.js: separate CommonJS entry points (vscode external) that the core loads
// with require on first use. esbuild's code splitting needs ESM output, which VS Code loads only from
// 1.100, and the extension supports 1.90; so each chunk carries its own copy of what it imports.
// --production minifies without source maps (for the .vsix); --watch rebuilds on change.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the form of the esbuild problem matcher so F5 shows them in the Problems view. */
const problemMatcher = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => {
      console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      }
      console.log('[watch] build finished');
    });
  },
};

/** The entry points: the core bundle and every chunk (the modules ChunkModules lists in src/chunks/core.ts). */
export const ENTRY_POINTS = {
  extension: 'src/extension.ts',
  'chunks/connections': 'src/chunks/connections.ts',
  'chunks/reminder': 'src/chunks/reminder.ts',
  'chunks/rotation': 'src/chunks/rotation.ts',
  'chunks/tokens': 'src/chunks/tokens.ts',
  'chunks/tree': 'src/chunks/tree.ts',
  'chunks/workspace': 'src/chunks/workspace.ts',
  'chunks/variables': 'src/chunks/variables.ts',
  'chunks/logs': 'src/chunks/logs.ts',
};

/** The options shared by this build and the benchmark's in-memory build. */
export const BUILD_OPTIONS = {
  entryPoints: ENTRY_POINTS,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outdir: 'dist',
  // ws loads these optional native helpers when they are installed; it works without them.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  legalComments: 'none',
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await main();
}

async function main() {
const ctx = await esbuild.context({
  ...BUILD_OPTIONS,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  metafile: true,
  plugins: [problemMatcher],
});

if (watch) {
  await ctx.watch();
} else {
  const result = await ctx.rebuild();
  await ctx.dispose();
  if (result.errors.length > 0) {
    process.exit(1);
  }
}
}
