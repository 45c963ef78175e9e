// Runs the real `hookstep` CLI (src/cli.ts through tsx) as a child process, as a user would: each in a directory of
// its own (never the checkout, where a user's `npm start` keeps .hookstep/), and killed when its test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..');
// `node --import tsx` runs the CLI in this one process; the tsx binary would fork a child that outlives a SIGKILL. The
// loader is named by path so the CLI can run in another directory (where `hookstep dev` keeps .hookstep/).
const TSX_LOADER = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;
const NODE_ARGS = ['--import', TSX_LOADER, join(ROOT, 'src', 'cli.ts')];

/**
 * The directory a CLI process runs in: `cwd` when given, else a new temporary one. The checkout (or anything in it)
 * is refused: the CLI reads and writes .hookstep/ (payload keys, codec token, registry, Temporal state) where it
 * runs, and a test must neither find the user's state there nor leave its own (issue 19, item 10).
 */
export function cliDirectory(cwd?: string): string {
  const dir = cwd ?? mkdtempSync(join(tmpdir(), 'hookstep-cli-'));
  const inside = relative(realpathSync(ROOT), realpathSync(dir));
  if (!inside.startsWith('..') && !isAbsolute(inside)) {
    throw new Error(`a test's CLI process must not run in the checkout (${dir}): its .hookstep/ is the user's state`);
  }
  return dir;
}

/**
 * Every CLI process a test file started that has not exited. One started inside a test is killed when that test
 * ends (passed, failed or timed out); one started in beforeAll when the file ends. The whole process group goes,
 * so the dev server `hookstep dev` starts goes with it.
 */
const live = new Map<ChildProcess, { inTest: boolean; exited: Promise<unknown> }>();
/** True from a test's beforeEach hooks to its afterEach hooks. */
let testRunning = false;

function track(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  live.set(child, { inTest: testRunning, exited });
  void exited.then(() => live.delete(child));
  return exited;
}

async function killLive(which: (inTest: boolean) => boolean): Promise<void> {
  const ending = [...live].filter(([, p]) => which(p.inTest));
  for (const [child] of ending) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone between the exit event and here.
    }
  }
  await Promise.all(ending.map(([, p]) => p.exited));
}

beforeEach(() => {
  testRunning = true;
});
afterEach(async () => {
  testRunning = false;
  await killLive((inTest) => inTest);
});
afterAll(() => killLive(() => true));

function start(args: string[], env: Record<string, string>, cwd: string | undefined) {
  return spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: cliDirectory(cwd),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the cleanup above reaches the processes it starts too.
    detached: true,
  });
}

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when stdout+stderr match, rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts a CLI command in `cwd` (default: a new temporary directory; never the checkout). */
export function spawnCli(args: string[], env: Record<string, string> = {}, cwd?: string): CliProcess {
  const child = start(args, env, cwd);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = track(child);
  return {
    child,
    output: () => out,
    exited,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void exited.then((code) => reject(new Error(`exited with ${code} before ${pattern}:\n${out}`)));
      }),
  };
}

/** Runs a CLI command to completion, in `cwd` as spawnCli does. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = start(args, env, cwd);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await track(child);
  return { code, stdout, stderr };
}

export { freePort } from './ports';
