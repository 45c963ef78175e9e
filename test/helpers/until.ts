// Polls until a probe yields a value: for what is eventually true (visibility, a run appearing), never for timing.
// A probe that throws counts as "not yet"; the last error is named if time runs out.
export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const value = await probe().catch((err: unknown) => {
      lastError = err;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
