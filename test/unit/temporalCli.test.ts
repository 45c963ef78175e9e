// Where hookstep looks for the temporal CLI, in order, and what it does when the CLI is missing: build it with Go
// (one line first), or, without Go, leave it to the SDK's download. Runs the real `go env`; the build itself is in
// test/integration/temporalCliBuild.test.ts.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { TemporalCliUnavailableError } from '../../src/contract';
import { ensureTemporalCli, findTemporalCli, goEnv, INSTALL_HINT } from '../../src/worker/temporalCli';

const GO_BIN = join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'bin');
const root = mkdtempSync(join(tmpdir(), 'hookstep-temporal-cli-'));

/** A directory holding an executable named `temporal` (it never runs). */
function withCli(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'temporal'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'temporal'), 0o755);
  return dir;
}

const explicit = join(withCli('explicit'), 'temporal');
const onPath = withCli('on-path');
const gobin = withCli('gobin');
const gopath = join(root, 'gopath');
withCli(join('gopath', 'bin'));
const empty = join(root, 'empty');
mkdirSync(empty);

/** Go on PATH, nothing else of this machine's (its own temporal CLI is hidden). */
const base = { PATH: GO_BIN, HOME: process.env.HOME, GOFLAGS: '', GOENV: 'off' };

test('TEMPORAL_CLI_PATH first, then PATH, then GOBIN, then the first GOPATH entry: the lookup order', () => {
  const all = {
    ...base,
    TEMPORAL_CLI_PATH: explicit,
    PATH: `${onPath}${delimiter}${GO_BIN}`,
    GOBIN: gobin,
    GOPATH: gopath,
  };
  expect(findTemporalCli(all)).toBe(explicit);
  expect(findTemporalCli({ ...all, TEMPORAL_CLI_PATH: undefined })).toBe(join(onPath, 'temporal'));
  expect(findTemporalCli({ ...all, TEMPORAL_CLI_PATH: undefined, PATH: GO_BIN })).toBe(join(gobin, 'temporal'));
  expect(findTemporalCli({ ...base, GOPATH: `${gopath}${delimiter}${empty}` })).toBe(join(gopath, 'bin', 'temporal'));
  expect(findTemporalCli({ ...base, GOPATH: `${empty}${delimiter}${gopath}` })).toBeUndefined();
  expect(findTemporalCli({ ...base, GOPATH: empty })).toBeUndefined();
});

test('without Go, GOBIN or GOPATH from the environment still count', () => {
  expect(goEnv({ PATH: empty, GOBIN: gobin })).toEqual({ installed: false, binDir: gobin });
  expect(findTemporalCli({ PATH: empty, GOBIN: gobin })).toBe(join(gobin, 'temporal'));
  expect(findTemporalCli({ PATH: empty, GOPATH: gopath })).toBe(join(gopath, 'bin', 'temporal'));
  expect(findTemporalCli({ PATH: empty })).toBeUndefined();
});

test('TEMPORAL_CLI_PATH naming no executable file is an error that names it, not a fallback', () => {
  for (const bad of [join(root, 'absent'), empty]) {
    expect(() => findTemporalCli({ ...base, TEMPORAL_CLI_PATH: bad })).toThrow(
      new TemporalCliUnavailableError(`TEMPORAL_CLI_PATH is set to ${bad}, which is not an executable file`),
    );
  }
});

test('a CLI that is there is used as it is: no build, no line', async () => {
  const said: string[] = [];
  const env = { ...base, GOBIN: gobin };
  expect(await ensureTemporalCli({ env, say: (l) => said.push(l) })).toBe(join(gobin, 'temporal'));
  expect(said).toEqual([]);
});

test('no CLI and no Go: nothing to build, the SDK may still download one', async () => {
  const said: string[] = [];
  expect(await ensureTemporalCli({ env: { PATH: empty }, say: (l) => said.push(l) })).toBeUndefined();
  expect(said).toEqual([]);
});

test('a build that fails says it started, then fails naming go install and what to install', async () => {
  const said: string[] = [];
  const bin = join(root, 'failed-bin');
  // No module proxy and an empty module cache: `go install` fails at once.
  const env = { ...base, GOBIN: bin, GOPATH: join(root, 'failed'), GOPROXY: 'off', GOMODCACHE: join(root, 'mods') };
  const building = ensureTemporalCli({ env, say: (l) => said.push(l) });
  await expect(building).rejects.toThrow(TemporalCliUnavailableError);
  await expect(building).rejects.toThrow(
    /^go install github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1 failed \(exit 1: /,
  );
  await expect(building).rejects.toThrow(INSTALL_HINT);
  expect(said).toEqual([
    `temporal CLI not found: building github.com/temporalio/cli/cmd/temporal@v1.5.1 with Go into ${bin} ` +
      '(a few minutes, once; later starts find it there)',
  ]);
});
