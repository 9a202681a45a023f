// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** The services: only packages/cli (the composition root) may import them. */
const SERVICES = ['@cdrflow/collector', '@cdrflow/aggregator'];

/** Node built-ins that reach the outside world (or the process), each as `name` and `node:name`. */
const NODE_IO = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'os',
  'crypto',
  'worker_threads',
  'dgram',
  'dns',
  'tls',
  'zlib',
  'stream',
  'readline',
  'process',
  'child_process',
  'cluster',
  'perf_hooks',
  'vm',
];

/** Pure packages may not reach the outside world: no Node I/O, no network clients, no logging or metrics, no wiring. */
const IO_MODULES = [
  ...NODE_IO.flatMap((name) => [name, `node:${name}`]),
  'kafkajs',
  '@clickhouse/client',
  'chdb',
  'chdb/connection',
  'pino',
  'prom-client',
  '@cdrflow/bus',
  '@cdrflow/store',
  '@cdrflow/telemetry',
  '@cdrflow/config',
  '@cdrflow/report',
  '@cdrflow/ops',
  '@cdrflow/cli',
  // and the services, through the 'packages never import services' pattern below
];

export default tseslint.config(
  { ignores: ['node_modules/**', '**/dist/**', 'coverage/**', '.cdrflow/**', '.tmp/**', 'fixtures/sample/data/**'] },
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
          patterns: [{ group: SERVICES, message: 'packages never import services' }],
        },
      ],
    },
  },
  // After the general rule, so it wins for the pure packages (a later entry replaces the rule).
  {
    files: ['packages/{kpi,schema,formats,time,errors}/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({
            name,
            message:
              'kpi, schema, formats, time and errors do no I/O (and tsconfig.pure.json gives them no Node types)',
          })),
          patterns: [{ group: SERVICES, message: 'packages never import services' }],
        },
      ],
    },
  },
  // Not in tsconfig.json (its globals would clash with Node's): declarations only, nothing to type-check.
  { files: ['**/*.js', 'packages/formats/web-globals.d.ts'], ...tseslint.configs.disableTypeChecked },
);
