import type { IncomingMessage } from 'node:http';
import type { InflightBodies } from './inflight-bodies.js';

/** What reading a request body came to. */
export type BodyResult =
  /** `reserved`: bytes taken from the global bound, to give back when the request is done. */
  | { readonly kind: 'ok'; readonly body: Buffer | null; readonly reserved: number }
  /** Over the limit, by `content-length` or by the bytes that arrived; reading stopped there. */
  | { readonly kind: 'too_large' }
  /** Taking this body would pass `limits.max_inflight_body_bytes`: not read (or no further). */
  | { readonly kind: 'busy' }
  /** The client went away while sending: nothing to answer, nothing to forward or capture. */
  | { readonly kind: 'aborted' };

const TOO_LARGE: BodyResult = Object.freeze({ kind: 'too_large' });
const BUSY: BodyResult = Object.freeze({ kind: 'busy' });
const ABORTED: BodyResult = Object.freeze({ kind: 'aborted' });

/**
 * Reads a request body into one buffer, refusing it as soon as it is known to pass `maxBytes`
 * (a declared `content-length` is refused before a byte is read). One buffer is shared by every
 * pre-check and by forwarding (STYLE rule 15). The bytes are first taken from the global bound
 * `bodies` — the declared length before reading, the bytes of a chunked body as they arrive — and
 * given back here when reading fails, or by the caller (`reserved`) when the request is done.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  bodies: InflightBodies,
): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.resolve(TOO_LARGE);
  let reserved = 0;
  if (declared > 0) {
    if (!bodies.reserve(declared)) return Promise.resolve(BUSY);
    reserved = declared;
  }
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let received = 0;
    let settled = false;
    const fail = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      bodies.release(reserved);
      reserved = 0;
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) return fail(TOO_LARGE);
      if (received > reserved) {
        // A chunked body (or one longer than declared): take what arrived beyond the reservation.
        if (!bodies.reserve(received - reserved)) return fail(BUSY);
        reserved = received;
      }
      parts.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (settled) return;
      settled = true;
      const body =
        parts.length === 0
          ? null
          : parts.length === 1
            ? (parts[0] as Buffer)
            : Buffer.concat(parts);
      resolve({ kind: 'ok', body, reserved });
    });
    // After `end` these find the promise settled and do nothing.
    req.once('error', () => fail(ABORTED));
    req.once('close', () => fail(ABORTED));
  });
}
