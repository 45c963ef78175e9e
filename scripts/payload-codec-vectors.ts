// Writes clients/payload-codec-vectors.json: payloads encrypted by hookstep's TypeScript codec under two fixed test
// keys, and envelopes that must be refused, which the TypeScript, Python and Go codecs' tests all read. Entries other
// codecs wrote (writer "python", "go") are kept as they are. Run: npx tsx scripts/payload-codec-vectors.ts
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, KEY_ID_METADATA, parseKeyList } from '../src/codec';

export const VECTORS_FILE = join(__dirname, '..', 'clients', 'payload-codec-vectors.json');

/** A payload as JSON: each metadata value and the data in standard base64 (as protobuf JSON writes bytes). */
export interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

export interface CodecVector {
  name: string;
  writer: string;
  payload: JsonPayload;
  encoded: JsonPayload;
}

export interface RejectedVector {
  name: string;
  encoded: JsonPayload;
  /** Words every codec's error message contains. */
  error: string;
}

export interface CodecVectors {
  about: string;
  /** HOOKSTEP_PAYLOAD_KEYS to decode every vector with. */
  keys: string;
  vectors: CodecVector[];
  /** Decode returns these unchanged: payloads from before encryption was turned on. */
  passThrough: JsonPayload[];
  rejected: RejectedVector[];
}

export function toJsonPayload(p: Payload): JsonPayload {
  const metadata = Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  return { metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') };
}

export function fromJsonPayload(p: JsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  return { metadata, data: Buffer.from(p.data, 'base64') };
}

const key = (label: string) => createHash('sha256').update(`hookstep payload-codec vector key ${label}`).digest();
const keys = `a:${key('a').toString('base64')},b:${key('b').toString('base64')}`;

async function main(): Promise<void> {
  const underA = new EncryptionCodec(parseKeyList(keys, 'vectors'));
  const underB = new EncryptionCodec(parseKeyList(keys.split(',').reverse().join(','), 'vectors'));
  const step = {
    url: 'https://api.example.com/hooks/orders',
    body: { orderId: 'AG-1:ORD-9', note: 'café ☕', total: 12.5 },
    signing: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  };
  const plain: [string, EncryptionCodec, Payload][] = [
    [
      'a step input (json/plain, non-ASCII text) under the current key',
      underA,
      defaultPayloadConverter.toPayload(step),
    ],
    ['null (binary/null, no data)', underA, defaultPayloadConverter.toPayload(null)],
    [
      'a payload with three metadata entries',
      underA,
      {
        metadata: { encoding: Buffer.from('json/plain'), format: Buffer.from('extra'), x: Buffer.from([0, 255]) },
        data: Buffer.from('"x"'),
      },
    ],
    ['an empty payload (no metadata, no data)', underA, { metadata: {}, data: new Uint8Array() }],
    ['a result under the older key b (rotation)', underB, defaultPayloadConverter.toPayload({ status: 200, body: {} })],
  ];
  const vectors: CodecVector[] = [];
  for (const [name, codec, payload] of plain) {
    const [encoded] = await codec.encode([payload]);
    vectors.push({ name, writer: 'typescript', payload: toJsonPayload(payload), encoded: toJsonPayload(encoded) });
  }
  const [sample] = await underA.encode([defaultPayloadConverter.toPayload('sample')]);
  const altered = Buffer.from(sample.data!);
  altered[altered.length - 20] ^= 1;
  const rejected: RejectedVector[] = [
    {
      name: 'one bit of the ciphertext flipped',
      encoded: toJsonPayload({ ...sample, data: altered }),
      error: 'does not decrypt',
    },
    {
      name: 'an envelope relabelled with the other key id',
      encoded: toJsonPayload({ ...sample, metadata: { ...sample.metadata, [KEY_ID_METADATA]: Buffer.from('b') } }),
      error: 'does not decrypt',
    },
    {
      name: 'a key id not in the ring',
      encoded: toJsonPayload({ ...sample, metadata: { ...sample.metadata, [KEY_ID_METADATA]: Buffer.from('c') } }),
      error: 'not among',
    },
    {
      name: 'shorter than a nonce and a tag',
      encoded: toJsonPayload({ ...sample, data: sample.data!.subarray(0, 27) }),
      error: 'truncated',
    },
  ];
  const previous: CodecVectors | undefined = existsSync(VECTORS_FILE)
    ? (JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as CodecVectors)
    : undefined;
  const others = (previous?.vectors ?? []).filter((v) => v.writer !== 'typescript');
  const file: CodecVectors = {
    about:
      "hookstep's payload codec (AES-256-GCM, src/codec/codec.ts): known answers for every language's codec. " +
      'Entries by writer "typescript" come from scripts/payload-codec-vectors.ts; the others were encrypted by that ' +
      "language's codec under the same keys. Test keys only.",
    keys,
    vectors: [...vectors, ...others],
    passThrough: [toJsonPayload(defaultPayloadConverter.toPayload({ stored: 'before encryption' }))],
    rejected,
  };
  writeFileSync(VECTORS_FILE, `${JSON.stringify(file, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
