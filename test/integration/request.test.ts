/** @cluster */
// The request goes out as the user wrote it, and no secret comes back through what the receiver says: steps started
// by name on a real dev server, real receivers on 127.0.0.1, the exact bytes that arrive and the failure the Web UI
// shows (describe, the CLI through the codec server, the raw history).
import type { ServerResponse } from 'node:http';
import type { Payload } from '@temporalio/common';
import { FailureType, redact, type DeliveryFailureDetails, type StepInput } from '../../src/contract';
import { decodeWithTestKey, startTestCodecServer, temporalCli } from '../helpers/codec';
import { expectFailure } from '../helpers/failures';
import { json, type Received } from '../helpers/receiver';
import { uniqueQueue, useHarness } from '../helpers/temporal';
import { until } from '../helpers/until';

const harness = useHarness('request');
const { taskQueue, receiver } = harness;

function start(step: StepInput, workflowId = uniqueQueue('step')) {
  return harness.client().workflow.start('sendWebhook', { taskQueue, workflowId, args: [step] });
}

/** The request line and headers as they reached a receiver answering 200. */
async function arrived(step: (url: string) => StepInput): Promise<Received> {
  const r = await receiver((_req, res) => json(res, 200, {}));
  await (await start(step(r.url))).result();
  return r.requests[0];
}

describe('the URL goes out as written', () => {
  test('issue 18: /h?sig=a%2Bb%20c&flag with query {page: 2} arrives as /h?sig=a%2Bb%20c&flag&page=2', async () => {
    const req = await arrived((url) => ({ url: `${url}/h?sig=a%2Bb%20c&flag`, query: { page: 2 } }));
    expect(req.url).toBe('/h?sig=a%2Bb%20c&flag&page=2');
  });

  test.each([
    // n8n-io/n8n#22144: an OData $filter in the URL was re-encoded once a query parameter was added.
    ['n8n#22144', '/odata?$filter=Field/custom/Value%20eq%20true', { $top: 10 }, '&$top=10'],
    // aws/aws-sdk-php#146: a signed URL's encoded response-content-disposition was rewritten; the signature broke.
    [
      'aws-sdk-php#146',
      '/f?response-content-disposition=attachment%3B%20filename%3D%22example.jpg%22&Signature=2MD0Ku%2BGx%3D',
      { v: 1 },
      '&v=1',
    ],
    // thunderclient/thunder-client-support#552, node-red/node-red#4384: `%desc%` and Latin-1 `r%E4kki` were rewritten.
    ['thunder-client#552 and node-red#4384', "/t?d=%desc%&k=r%E4kki&q=it's", { p: 'a b' }, '&p=a%20b'],
    // The path: %2F, ; and escaped UTF-8 are neither decoded nor re-encoded.
    ['a path with %2F, ; and escaped UTF-8', '/a%2Fb;v=1/Jos%C3%A9?x=~%7e', { y: '1' }, '&y=1'],
  ])('%s: the URL arrives byte for byte, the added parameter after it', async (_report, path, query, added) => {
    const req = await arrived((url) => ({ url: `${url}${path}`, query }));
    expect(req.url).toBe(`${path}${added}`);
  });

  test('a same-named parameter is replaced in place; every other byte is kept', async () => {
    const req = await arrived((url) => ({ url: `${url}/h?a=%2B&page=1&b=c%20d&page=7`, query: { page: 2 } }));
    expect(req.url).toBe('/h?a=%2B&page=2&b=c%20d');
  });

  test('a URL with a tab fails InvalidStep saying parsers drop it; nothing is sent', async () => {
    const r = await receiver((_req, res) => json(res, 200, {}));
    const { failure } = await expectFailure((await start({ url: `${r.url}/a\tb` })).result());
    expect(failure.type).toBe(FailureType.InvalidStep);
    expect(failure.message).toContain('step.url: must not contain tabs, line breaks or other control characters');
    expect(r.requests).toHaveLength(0);
  });
});

