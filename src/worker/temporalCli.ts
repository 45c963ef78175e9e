// The temporal CLI, whose dev server `hookstep dev` (`npm start`) and the tests run: found on this machine, or built
// once with Go, since a machine without internet cannot use the Temporal SDK's download (issue 19, item 1).
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TemporalCliUnavailableError } from '../contract';

/** The release built: the last whose go.mod has no replace directive, so `go install` can build it; pure Go. */
export const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** What to install when nothing else worked: in every message that ends in failure. */
export const INSTALL_HINT =
  'install Go (https://go.dev/dl/: hookstep then builds the temporal CLI itself, once), or put the temporal CLI ' +
  '(https://docs.temporal.io/cli) on PATH, or set TEMPORAL_CLI_PATH to it';

interface GoEnv {
  /** Whether `go` runs. */
  installed: boolean;
  /** Where `go install` puts binaries: GOBIN, else the first GOPATH entry's bin. */
  binDir?: string;
}

/** Go's install directory for `env` (as `go env` reports it, or from GOBIN/GOPATH when Go is not installed). */
export function goEnv(env: NodeJS.ProcessEnv = process.env): GoEnv {
  let reported: string[] | undefined;
  try {
    reported = execFileSync('go', ['env', 'GOBIN', 'GOPATH'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\n');
  } catch {
    reported = undefined;
  }
  const gobin = (reported ? reported[0] : env.GOBIN)?.trim();
  const gopath = (reported ? reported[1] : env.GOPATH)?.trim().split(delimiter)[0];
  return { installed: reported !== undefined, binDir: gobin || (gopath ? join(gopath, 'bin') : undefined) };
}

/**
 * The temporal CLI's path, looked up in this order: TEMPORAL_CLI_PATH, `temporal` on PATH, then Go's install
 * directory (GOBIN, else $(go env GOPATH)/bin, where a build puts it); undefined when none holds one.
 * Throws when TEMPORAL_CLI_PATH is set to something that is not an executable file.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env, go: () => GoEnv = () => goEnv(env)) {
  if (env.TEMPORAL_CLI_PATH) {
    if (isExecutable(env.TEMPORAL_CLI_PATH)) return env.TEMPORAL_CLI_PATH;
    throw new TemporalCliUnavailableError(
      `TEMPORAL_CLI_PATH is set to ${env.TEMPORAL_CLI_PATH}, which is not an executable file`,
    );
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  const { binDir } = go();
  const candidate = binDir && join(binDir, 'temporal');
  return candidate && isExecutable(candidate) ? candidate : undefined;
}

export interface EnsureOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the one line announcing a build goes; stderr by default. */
  say?: (line: string) => void;
}

/**
 * The temporal CLI's path: found (findTemporalCli), else built with `CGO_ENABLED=0 go install` into Go's install
 * directory after one line saying so (a few minutes the first time; the Go build cache makes a rebuild quick), so
 * that `npm start` and `npm test` need no other command. Undefined when neither the CLI nor Go is there: the
 * Temporal SDK may still download one, which needs internet.
 * Throws TemporalCliUnavailableError when the build fails, naming what to install.
 */
export async function ensureTemporalCli(options: EnsureOptions = {}): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const go = goEnv(env);
  const found = findTemporalCli(env, () => go);
  if (found || !go.installed || !go.binDir) return found;
  const target = join(go.binDir, 'temporal');
  (options.say ?? ((line) => console.error(line)))(
    `temporal CLI not found: building ${TEMPORAL_CLI_PACKAGE} with Go into ${go.binDir} ` +
      '(a few minutes, once; later starts find it there)',
  );
  const { code, stderr } = await goInstall(env);
  if (code !== 0 || !isExecutable(target)) {
    const why = code !== 0 ? `exit ${code}: ${lastLines(stderr)}` : `it made no ${target}`;
    throw new TemporalCliUnavailableError(`go install ${TEMPORAL_CLI_PACKAGE} failed (${why}); ${INSTALL_HINT}`);
  }
  return target;
}

function goInstall(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // Pure Go (no C compiler needed), and the binary runs on any machine of the same OS.
    const child = spawn('go', ['install', TEMPORAL_CLI_PACKAGE], {
      env: { ...env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ code: null, stderr: err.message }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' / ') || 'no output';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
