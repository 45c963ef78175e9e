// The bench's receiver, run as its own process so it does not share an event loop with the load it measures.
// POST /ok answers 200 at once; /slow?ms=N after N ms; /flaky?rate=R fails that share of requests with 500 (with
// &until=T only before T, epoch ms: a receiver that recovers); /hold keeps every request waiting until POST
// /__release (and answers at once from then until POST /__reset), so the bench knows exactly how many runs are in
// flight: a held request whose sender gave up leaves the count, and its retry, if any, joins it again. GET /__stats reports what arrived, what waits,
// and the peak of open connections since POST /__reset; /__stats?ids=1 adds every webhook-id answered 2xx, and
// /__stats?arrivals=1 when each 2xx answer left (epoch ms) with its webhook-id and query string.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const REPLY = JSON.stringify({ ok: true, ticketId: 'T-1001', priority: 2 });

let open = 0;
let stats = fresh();
/** Answers of /hold requests, waiting for POST /__release. */
let held = new Set<() => void>();
let released = false;

function fresh() {
  return {
    requests: 0,
    failed: 0,
    ok: 0,
    peakOpenSockets: open,
    delivered: new Set<string>(),
    seen: new Set<string>(),
    arrivals: [] as [string, string, number][],
  };
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://receiver');
  if (req.method === 'GET' && url.pathname === '/__stats') {
    const { delivered, seen, arrivals, ...rest } = stats;
    const ids = url.searchParams.get('ids') === '1' ? { deliveredIdList: [...delivered] } : {};
    const times = url.searchParams.get('arrivals') === '1' ? { arrivals } : {};
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(
      JSON.stringify({
        ...rest,
        openSockets: open,
        deliveredIds: delivered.size,
        distinctIds: seen.size,
        waiting: held.size,
        ...ids,
        ...times,
      }),
    );
  }
  if (req.method === 'POST' && url.pathname === '/__release') {
    const answers = held;
    held = new Set();
    released = true;
    answers.forEach((answer) => answer());
    res.writeHead(204);
    return res.end();
  }
  if (req.method === 'POST' && url.pathname === '/__reset') {
    stats = fresh();
    released = false;
    res.writeHead(204);
    return res.end();
  }
  // Read the whole body, as a real receiver would, before answering.
  req.resume();
  req.on('end', () => {
    stats.requests++;
    const id = req.headers['webhook-id'];
    if (typeof id === 'string') stats.seen.add(id);
    const ok = () => {
      stats.ok++;
      if (typeof id === 'string') stats.delivered.add(id);
      stats.arrivals.push([typeof id === 'string' ? id : '', url.search, Date.now()]);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(REPLY) });
      res.end(REPLY);
    };
    if (url.pathname === '/hold' && !released) {
      held.add(ok);
      res.on('close', () => held.delete(ok));
    } else if (url.pathname === '/slow') {
      setTimeout(ok, Number(url.searchParams.get('ms') ?? 2000));
    } else if (
      url.pathname === '/flaky' &&
      Date.now() < Number(url.searchParams.get('until') ?? Infinity) &&
      Math.random() < Number(url.searchParams.get('rate') ?? 0.5)
    ) {
      stats.failed++;
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('try again');
    } else {
      ok();
    }
  });
});

server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.maxHeadersCount = 200;
server.on('connection', (socket) => {
  open++;
  stats.peakOpenSockets = Math.max(stats.peakOpenSockets, open);
  socket.on('close', () => open--);
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, port: (server.address() as AddressInfo).port }));
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
