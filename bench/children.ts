// Starts the bench's own processes (receiver, workers, the Go floor) and waits for their ready line.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ALLOCATOR_ENV } from '../src/worker/allocator';
import type { BenchWorkerConfig } from './worker';

export interface Child<T> {
  pid: number;
  ready: T;
  stop(): Promise<void>;
}

/** A TypeScript file of the bench, run with `node --import tsx`. */
export function startChild<T>(script: string, env: Record<string, string> = {}, nodeArgs: string[] = []) {
  return startProcess<T>(process.execPath, [...nodeArgs, '--import', 'tsx', join(__dirname, script)], env, script);
}

/** Any program that prints a `{"ready":true,...}` line on stdout once it serves. */
export async function startProcess<T>(
  command: string,
  args: string[],
  env: Record<string, string>,
  script: string,
): Promise<Child<T>> {
  const child = spawn(command, args, {
    cwd: join(__dirname, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<T>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(JSON.parse(line) as T);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready:\n${out}`)));
  });
  return { pid: child.pid!, ready, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export interface Receiver extends Child<{ port: number }> {
  url: string;
  stats(withIds?: boolean): Promise<ReceiverStats>;
  reset(): Promise<void>;
  /** Answers every request waiting on /hold. */
  release(): Promise<void>;
}

export interface ReceiverStats {
  requests: number;
  failed: number;
  /** Requests answered 2xx. */
  ok: number;
  peakOpenSockets: number;
  openSockets: number;
  /** Distinct webhook-ids answered 2xx, and seen at all. */
  deliveredIds: number;
  /** Requests to /hold not yet released. */
  waiting: number;
  distinctIds: number;
  /** With stats(true): each webhook-id answered 2xx. */
  deliveredIdList?: string[];
}

export async function startReceiver(): Promise<Receiver> {
  const child = await startChild<{ port: number }>('receiver.ts');
  const url = `http://127.0.0.1:${child.ready.port}`;
  return {
    ...child,
    url,
    stats: async (withIds = false) =>
      (await (await fetch(`${url}/__stats${withIds ? '?ids=1' : ''}`)).json()) as ReceiverStats,
    reset: async () => void (await fetch(`${url}/__reset`, { method: 'POST' })).arrayBuffer(),
    release: async () => void (await fetch(`${url}/__release`, { method: 'POST' })).arrayBuffer(),
  };
}

/**
 * A bench worker process. hookstep's starts with the allocator setting its launchers set (package.json's scripts, the
 * Dockerfile; src/worker/allocator.ts) unless `plainMalloc`; the naive baseline with the C library's defaults, as the
 * usual Temporal worker runs.
 */
export function startWorker(
  config: BenchWorkerConfig,
  nodeArgs: string[] = [],
  plainMalloc = false,
): Promise<Child<{ ready: true }>> {
  const allocator = config.kind === 'hookstep' && !plainMalloc ? ALLOCATOR_ENV : {};
  return startChild('worker.ts', { HOOKSTEP_BENCH_WORKER: JSON.stringify(config), ...allocator }, nodeArgs);
}

const GO_FLOOR_DIR = join(__dirname, 'baselines', 'go-floor');

/**
 * Builds the Go floor once into `outDir` with the Go toolchain (modules from the Go module proxy); undefined, with
 * the reason logged, when Go is not installed, so the bench reports the other figures without it.
 */
export function buildGoFloor(outDir: string, log: (m: string) => void): string | undefined {
  const binary = join(outDir, 'go-floor');
  try {
    execFileSync('go', ['build', '-o', binary, '.'], {
      cwd: GO_FLOOR_DIR,
      env: { ...process.env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return binary;
  } catch (err) {
    log(`  Go floor skipped: go build failed or Go is not installed (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

export function startGoFloor(binary: string, address: string, taskQueue: string): Promise<Child<{ ready: true }>> {
  return startProcess(binary, [], { TEMPORAL_ADDRESS: address, TASK_QUEUE: taskQueue }, 'go-floor');
}
