// The CLI of event webhooks, as a user runs it: `hookstep webhooks …` and `hookstep events publish` against the HTTP
// API (HOOKSTEP_API_URL, HOOKSTEP_API_KEY), and `hookstep api`, which will not serve without a key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { delivered, unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';
import { temporalAddress } from '../helpers/temporal';

const stack = useEventStack('events-cli', registryDatabases()[0]);
const env = () => ({ HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: stack.apiKey });
const cli = async (args: string[]) => {
  const { code, stdout, stderr } = await runCli(args, env());
  return { code, stderr, out: code === 0 && stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : stdout };
};

test('webhooks create, get, list, update, rotate-secret and delete; events publish delivers', async () => {
  const r = await stack.receiver((_req, res) => json(res, 200, {}));
  const type = unique('order.created');
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-cli-'));
  writeFileSync(join(dir, 'retry.json'), JSON.stringify({ retry: { initialInterval: '15m', backoffCoefficient: 1 } }));
  const created = await cli([
    ...['webhooks', 'create', '--label', 'cli', '--event', type, '--url', r.url, '--envelope', 'ecwid'],
    ...['--success-status', '200', '--success-status', '201', '--delay', '1 second', '--file', join(dir, 'retry.json')],
  ]);
  expect(created.code).toBe(0);
  const webhook = created.out as { id: string; secret: string };
  expect(webhook).toMatchObject({
    envelope: 'ecwid',
    successStatuses: [200, 201],
    delay: { amount: 1, unit: 'second' },
  });
  expect(webhook.secret).toMatch(/^whsec_/);
  expect(webhook).toMatchObject({ retry: { initialInterval: '15m', backoffCoefficient: 1 } });

  const read = await cli(['webhooks', 'get', webhook.id]);
  expect(read.out).toMatchObject({ id: webhook.id, label: 'cli' });
  expect(JSON.stringify(read.out)).not.toContain(webhook.secret);
  expect(JSON.stringify((await cli(['webhooks', 'list', '--event', type])).out)).toContain(webhook.id);
  expect((await cli(['webhooks', 'update', webhook.id, '--label', 'renamed'])).out).toMatchObject({ label: 'renamed' });
  expect((await cli(['webhooks', 'rotate-secret', webhook.id])).out).toMatchObject({
    secret: expect.stringMatching(/^whsec_/),
  });

  const published = await cli([
    'events',
    'publish',
    '--id',
    '4242',
    '--type',
    type,
    '--store-id',
    '1003',
    '--entity-id',
    '7',
    '--entity-type',
    'order',
  ]);
  expect(published.out).toMatchObject({ eventId: '4242', duplicate: false });
  await delivered(stack, '4242');
  expect(JSON.parse(r.requests[0].body)).toMatchObject({ eventId: 4242, eventType: type, storeId: 1003, entityId: 7 });

  expect((await cli(['webhooks', 'delete', webhook.id])).code).toBe(0);
  const gone = await cli(['webhooks', 'get', webhook.id]);
  expect(gone.code).toBe(2);
  expect(gone.stderr).toContain('HTTP 404');
});

test('bad input exits 2 naming the field, before anything is sent', async () => {
  const bad = await cli([
    'webhooks',
    'create',
    '--label',
    'x',
    '--event',
    'a',
    '--url',
    'ftp://x',
    '--additional-field',
    '1bad',
  ]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('webhook.url');
  expect(bad.stderr).toContain('webhook.additionalFields[0]');
  const noKey = await runCli(['webhooks', 'list'], { HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: '' });
  expect(noKey.code).toBe(2);
  expect(noKey.stderr).toContain('HOOKSTEP_API_KEY');
});

test('hookstep api refuses to serve without HOOKSTEP_API_KEY', async () => {
  const { code, stderr } = await runCli(['api', '--port', '0'], {
    TEMPORAL_ADDRESS: temporalAddress(),
    HOOKSTEP_API_KEY: '',
    HOOKSTEP_REGISTRY_DIR: join(mkdtempSync(join(tmpdir(), 'hookstep-api-')), 'registry'),
  });
  expect(code).toBe(2);
  expect(stderr).toContain('HOOKSTEP_API_KEY must be set');
});
