// A tiny receiver for trying hookstep locally: POST /tickets answers a ticket, /missing a 404, anything else
// {"ok":true}.
// Every request is printed, headers included, so you can see what hookstep sent.
//   node examples/receiver.mjs            (listens on 127.0.0.1:8787, or PORT)
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8787);
let tickets = 0;

createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    console.log(`${req.method} ${req.url}`, JSON.stringify(req.headers), body);
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/tickets')) {
      tickets += 1;
      res.end(JSON.stringify({ ticketId: `T-${tickets}`, priority: 2 }));
    } else if (req.url?.startsWith('/missing')) {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: 'no such hook' }));
    } else {
      res.end(JSON.stringify({ ok: true }));
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`receiver listening on http://127.0.0.1:${port}`));
