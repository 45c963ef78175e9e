// The SDK runtime of a worker process, installed once before any connection: its log level and, when asked, the
// Prometheus exporter that serves the SDK's own metrics and hookstep's delivery metrics on /metrics.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

export interface RuntimeOptions {
  /** host:port to serve Prometheus metrics on, e.g. 0.0.0.0:9464. */
  metricsAddress?: string;
  logLevel?: LogLevel;
}

export function installRuntime(options: RuntimeOptions = {}): void {
  Runtime.install({
    logger: new DefaultLogger(options.logLevel ?? 'INFO'),
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
