// node-postgres #2199: a pool's end() waited forever on a client still checked out, and the process never ended. A
// dispatcher whose registry is closed under it (its owner stopped them in the wrong order) holds such a client on
// PostgreSQL (its LISTEN connection) and polled on forever on either database; it now stops and says so.
import { Runtime } from '@temporalio/worker';
import { Agent } from 'undici';
import { EventDispatcher } from '../../src/worker/dispatcher';
import { registryDatabases } from '../helpers/registry';
import { connectClient, quietRuntime, uniqueQueue } from '../helpers/temporal';
import { until } from '../helpers/until';

describe.each(registryDatabases())('an event dispatcher on $name', (database) => {
  test('whose registry is closed under it stops, and the close does not wait on it', async () => {
    quietRuntime();
    const registry = await database.open();
    const temporal = await connectClient();
    const agent = new Agent();
    const warnings: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      warnings.push(String(chunk));
      return true;
    });
    try {
      const dispatcher = new EventDispatcher({
        registry: () => Promise.resolve(registry),
        client: temporal.client,
        taskQueue: uniqueQueue('dispatcher-closed'),
        agent,
        metricMeter: Runtime.instance().metricMeter,
        concurrency: 10,
      });
      let ended = false;
      const running = dispatcher.run().then(() => (ended = true));
      // Past its first claim, so it listens: on PostgreSQL its notification connection is checked out of the pool.
      const claim = jest.spyOn(registry.outbox, 'claim');
      await until(() => Promise.resolve(claim.mock.calls.length > 0 || undefined), 'its first claim');
      await registry.close();
      await until(() => Promise.resolve(ended || undefined), 'the dispatcher to stop', 10_000);
      await running;
      expect(warnings.join('')).toContain('the registry was closed; the dispatcher stops');
      expect(warnings.join('')).not.toContain('could not claim');
    } finally {
      write.mockRestore();
      await agent.close();
      await temporal.close();
    }
  });
});
