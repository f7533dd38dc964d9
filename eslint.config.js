// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import unicorn from 'eslint-plugin-unicorn';
import reactHooks from 'eslint-plugin-react-hooks';
import { proxyBoundaries } from './eslint.boundaries.js';

/** Deep imports into a package are banned everywhere (STYLE rule 1). */
const PACKAGE_PATTERNS = [
  {
    group: ['@llmtrace/*/src', '@llmtrace/*/src/*', '@llmtrace/*/dist/*'],
    message: 'Import a package through its exports map, never its internals.',
  },
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: './tsconfig.test.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { unicorn },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'unicorn/filename-case': ['error', { case: 'kebabCase' }],
      'no-restricted-imports': ['error', { patterns: PACKAGE_PATTERNS }],
    },
  },
  {
    // Only the config module reads the environment (STYLE.md rule 11).
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/core/src/config/**', 'packages/proxy/src/cli-commands.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through loadConfig().' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Upstream calls go through the undici pool.' },
      ],
    },
  },
  {
    // The dashboard is browser code with its own tsconfig (DOM, JSX, bundler resolution); it calls
    // only its own origin's API, so fetch is the right tool there.
    files: ['packages/dashboard/src/**/*.{ts,tsx}', 'packages/dashboard/vite.config.ts'],
    languageOptions: {
      parserOptions: {
        project: './packages/dashboard/tsconfig.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-properties': 'off',
      'no-restricted-globals': 'off',
    },
  },
  {
    // A call with five positional arguments is one nobody reads correctly (issue 13): pass a record.
    files: ['packages/proxy/src/**/*.ts'],
    rules: { 'max-params': ['error', 4] },
  },
  // The request path's layers (docs/architecture.md).
  ...proxyBoundaries(PACKAGE_PATTERNS),
);
