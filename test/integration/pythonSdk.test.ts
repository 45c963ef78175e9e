// Another SDK reads what hookstep encrypts: the Temporal Python SDK (temporalio from PyPI, in a cached venv) with
// clients/python/hookstep_codec.py starts sendWebhook by name on a real dev server, served by an in-process hookstep
// worker, and reads the typed result and a failure's type and details; and the codec passes the vectors shared with
// the TypeScript and Go codecs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { temporal } from '@temporalio/proto';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec';
import { decodeWithTestKey, testKeyring } from '../helpers/codec';
import { PYTHON_CLIENT_DIR, pythonVenv, runPython } from '../helpers/python';
import { json } from '../helpers/receiver';
import { connectClient, temporalAddress, uniqueQueue, useHarness } from '../helpers/temporal';

const harness = useHarness('python');
const { taskQueue, receiver } = harness;
let python: string;

// The first run creates the venv and installs the pinned wheels from PyPI; later runs find it in the cache.
beforeAll(async () => {
  python = await pythonVenv();
}, 300_000);

/** The environment of a Python process as a user's: the test key as HOOKSTEP_PAYLOAD_KEYS, nothing else of ours. */
function pythonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress(),
    HOOKSTEP_TASK_QUEUE: taskQueue,
  };
  delete env.HOOKSTEP_PAYLOAD_KEY_FILE;
  return env;
}

function encodingOf(payload: temporal.api.common.v1.IPayload | null | undefined): Record<string, string> {
  const metadata = payload?.metadata ?? {};
  return {
    encoding: Buffer.from(metadata.encoding ?? []).toString(),
    keyId: Buffer.from(metadata[KEY_ID_METADATA] ?? []).toString(),
  };
}

test('features#68: the Python codec decrypts what the TypeScript codec wrote and writes what it would write', async () => {
  const out = await runPython(python, ['-m', 'unittest', '--quiet', 'test_hookstep_codec'], {
    cwd: PYTHON_CLIENT_DIR,
    env: pythonEnv(),
  });
  expect(out).toBe('');
});

test("temporalio (Python) starts sendWebhook by name, reads the typed result, and a failure's type and details", async () => {
  const tickets = await receiver((_req, res) => json(res, 201, { ticketId: 'T-1', priority: 3, internal: 'x' }));
  const missing = await receiver((_req, res) => json(res, 404, { error: 'no such hook' }));
  const prefix = uniqueQueue('py-order-9');

  const stdout = await runPython(
    python,
    [join(PYTHON_CLIENT_DIR, 'example.py'), `${tickets.url}/tickets`, `${missing.url}/hooks`, prefix],
    // Outside the checkout, so no .hookstep/payload-keys of a developer's `npm start` is read.
    { cwd: mkdtempSync(join(tmpdir(), 'hookstep-python-')), env: pythonEnv() },
  );

  expect(JSON.parse(stdout)).toEqual({
    result: { resultClass: 'SendWebhookResult', status: 201, attempts: 1, body: { ticketId: 'T-1', priority: 3 } },
    failure: {
      type: 'HttpClientError',
      message: `POST ${missing.url}/hooks got HTTP 404 on attempt 1; not retried (4xx)`,
      nonRetryable: true,
      status: 404,
      bodySnippet: '{"error":"no such hook"}',
    },
  });
  expect(tickets.requests).toHaveLength(1);
  expect(JSON.parse(tickets.requests[0].body)).toEqual({ orderId: 'AG-1:ORD-9', note: 'café ☕' });
  expect(missing.requests).toHaveLength(1);

  // Python encrypted the input it sent, and what it read back was encrypted by the worker: nothing went in clear.
  const raw = await connectClient({ codec: false });
  try {
    const encrypted = { encoding: ENCRYPTED_ENCODING, keyId: testKeyring().currentId };
    const ok = (await raw.client.workflow.getHandle(`${prefix}-ok`).fetchHistory()).events ?? [];
    const input = ok[0].workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(encodingOf(input)).toEqual(encrypted);
    expect(await decodeWithTestKey(input)).toEqual({
      url: `${tickets.url}/tickets`,
      body: { orderId: 'AG-1:ORD-9', note: 'café ☕' },
      response: { fields: { ticketId: 'string', priority: 'number' } },
    });
    const completed = ok.find((e) => e.workflowExecutionCompletedEventAttributes);
    expect(encodingOf(completed?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0])).toEqual(encrypted);

    const failed = (await raw.client.workflow.getHandle(`${prefix}-missing`).fetchHistory()).events ?? [];
    let failure = failed.find((e) => e.workflowExecutionFailedEventAttributes)?.workflowExecutionFailedEventAttributes
      ?.failure;
    while (failure?.cause) failure = failure.cause;
    expect(encodingOf(failure?.applicationFailureInfo?.details?.payloads?.[0])).toEqual(encrypted);
  } finally {
    await raw.close();
  }
});
