// The codec server (Temporal's remote codec protocol): POST /encode and /decode with `{ payloads: [...] }` in
// protobuf JSON, so the Web UI and `temporal --codec-endpoint` show decrypted payloads to those allowed. Every call
// needs the token, as `Authorization: Bearer <token>` (the temporal CLI's --codec-auth) or as the first path segment
// (`http://host:port/<token>`, for the Web UI, which cannot send a header of its own choosing). CORS answers only the
// configured Web UI origins.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export interface CodecServerOptions {
  codec: PayloadCodec;
  token: string;
  port?: number;
  host?: string;
  /** Web UI origins allowed to call from a browser, e.g. http://127.0.0.1:8233. */
  allowedOrigins?: readonly string[];
  /** Larger requests get 413. */
  maxBodyBytes?: number;
}

export interface CodecServer {
  /** http://host:port, without the token. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const Payloads = temporal.api.common.v1.Payloads;

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch(() => answer(res, 500, { message: 'codec server error' }));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close: () => close(server) };
}

async function handle(options: CodecServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = req.headers.origin;
  if (origin && (options.allowedOrigins ?? []).includes(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('vary', 'Origin');
  }
  // A browser's preflight carries no credentials: it only asks whether the real request may follow.
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, x-namespace');
    res.setHeader('access-control-max-age', '600');
    return answer(res, 204);
  }
  const { path, tokenInPath } = splitPath(req.url ?? '/');
  if (!authorized(options.token, tokenInPath ?? bearer(req.headers.authorization))) {
    return answer(res, 401, { message: 'a codec server token is required: Authorization: Bearer <token>' });
  }
  if (path !== '/encode' && path !== '/decode') return answer(res, 404, { message: 'POST /encode or /decode' });
  if (req.method !== 'POST') return answer(res, 405, { message: 'POST /encode or /decode' }, { allow: 'POST' });
  const body = await readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (body === undefined) return answer(res, 413, { message: 'request body too large' }, { connection: 'close' });
  let payloads: temporal.api.common.v1.IPayload[];
  try {
    payloads = Payloads.fromObject(JSON.parse(body) as object).payloads;
  } catch {
    return answer(res, 400, { message: 'the body must be {"payloads": [...]} in protobuf JSON' });
  }
  let converted: temporal.api.common.v1.IPayload[];
  try {
    converted = await (path === '/encode' ? options.codec.encode(payloads) : options.codec.decode(payloads));
  } catch (err) {
    return answer(res, 400, { message: err instanceof Error ? err.message : 'cannot convert the payloads' });
  }
  answer(res, 200, Payloads.toObject(Payloads.create({ payloads: converted }), { bytes: String, defaults: false }));
}

/** `/<token>/decode` gives the token and `/decode`; a plain `/decode` gives no token. */
function splitPath(url: string): { path: string; tokenInPath?: string } {
  const path = url.split('?')[0];
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 2) return { path: `/${parts[1]}`, tokenInPath: decodeURIComponent(parts[0]) };
  return { path };
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Compared as digests, in constant time, so neither the token's length nor its prefix leaks through timing. */
function authorized(token: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(token), digest(given));
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the 413 still reaches the caller.
      if (size > limit) resolve(undefined);
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body?: object, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...(body ? { 'content-type': 'application/json' } : {}), ...headers });
  res.end(body ? JSON.stringify(body) : undefined);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
