// The allocator setting hookstep's launchers start a worker with (src/worker/allocator.ts): every launcher carries
// the same value, and a worker started without it on glibc says how to set it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOCATOR_ENV, allocatorHint } from '../../src/worker/allocator';

const ROOT = join(__dirname, '..', '..');
const [[NAME, VALUE]] = Object.entries(ALLOCATOR_ENV);

test("package.json's start and hookstep scripts and the Dockerfile's runtime image start the worker with the setting", () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  expect(scripts.start).toMatch(new RegExp(`^${NAME}=${VALUE} `));
  expect(scripts.hookstep).toMatch(new RegExp(`^${NAME}=${VALUE} `));
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  expect(runtime).toContain(`ENV ${NAME}=${VALUE}\n`);
});

describe('allocatorHint', () => {
  test('on glibc without the setting it names the variable and its value', () => {
    expect(allocatorHint({}, '2.36')).toContain(`${NAME}=${VALUE}`);
  });

  test('says nothing on another C library, or where the allocator was tuned or replaced on purpose', () => {
    expect(allocatorHint({}, undefined)).toBeUndefined();
    expect(allocatorHint({ ...ALLOCATOR_ENV }, '2.36')).toBeUndefined();
    expect(allocatorHint({ MALLOC_TRIM_THRESHOLD_: '0' }, '2.36')).toBeUndefined();
    expect(allocatorHint({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' }, '2.36')).toBeUndefined();
    expect(allocatorHint({ LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2' }, '2.36')).toBeUndefined();
  });

  test('glibc tunables for something other than malloc leave the hint', () => {
    expect(allocatorHint({ GLIBC_TUNABLES: 'glibc.pthread.rseq=0' }, '2.36')).toContain(NAME);
  });
});
