import type { IncomingMessage } from 'node:http';

/** What reading a request body came to. */
export type BodyResult =
  | { readonly kind: 'ok'; readonly body: Buffer | null }
  /** Over the limit, by `content-length` or by the bytes that arrived; reading stopped there. */
  | { readonly kind: 'too_large' }
  /** The client went away while sending: nothing to answer, nothing to forward or capture. */
  | { readonly kind: 'aborted' };

const NO_BODY: BodyResult = Object.freeze({ kind: 'ok', body: null });
const TOO_LARGE: BodyResult = Object.freeze({ kind: 'too_large' });
const ABORTED: BodyResult = Object.freeze({ kind: 'aborted' });

/**
 * Reads a request body into one buffer, refusing it as soon as it is known to pass `maxBytes`
 * (a declared `content-length` is refused before a byte is read). One buffer is shared by every
 * pre-check and by forwarding (STYLE rule 15).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        req.off('data', onData);
        resolve(TOO_LARGE);
        return;
      }
      parts.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (received > maxBytes) return;
      resolve(
        parts.length === 0
          ? NO_BODY
          : { kind: 'ok', body: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts) },
      );
    });
    // A promise settles once: after `end` these are no-ops.
    req.once('error', () => resolve(ABORTED));
    req.once('close', () => resolve(ABORTED));
  });
}
