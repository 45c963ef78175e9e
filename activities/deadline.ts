// One attempt's abort signal: its own deadline, and Temporal's cancellation when there is one. Built from one
// AbortController and one timer, because AbortSignal.timeout and AbortSignal.any cost ~15 µs and ~30 µs a call on
// Node 20, more than the rest of an attempt's own work.

export interface Deadline {
  signal: AbortSignal;
  /** Whether the deadline (not a cancellation) aborted the attempt. */
  expired(): boolean;
  /** Stops the timer and lets go of the cancellation signal; call once the attempt is over. */
  clear(): void;
}

export function deadline(timeoutMs: number, cancellation?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`no full response within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const cancel = () => controller.abort(cancellation?.reason);
  if (cancellation?.aborted) cancel();
  else cancellation?.addEventListener('abort', cancel, { once: true });
  return {
    signal: controller.signal,
    expired: () => expired,
    clear() {
      clearTimeout(timer);
      cancellation?.removeEventListener('abort', cancel);
    },
  };
}
