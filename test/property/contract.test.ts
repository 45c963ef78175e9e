// Properties of the contract, many runs each: validation is total (it reports, never throws), and whatever it
// accepts can be scheduled by Temporal and sent by undici, so a valid step can never fail for being unsendable.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileRetryPolicy } from '@temporalio/common';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { buildRequest } from '../../activities/request';
import {
  checkStep,
  resolveRetry,
  shapeProblems,
  type Step,
  STEP_LIMITS,
  toRetryPolicy,
  validateAutomation,
} from '../../src/contract';
import { automationArbitrary, propertyRuns, stepArbitrary } from '../helpers/arbitraries';

const URL_OK = 'http://127.0.0.1:1/p';

test('checkStep and validateAutomation report on any JSON value, and never throw', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.anything(), stepArbitrary(URL_OK), automationArbitrary(URL_OK)), (v) => {
      expect(() => checkStep(v)).not.toThrow();
      expect(() => validateAutomation(v)).not.toThrow();
    }),
    { numRuns: propertyRuns(2_000) },
  );
});

const validSteps = stepArbitrary(URL_OK)
  .map((input) => checkStep(input))
  .filter((check): check is { ok: true; step: Step } => check.ok)
  .map((check) => check.step);

test("every valid step's retry policy is one Temporal accepts", () => {
  fc.assert(
    fc.property(validSteps, (step) => {
      expect(() => compileRetryPolicy(toRetryPolicy(resolveRetry(step)))).not.toThrow();
    }),
    { numRuns: propertyRuns(1_000) },
  );
});

test("the shape check's size is the JSON text's, for text without escapes", () => {
  const plain = fc.stringMatching(/^[a-z0-9]{0,8}$/);
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      plain,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(plain, tie('node'), { maxKeys: 3 }),
    ),
  })).node;
  fc.assert(
    fc.property(value, (v) => {
      const bytes = Buffer.byteLength(JSON.stringify(v));
      const limits = { ...STEP_LIMITS, maxBytes: bytes };
      expect(shapeProblems(v, limits, 'v')).toEqual([]);
      expect(shapeProblems(v, { ...limits, maxBytes: bytes - 1 }, 'v')).toHaveLength(1);
    }),
    { numRuns: propertyRuns(1_000) },
  );
});

describe('against a real HTTP server on 127.0.0.1', () => {
  let server: Server;
  let agent: Agent;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => req.resume().on('end', () => res.end('{}')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    agent = new Agent();
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  test('undici sends every valid step: no header, method or URL it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(validSteps, async (step) => {
        const req = buildRequest({ ...step, url: step.url.replace(URL_OK, origin) }, 'id-1', Date.now());
        const res = await request(req.url, {
          dispatcher: agent,
          method: req.method,
          headers: req.headers,
          body: req.body,
        });
        await res.body.text();
        expect(res.statusCode).toBe(200);
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
