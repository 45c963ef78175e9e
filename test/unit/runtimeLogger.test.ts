// The worker runtime's logger passes the SDK's "Activity failed" WARN on at DEBUG for failures hookstep classified
// itself (routine for a webhook sender, and already one INFO line in the attempt log), and keeps it at WARN, stack
// and all, for everything else (issue 19, item 8). The real worker's output: test/integration/attemptLog.test.ts.
import { ApplicationFailure, type LogLevel, type LogMetadata, type Logger } from '@temporalio/common';
import { FailureType } from '../../src/contract';
import { ClassifiedFailuresAtDebug } from '../../src/worker';

function recorder(): { logger: Logger; seen: [LogLevel, string, LogMetadata | undefined][] } {
  const seen: [LogLevel, string, LogMetadata | undefined][] = [];
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => void seen.push([level, message, meta]);
  return {
    seen,
    logger: {
      log,
      trace: (m, meta) => log('TRACE', m, meta),
      debug: (m, meta) => log('DEBUG', m, meta),
      info: (m, meta) => log('INFO', m, meta),
      warn: (m, meta) => log('WARN', m, meta),
      error: (m, meta) => log('ERROR', m, meta),
    },
  };
}

test.each(Object.values(FailureType))("a %s failure's 'Activity failed' goes to DEBUG", (type) => {
  const { logger, seen } = recorder();
  const error = ApplicationFailure.create({ type, message: 'POST got HTTP 500' });
  new ClassifiedFailuresAtDebug(logger).warn('Activity failed', { error, durationMs: 3 });
  expect(seen).toEqual([['DEBUG', 'Activity failed', { error, durationMs: 3 }]]);
});

test('an unexpected error, or an ApplicationFailure of a type hookstep does not know, stays a WARN with its error', () => {
  const { logger, seen } = recorder();
  const wrapped = new ClassifiedFailuresAtDebug(logger);
  const unexpected = [
    new TypeError("Cannot read properties of undefined (reading 'status')"),
    ApplicationFailure.create({ type: 'SomethingElse', message: 'x' }),
    ApplicationFailure.create({ message: 'no type' }),
  ];
  for (const error of unexpected) wrapped.warn('Activity failed', { error });
  expect(seen.map(([level, , meta]) => [level, meta?.error as unknown])).toEqual(unexpected.map((e) => ['WARN', e]));
});

test('every other line passes unchanged, at its own level', () => {
  const { logger, seen } = recorder();
  const wrapped = new ClassifiedFailuresAtDebug(logger);
  const error = ApplicationFailure.create({ type: FailureType.HttpRetryableStatus, message: 'x' });
  wrapped.warn('Workflow task failed', { error });
  wrapped.error('Activity failed', { error });
  wrapped.info('Worker state changed');
  expect(seen.map(([level, message]) => [level, message])).toEqual([
    ['WARN', 'Workflow task failed'],
    ['ERROR', 'Activity failed'],
    ['INFO', 'Worker state changed'],
  ]);
});
