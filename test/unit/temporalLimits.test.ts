// The bounds that make Temporal's limits unreachable by construction (src/contract/temporalLimits.ts): each budget,
// with what the codec adds, stays under the server default it protects.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { EncryptionCodec, parseKeyList } from '../../src/codec';
import {
  AUTOMATION_LIMITS,
  CODEC_OVERHEAD_BYTES,
  DEFAULT_RETRY,
  MAX_AUTOMATION_OUTPUTS_BYTES,
  MAX_AUTOMATION_RENDERED_BYTES,
  MAX_STEPS,
  MAX_STEP_RESULT_BYTES,
  STEP_LIMITS,
  TEMPORAL_DEFAULTS,
  jsonBytes,
  jsonStringBytes,
  maxAutomationEvents,
  startSearchAttributes,
  outcomeSearchAttributes,
  validateAutomation,
} from '../../src/contract';
import { RetryPolicySchema } from '../../src/contract/schemas/step';

const MAX_ATTEMPTS = RetryPolicySchema.shape.maximumAttempts.unwrap().maxValue!;

/** The bytes a value takes in history: converted to a payload, then encrypted with a key id of the longest kind. */
async function storedBytes(value: unknown): Promise<number> {
  const keyring = parseKeyList(`${'k'.repeat(64)}:${randomBytes(32).toString('base64')}`, 'test');
  const [encoded] = await new EncryptionCodec(keyring).encode([defaultPayloadConverter.toPayload(value)]);
  return temporal.api.common.v1.Payload.encode(encoded).finish().length;
}

test('the codec adds at most CODEC_OVERHEAD_BYTES to a payload, small or near the limit', async () => {
  for (const size of [0, 1000, MAX_STEP_RESULT_BYTES, MAX_AUTOMATION_OUTPUTS_BYTES]) {
    const value = { data: 'x'.repeat(size) };
    const overhead = (await storedBytes(value)) - jsonBytes(value);
    expect(overhead).toBeGreaterThan(0);
    expect(overhead).toBeLessThanOrEqual(CODEC_OVERHEAD_BYTES);
  }
});

test("a step's largest result, and two of them in one workflow task, fit a payload and a gRPC message", () => {
  // status, attempts, durationMs around the body.
  const result = MAX_STEP_RESULT_BYTES + 100 + CODEC_OVERHEAD_BYTES;
  expect(result).toBeLessThan(TEMPORAL_DEFAULTS.blobSizeBytes);
  // The first attempt's marker and the run's result complete in the same task.
  expect(2 * result + 64 * 1024).toBeLessThan(TEMPORAL_DEFAULTS.grpcMessageBytes);
});

test("an automation's largest result and progress answer fit a payload", () => {
  // `{"steps":…}` around the outputs; the progress query adds each step's state (id, type, state, attempts, run ID).
  const stepList = MAX_STEPS * (64 + 300 + 255);
  expect(MAX_AUTOMATION_OUTPUTS_BYTES + stepList + CODEC_OVERHEAD_BYTES).toBeLessThan(TEMPORAL_DEFAULTS.blobSizeBytes);
});

test("temporal#1069: an automation's history stays under the event and size limits whatever its steps do", () => {
  // Every step retried to the maximum reports each retry with a signal: 4 events each with its workflow task.
  const events = maxAutomationEvents(MAX_STEPS, MAX_ATTEMPTS);
  expect(events).toBeLessThan(TEMPORAL_DEFAULTS.historyCount);
  expect(MAX_STEPS * (MAX_ATTEMPTS - 1)).toBeLessThan(TEMPORAL_DEFAULTS.signalsPerRun);
  // Bytes: the rendered steps, the outputs and the one step that went over, the input and its parsed copy, the
  // result, and each event's own attributes. Most events are workflow tasks (~150 bytes) and retry signals (~650 with
  // their encrypted input); a child's start and end carry IDs, summary, search attributes and a failure (~3 KiB per
  // step, as measured in test/integration/limits.test.ts's history): 512 bytes on average is an upper bound.
  const bytes =
    MAX_AUTOMATION_RENDERED_BYTES +
    MAX_AUTOMATION_OUTPUTS_BYTES +
    MAX_STEP_RESULT_BYTES +
    2 * TEMPORAL_DEFAULTS.blobSizeBytes +
    MAX_AUTOMATION_OUTPUTS_BYTES +
    events * 512;
  expect(bytes).toBeLessThan(TEMPORAL_DEFAULTS.historySizeBytes);
  expect(DEFAULT_RETRY.maximumAttempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
});

test('search attribute values stay under the per-value and total limits, whatever the input', () => {
  const long = '😀'.repeat(5000);
  const pairs = [
    ...startSearchAttributes({
      url: `https://${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example:65535/`,
      method: long,
      automationId: long,
      eventType: long,
      webhookId: long,
    }),
    ...outcomeSearchAttributes({ status: 599, failureType: long, attempts: MAX_ATTEMPTS }),
  ];
  const sizes = pairs.map((p) => jsonBytes(p.value));
  for (const size of sizes) expect(size).toBeLessThanOrEqual(TEMPORAL_DEFAULTS.searchAttributeValueBytes);
  expect(sizes.reduce((a, b) => a + b, 0) + pairs.length * 64).toBeLessThan(
    TEMPORAL_DEFAULTS.searchAttributesTotalBytes,
  );
});

test('jsonStringBytes is the UTF-8 length of JSON.stringify, escapes and lone surrogates included', () => {
  const samples = [
    '',
    'plain',
    'a"b\\c',
    '\u0001\u001f\n\t\b\f\r',
    'é€😀',
    '\ud800x',
    'x\udc00',
    '\u007f\u0080\u0800\uffff',
  ];
  for (const s of samples) expect(jsonStringBytes(s)).toBe(Buffer.byteLength(JSON.stringify(s)));
  expect(jsonBytes({ a: '\u0001' })).toBe(Buffer.byteLength('{"a":"\\u0001"}'));
});

test('an automation that passes validation is at most its limit once encoded, escapes included', () => {
  // 200,000 control characters: 200 KB as text, 1.2 MB as JSON. Its parsed copy (a local activity's result) must
  // fit a payload with the defaults it gains, so the limit is on the encoded size.
  const trigger = { note: '\u0001'.repeat(200_000) };
  const validation = validateAutomation({ id: 'a', trigger, steps: [{ id: 's', type: 'delay', for: '1s' }] });
  expect(validation.ok).toBe(false);
  expect(validation.ok ? [] : validation.issues).toEqual(['(input): is larger than 1024 KiB once encoded']);
  const fits = validateAutomation({
    id: 'a',
    trigger: { note: '\u0001'.repeat(170_000) },
    steps: [{ id: 's', type: 'delay', for: '1s' }],
  });
  expect(fits.ok && jsonBytes(fits.automation)).toBeLessThanOrEqual(AUTOMATION_LIMITS.maxBytes + 2 * 1024);
  expect(STEP_LIMITS.maxBytes).toBeLessThan(TEMPORAL_DEFAULTS.blobSizeBytes);
});
