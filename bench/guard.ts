// Keeps one figure's failure from ending the bench: a figure that throws, or an error thrown from a timer while it
// runs (grpc-js throws "Channel has been shut down" from a retry timer after a lost connection), is recorded against
// that figure, and the bench goes on to the next and reports every failed figure at the end.

export interface FigureFailure {
  figure: string;
  error: string;
  /** How many times it happened: a lost connection fails every pending call of a figure at once. */
  times: number;
}

export class FigureGuard {
  readonly failures: FigureFailure[] = [];
  private current = 'set-up';
  private readonly onStray = (err: unknown) => this.record(this.current, err);

  constructor(private readonly log: (message: string) => void) {
    process.on('uncaughtException', this.onStray);
    process.on('unhandledRejection', this.onStray);
  }

  /** Runs one figure; undefined when it failed (the failure is logged and kept). */
  async run<T>(figure: string, fn: () => Promise<T>): Promise<T | undefined> {
    const outer = this.current;
    this.current = figure;
    try {
      return await fn();
    } catch (err) {
      this.record(figure, err);
      return undefined;
    } finally {
      this.current = outer;
    }
  }

  dispose(): void {
    process.off('uncaughtException', this.onStray);
    process.off('unhandledRejection', this.onStray);
  }

  private record(figure: string, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    const seen = this.failures.find((f) => f.figure === figure && f.error === error);
    if (seen) {
      seen.times++;
      return;
    }
    this.failures.push({ figure, error, times: 1 });
    this.log(`  FAILED ${figure}: ${error}`);
  }
}
