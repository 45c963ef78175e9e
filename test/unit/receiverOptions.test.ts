// createReceiver's options are checked before anything listens, naming each bad option and never a secret's value;
// the workflow ID a webhook gets is stable, bounded and readable; and docs/receiving.md documents every option.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { InvalidInputError, MAX_ID_LENGTH } from '../../src/contract';
import { createReceiver, workflowIdFor } from '../../src/receiver';
import { ReceiverOptionsSchema } from '../../src/receiver/options';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
// Never dialled: options are checked before any start.
const connection = Connection.lazy({ address: '127.0.0.1:1' });
const client = new Client({ connection });
afterAll(() => connection.close());

function issuesOf(options: unknown): string[] {
  try {
    createReceiver(options as Parameters<typeof createReceiver>[0]);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).issues;
  }
  throw new Error('expected InvalidInputError');
}

test('valid options make a receiver with the default body cap', () => {
  expect(createReceiver({ client, secrets: SECRET, workflowType: 'fulfilOrder' }).maxBodyBytes).toBe(1024 * 1024);
});

test('each bad option is named, and a secret is never echoed', () => {
  const issues = issuesOf({
    client: {},
    secrets: ['whsec_hunter2-is-not-base64!'],
    workflowType: '',
    taskQueue: '',
    idPrefix: 'has space',
    maxBodyBytes: 0,
    startTimeoutMs: 1.5,
    retryAfterSeconds: -1,
    parse: 'JSON.parse',
  });
  expect(issues).toEqual([
    'secrets[0]: must be whsec_ followed by base64',
    'client: must be a Client from @temporalio/client',
    'workflowType: must not be empty',
    'taskQueue: must not be empty',
    'idPrefix: must be visible ASCII',
    'maxBodyBytes: must be at least 1 bytes',
    'startTimeoutMs: must be whole milliseconds',
    'retryAfterSeconds: must be at least 1 seconds',
    'parse: must be a function',
  ]);
  expect(issues.join('\n')).not.toContain('hunter2');
});

test('a missing workflow type and missing secrets are named', () => {
  expect(issuesOf({ client })).toEqual([
    'secrets: must be a whsec_ secret or a list of them',
    'workflowType: is required: the workflow type to start',
  ]);
});

describe('workflowIdFor', () => {
  it('is <prefix><webhook-id> for a readable id', () => {
    expect(workflowIdFor('fulfilOrder-', 'msg_p5jXN8AQM9LWM0D4loKWxJek')).toBe(
      'fulfilOrder-msg_p5jXN8AQM9LWM0D4loKWxJek',
    );
  });

  it('hashes an id with spaces or non-ASCII, the same way every time', () => {
    const id = workflowIdFor('h-', 'order 9 ☃');
    expect(id).toMatch(/^h-sha256-[0-9a-f]{64}$/);
    expect(workflowIdFor('h-', 'order 9 ☃')).toBe(id);
    expect(workflowIdFor('h-', 'order 9 ☂')).not.toBe(id);
  });

  it('keeps an ID within the server limit: an id too long is hashed', () => {
    const fits = 'a'.repeat(MAX_ID_LENGTH - 2);
    expect(workflowIdFor('h-', fits)).toBe(`h-${fits}`);
    const long = workflowIdFor('h-', `${fits}b`);
    expect(long).toMatch(/^h-sha256-[0-9a-f]{64}$/);
  });
});

test("docs/receiving.md's options table lists every option createReceiver takes", () => {
  const section = readFileSync(join(__dirname, '..', '..', 'docs', 'receiving.md'), 'utf8');
  const table = section.slice(section.indexOf('| option'), section.indexOf('\n\n', section.indexOf('| option')));
  const documented = [...table.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]).sort();
  // `now` is the verifier's clock, for tests.
  const options = Object.keys(ReceiverOptionsSchema.shape).filter((k) => k !== 'now');
  expect(documented).toEqual(options.sort());
});
