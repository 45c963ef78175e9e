// The C allocator setting hookstep's launchers start a worker process with, and the hint a worker logs without it.
//
// glibc's malloc raises its mmap threshold to the size of each mmapped block it frees (mallopt(3), "dynamic mmap
// threshold"): from then on, blocks of 128 KiB and up come out of its arenas instead of mmap, and an arena keeps
// their pages resident after they are freed. In a worker that holds 1,000 first attempts, this took 0.46 MB of RSS a
// run where the live native allocations were ~0.04 MB (jemalloc's heap profile of the same load); with the threshold
// fixed at glibc's own default of 128 KiB, 0.20 MB a run (docs/performance.md, figure 10). The variable is read by
// glibc when the process starts, so it must be in the environment the process is started with: package.json's
// `start` and `hookstep` scripts and the Dockerfile set it; a worker started otherwise logs the hint below once.

/**
 * The environment a worker process is started with: fixes glibc's mmap threshold at its default (128 KiB), which
 * also turns off its dynamic raise. Ignored by other C libraries (musl, macOS, Windows). The same value is in
 * package.json's scripts and the Dockerfile (test/unit/allocator.test.ts holds them equal).
 */
export const ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' } as const;

/** Variables whose presence means the allocator was chosen or tuned on purpose: glibc's own, or a preloaded one. */
const TUNED = ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_', 'MALLOC_MMAP_MAX_'];

/**
 * The one-line hint a worker logs at start when it runs on glibc with the dynamic mmap threshold still on, else
 * undefined. `glibcVersion` is the running glibc's (undefined on musl, macOS and Windows). Setting any of
 * M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD or M_MMAP_MAX turns the dynamic threshold off (mallopt(3)), and a
 * preloaded allocator (LD_PRELOAD) or glibc's malloc tunables are the operator's own choice: no hint then.
 */
export function allocatorHint(env: NodeJS.ProcessEnv, glibcVersion: string | undefined): string | undefined {
  if (!glibcVersion) return undefined;
  if (TUNED.some((name) => env[name])) return undefined;
  if (env.GLIBC_TUNABLES?.includes('glibc.malloc.') || env.LD_PRELOAD) return undefined;
  const [name, value] = Object.entries(ALLOCATOR_ENV)[0];
  return (
    `glibc's dynamic mmap threshold is on: a run in flight takes about twice the memory. Start the worker with ` +
    `${name}=${value} in its environment, as hookstep's Dockerfile and npm scripts do (docs/self-hosting.md).`
  );
}

/** The running glibc's version from Node's diagnostic report header, undefined on any other C library. */
export function glibcVersion(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
}
