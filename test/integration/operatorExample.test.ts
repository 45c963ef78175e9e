// The operator's worked example of docs/operating.md, run for real: two stores, store A's endpoint failing, its
// delivery log, auto-disable, the fix, re-enabling and recovering the missed deliveries, store B unaffected
// throughout. Every step is the `hookstep` CLI as an operator or a store types it, against the real API, worker, dev
// server and receivers. The page's transcript is written from this run when HOOKSTEP_TRANSCRIPT=docs, so the example
// in the docs is what the code did, not what someone remembers it doing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';
import { transcript } from '../helpers/transcript';
import { until } from '../helpers/until';

const DOC = join(__dirname, '..', '..', 'docs', 'operating.md');
const stack = useEventStack('operator-example', registryDatabases()[0]);

type Json = Record<string, unknown>;

/** The CLI with a key; parses its JSON answer. */
function as(key: () => string, log: ReturnType<typeof transcript>, who: string) {
  return async (args: string[], show?: (out: Json) => unknown): Promise<Json> => {
    const env = { HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: key() };
    const { code, stdout, stderr } = await runCli(args, env);
    if (code !== 0) throw new Error(`hookstep ${args.join(' ')} exited ${code}: ${stderr}`);
    const out = JSON.parse(stdout) as Json;
    log.step(who, args, show ? show(out) : out);
    return out;
  };
}

/** The tenant's deliveries in `state`, once there are `count` of them. */
async function settled(tenant: string, state: 'failed' | 'delivered', count: number) {
  const has = async () => {
    const page = await stack.api().deliveries.list({ tenant, state });
    return page.deliveries.length >= count ? page : undefined;
  };
  return until(has, `${count} ${state} deliveries of ${tenant}`, 60_000);
}

const brief = (d: Json) => ({
  id: d.id,
  ...(d.resendOf ? { resendOf: d.resendOf } : {}),
  state: d.state,
  attempts: d.attempts,
  lastStatus: d.lastStatus,
});
const items = (page: Json) => (page.deliveries as Json[]).map(brief);

test('two stores, one failing endpoint: log, auto-disable, fix, re-enable and recover; the other store unaffected', async () => {
  const log = transcript();
  let aUp = false;
  const a = await stack.receiver((_req, res) =>
    aUp ? json(res, 200, { ok: true }) : json(res, 503, { error: 'db down' }),
  );
  const b = await stack.receiver((_req, res) => json(res, 200, { ok: true }));
  const operator = as(() => stack.apiKey, log, 'operator');
  const storeA = unique('store-a');
  const storeB = unique('store-b');
  const keyA = (await operator(['tenants', 'keys', 'create', storeA], (o) => ({ ...o, key: 'hsk_…' }))).key as string;
  const keyB = (await operator(['tenants', 'keys', 'create', storeB], (o) => ({ ...o, key: 'hsk_…' }))).key as string;
  const asA = as(() => keyA, log, storeA);
  const asB = as(() => keyB, log, storeB);

  const dir = mkdtempSync(join(tmpdir(), 'hookstep-operator-'));
  writeFileSync(join(dir, 'retry.json'), JSON.stringify({ retry: { maximumAttempts: 1 } }));
  const create = ['webhooks', 'create', '--label', 'orders', '--event', 'order.created', '--disable-after', '3'];
  const hideSecret = (w: Json) => ({
    id: w.id,
    tenant: w.tenant,
    url: w.url,
    disableAfter: w.disableAfter,
    secret: 'whsec_…',
  });
  const whA = (await asA([...create, '--url', a.url, '--file', join(dir, 'retry.json')], hideSecret)).id as string;
  const whB = (await asB([...create, '--url', b.url], hideSecret)).id as string;

  const since = new Date(Date.now() - 1000).toISOString();
  for (const n of [1, 2, 3]) {
    await asA([
      'events',
      'publish',
      '--id',
      `a-${n}`,
      '--type',
      'order.created',
      '--entity-id',
      `${n}`,
      '--entity-type',
      'order',
    ]);
    await asB([
      'events',
      'publish',
      '--id',
      `b-${n}`,
      '--type',
      'order.created',
      '--entity-id',
      `${n}`,
      '--entity-type',
      'order',
    ]);
  }
  const failed = await settled(storeA, 'failed', 3);
  expect(failed.deliveries).toHaveLength(3);
  await asA(['deliveries', 'list', '--webhook', whA], items);
  const shown = await asA(['deliveries', 'show', `${whA}/a-1`], (d) => ({
    delivery: brief(d.delivery as Json),
    attempts: d.attempts,
  }));
  expect(JSON.stringify(shown)).toContain('db down');

  const disabled = await asA(['webhooks', 'get', whA], (w) => ({
    id: w.id,
    disabledAt: w.disabledAt,
    disabledReason: w.disabledReason,
  }));
  expect(disabled.disabledReason).toEqual(expect.stringContaining('3 consecutive'));
  const failing = await operator(['webhooks', 'list', '--health', 'failing'], (l) =>
    (l as unknown as Json[]).map((w) => ({ id: w.id, tenant: w.tenant })),
  );
  expect(JSON.stringify(failing)).toContain(whA);
  expect(JSON.stringify(failing)).not.toContain(whB);

  aUp = true;
  await asA(['webhooks', 'enable', whA], (w) => ({
    id: w.id,
    disabledAt: w.disabledAt ?? null,
    consecutiveFailures: w.consecutiveFailures,
  }));
  const recovered = await asA(['webhooks', 'recover', whA, '--since', since, '--idempotency-key', 'fix-1']);
  expect(recovered.resent).toBe(3);
  const again = await runCli(['webhooks', 'recover', whA, '--since', since, '--idempotency-key', 'fix-1'], {
    HOOKSTEP_API_URL: stack.apiUrl(),
    HOOKSTEP_API_KEY: keyA,
  });
  expect(JSON.parse(again.stdout)).toEqual(recovered);
  const done = await settled(storeA, 'delivered', 3);
  expect(done.deliveries).toHaveLength(3);
  await asA(['deliveries', 'list', '--webhook', whA], items);
  expect(a.requests.filter((r) => r.method === 'POST')).toHaveLength(6);

  const bLog = await asB(['deliveries', 'list'], items);
  expect((bLog.deliveries as Json[]).map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
  expect(b.requests).toHaveLength(3);
  expect(JSON.stringify(bLog)).not.toContain(whA);
  const other = await runCli(['deliveries', 'show', `${whA}/a-1`], {
    HOOKSTEP_API_URL: stack.apiUrl(),
    HOOKSTEP_API_KEY: keyB,
  });
  expect(other.code).toBe(2);
  expect(other.stderr).toContain('404');
  log.note(storeB, ['deliveries', 'show', `${whA}/a-1`], other.stderr.trim());

  if (process.env.HOOKSTEP_TRANSCRIPT === 'docs') writeFileSync(DOC, log.into(readFileSync(DOC, 'utf8')));
});
