// Tests keep out of the user's state: `npm start` leaves .hookstep/ (payload keys, a codec token, the registry) in
// the checkout, and a CLI process a test starts there found those keys and ran on instead of refusing, then kept
// jest alive (issue 19, item 10). Every CLI process of a test runs in a directory of its own and ends with its test.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliDirectory, freePort, runCli, spawnCli } from '../helpers/cli';

const ROOT = join(__dirname, '..', '..');
const TOKEN = randomBytes(16).toString('hex');

/** A directory holding what `npm start` leaves: .hookstep/payload-keys. */
function plantedState(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-planted-'));
  mkdirSync(join(dir, '.hookstep'));
  writeFileSync(join(dir, '.hookstep', 'payload-keys'), `dev-1:${randomBytes(32).toString('base64')}\n`);
  return dir;
}

test('puppetlabs/bolt#1792 (tests picked up the local project state): a CLI process of a test is refused the checkout, or any directory in it, as its working directory', () => {
  for (const dir of [ROOT, join(ROOT, 'test'), join(ROOT, 'node_modules', '..')]) {
    expect(() => spawnCli(['--version'], {}, dir)).toThrow(/must not run in the checkout/);
  }
  const [a, b] = [cliDirectory(), cliDirectory()];
  expect(a).not.toBe(b);
  expect(a.startsWith(ROOT)).toBe(false);
});

test('the CLI reads .hookstep/ where it runs, and a test process by default runs where there is none', async () => {
  const env = { HOOKSTEP_PAYLOAD_KEYS: '', HOOKSTEP_PAYLOAD_KEY_FILE: '', HOOKSTEP_CODEC_TOKEN: TOKEN };
  const args = ['codec-server', '--port', String(await freePort())];
  const found = spawnCli(args, env, plantedState());
  await found.waitFor(/hookstep codec server on/);
  const fresh = await runCli(args, env);
  expect(fresh).toMatchObject({ code: 2, stderr: expect.stringContaining('a codec server needs keys') });
});

let leftRunning: number | undefined;
test('a test that leaves a CLI process running (as a timed-out one does) ...', async () => {
  const cli = spawnCli(['codec-server', '--port', String(await freePort())], {
    HOOKSTEP_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    HOOKSTEP_CODEC_TOKEN: TOKEN,
  });
  await cli.waitFor(/hookstep codec server on/);
  leftRunning = cli.child.pid;
});

test('... has it killed when the test ends, so jest can exit', () => {
  expect(leftRunning).toBeDefined();
  expect(() => process.kill(leftRunning!, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
});
