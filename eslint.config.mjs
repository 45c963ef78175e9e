// Type-aware lint, and the house's layers kept by lint: an import that runs back up fails.
//   src/contract   the ground floor: schemas, types, defaults, errors. No worker, client, HTTP or Node I/O.
//   workflows/     deterministic orchestration on the contract (activity types only; no Node built-ins, no undici).
//   src/registry   the persistence layer: one repository module per aggregate (webhooks, tenants' keys, deliveries,
//                  health, automations), on the contract; PGlite or PostgreSQL. Activities and the API use it.
//   activities/    all I/O, on the contract and the registry.
//   src/client     (and the package main, src/index.ts) starts runs: the contract and @temporalio/client only.
//   src/receiver   `hookstep/receiver`: verifies webhooks and starts runs; the contract and @temporalio/client only,
//                  Express and Fastify as types.
//   src/codec      `hookstep/codec`: payload encryption and the codec server; the contract, @temporalio/common and
//                  Node built-ins only, so every client, receiver and worker may use it.
//   src/worker     the worker, its bundle, the dev server: may use workflows/ and activities/.
//   src/cli        the command line, on top of everything.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const builtins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const restrict = (names, message) => names.map((name) => ({ name, message }));

const WORKER_ONLY = ['@temporalio/worker', '@temporalio/testing'];
const NOT_IN_CONTRACT = 'The contract is the ground floor: pure, with no runtime, client, HTTP or I/O.';
const NOT_FOR_CLIENTS = 'Client code loads no worker runtime or HTTP client: that is `hookstep/worker`.';
const NOT_FOR_CODEC =
  '`hookstep/codec` stands on the contract: no worker runtime, client, HTTP client or entry above it.';
const NOT_FOR_RECEIVERS = '`hookstep/receiver` loads no worker runtime or HTTP client, and frameworks only as types.';
const DETERMINISTIC = 'Workflow code must be deterministic: do I/O in activities/.';
const NO_SCHEMAS_IN_SANDBOX =
  'Workflows carry no schema library: import the pure contract module you need, and schema types with `import type`.';

