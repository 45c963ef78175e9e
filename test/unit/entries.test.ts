// The package's entries load only what their users need: `hookstep` (client helpers and the contract) loads no worker
// runtime, no test server and no HTTP client, nor does `hookstep/receiver`; `hookstep/worker` does. Each is imported in a fresh Node process.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The packages (under node_modules) a fresh process has loaded after requiring `entry`. */
function packagesLoadedBy(entry: string): string[] {
  const script = `
    require(${JSON.stringify(join(root, entry))});
    const names = Object.keys(require.cache)
      .map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(p)?.[1])
      .filter(Boolean);
    console.log(JSON.stringify([...new Set(names)].sort()));
  `;
  return JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' }),
  ) as string[];
}

test('the package main loads neither @temporalio/worker, @temporalio/testing nor undici', () => {
  const loaded = packagesLoadedBy('src/index.ts');
  expect(loaded).toContain('zod');
  for (const heavy of ['@temporalio/worker', '@temporalio/testing', '@temporalio/core-bridge', 'undici']) {
    expect(loaded).not.toContain(heavy);
  }
});

test('hookstep/receiver loads the client and zod, and neither the worker, the test server, undici, Express nor Fastify', () => {
  const loaded = packagesLoadedBy('src/receiver/index.ts');
  expect(loaded).toEqual(expect.arrayContaining(['@temporalio/client', 'zod']));
  for (const heavy of ['@temporalio/worker', '@temporalio/testing', '@temporalio/core-bridge', 'undici']) {
    expect(loaded).not.toContain(heavy);
  }
  expect(loaded).not.toContain('express');
  expect(loaded).not.toContain('fastify');
});

test('hookstep/api (the HTTP API) loads Fastify and no worker runtime or test server', () => {
  const loaded = packagesLoadedBy('src/api/index.ts');
  expect(loaded).toContain('fastify');
  for (const heavy of ['@temporalio/worker', '@temporalio/testing', '@temporalio/core-bridge']) {
    expect(loaded).not.toContain(heavy);
  }
});

test('hookstep/codec loads neither the worker, the test server, undici nor the client', () => {
  const loaded = packagesLoadedBy('src/codec/index.ts');
  expect(loaded).toEqual(expect.arrayContaining(['@temporalio/proto', 'zod']));
  for (const heavy of ['@temporalio/worker', '@temporalio/testing', '@temporalio/core-bridge', 'undici']) {
    expect(loaded).not.toContain(heavy);
  }
});

test('hookstep/worker loads the worker runtime and undici', () => {
  const loaded = packagesLoadedBy('src/worker/index.ts');
  expect(loaded).toEqual(expect.arrayContaining(['@temporalio/worker', 'undici']));
});

test('the workflow bundle carries no schema library: steps are validated in activities, outside the sandbox', () => {
  const bundle = readFileSync(process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE!, 'utf8');
  expect(bundle).toContain('workflows/sendWebhook.ts');
  expect(bundle).not.toContain('node_modules/zod');
  expect(bundle).not.toContain('contract/schemas/');
});

test('package.json maps each entry to the file tsc builds from it', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    main: string;
    exports: Record<string, { types: string; default: string }>;
    bin: Record<string, string>;
  };
  expect(pkg.exports['.']).toEqual({ types: './dist/src/index.d.ts', default: './dist/src/index.js' });
  expect(pkg.exports['./worker']).toEqual({
    types: './dist/src/worker/index.d.ts',
    default: './dist/src/worker/index.js',
  });
  expect(pkg.exports['./receiver']).toEqual({
    types: './dist/src/receiver/index.d.ts',
    default: './dist/src/receiver/index.js',
  });
  expect(pkg.exports['./codec']).toEqual({
    types: './dist/src/codec/index.d.ts',
    default: './dist/src/codec/index.js',
  });
  expect(pkg.main).toBe('dist/src/index.js');
  expect(pkg.bin.hookstep).toBe('dist/src/cli.js');
});
