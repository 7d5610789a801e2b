import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

/** The feature folders of src/: each imports the core, never another. */
const FEATURES = ['workspace', 'deploy', 'logs', 'variables', 'shell', 'preview', 'agents'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'scripts/**', 'esbuild.mjs', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      curly: 'error',
    },
  },
  {
    // No run-time import cycle in src/ (type-only imports are erased by the compiler, so the rule skips them).
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // The API client runs in plain Node (its tests are plain mocha): no vscode, not even its types.
    files: ['src/api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/api runs without VS Code: pass what it needs in from the caller.' }] }] },
  },
  // Features import the core (and src/shared), never each other; a type-only import is erased, so allowed.
  ...FEATURES.map((feature) => ({
    files: [`src/${feature}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: FEATURES.filter((other) => other !== feature).map((other) => ({
          group: [`../${other}`, `../${other}/*`],
          allowTypeImports: true,
          message: `src/${feature} does not import the ${other} feature: move what both need to src/shared, or go through a command.`,
        })),
      }],
    },
  })),
  // The core (the top-level modules, the explorer, the connection and token commands, auth, src/shared and
  // the chunk loader) imports no feature at run time: the chunks hang the features' rows and commands on it.
  {
    files: ['src/*.ts', 'src/tree/**/*.ts', 'src/commands/**/*.ts', 'src/auth/**/*.ts', 'src/shared/**/*.ts', 'src/chunks/core.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: FEATURES.map((feature) => ({
          group: [`./${feature}`, `./${feature}/*`, `../${feature}`, `../${feature}/*`, `../../${feature}`, `../../${feature}/*`],
          allowTypeImports: true,
          message: `The core does not import the ${feature} feature: hang what it brings from its chunk (src/chunks), or go through a command.`,
        })),
      }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly',
        clearInterval: 'readonly', getComputedStyle: 'readonly', document: 'readonly', window: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', fetch: 'readonly', Buffer: 'readonly', AbortController: 'readonly',
      },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-console': 'off', '@typescript-eslint/consistent-type-imports': 'off' },
  },
);