/** Folders above a layer, which it may not import. */
const ABOVE = {
  contract: [
    './src/client',
    './src/receiver',
    './src/api',
    './src/worker',
    './src/cli',
    './src/cli.ts',
    './src/index.ts',
    './src/codec',
    './workflows',
    './activities',
    './src/registry',
  ],
  workflows: [
    './src/registry',
    './src/client',
    './src/receiver',
    './src/api',
    './src/codec',
    './src/worker',
    './src/cli',
    './src/cli.ts',
    './src/index.ts',
  ],
  registry: [
    './workflows',
    './activities',
    './src/client',
    './src/receiver',
    './src/api',
    './src/codec',
    './src/worker',
    './src/cli',
    './src/cli.ts',
    './src/index.ts',
  ],
  activities: [
    './workflows',
    './src/client',
    './src/receiver',
    './src/api',
    './src/worker',
    './src/cli',
    './src/cli.ts',
    './src/index.ts',
  ],
  client: ['./src/registry', './src/worker', './src/api', './src/cli', './src/cli.ts', './workflows', './activities'],
  // The API serves the registry (src/registry) and starts fan-outs; it runs no worker.
  api: ['./src/worker', './src/cli', './src/cli.ts', './workflows', './activities'],
  receiver: ['./src/registry', './src/worker', './src/cli', './src/cli.ts', './workflows', './activities'],
  codec: [
    './src/registry',
    './src/client',
    './src/receiver',
    './src/worker',
    './src/cli',
    './src/cli.ts',
    './src/index.ts',
    './workflows',
    './activities',
  ],
  worker: ['./src/cli', './src/cli.ts', './src/api'],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src/contract', from: ABOVE.contract, message: NOT_IN_CONTRACT },
            { target: './workflows', from: ABOVE.workflows, message: 'Workflows stand on the contract only.' },
            {
              target: './src/registry',
              from: ABOVE.registry,
              message: 'The registry stands on the contract only; activities and the API use it.',
            },
            {
              target: './activities',
              from: ABOVE.activities,
              message: 'Activities stand on the contract and the registry.',
            },
            { target: ['./src/client', './src/index.ts'], from: ABOVE.client, message: NOT_FOR_CLIENTS },
            { target: './src/receiver', from: ABOVE.receiver, message: NOT_FOR_RECEIVERS },
            {
              target: './src/api',
              from: ABOVE.api,
              message: 'The API serves the registry and starts runs; no worker.',
            },
            {
              target: './src/worker',
              from: ABOVE.worker,
              message: 'The worker entry uses neither the CLI nor the API.',
            },
            { target: './src/codec', from: ABOVE.codec, message: NOT_FOR_CODEC },
          ],
        },
      ],
    },
  },
  {
    // Small modules with one job; the bench and tests hold tables of data and are exempt.
    files: ['src/**/*.ts', 'workflows/**/*.ts', 'activities/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 200, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 50, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // The registry's migrations are its schema's history, append-only SQL: a table of data, as the bench's are.
    files: ['src/registry/migrations.ts'],
    rules: { 'max-lines': 'off' },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...restrict(
              [...builtins, 'undici', 'commander', '@temporalio/client', '@temporalio/activity'],
              NOT_IN_CONTRACT,
            ),
            ...restrict(WORKER_ONLY, NOT_IN_CONTRACT),
            {
              name: '@temporalio/workflow',
              allowImportNames: ['defineQuery', 'defineSignal', 'defineUpdate'],
              message: 'The contract only defines messages with @temporalio/workflow.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/registry/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: restrict(
            [...WORKER_ONLY, 'undici', '@temporalio/activity', '@temporalio/client', '@temporalio/workflow'],
            'The registry is persistence only: no HTTP client and no Temporal runtime.',
          ),
        },
      ],
    },
  },
  {
    files: ['src/client/**/*.ts', 'src/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: restrict([...WORKER_ONLY, 'undici', '@temporalio/activity'], NOT_FOR_CLIENTS) },
      ],
    },
  },
  {
    files: ['src/codec/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: restrict([...WORKER_ONLY, 'undici', '@temporalio/activity', '@temporalio/client'], NOT_FOR_CODEC) },
      ],
    },
  },
  {
    files: ['src/receiver/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...restrict([...WORKER_ONLY, 'undici', '@temporalio/activity'], NOT_FOR_RECEIVERS),
            ...['express', 'fastify'].map((name) => ({ name, message: NOT_FOR_RECEIVERS, allowTypeImports: true })),
          ],
        },
      ],
    },
  },
  {
    // The examples' workflow code is workflow code too: deterministic, and activity types only.
    files: ['examples/**/workflows.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...restrict([...builtins, 'undici'], DETERMINISTIC),
            ...restrict([...WORKER_ONLY, '@temporalio/client', '@temporalio/activity'], DETERMINISTIC),
            {
              name: './activities',
              message: 'Import only activity types: `import type ... from "./activities"`.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...restrict([...builtins, 'undici'], DETERMINISTIC),
            ...restrict([...WORKER_ONLY, '@temporalio/client', '@temporalio/activity'], DETERMINISTIC),
            { name: 'zod', message: NO_SCHEMAS_IN_SANDBOX },
            { name: '../src/contract', message: NO_SCHEMAS_IN_SANDBOX, allowTypeImports: true },
            {
              name: '../activities',
              message: 'Import only activity types: `import type ... from "../activities"`.',
              allowTypeImports: true,
            },
          ],
          patterns: [
            { group: ['undici/*'], message: DETERMINISTIC },
            { group: ['../src/contract/schemas/*'], message: NO_SCHEMAS_IN_SANDBOX, allowTypeImports: true },
            {
              group: ['../activities/*'],
              message: 'Import only activity types: `import type ... from "../activities"`.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: restrict(
            [...WORKER_ONLY, '@temporalio/workflow'],
            'Activities run in the worker, outside the sandbox.',
          ),
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
