// `hookstep dev` takes four ports on 127.0.0.1. Each is checked before anything starts: a `hookstep dev` left running
// (its npm parent killed, its Temporal server orphaned by a SIGKILL) still holds them, and the dev server's own
// start only waits until something answers on its port, so a new one would run against the old server without a
// word, or a later listen would fail with a bare EADDRINUSE.
import { createServer } from 'node:net';
import { FlagError } from '../../contract';

export interface DevPort {
  /** The flag that moves it, e.g. `--port`. */
  flag: string;
  /** What listens there, e.g. `Temporal`. */
  what: string;
  port: number;
}

/**
 * Resolves when every port is free on 127.0.0.1; else FlagError naming each one in use, what hookstep wanted it for,
 * the flag that moves it, and the likely cause. Port 0 (any free port) is never checked.
 */
export async function assertDevPortsFree(ports: readonly DevPort[]): Promise<void> {
  const taken: DevPort[] = [];
  for (const p of ports) if (p.port !== 0 && !(await isFree(p.port))) taken.push(p);
  if (taken.length === 0) return;
  const list = taken.map((p) => `${p.port} (${p.what}, ${p.flag})`).join(', ');
  throw new FlagError(
    `127.0.0.1 ${list} ${taken.length === 1 ? 'is' : 'are'} in use: another \`hookstep dev\` (npm start) or ` +
      `Temporal server is probably still running. Stop it (\`ss -ltnp | grep ${taken[0].port}\` shows which ` +
      `process), or choose other ports with ${taken.map((p) => p.flag).join(', ')}.`,
  );
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
