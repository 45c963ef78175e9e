// The raw request body, read whole up to a cap: the signature is over these exact bytes, so nothing may parse or
// re-encode them first. Framework-free: a byte array (a framework already read it) or any async iterable of chunks
// (a Node request stream).

export type RawBody = Uint8Array | AsyncIterable<Uint8Array | string>;

export type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' };

/**
 * Reads at most `maxBytes`. A Content-Length over the cap is refused before reading. A chunked body that grows past
 * the cap is drained without being kept, so the 413 can still be written on the same connection (breaking out of a
 * Node request stream would destroy the socket); the server's request timeout bounds how long that may take.
 */
export async function readBody(body: RawBody | undefined, maxBytes: number, contentLength?: string): Promise<BodyRead> {
  if (body === undefined) return { ok: true, bytes: new Uint8Array() };
  if (contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) > maxBytes) {
    return { ok: false, reason: 'too-large' };
  }
  if (body instanceof Uint8Array)
    return body.length > maxBytes ? { ok: false, reason: 'too-large' } : { ok: true, bytes: body };
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += bytes.length;
    if (size <= maxBytes) chunks.push(bytes);
  }
  return size > maxBytes ? { ok: false, reason: 'too-large' } : { ok: true, bytes: Buffer.concat(chunks) };
}
