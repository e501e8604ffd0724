// Lint: typescript-eslint's type-checked rules (floating promises matter in an async
// CLI: a promise nobody awaits loses its error and its exit code).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'man/', 'node_modules/', '.sqld/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // An async function without await is how the synchronous engine (better-sqlite3)
      // implements the async Store interface: what it throws becomes a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Prettier wraps code at 120 characters but cannot wrap a long message in a template
    // literal: split such a message into pieces joined with +, so no line of src/ is too
    // long to read side by side or in a review.
    files: ['src/**/*.ts'],
    rules: { 'max-len': ['error', { code: 160, ignoreRegExpLiterals: true, ignoreUrls: true }] },
  },
  {
    // Tests read the CLI's JSON output into untyped values and assert on them.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Store rows are read untyped and turned into text to compare.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Tests look for escape sequences (ESC, backspace) in what reached a terminal.
      'no-control-regex': 'off',
    },
  },
  {
    // Plain JavaScript (bin, scripts, this file): linted without type information.
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'URL',
          'Buffer',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'performance',
          'fetch',
          'AbortController',
          'AbortSignal',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // The launcher is CommonJS (bin/package.json): it loads faster than ESM.
    files: ['bin/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
