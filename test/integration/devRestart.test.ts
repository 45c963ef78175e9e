// `hookstep dev` keeps its state in a SQLite file: a run sent before a restart is still there after it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, runCli, spawnCli } from '../helpers/cli';
import { json, startReceiver } from '../helpers/receiver';

test('state survives a restart of hookstep dev', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'hookstep-dev-')), 'temporal.db');
  const [port, uiPort] = [await freePort(), await freePort()];
  const env = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8' };
  const args = ['dev', '--db', db, '--port', String(port), '--ui-port', String(uiPort)];
  const receiver = await startReceiver((_req, res) => json(res, 200, { ok: true }));
  try {
    const first = spawnCli(args, env);
    await first.waitFor(/Press Ctrl-C to stop/);
    expect(first.output()).toContain(`state             ${db}`);
    const sent = await runCli(['send', receiver.url, '--workflow-id', 'survives-restart', '--json'], env);
    expect(sent.code).toBe(0);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = spawnCli(args, env);
    try {
      await second.waitFor(/Press Ctrl-C to stop/);
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
      try {
        const handle = new Client({ connection }).workflow.getHandle('survives-restart');
        expect((await handle.describe()).status.name).toBe('COMPLETED');
        expect(await handle.result()).toMatchObject({ status: 200, body: { ok: true } });
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
});
