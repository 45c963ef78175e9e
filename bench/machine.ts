// The machine a run measured, printed before any number so no figure travels without it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { findTemporalCli } from '../src/worker';
import { VERSION } from '../src/contract';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  temporalCli: string;
  temporalSdk: string;
  undici: string;
  hookstep: string;
}

export function describeMachine(): Machine {
  const cli = findTemporalCli();
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    temporalCli: cli ? cliVersion(cli) : 'SDK download',
    temporalSdk: packageVersion('@temporalio/worker'),
    undici: packageVersion('undici'),
    hookstep: `${VERSION} @ ${commit()}`,
  };
}

/** `go install` builds report 0.0.0-DEV; the module version is then in the binary's build info. */
function cliVersion(cli: string): string {
  const reported = run(cli, ['--version']).replace(/^temporal version /, '');
  const built = /\bmod\s+github\.com\/temporalio\/cli\s+(\S+)/.exec(run('go', ['version', '-m', cli]))?.[1];
  return built && reported.startsWith('0.0.0-DEV') ? reported.replace('0.0.0-DEV', built) : reported;
}

function commit(): string {
  const sha = run('git', ['rev-parse', '--short', 'HEAD']);
  if (sha === 'unknown') return sha;
  return run('git', ['status', '--porcelain', '--untracked-files=no']) ? `${sha}+dirty` : sha;
}

function packageVersion(name: string): string {
  const file = require.resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
