// Loads a module of src/ in plain Node: bundled in memory by esbuild with the `vscode` module replaced
// by an empty object, for modules that only name VS Code's API in functions a test does not call.
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..', '..', '..');

/** `vscode` is what the module gets for `vscode` (an empty object unless a test gives a stand-in). */
export async function loadSource<T>(file: string, vscode: unknown = {}): Promise<T> {
  const built = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [file],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    write: false,
    logLevel: 'silent',
  });
  const module = { exports: {} as T };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string): unknown => (id === 'vscode' ? vscode : require(id));
  const wrapped = vm.runInThisContext(`(function (require, module, exports) {${built.outputFiles[0].text}\n})`) as (...args: unknown[]) => void;
  wrapped(load, module, module.exports);
  return module.exports;
}
