// Standard Webhooks verification: the spec's known-answer vector, and the same vectors through hookstep's verifier
// and the reference `standardwebhooks` package, which must agree on every accept and every reject. Signatures come
// from both signers: hookstep's activity and the reference package.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { decodeSecret, sign } from '../../activities/signing';
import { InvalidInputError, WebhookVerificationCode as Code, WebhookVerificationError } from '../../src/contract';
import { createVerifier, verifyWebhook, type HeaderSource } from '../../src/receiver';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
const NOW = 1_700_000_000;

describe('the Standard Webhooks known-answer vector', () => {
  const body = '{"test": 2432232314}';
  const headers = {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };

  it('verifies at its own time, returning the id and timestamp', () => {
    expect(verifyWebhook(body, headers, { secrets: SECRET, now: () => 1614265330 })).toEqual({
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
    });
  });

  it('is too old today, as the reference says too', () => {
    expect(codeOf(() => verifyWebhook(body, headers, { secrets: SECRET }))).toBe(Code.TimestampTooOld);
    expect(() => new Webhook(SECRET).verify(body, headers)).toThrow(/too old/);
  });
});

type Signer = 'hookstep' | 'reference';

/** Signs as hookstep's activity does, or as the reference package does. */
function signed(signer: Signer, body: string, id = 'msg_1', ts = NOW, secret = SECRET): Record<string, string> {
  if (signer === 'hookstep') return { ...sign(decodeSecret(secret), id, ts, body) };
  const signature = new Webhook(secret).sign(id, new Date(ts * 1000), body);
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.code;
    throw err;
  }
}

/** hookstep's verdict and the reference's (at the same clock) on one request. */
function verdicts(
  body: string | Buffer,
  headers: Record<string, string>,
  secret = SECRET,
): [string, 'ok' | 'rejected'] {
  const ours = codeOf(() => verifyWebhook(body, headers, { secrets: secret, now: () => NOW }));
  const spy = jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
  try {
    new Webhook(secret).verify(body, headers, { jsonParse: false });
    return [ours, 'ok'];
  } catch {
    return [ours, 'rejected'];
  } finally {
    spy.mockRestore();
  }
}

const BODY = JSON.stringify({ orderId: 'AG-1:ORD-9', note: 'é ☃ 😀', total: 12.5 });
const goodSig = (signer: Signer) => signed(signer, BODY)['webhook-signature'];
const otherSig = signed('reference', BODY, 'msg_1', NOW, OTHER)['webhook-signature'];

describe.each<Signer>(['hookstep', 'reference'])('signed by %s: both verifiers agree', (signer) => {
  const h = () => signed(signer, BODY);
  const cases: [string, () => [string, Record<string, string>], string][] = [
    ['a valid request', () => [BODY, h()], 'ok'],
    ['header names in any case', () => [BODY, upper(h())], 'ok'],
    ['a tampered body', () => [BODY.replace('12.5', '99.5'), h()], Code.BadSignature],
    ['a body with a byte added', () => [`${BODY} `, h()], Code.BadSignature],
    ['a tampered webhook-id', () => [BODY, { ...h(), 'webhook-id': 'msg_2' }], Code.BadSignature],
    [
      'a timestamp moved by a second',
      () => [BODY, { ...h(), 'webhook-timestamp': String(NOW + 1) }],
      Code.BadSignature,
    ],
    ['a wrong secret', () => [BODY, signed(signer, BODY, 'msg_1', NOW, OTHER)], Code.BadSignature],
    ['rotation: the good signature second', () => [BODY, sigs(h(), `${otherSig} ${goodSig(signer)}`)], 'ok'],
    ['rotation: the good signature first', () => [BODY, sigs(h(), `${goodSig(signer)} ${otherSig}`)], 'ok'],
    ['rotation: neither good', () => [BODY, sigs(h(), `${otherSig} ${otherSig}`)], Code.BadSignature],
    ['a repeated header joined with ", "', () => [BODY, sigs(h(), `${otherSig}, ${goodSig(signer)}`)], 'ok'],
    [
      'the good signature under another scheme',
      () => [BODY, sigs(h(), goodSig(signer).replace('v1,', 'v2,'))],
      Code.BadSignature,
    ],
    ['another scheme beside a good v1', () => [BODY, sigs(h(), `v1a,c2lnbmF0dXJl ${goodSig(signer)}`)], 'ok'],
    ['a signature without its scheme', () => [BODY, sigs(h(), goodSig(signer).slice(3))], Code.BadSignature],
    [
      'the signature without base64 padding',
      () => [BODY, sigs(h(), goodSig(signer).replace(/=+$/, ''))],
      Code.BadSignature,
    ],
    ['no webhook-id', () => [BODY, without(h(), 'webhook-id')], Code.MissingHeader],
    ['no webhook-timestamp', () => [BODY, without(h(), 'webhook-timestamp')], Code.MissingHeader],
    ['no webhook-signature', () => [BODY, without(h(), 'webhook-signature')], Code.MissingHeader],
    ['an empty webhook-signature', () => [BODY, sigs(h(), '')], Code.MissingHeader],
    [
      'a timestamp that is not a number',
      () => [BODY, { ...h(), 'webhook-timestamp': 'yesterday' }],
      Code.MalformedHeader,
    ],
  ];
  it.each(cases)('%s', (_what, make, expected) => {
    const [body, headers] = make();
    expect(verdicts(body, headers)).toEqual([expected, expected === 'ok' ? 'ok' : 'rejected']);
  });

  it.each([
    [NOW - 300, 'ok'],
    [NOW - 301, Code.TimestampTooOld],
    [NOW + 300, 'ok'],
    [NOW + 301, Code.TimestampTooNew],
  ])('the 5-minute tolerance edge: timestamp %i gives %s', (ts, expected) => {
    expect(verdicts(BODY, signed(signer, BODY, 'msg_1', ts))).toEqual([
      expected,
      expected === 'ok' ? 'ok' : 'rejected',
    ]);
  });
});

