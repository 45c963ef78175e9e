// Property: every step and automation, valid or not, started by workflow name against the real dev server, ends
// within a bound: delivered, or failed with a documented type. An invalid one sends nothing, and the workflow judges
// validity exactly as the client helpers do. HOOKSTEP_PROPERTY_RUNS=500 searches longer than CI does.
import { WorkflowFailedError } from '@temporalio/client';
import fc from 'fast-check';
import { checkStep, FailureType, validateAutomation } from '../../src/contract';
import { automationArbitrary, propertyRuns, stepArbitrary } from '../helpers/arbitraries';
import { endsWithin } from '../helpers/ending';
import { expectFailure } from '../helpers/failures';
import { json, type Receiver } from '../helpers/receiver';
import { uniqueQueue, useHarness } from '../helpers/temporal';

const harness = useHarness('property');
const BOUND_MS = 20_000;
const PLACEHOLDER = 'http://127.0.0.1:1/placeholder';
const DOCUMENTED = new Set<string>(Object.values(FailureType));

let receiver: Receiver;
beforeAll(async () => {
  receiver = await harness.receiver((_req, res) => json(res, 200, { ok: true }));
});

/** The input with the placeholder URL pointed at this run's own path on the receiver. */
function aimed(input: unknown, runPath: string): unknown {
  const text = JSON.stringify(input).replaceAll(PLACEHOLDER, `${receiver.url}${runPath}`);
  return JSON.parse(text) as unknown;
}

const sentFor = (runPath: string) => receiver.requests.filter((r) => r.url.startsWith(runPath)).length;

/** fast-check prints a counterexample as [object Object]: a failure names the input itself. */
async function described<T>(input: unknown, outcome: Promise<T>): Promise<T> {
  try {
    return await outcome;
  } catch (err) {
    throw new Error(`${(err as Error).message}\ninput: ${JSON.stringify(input).slice(0, 2_000)}`, { cause: err });
  }
}

/** Runs the input by name; returns 'ok' or the failure type, and fails the property if the run does not end. */
async function outcomeOf(type: 'sendWebhook' | 'automation', input: unknown, workflowId: string): Promise<string> {
  const handle = await harness.client().workflow.start(type, {
    taskQueue: harness.taskQueue,
    workflowId,
    args: [input],
  });
  try {
    await endsWithin(handle, BOUND_MS, handle.result());
    return 'ok';
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    return (await expectFailure(Promise.reject(err))).failure.type ?? 'untyped';
  }
}

test('every step ends within the bound; an invalid one fails InvalidStep and sends nothing', async () => {
  await fc.assert(
    fc.asyncProperty(stepArbitrary(PLACEHOLDER), async (generated) => {
      const workflowId = uniqueQueue('prop-step');
      const runPath = `/run/${workflowId}`;
      const input = aimed(generated, runPath);
      const valid = checkStep(input).ok;
      const outcome = await described(input, outcomeOf('sendWebhook', input, workflowId));
      expect(DOCUMENTED.has(outcome) || outcome === 'ok').toBe(true);
      expect(outcome === FailureType.InvalidStep).toBe(!valid);
      if (!valid) expect(sentFor(runPath)).toBe(0);
      if (outcome === 'ok') expect(sentFor(runPath)).toBeGreaterThan(0);
    }),
    { numRuns: propertyRuns(30) },
  );
}, 600_000);

test('every automation ends within the bound; an invalid one fails InvalidAutomation and sends nothing', async () => {
  await fc.assert(
    fc.asyncProperty(automationArbitrary(PLACEHOLDER), async (generated) => {
      const workflowId = uniqueQueue('prop-auto');
      const runPath = `/run/${workflowId}`;
      const input = aimed(generated, runPath);
      const valid = validateAutomation(input).ok;
      const outcome = await described(input, outcomeOf('automation', input, workflowId));
      expect(DOCUMENTED.has(outcome) || outcome === 'ok').toBe(true);
      expect(outcome === FailureType.InvalidAutomation).toBe(!valid);
      if (!valid) expect(sentFor(runPath)).toBe(0);
    }),
    { numRuns: propertyRuns(20) },
  );
}, 600_000);
