// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Pure packages may not reach the outside world: no Node I/O, no network clients. */
const IO_MODULES = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'child_process',
  'node:child_process',
  'kafkajs',
  '@clickhouse/client',
  'chdb',
  'chdb/connection',
  '@cdrflow/bus',
  '@cdrflow/store',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', '.cdrflow/**', '.tmp/**', 'fixtures/sample/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // packages/cli is the composition root (the `cdrflow` command starts the
    // services), so it alone may import them.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@cdrflow/collector', '@cdrflow/aggregator'], message: 'packages never import services' },
          ],
        },
      ],
    },
  },
  // After the general rule, so it wins for the pure packages (a later entry replaces the rule).
  {
    files: ['packages/{kpi,schema,formats,time}/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({ name, message: 'kpi, schema, formats and time do no I/O' })),
          patterns: [
            { group: ['@cdrflow/collector', '@cdrflow/aggregator'], message: 'packages never import services' },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
