// HOOKSTEP_TEST_TARGET picks the Temporal server the integration tests run on: `dev` (default) starts one dev server
// for the run; `cluster` uses the running `scripts/cluster` and runs only the test files that opt in with a
// `/** @cluster */` docblock as their first line (jest's own pragma mechanism, as `@jest-environment`).
const { readFileSync, readdirSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const { join, relative } = require('node:path');
const { extract, parse } = require('jest-docblock');

const TARGETS = ['dev', 'cluster'];
const target = process.env.HOOKSTEP_TEST_TARGET || 'dev';
if (!TARGETS.includes(target)) {
  throw new Error(`HOOKSTEP_TEST_TARGET must be one of ${TARGETS.join(', ')}, not ${JSON.stringify(target)}`);
}

/** Test files whose leading docblock carries @cluster. */
function clusterTests(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith('.test.ts'))
    .filter((file) => 'cluster' in parse(extract(readFileSync(join(dir, file), 'utf8'))))
    .map((file) => `<rootDir>/${relative(__dirname, join(dir, file))}`);
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: target === 'cluster' ? clusterTests(join(__dirname, 'test')) : ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  // One Temporal server for the whole run (a dev server, or the cluster); each test file uses its own task queue.
  globalSetup: '<rootDir>/test/globalSetup.ts',
  globalTeardown: '<rootDir>/test/globalTeardown.ts',
  testTimeout: 60_000,
  // Two test files at a time even on 2 cores (jest's default there is one, in band): the integration tests spend most
  // of their time waiting on the Temporal server and receivers, not on CPU. On this 2-core machine the dev-server suite
  // took 14 min in band and 7.7 min with two workers, every test passing in both. Each file has its own task queue,
  // database and ports, so files do not share state.
  maxWorkers: Math.max(2, availableParallelism() - 1),
};
