// `hookstep dev` keeps its state in a SQLite file: a run sent before a restart is still there after it. With no key
// configured it generates one under .hookstep/ and says so; `send` in the same directory finds it, the restart reuses
// it, and the run's result decodes only with it. A state without one of hookstep's search attributes (made by an older
// release) gets it on the restart.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterFromEnv } from '../../src/codec';
import { HookstepTenant, SEARCH_ATTRIBUTES } from '../../src/contract';
import { freePort, runCli, spawnCli } from '../helpers/cli';
import { json, startReceiver } from '../helpers/receiver';

async function searchAttributeNames(connection: Connection): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
  return Object.keys(customAttributes ?? {});
}

test('state, the generated payload key and the search attributes survive a restart of hookstep dev', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'hookstep-dev-'));
  const db = join(cwd, 'temporal.db');
  const [port, uiPort, codecPort] = [await freePort(), await freePort(), await freePort()];
  // No key configured: the test run's own HOOKSTEP_PAYLOAD_KEYS is hidden from these processes.
  const env = {
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8',
    HOOKSTEP_PAYLOAD_KEYS: '',
  };
  const args = [
    'dev',
    '--db',
    db,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--api-port',
    String(await freePort()),
  ];
  const receiver = await startReceiver((_req, res) => json(res, 200, { ok: true }));
  try {
    const first = spawnCli([...args, '--codec-port', String(codecPort)], env, cwd);
    await first.waitFor(/Press Ctrl-C to stop/);
    expect(first.output()).toContain(`state             ${db}`);
    expect(first.output()).toMatch(/payload key\s+generated dev-\S+ in \.hookstep\/payload-keys/);
    const keyFile = join(cwd, '.hookstep', 'payload-keys');
    expect(existsSync(keyFile)).toBe(true);
    const key = readFileSync(keyFile, 'utf8').split('\n')[1].split(':')[1];
    expect(first.output()).not.toContain(key);
    const sent = await runCli(['send', receiver.url, '--workflow-id', 'survives-restart', '--json'], env, cwd);
    expect(sent.code).toBe(0);
    // As a state made by a release before HookstepTenant existed: the attribute is not there.
    const before = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    try {
      await before.operatorService.removeSearchAttributes({
        namespace: 'default',
        searchAttributes: [HookstepTenant.name],
      });
      expect(await searchAttributeNames(before)).not.toContain(HookstepTenant.name);
    } finally {
      await before.close();
    }
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = spawnCli(args, env, cwd);
    try {
      await second.waitFor(/Press Ctrl-C to stop/);
      expect(second.output()).toMatch(/payload key\s+dev-\S+ from \.hookstep\/payload-keys/);
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
      try {
        // The restart registers what the contract has and the state lacks.
        expect(await searchAttributeNames(connection)).toEqual(
          expect.arrayContaining(SEARCH_ATTRIBUTES.map((k) => k.name)),
        );
        const plain = new Client({ connection }).workflow.getHandle('survives-restart');
        expect((await plain.describe()).status.name).toBe('COMPLETED');
        // Without the key the result does not decode; with the generated key it does.
        await expect(plain.result()).rejects.toThrow();
        const { dataConverter } = dataConverterFromEnv({ HOOKSTEP_PAYLOAD_KEY_FILE: keyFile });
        const keyed = new Client({ connection, dataConverter }).workflow.getHandle('survives-restart');
        expect(await keyed.result()).toMatchObject({ status: 200, body: { ok: true } });
      } finally {
        await connection.close();
      }
    } finally {
      second.child.kill('SIGINT');
      await second.exited;
    }
  } finally {
    await receiver.close();
  }
}, 120_000);
