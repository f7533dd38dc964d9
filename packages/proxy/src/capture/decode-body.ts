import {
  brotliDecompressSync,
  constants,
  gunzipSync,
  inflateSync,
  type BrotliOptions,
  type ZlibOptions,
} from 'node:zlib';

/**
 * Largest decompressed body capture keeps, by default. Before this limit a 2 MB gzip bomb from an
 * upstream inflated to 2.1 GB and V8 aborted the process, losing every request in flight
 * (issue 14, item 2).
 */
export const DEFAULT_MAX_DECODED_BYTES = 32 * 1024 * 1024;

/** A decoded body, or why there is none. */
export type DecodedBody =
  { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly reason: string };

/** Options of {@link decodeBody}. */
export interface DecodeBodyOptions {
  readonly maxBytes?: number;
  /**
   * The capture kept only the start of the body: decode what is there (a flush instead of an
   * "unexpected end of file" error).
   */
  readonly truncated?: boolean;
}

function decodeOne(raw: Buffer, coding: string, maxBytes: number, partial: boolean): Buffer {
  const zlib: ZlibOptions = {
    maxOutputLength: maxBytes,
    ...(partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {}),
  };
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(raw, zlib);
    case 'deflate':
      return inflateSync(raw, zlib);
    case 'br': {
      const brotli: BrotliOptions = {
        maxOutputLength: maxBytes,
        ...(partial ? { finishFlush: constants.BROTLI_OPERATION_FLUSH } : {}),
      };
      return brotliDecompressSync(raw, brotli);
    }
    default:
      throw new UnsupportedCoding(coding);
  }
}

class UnsupportedCoding extends Error {}

/**
 * Joins the captured chunks and undoes their `Content-Encoding` (codings applied in order are
 * undone in reverse, RFC 9110 §8.4), never producing more than `maxBytes`: zlib stops at the limit
 * (`maxOutputLength`) instead of allocating what a bomb asks for. Never throws: a body over the
 * limit, corrupt or in an unknown coding comes back with the reason.
 *
 * @example
 * const decoded = decodeBody(chunks, 'gzip', { maxBytes: 1 << 20 });
 * if (!decoded.ok) tags['response_undecodable_reason'] = decoded.reason;
 */
export function decodeBody(
  chunks: readonly Buffer[],
  encoding: string | undefined,
  options: DecodeBodyOptions = {},
): DecodedBody {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECODED_BYTES;
  let body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const codings = (encoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity')
    .reverse();
  for (const coding of codings) {
    try {
      body = decodeOne(body, coding, maxBytes, options.truncated === true);
    } catch (error) {
      if (error instanceof UnsupportedCoding) {
        return { ok: false, reason: `unsupported content-encoding ${coding}` };
      }
      if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        return {
          ok: false,
          reason: `decompressed body larger than ${maxBytes} bytes (${coding}); not kept`,
        };
      }
      return {
        ok: false,
        reason: `${coding} body could not be decompressed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  return { ok: true, body };
}
