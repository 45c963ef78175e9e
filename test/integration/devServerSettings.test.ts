// What hookstep's dev server sets beyond the server's defaults (src/worker/devServer.ts), checked on real servers:
// one write partition per task queue, so no task waits up to 2 s on a forward between partitions (issue 23, item 2);
// SQLite in WAL mode without a sync per commit, and a SIGKILLed server loses no accepted step (item 3).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { startSendWebhook } from '../../src/client';
import { DEFAULT_NAMESPACE } from '../../src/contract';
import { startDevServer, type DevServer } from '../../src/worker';
import { freePort, spawnCli, type CliProcess } from '../helpers/cli';
import { json, startReceiver } from '../helpers/receiver';
import { connectClient, testDataConverter, uniqueQueue } from '../helpers/temporal';

test('each task queue of the dev server is written to one partition (4 made ~1 step in 100 wait 2 s)', async () => {
  const temporal = await connectClient();
  try {
    const partitions = await temporal.client.workflowService.listTaskQueuePartitions({
      namespace: DEFAULT_NAMESPACE,
      taskQueue: { name: uniqueQueue('partitions') },
    });
    expect(partitions.workflowTaskQueuePartitions).toHaveLength(1);
    expect(partitions.activityTaskQueuePartitions).toHaveLength(1);
  } finally {
    await temporal.close();
  }
});

/** Child processes of `pid` whose command name is `comm`, from /proc (Linux, where the tests run). */
function childrenNamed(pid: number, comm: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        return stat.slice(stat.indexOf('(') + 1, close) === comm && Number(stat.slice(close + 2).split(' ')[1]) === pid;
      } catch {
        return false; // the process ended while /proc was read
      }
    })
    .map(Number);
}

test('the dev server is SIGKILLed mid-burst: restarted on its file, every accepted step completes', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'hookstep-crash-')), 'temporal.db');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const taskQueue = uniqueQueue('crash');
  const workerEnv = {
    TEMPORAL_ADDRESS: address,
    HOOKSTEP_TASK_QUEUE: taskQueue,
    HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8',
  };
  const steps = 60;
  const answeredAtOnce = 20;
  // The first 20 are answered; later attempts are held open until the crash, so steps are mid-delivery when it comes.
  let crashed = false;
  const receiver = await startReceiver((_req, res, i) => {
    if (crashed || i < answeredAtOnce) json(res, 200, { ok: true });
  });
  const before = new Set(childrenNamed(process.pid, 'temporal'));
  const servers: DevServer[] = [await startDevServer({ dbFilename: db, port })];
  const workers: CliProcess[] = [];
  const connection = await Connection.connect({ address });
  try {
    // WAL mode (DEV_SERVER_SQLITE_PRAGMAS): SQLite's default rollback journal leaves no -wal file beside the database.
    expect(existsSync(`${db}-wal`)).toBe(true);
    const [temporal] = childrenNamed(process.pid, 'temporal').filter((pid) => !before.has(pid));
    expect(temporal).toBeGreaterThan(0);
    workers.push(spawnCli(['worker'], workerEnv));
    await workers[0].waitFor(/hookstep worker polling/);
    const client = new Client({ connection, dataConverter: testDataConverter() });
    const handles: WorkflowHandle[] = [];
    for (let i = 0; i < steps; i++) {
      handles.push(
        await startSendWebhook(client, { url: receiver.url }, { taskQueue, workflowId: `${taskQueue}-${i}` }),
      );
    }
    await receiver.waitFor(answeredAtOnce + 1);
    // The server process and the worker die at once, as in a crash of `hookstep dev`, which runs both.
    process.kill(temporal, 'SIGKILL');
    workers[0].child.kill('SIGKILL');
    await workers[0].exited;
    await servers[0].stop().catch(() => undefined); // its process is gone already
    crashed = true;

    servers.push(await startDevServer({ dbFilename: db, port }));
    workers.push(spawnCli(['worker'], workerEnv));
    await workers[1].waitFor(/hookstep worker polling/);
    const results = await Promise.all(handles.map((h) => h.result() as Promise<{ status: number }>));
    expect(results.map((r) => r.status)).toEqual(handles.map(() => 200));
    // Attempts held open at the crash were sent again after it, each with its step's webhook-id.
    expect(receiver.requests.length).toBeGreaterThan(steps);
    const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    expect([...ids].sort()).toEqual(handles.map((h) => h.workflowId).sort());
  } finally {
    await connection.close();
    for (const w of workers) {
      w.child.kill('SIGINT');
      await w.exited;
    }
    await servers.at(-1)!.stop();
    await receiver.close();
  }
}, 180_000);
