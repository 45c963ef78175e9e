// The SDK runtime of a worker process, installed once before any connection: its log level and, when asked, the
// Prometheus exporter that serves the SDK's own metrics and hookstep's delivery metrics on /metrics.
import { ApplicationFailure, type LogLevel, type LogMetadata, type Logger } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { FailureType } from '../contract';

export interface RuntimeOptions {
  /** host:port to serve Prometheus metrics on, e.g. 0.0.0.0:9464. */
  metricsAddress?: string;
  logLevel?: LogLevel;
}

export function installRuntime(options: RuntimeOptions = {}): void {
  Runtime.install({
    logger: new ClassifiedFailuresAtDebug(new DefaultLogger(options.logLevel ?? 'INFO')),
    ...(options.metricsAddress
      ? {
          telemetryOptions: {
            // Counters end in _total, as Prometheus conventions (and alert rules written for them) expect.
            metrics: { prometheus: { bindAddress: options.metricsAddress, countersTotalSuffix: true } },
          },
        }
      : {}),
  });
}

const HOOKSTEP_FAILURE_TYPES: ReadonlySet<string> = new Set(Object.values(FailureType));

/**
 * The SDK logs every failed activity attempt as "Activity failed" at WARN with the error's whole stack. For a
 * webhook sender a 500, a timeout or a refused connection is routine, and hookstep already wrote its one INFO line
 * for that attempt (activities/inspect.ts): a failure hookstep classified itself (an ApplicationFailure whose type
 * is one of FailureType) is passed on at DEBUG instead. Anything else, a bug or an error nobody classified, keeps
 * its WARN and its stack. Wrap your own runtime's logger with it when you install the runtime yourself.
 */
export class ClassifiedFailuresAtDebug implements Logger {
  constructor(private readonly inner: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const routine = level === 'WARN' && message === 'Activity failed' && classified(meta?.error);
    this.inner.log(routine ? 'DEBUG' : level, message, meta);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

function classified(error: unknown): boolean {
  return error instanceof ApplicationFailure && HOOKSTEP_FAILURE_TYPES.has(error.type ?? '');
}
