// A fresh machine has Go and no temporal CLI, and no internet for the SDK's download: `npm start` and `npm test`
// build the CLI themselves, saying so in one line (issue 19, item 1). SLOW: the build test links the real CLI with
// `go install`; this machine's Go module and build caches make it take seconds to a minute (minutes, once, on a
// machine with empty caches).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTemporalCli } from '../../src/worker/temporalCli';
import { runCli } from '../helpers/cli';

const go = (name: string) => execFileSync('go', ['env', name], { encoding: 'utf8' }).trim();
const GO_BIN = join(go('GOROOT'), 'bin');

/** The built CLI is large: removed when its test ends, passed or failed. */
const cleanups: (() => void)[] = [];
const afterTest = (fn: () => void) => cleanups.push(fn);
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

test('temporalio/sdk-typescript#1702 (a first run fetched the dev server without a word): with no temporal CLI anywhere, it is built with Go into GOBIN after one line saying so; SLOW (Go build cache: seconds to a minute)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-gobuild-'));
  const env = {
    // Go, and nothing that holds this machine's own temporal CLI.
    PATH: `${GO_BIN}:/usr/bin:/bin`,
    HOME: process.env.HOME,
    GOBIN: join(dir, 'bin'),
    GOPATH: join(dir, 'gopath'),
    // The caches this machine already has: the point is the lookup and the build, not the download.
    GOMODCACHE: go('GOMODCACHE'),
    GOCACHE: go('GOCACHE'),
  };
  const said: string[] = [];
  afterTest(() => rmSync(dir, { recursive: true, force: true }));
  const cli = await ensureTemporalCli({ env, say: (line) => said.push(line) });
  expect(said).toEqual([expect.stringMatching(/^temporal CLI not found: building .* \(a few minutes, once;/)]);
  expect(cli).toBe(join(dir, 'bin', 'temporal'));
  expect(existsSync(cli!)).toBe(true);
  expect(execFileSync(cli!, ['--version'], { encoding: 'utf8' })).toMatch(/^temporal version/);
  // The next start finds it: no second build, no line.
  const again: string[] = [];
  expect(await ensureTemporalCli({ env, say: (line) => again.push(line) })).toBe(cli);
  expect(again).toEqual([]);
}, 600_000);

test('temporalio/sdk-python#681 (no dev server without internet): hookstep dev with no temporal CLI, no Go and no download fails saying what to install', async () => {
  const { code, stderr } = await runCli(['dev', '--ephemeral', '--port', '0'], {
    PATH: '/usr/bin:/bin',
    GOBIN: '',
    GOPATH: '',
    TEMPORAL_CLI_PATH: '',
    // The SDK's download goes through a proxy that refuses, as on a machine without internet.
    HTTPS_PROXY: 'http://127.0.0.1:1',
    https_proxy: 'http://127.0.0.1:1',
  });
  expect(code).toBe(1);
  expect(stderr).toContain('no temporal CLI on this machine, no Go to build it, and the Temporal SDK could not');
  expect(stderr).toContain('install Go (https://go.dev/dl/');
});
