// Standard Webhooks signing: the spec's known-answer vector, and interoperability with the reference
// `standardwebhooks` verifier (valid request verifies, tampered body or id does not).
import { Webhook } from 'standardwebhooks';
import { buildRequest } from '../../activities/request';
import { decodeSecret, sign } from '../../activities/signing';
import { StepSchema } from '../../src/contract';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe('sign', () => {
  it('reproduces the Standard Webhooks known-answer vector', () => {
    expect(sign(decodeSecret(SECRET), ID, TIMESTAMP, BODY)).toEqual({
      'webhook-id': ID,
      'webhook-timestamp': String(TIMESTAMP),
      'webhook-signature': SIGNATURE,
    });
  });

  it('agrees with the standardwebhooks package on the vector', () => {
    expect(new Webhook(SECRET).sign(ID, new Date(TIMESTAMP * 1000), BODY)).toBe(SIGNATURE);
  });

  it('decodeSecret rejects a secret without the whsec_ prefix', () => {
    expect(() => decodeSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow(/whsec_/);
  });

  it('decodeSecret yields the base64-decoded key', () => {
    expect(decodeSecret(SECRET)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
  });
});

describe('a signed request from buildRequest', () => {
  const step = StepSchema.parse({
    url: 'https://api.example.com/hooks',
    body: { event: 'order.paid', amount: 12.5, note: 'é ☃', none: null },
    signing: { secret: SECRET },
  });
  // The verifier checks the timestamp against its own clock, so sign "now".
  const req = buildRequest(step, 'msg_interop', Date.now());

  it('verifies with the standardwebhooks reference implementation', () => {
    expect(new Webhook(SECRET).verify(req.body, req.headers)).toEqual(JSON.parse(req.body));
  });

  it('fails verification with a tampered body', () => {
    const tampered = req.body.replace('12.5', '99.5');
    expect(tampered).not.toBe(req.body);
    expect(() => new Webhook(SECRET).verify(tampered, req.headers)).toThrow();
  });

  it('fails verification with a tampered webhook-id', () => {
    expect(() => new Webhook(SECRET).verify(req.body, { ...req.headers, 'webhook-id': 'msg_other' })).toThrow();
  });

  it('fails verification with another secret', () => {
    expect(() =>
      new Webhook('whsec_' + Buffer.alloc(24, 7).toString('base64')).verify(req.body, req.headers),
    ).toThrow();
  });
});
