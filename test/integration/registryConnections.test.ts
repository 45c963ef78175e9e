// The registry's PostgreSQL connections die under it: the server restarts, a failover, an operator terminates a
// backend. node-postgres reports that as an 'error' event, of the pool for an idle connection and of the client for one
// in use, and an event nobody listens to ends the Node process (node-postgres #1324, #2780, #3083: services crashed on
// a database restart). The registry must fail only the queries on the dead connections, and connect anew.
import { Client } from 'pg';
import { openRegistry } from '../../src/registry';
import { createDatabase } from '../helpers/postgres';
import { testKeyring } from '../helpers/registry';
import { until } from '../helpers/until';

const server = process.env.HOOKSTEP_TEST_POSTGRES_URL;
const onPostgres = server ? describe : describe.skip;

onPostgres('the registry on PostgreSQL when its connections are terminated', () => {
  test('an idle connection and one mid-query die: the running query fails, the process lives, the registry answers again', async () => {
    const url = await createDatabase(server!);
    const registry = await openRegistry({ url }, testKeyring());
    const admin = new Client({ connectionString: url });
    await admin.connect();
    const terminate = async () =>
      (
        await admin.query<{ n: number }>(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
        )
      ).rows[0].n;
    try {
      expect(await registry.db.query('select $1::int as n', [1])).toEqual([{ n: 1 }]);
      // Idle in the pool now: terminated, its 'error' comes to the pool.
      expect(await terminate()).toBeGreaterThan(0);
      await until(
        async () => ((await registry.db.query('select $1::int as n', [2]).catch(() => undefined)) ? true : undefined),
        'a query after the idle connection died',
        10_000,
      );
      // In use: its query fails, and the client's 'error' is not the process's.
      const slow = registry.db.query('select pg_sleep($1::float8)', [10]);
      await until(
        async () =>
          (await admin.query(`select 1 from pg_stat_activity where query like 'select pg_sleep%' and state = 'active'`))
            .rowCount
            ? true
            : undefined,
        'the slow query to run',
        10_000,
      );
      expect(await terminate()).toBeGreaterThan(0);
      await expect(slow).rejects.toThrow();
      // The idle connections terminated with it fail a query that picks one up before their end is heard; one that
      // connects anew answers.
      await until(
        async () => ((await registry.db.query('select $1::int as n', [3]).catch(() => undefined)) ? true : undefined),
        'a query after the connection in use died',
        10_000,
      );
    } finally {
      await admin.end();
      await registry.close();
    }
  }, 60_000);
});