describe('cookies and headers', () => {
  test('issue 18: cookies {name: "José"} arrive as Cookie: name=Jos%C3%A9; an emoji as its UTF-8 bytes', async () => {
    const req = await arrived((url) => ({ url, cookies: { name: 'José', mood: '😀' } }));
    expect(req.headers.cookie).toBe('name=Jos%C3%A9; mood=%F0%9F%98%80');
  });

  // EchoAPI-Team/echoapi-for-vscode-support#13 and node-red/node-red#2025: valid cookie values were percent-encoded
  // (= as %3D, + as %2B) and the receiving servers refused them.
  test('echoapi#13 and node-red#2025: a valid cookie value (base64 with =, hello+world) arrives as written', async () => {
    const req = await arrived((url) => ({
      url,
      cookies: { session: 'eyJwZXQiOiJhZGl0In0=', 'session.sig': 'NRnTBJacq09V0OLxPxGem99xFX0', demo: 'hello+world' },
    }));
    expect(req.headers.cookie).toBe(
      'session=eyJwZXQiOiJhZGl0In0=; session.sig=NRnTBJacq09V0OLxPxGem99xFX0; demo=hello+world',
    );
  });

  test('a non-ASCII header value fails InvalidStep with the true reason, not "control characters"', async () => {
    const r = await receiver((_req, res) => json(res, 200, {}));
    const { failure } = await expectFailure((await start({ url: r.url, headers: { 'X-Name': 'José' } })).result());
    expect(failure.type).toBe(FailureType.InvalidStep);
    expect(failure.message).toContain('step.headers.X-Name: must be ASCII');
    expect(failure.message).not.toContain('control characters');
    expect(r.requests).toHaveLength(0);
  });

  test('an unknown key fails InvalidStep naming that key as the field', async () => {
    const r = await receiver((_req, res) => json(res, 200, {}));
    const { failure } = await expectFailure((await start({ url: r.url, tiemout: '5s' } as StepInput)).result());
    expect(failure.message).toContain('step.tiemout: is not a known field');
  });
});

