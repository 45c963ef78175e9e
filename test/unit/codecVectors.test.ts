// The known answers shared by hookstep's payload codecs (clients/payload-codec-vectors.json): the TypeScript codec
// decrypts what it wrote and what the Python and Go codecs (clients/) wrote, and refuses what they all refuse.
import { readFileSync } from 'node:fs';
import { EncryptionCodec, PayloadDecryptionError, parseKeyList } from '../../src/codec';
import { fromJsonPayload, toJsonPayload, VECTORS_FILE, type CodecVectors } from '../../scripts/payload-codec-vectors';

const file = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as CodecVectors;
const codec = new EncryptionCodec(parseKeyList(file.keys, 'vectors'));

test('features#68: the vectors hold entries written by each language, so each codec is checked against the others', () => {
  expect(new Set(file.vectors.map((v) => v.writer))).toEqual(new Set(['typescript', 'python', 'go']));
});

test.each(file.vectors.map((v) => [`${v.writer}: ${v.name}`, v] as const))('decrypts %s', async (_name, vector) => {
  const [decoded] = await codec.decode([fromJsonPayload(vector.encoded)]);
  expect(toJsonPayload(decoded)).toEqual(vector.payload);
});

test('payloads from before encryption pass through', async () => {
  const decoded = await codec.decode(file.passThrough.map(fromJsonPayload));
  expect(decoded.map(toJsonPayload)).toEqual(file.passThrough);
});

test.each(file.rejected.map((v) => [v.name, v] as const))('refuses %s, saying why', async (_name, vector) => {
  const decoding = codec.decode([fromJsonPayload(vector.encoded)]);
  await expect(decoding).rejects.toBeInstanceOf(PayloadDecryptionError);
  await expect(decoding).rejects.toThrow(vector.error);
});
