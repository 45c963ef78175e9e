// The bench's figure guard: a figure that fails, by throwing or by an error thrown from a stray timer while it runs,
// is reported against that figure, and the figures after it still run.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FigureGuard } from '../../bench/guard';

test('a failing figure is recorded and the next still runs', async () => {
  const logged: string[] = [];
  const guard = new FigureGuard((m) => logged.push(m));
  try {
    const first = await guard.run('figure 3', () => Promise.reject(new Error('14 UNAVAILABLE: connection lost')));
    const second = await guard.run('figure 4', () => Promise.resolve(42));
    expect(first).toBeUndefined();
    expect(second).toBe(42);
    expect(guard.failures).toEqual([{ figure: 'figure 3', error: '14 UNAVAILABLE: connection lost', times: 1 }]);
    expect(logged).toEqual(['  FAILED figure 3: 14 UNAVAILABLE: connection lost']);
  } finally {
    guard.dispose();
  }
});

test('an error thrown from a timer during a figure is that figure’s, and the process goes on', () => {
  // What grpc-js does after a lost connection: throw from a timer, outside any promise the figure awaits. Run in a
  // process of its own, since jest catches uncaught errors itself.
  const script = `
    const { FigureGuard } = require(${JSON.stringify(join(__dirname, '..', '..', 'bench', 'guard.ts'))});
    const guard = new FigureGuard(() => undefined);
    guard
      .run('figure 5', () => new Promise((resolve) => {
        setTimeout(() => { setTimeout(resolve, 5); throw new Error('Channel has been shut down'); }, 1);
        setTimeout(() => { throw new Error('Channel has been shut down'); }, 2);
      }))
      .then(() => guard.run('figure 6', async () => 6))
      .then((six) => console.log(JSON.stringify({ six, failures: guard.failures })));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  // Every pending call of a figure fails at once when its connection is lost: one entry, counted.
  expect(JSON.parse(out)).toEqual({
    six: 6,
    failures: [{ figure: 'figure 5', error: 'Channel has been shut down', times: 2 }],
  });
});
