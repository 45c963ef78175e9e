// Vacuuming an embedded registry. PGlite runs PostgreSQL in single-user mode, where no autovacuum worker runs: the
// rows a queue deletes (the outbox's, the slots') stay as dead tuples, and every claim and release reads past more of
// them. Measured on PGlite (20,000 stream deliveries through the event path's statements, 2,500 at a time): the CPU a
// delivery grew from 0.73 to 1.39 ms without vacuum, and stayed at 0.55 to 0.62 ms with the queue tables vacuumed
// after each 2,500. Nor is anything analyzed, so the planner would never learn how large the delivery log grew. A
// PostgreSQL server's autovacuum does both; this runs only where it cannot.
import type { Db } from './db';

/** The tables that churn with each delivery (inserted, then deleted or updated), vacuumed often; cheap when clean. */
const QUEUES = ['delivery_outbox', 'webhook_leases', 'webhook_pace'];
/** How often the queue tables are vacuumed, in ms: a burst of 1,000 deliveries a second leaves ~2,000 dead rows each. */
export const QUEUE_VACUUM_MS = 2_000;
/** How often the whole database is vacuumed and analyzed (the delivery log's updated rows, the planner's statistics). */
export const FULL_VACUUM_MS = 300_000;

/**
 * Starts vacuuming `db` when it has no autovacuum of its own; returns how to stop (before the database closes). A
 * vacuum that fails (the database closing) is reported on stderr, and the next one runs as planned. The timers never
 * keep the process alive.
 */
export function startVacuum(db: Db): () => void {
  if (db.autovacuum) return () => undefined;
  let running: Promise<void> | undefined;
  const vacuum = (sql: string) => () => {
    running ??= db
      .query(sql)
      .then(() => undefined)
      .catch((err: unknown) => {
        process.stderr.write(`hookstep: the registry's vacuum failed: ${(err as Error).message}\n`);
      })
      .finally(() => (running = undefined));
  };
  const timers = [
    setInterval(vacuum(`vacuum ${QUEUES.join(', ')}`), QUEUE_VACUUM_MS),
    setInterval(vacuum('vacuum (analyze)'), FULL_VACUUM_MS),
  ];
  for (const timer of timers) timer.unref();
  return () => timers.forEach(clearInterval);
}
