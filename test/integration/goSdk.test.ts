// Another SDK reads what hookstep encrypts: the Temporal Go SDK with clients/go/hookstepcodec starts sendWebhook by
// name on a real dev server, served by an in-process hookstep worker, and reads the typed result and a failure's type
// and details; and `go test` runs the codec against the vectors shared with the TypeScript and Python codecs. Needs
// Go (CI has it, for the temporal CLI); elsewhere without Go the file says so and skips.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { json } from '../helpers/receiver';
import { temporalAddress, uniqueQueue, useHarness } from '../helpers/temporal';

const run = promisify(execFile);
const GO_CLIENT_DIR = join(__dirname, '..', '..', 'clients', 'go');

function goInstalled(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('CI runs the Go SDK test: Go must be on PATH');
    console.warn('Go is not installed: the Go SDK test skips');
    return false;
  }
}

const describeWithGo = goInstalled() ? describe : describe.skip;

async function go(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    return (await run('go', args, { cwd: GO_CLIENT_DIR, env, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`go ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? String(err)}`);
  }
}

describeWithGo('Go SDK', () => {
  const harness = useHarness('go');
  const { taskQueue, receiver } = harness;
  const example = join(mkdtempSync(join(tmpdir(), 'hookstep-go-')), 'example');

  // The first build compiles the Go SDK (minutes on two cores); later ones come from Go's build cache.
  beforeAll(async () => {
    await go(['build', '-o', example, './example']);
  }, 600_000);

  test('features#68: the Go codec decrypts what the TypeScript and Python codecs wrote', async () => {
    expect(await go(['test', './...'])).toMatch(/^ok\s+hookstep\/clients\/go\/hookstepcodec/m);
  }, 600_000);

  test("sdk-php#206: go.temporal.io/sdk starts sendWebhook by name, reads the typed result, and a failure's type and details (the failure converter needs the codec too)", async () => {
    const tickets = await receiver((_req, res) => json(res, 200, { ticketId: 'T-1', priority: 3, internal: 'x' }));
    const missing = await receiver((_req, res) => json(res, 404, { error: 'no such hook' }));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress(),
      HOOKSTEP_TASK_QUEUE: taskQueue,
    };
    delete env.HOOKSTEP_PAYLOAD_KEY_FILE;
    const { stdout } = await run(example, [`${tickets.url}/tickets`, `${missing.url}/hooks`, uniqueQueue('go')], {
      // Outside the checkout, so no .hookstep/payload-keys of a developer's `npm start` is read.
      cwd: mkdtempSync(join(tmpdir(), 'hookstep-go-run-')),
      env,
    });
    expect(JSON.parse(stdout)).toEqual({
      result: { status: 200, attempts: 1, body: { ticketId: 'T-1', priority: 3 } },
      failure: {
        type: 'HttpClientError',
        message: `POST ${missing.url}/hooks got HTTP 404 on attempt 1; not retried (4xx)`,
        nonRetryable: true,
        status: 404,
        bodySnippet: '{"error":"no such hook"}',
      },
    });
    expect(JSON.parse(tickets.requests[0].body)).toEqual({ orderId: 'AG-1:ORD-9', note: 'café ☕' });
    expect(tickets.requests).toHaveLength(1);
    expect(missing.requests).toHaveLength(1);
  });
});
