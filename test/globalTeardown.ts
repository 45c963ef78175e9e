export default async function globalTeardown(): Promise<void> {
  globalThis.__hookstepPostgres?.stop();
  await globalThis.__hookstepDevServer?.stop();
}