test('a timestamp with a leading zero is refused, as the reference (which signs it without) refuses it', () => {
  const headers = signed('hookstep', BODY);
  const padded = { ...headers, 'webhook-timestamp': `0${NOW}` };
  const resigned = signatureOver(`0${NOW}`);
  expect(verdicts(BODY, { ...padded, 'webhook-signature': resigned })).toEqual([Code.MalformedHeader, 'rejected']);
});

/** A v1 signature over a timestamp written as given, which neither signer would produce. */
function signatureOver(timestampText: string): string {
  const mac = createHmac('sha256', decodeSecret(SECRET)).update(`msg_1.${timestampText}.${BODY}`).digest('base64');
  return `v1,${mac}`;
}

describe('several secrets on the receiving side', () => {
  const verify = createVerifier({ secrets: [OTHER, SECRET], now: () => NOW });

  it('accepts a webhook signed with any of them', () => {
    expect(verify(BODY, signed('hookstep', BODY, 'a'))).toEqual({ id: 'a', timestamp: NOW });
    expect(verify(BODY, signed('reference', BODY, 'b', NOW, OTHER))).toEqual({ id: 'b', timestamp: NOW });
  });

  it('refuses one signed with neither', () => {
    const third = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
    expect(codeOf(() => verify(BODY, signed('hookstep', BODY, 'c', NOW, third)))).toBe(Code.BadSignature);
  });
});

describe('inputs', () => {
  it('verifies the raw bytes as well as a string, and fetch Headers as well as a record', () => {
    const headers = signed('reference', BODY);
    const verify = createVerifier({ secrets: SECRET, now: () => NOW });
    expect(verify(Buffer.from(BODY, 'utf8'), new Headers(headers) as HeaderSource)).toEqual({
      id: 'msg_1',
      timestamp: NOW,
    });
  });

  it('signs bytes, not text: the same text re-encoded does not verify', () => {
    const headers = signed('hookstep', BODY);
    const latin1 = Buffer.from(BODY, 'latin1');
    expect(codeOf(() => verifyWebhook(latin1, headers, { secrets: SECRET, now: () => NOW }))).toBe(Code.BadSignature);
  });
});

describe('messages', () => {
  it('name the header and the reason, never a signature or a secret', () => {
    const headers = signed('hookstep', BODY);
    const messages = [
      () => verifyWebhook(`${BODY}x`, headers, { secrets: SECRET, now: () => NOW }),
      () => verifyWebhook(BODY, headers, { secrets: OTHER, now: () => NOW }),
      () => verifyWebhook(BODY, headers, { secrets: SECRET, now: () => NOW + 3600 }),
      () => verifyWebhook(BODY, without(headers, 'webhook-id'), { secrets: SECRET }),
    ].map((fn) => {
      try {
        fn();
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(messages).toEqual([
      'webhook-signature matches no secret of this receiver',
      'webhook-signature matches no secret of this receiver',
      'webhook-timestamp is 3600 s in the past, beyond the tolerance of 300 s',
      'missing header webhook-id',
    ]);
    const signature = headers['webhook-signature'].slice(3);
    for (const m of messages)
      for (const secret of [signature, SECRET.slice(6), OTHER.slice(6)]) expect(m).not.toContain(secret);
  });

  it('bad options name the option and never echo the secret', () => {
    const err = catchError(() =>
      createVerifier({ secrets: ['whsec_ok+AAAA', 'not-a-secret-hunter2'], toleranceSeconds: 0 }),
    );
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues).toEqual([
      'secrets[1]: must be whsec_ followed by base64',
      'toleranceSeconds: must be at least 1 second',
    ]);
    expect(err.message).not.toContain('hunter2');
  });

  it('a secret that decodes to no key is refused', () => {
    expect((catchError(() => createVerifier({ secrets: 'whsec_A' })) as InvalidInputError).issues).toEqual([
      'secrets[0]: must hold a key',
    ]);
  });
});

test('property: whatever either signer signs, hookstep verifies, and any changed byte is refused by both', () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 200, unit: 'binary' }),
      fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      fc.constantFrom<Signer>('hookstep', 'reference'),
      fc.nat(),
      (body, id, key, signer, flip) => {
        const secret = `whsec_${Buffer.from(key).toString('base64')}`;
        const headers = signed(signer, body, id, NOW, secret);
        expect(verdicts(body, headers, secret)).toEqual(['ok', 'ok']);
        const bytes = Buffer.from(body, 'utf8');
        if (bytes.length === 0) return;
        bytes[flip % bytes.length] ^= 1;
        expect(verdicts(bytes, headers, secret)).toEqual([Code.BadSignature, 'rejected']);
      },
    ),
    { numRuns: 200 },
  );
});

function upper(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.replace(/(^|-)\w/g, (c) => c.toUpperCase()), v]),
  );
}

function sigs(headers: Record<string, string>, signature: string): Record<string, string> {
  return { ...headers, 'webhook-signature': signature };
}

function without(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}
