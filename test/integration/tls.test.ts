/** @cluster */
// Temporal over TLS (issue 19, item 7): a cluster of its own (scripts/cluster's code, HOOKSTEP_CLUSTER_TLS=true)
// whose frontend serves TLS and requires a client certificate, with certificates made for it; every hookstep
// process (worker, send, setup, api, receive) reaches it from Temporal's own environment variables alone.
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { clusterConnection, down, up, type ClusterState } from '../../scripts/temporal-cluster/cluster';
import { loadClusterEnv } from '../../scripts/temporal-cluster/env';
import { serving } from '../../scripts/temporal-cluster/server';
import { clusterTls, tlsEnvironment } from '../../scripts/temporal-cluster/tls';
import { createApiClient } from '../../src/client/api';
import { freePort, runCli, spawnCli, type CliProcess } from '../helpers/cli';
import { unique } from '../helpers/events';
import { createDatabase } from '../helpers/postgres';
import { json, startReceiver, type Receiver } from '../helpers/receiver';
import { testDataConverter, uniqueQueue } from '../helpers/temporal';
import { post, signedDelivery, SECRET, webhookId } from '../helpers/webhooks';

// A cluster of its own needs the Temporal server that `scripts/cluster build` makes; CI builds it and runs this in
// its cluster pass (HOOKSTEP_TEST_TARGET=cluster). The dev-server pass would build it on a fresh machine: minutes.
const describeOnCluster = process.env.HOOKSTEP_TEST_TARGET === 'cluster' ? describe : describe.skip;

describeOnCluster('Temporal over mTLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-tls-'));
  let state: ClusterState;
  let env: Record<string, string>;
  const processes: CliProcess[] = [];
  let receiver: Receiver;
  const taskQueue = uniqueQueue('tls');

  beforeAll(async () => {
    // PostgreSQL runs as its own user when the tests run as root: it must reach the directory.
    chmodSync(dir, 0o755);
    const clusterEnv = loadClusterEnv({
      HOOKSTEP_CLUSTER_DIR: join(dir, 'cluster'),
      HOOKSTEP_CLUSTER_PORT: 'auto',
      HOOKSTEP_CLUSTER_PG_PORT: 'auto',
      HOOKSTEP_CLUSTER_TLS: 'true',
    });
    state = await up(clusterEnv, () => undefined);
    env = {
      TEMPORAL_ADDRESS: state.address,
      ...tlsEnvironment(clusterTls(state.dir)),
      HOOKSTEP_TASK_QUEUE: taskQueue,
      HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8',
    };
    receiver = await startReceiver((_req, res) => json(res, 200, { ticketId: 'T-1' }));
  }, 240_000);

  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await receiver?.close();
    await down(join(dir, 'cluster'), false, () => undefined);
  }, 60_000);

  test('the frontend refuses a plain connection and a TLS one without a client certificate', async () => {
    expect(await serving({ address: state.address })).toBe(false);
    const tls = clusterTls(state.dir);
    const withoutCertificate = {
      address: state.address,
      tls: { serverNameOverride: tls.serverName, serverRootCACertificate: readFileSync(tls.ca) },
    };
    expect(await serving(withoutCertificate)).toBe(false);
    expect(await serving(clusterConnection(state))).toBe(true);
  });

  test('setup, a worker and a step from the CLI work from TEMPORAL_TLS_* alone', async () => {
    const setup = await runCli(['setup'], env);
    expect(setup.stderr).toBe('');
    expect(setup.code).toBe(0);
    const worker = spawnCli(['worker'], env);
    processes.push(worker);
    await worker.waitFor(/hookstep worker polling .*; TLS, client certificate, own server CA\)/);

    const sent = await runCli(['send', `${receiver.url}/tickets`, '--field', 'orderId=AG-1', '--json'], env);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ status: 200, body: { ticketId: 'T-1' }, attempts: 1 });
    expect(receiver.requests.map((r) => r.url)).toContain('/tickets');

    // And the same step fails clearly without the client certificate: no silent hang.
    const { TEMPORAL_TLS_CLIENT_CERT_PATH: _c, TEMPORAL_TLS_CLIENT_KEY_PATH: _k, ...noCertificate } = env;
    const refused = await runCli(['send', `${receiver.url}/tickets`, '--field', 'orderId=AG-2'], {
      ...noCertificate,
      TEMPORAL_TLS_CLIENT_CERT_PATH: '',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '',
    });
    expect(refused.code).not.toBe(0);
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
  }, 120_000);

  test('the API publishes an event the worker delivers, and receive starts a run, over TLS', async () => {
    const databaseUrl = await createDatabase(process.env.HOOKSTEP_TEST_POSTGRES_URL!);
    const apiKey = `hsk_${'t'.repeat(40)}`;
    const shared = { ...env, HOOKSTEP_DATABASE_URL: databaseUrl, HOOKSTEP_API_KEY: apiKey };
    const worker = spawnCli(['worker'], shared);
    processes.push(worker);
    await worker.waitFor(/hookstep worker polling/);
    const apiPort = await freePort();
    const api = spawnCli(['api', '--port', String(apiPort)], shared);
    processes.push(api);
    await api.waitFor(/hookstep api listening/);

    const client = createApiClient({ url: `http://127.0.0.1:${apiPort}`, apiKey });
    const hook = await client.webhooks.create({ label: 'tls', event: 'order.created', url: `${receiver.url}/orders` });
    const before = receiver.requests.length;
    await client.events.publish({ id: unique('evt'), type: 'order.created', entity: { id: 7, type: 'order' } });
    await receiver.waitFor(before + 1);
    expect(receiver.requests.at(-1)).toMatchObject({ url: '/orders' });
    expect(hook.id).toMatch(/^wh_/);

    const port = await freePort();
    const receive = spawnCli(
      ['receive', '--workflow', 'fulfilOrder', '--task-queue', taskQueue, '--port', String(port)],
      { ...env, HOOKSTEP_RECEIVER_SECRET: SECRET },
    );
    processes.push(receive);
    await receive.waitFor(/hookstep receiver listening/);
    const id = webhookId();
    const answer = await post(`http://127.0.0.1:${port}/`, signedDelivery({ orderId: 'AG-3' }, id));
    expect(answer).toMatchObject({ status: 202, json: { workflowId: `fulfilOrder-${id}` } });
    const connection = await Connection.connect(clusterConnection(state));
    try {
      const temporal = new Client({ connection, dataConverter: testDataConverter() });
      expect(await temporal.workflow.getHandle(`fulfilOrder-${id}`).describe()).toMatchObject({ type: 'fulfilOrder' });
    } finally {
      await connection.close();
    }
  }, 180_000);
});