describe('no secret comes back through the reply', () => {
  const TOKEN = 'tok_live_4f9a8b7c6d5e';
  const COOKIE = 'sess-91d2c3/Zq+y';
  const SECRET = `whsec_${Buffer.from('a-very-secret-signing-key!').toString('base64')}`;
  const step = (url: string, extra: Partial<StepInput> = {}): StepInput => ({
    url,
    headers: { Authorization: `Bearer ${TOKEN}` },
    cookies: { session: COOKIE },
    signing: { secret: SECRET },
    ...extra,
  });

  /** Answers `status` with every request header echoed back, as JSON and base64, as debugging receivers do. */
  const echo =
    (status: number, headers: Record<string, string> = {}) =>
    (req: Received, res: ServerResponse) => {
      const raw = Object.entries(req.headers)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('\n');
      json(
        res,
        status,
        { error: 'unauthorized', headers: req.headers, raw: Buffer.from(raw).toString('base64') },
        headers,
      );
    };

  /** Everything the request carried that must never be read back. */
  const secretsOf = (req: Received) => [
    TOKEN,
    COOKIE,
    encodeURIComponent(COOKIE),
    String(req.headers['webhook-signature']),
    String(req.headers['webhook-signature']).slice(3),
    SECRET,
  ];
  /** Whether `text` holds any of `secrets` as written, percent- or JSON-encoded, or in base64. */
  const leaks = (text: string, secrets: string[]) => redact(text, secrets) !== text;

  test('issue 18: a 401 echoing authorization, cookie and webhook-signature leaves none in bodySnippet or message', async () => {
    const r = await receiver(echo(401));
    const handle = await start(step(r.url));
    const { failure } = await expectFailure(handle.result());
    expect(failure.type).toBe(FailureType.HttpClientError);
    const snippet = (failure.details?.[0] as DeliveryFailureDetails).bodySnippet!;
    const secrets = secretsOf(r.requests[0]);
    for (const secret of secrets) expect(snippet).not.toContain(secret);
    expect(leaks(snippet, secrets)).toBe(false);
    expect(leaks(failure.message, secrets)).toBe(false);
    expect(JSON.parse(snippet)).toMatchObject({
      error: 'unauthorized',
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'webhook-signature': '[redacted]' },
    });
    // The raw history, every payload decrypted with the key: the failure as the Web UI reads it.
    const history = await handle.fetchHistory();
    const decoded = await Promise.all(payloadsIn(history).map((p) => decodeWithTestKey(p)));
    const everything = `${JSON.stringify(history)}\n${JSON.stringify(decoded)}`;
    expect(everything).toContain('[redacted]');
    // The step's own input holds the secrets (encrypted, as the caller wrote them); nothing else may.
    const input = JSON.stringify(decoded.find((d) => JSON.stringify(d).includes('"signing"')));
    expect(leaks(everything.replace(input, ''), secrets)).toBe(false);
  });

  // egg82/fetcharr#45: a Discord webhook URL, whose last segment is its token, was logged whole on every non-2xx.
  // jestasecurity/thumper#33: the failed webhook's full URL, Slack token and all, was stored as the delivery's error.
  test('fetcharr#45 and thumper#33: a token in the URL path is in no summary, message, detail or snippet', async () => {
    const PATH_TOKEN = 'mT9-xQ2_vLk8ZrWbN4yPd7Hs0uJcE1aF6gIo3KtRnVqYw5XzBe';
    const r = await receiver((req, res) => json(res, 400, { error: `unknown webhook ${req.url}` }));
    const handle = await start({ url: `${r.url}/api/webhooks/1487200889859997746/${PATH_TOKEN}` });
    const { failure } = await expectFailure(handle.result());
    expect(r.requests[0].url).toContain(PATH_TOKEN);
    const details = failure.details?.[0] as DeliveryFailureDetails;
    expect(failure.message).toContain('/api/webhooks/1487200889859997746/[token]');
    expect(details.url).toContain('/[token]');
    expect(details.bodySnippet).toContain('[redacted]');
    const history = await handle.fetchHistory();
    const decoded = await Promise.all(payloadsIn(history).map((p) => decodeWithTestKey(p)));
    const input = JSON.stringify(decoded.find((d) => JSON.stringify(d).includes(PATH_TOKEN) && 'url' in Object(d)));
    const everything = `${JSON.stringify(history)}\n${JSON.stringify(decoded)}`.replace(input, '');
    expect(everything).not.toContain(PATH_TOKEN);
    expect(everything).toContain('[token]');
  });

  // prebid/prebid-server#1776: a debug answer echoed every request header, a Basic credential among them.
  // opensearch-project/opensearch-java#1218: a 403 quoting the Authorization header became the error's message.
  test('prebid-server#1776 and opensearch-java#1218: a retried 503 echo shows no credential in describe or the CLI', async () => {
    const basic = Buffer.from('master:hunter22-pw').toString('base64');
    const r = await receiver((req, res, i) => echo(503, { 'retry-after': i === 0 ? '0' : '3600' })(req, res));
    const handle = await start(
      step(r.url, { headers: { Authorization: `Basic ${basic}` }, retry: { maximumAttempts: 5 } }),
    );
    try {
      // Attempt 2 is a regular activity: its failure is the pending activity's lastFailure while it waits an hour.
      const pending = await until(async () => {
        const p = (await handle.describe()).raw.pendingActivities?.[0];
        return p?.lastFailure?.applicationFailureInfo ? p : undefined;
      }, 'the pending activity to carry the last failure');
      const details = (await Promise.all(
        (pending.lastFailure!.applicationFailureInfo!.details?.payloads ?? []).map((p) => decodeWithTestKey(p)),
      )) as DeliveryFailureDetails[];
      const secrets = [...secretsOf(r.requests[1]), basic, 'master:hunter22-pw', 'hunter22-pw'];
      expect(details[0].bodySnippet).toContain('[redacted]');
      expect(leaks(JSON.stringify(details), secrets)).toBe(false);
      expect(leaks(pending.lastFailure!.message ?? '', secrets)).toBe(false);

      const codec = await startTestCodecServer();
      try {
        const described = await temporalCli(['workflow', 'describe', '--workflow-id', handle.workflowId], codec);
        expect(described).toContain('HttpRetryableStatus');
        // The CLI decoded the details through the codec server: the redacted snippet is there to read.
        expect(described).toContain('[redacted]');
        expect(leaks(described, secrets)).toBe(false);
      } finally {
        await codec.close();
      }
    } finally {
      await handle.terminate('test done');
    }
  });
});

/** Every Payload ({metadata, data}) anywhere in a history's JSON. */
function payloadsIn(value: unknown): Payload[] {
  if (value === null || typeof value !== 'object') return [];
  if (value instanceof Uint8Array) return [];
  if ('metadata' in value && 'data' in value) return [value as Payload];
  return Object.values(value).flatMap(payloadsIn);
}
