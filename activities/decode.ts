// A reply's bytes as the text its headers say they are: Content-Encoding undone (gzip, deflate, br), then decoded in
// the charset of Content-Type, strictly: bytes that are not valid in that charset are reported, never replaced.
import { TextDecoder, promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions, type BrotliOptions } from 'node:zlib';

export type Decoded = { ok: true; text: string } | { ok: false; reason: string; tooLarge?: true };

export interface BodyHeaders {
  contentType?: string;
  contentEncoding?: string;
}

type Decompress = (bytes: Buffer, options: ZlibOptions & BrotliOptions) => Promise<Buffer>;

const inflateEither: Decompress = async (bytes, options) => {
  // "deflate" is meant to be zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send a raw deflate stream.
  try {
    return await promisify(inflate)(bytes, options);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw err;
    return promisify(inflateRaw)(bytes, options);
  }
};

/** Content codings Node decodes; names are case-insensitive (RFC 9110 §8.4.1), as axios#3181 was reminded. */
const DECOMPRESS: Record<string, Decompress> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: inflateEither,
  br: promisify(brotliDecompress),
};

/**
 * The body's text, or why it cannot be read: `undoCodings`, then `decodeText`. `limit` bounds the decompressed size
 * (bytes), as the read bounds the wire size, so a small compressed reply cannot expand past what hookstep reads.
 */
export async function decodeBody(bytes: Buffer, headers: BodyHeaders, limit: number): Promise<Decoded> {
  const plain = headers.contentEncoding
    ? await undoCodings(bytes, headers.contentEncoding, limit)
    : { ok: true as const, bytes };
  return plain.ok ? decodeText(plain.bytes, headers.contentType) : plain;
}

/** The body with its Content-Encoding undone, or why it cannot be; at most `limit` bytes once decompressed. */
export async function undoCodings(
  bytes: Buffer,
  contentEncoding: string,
  limit: number,
): Promise<{ ok: true; bytes: Buffer } | Extract<Decoded, { ok: false }>> {
  let plain = bytes;
  // Codings are listed in the order they were applied: undo them from the last.
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  for (const coding of codings.reverse()) {
    // An empty body labelled with a coding is empty (axios#4701), not a decompression error.
    if (plain.length === 0) break;
    const decompress = DECOMPRESS[coding];
    if (!decompress) return { ok: false, reason: `the body is ${coding}-encoded, which hookstep cannot decode` };
    try {
      plain = await decompress(plain, { maxOutputLength: limit });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        return { ok: false, reason: `the body is larger than ${limit} bytes once ${coding}-decoded`, tooLarge: true };
      }
      return { ok: false, reason: `the body does not ${coding}-decode (${(err as Error).message})` };
    }
  }
  return { ok: true, bytes: plain };
}

/**
 * Bytes as text, strictly. A byte order mark decides the charset over the Content-Type label (WHATWG Encoding's
 * decode) and is not part of the text (RFC 8259 §8.1 lets a parser ignore it); without a label the text is UTF-8,
 * JSON's only encoding (RFC 8259 §8.1).
 */
export function decodeText(bytes: Buffer, contentType: string | undefined): Decoded {
  const charset = bomCharset(bytes) ?? charsetOf(contentType) ?? 'utf-8';
  const decoder = decoderFor(charset);
  if (!decoder) return { ok: false, reason: `the body's charset ${JSON.stringify(charset)} is not one hookstep knows` };
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return { ok: false, reason: `the body is not valid ${decoder.encoding}` };
  }
}

/** Decoders by label: a fatal decoder keeps no state between whole-buffer decodes, and making one costs more than a reply's decoding. */
const decoders = new Map<string, TextDecoder | undefined>();

function decoderFor(charset: string): TextDecoder | undefined {
  const label = charset.toLowerCase();
  if (!decoders.has(label)) {
    let decoder: TextDecoder | undefined;
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      decoder = undefined;
    }
    // Unknown labels are not kept: a receiver could otherwise grow the map without bound.
    if (decoder) decoders.set(label, decoder);
    return decoder;
  }
  return decoders.get(label);
}

function bomCharset(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/** The charset parameter of a Content-Type (`application/json; charset="UTF-8"` → `UTF-8`), if any. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '');
  return match?.[2];
}
