import type { TraceSpan } from '@llmtrace/core';
import { Exchange, type ExchangeStart } from '../exchange/exchange.js';
import type { ParsedRequest } from '../providers/types.js';

/**
 * One capture job as it crosses to a span worker: the exchange's plain fields, and its bytes — the
 * request body followed by the response chunks — packed into one ArrayBuffer that is TRANSFERRED
 * (moved, not cloned) with the message.
 *
 * Why one packing copy: chunks from a socket or `Buffer.concat` are views into shared slabs (Node's
 * 8 KiB pool, undici's read buffers); transferring their `.buffer` would detach memory other views
 * still use. Packing costs one memcpy of the captured bytes on the request path's thread, then the
 * main thread holds nothing: the small views that pinned whole 64 KiB slabs until the span was
 * written are released at enqueue.
 */
export interface SpanJobMessage {
  /** The exchange's own enumerable fields, minus bytes, credentials and the budget reservation. */
  readonly fields: Record<string, unknown>;
  readonly start: Omit<ExchangeStart, 'upstreamHeaders'>;
  readonly startedAt: number;
  readonly bytes: ArrayBuffer;
  /** Length of the request body at the start of `bytes`; -1 when there was none. */
  readonly requestLength: number;
  /** Length of each response chunk after it. */
  readonly chunkLengths: readonly number[];
}

/** What a span worker sends back: the span and what the onSpan consumers need of the request. */
export interface CapturedSpan {
  readonly span: TraceSpan;
  /** The request as the worker read it (telemetry's requested model and, with `capture_content`, input). */
  readonly request: ParsedRequest | null;
}

/** Fields never sent: bytes travel in `bytes`, credentials stay on the proxy's thread. */
const KEPT_BACK = new Set([
  'chunks',
  'requestBody',
  'budget',
  'rateLimit',
  'rateLimitHeaders',
  'own',
  'upstreamHeaders',
  'trace',
  'method',
  'url',
  'path',
  'provider',
  'startedAt',
  't0',
]);

/** Bytes a job holds: what the capture queue's byte bound counts. */
export function jobBytes(ex: Exchange): number {
  return ex.capturedBytes + (ex.requestBody?.length ?? 0);
}

/**
 * Moves the exchange's bytes into one fresh ArrayBuffer and returns the message and its transfer
 * list. The exchange keeps no bytes afterwards (`requestBody` null, `chunks` empty): a request
 * already parsed keeps its parse (admit's budgets and screen), the rest comes back with the span.
 */
export function packJob(ex: Exchange): { message: SpanJobMessage; transfer: ArrayBuffer[] } {
  const body = ex.requestBody;
  const total = jobBytes(ex);
  const bytes = new ArrayBuffer(total);
  const view = new Uint8Array(bytes);
  let at = 0;
  if (body !== null) {
    view.set(body, 0);
    at = body.length;
  }
  const chunkLengths: number[] = [];
  for (const chunk of ex.chunks) {
    view.set(chunk, at);
    at += chunk.length;
    chunkLengths.push(chunk.length);
  }
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(ex)) {
    if (!KEPT_BACK.has(name)) fields[name] = value;
  }
  const own = { ...ex.own, key: undefined, upstreamCredential: undefined };
  ex.requestBody = null;
  ex.chunks.length = 0;
  return {
    message: {
      fields,
      start: {
        trace: ex.trace,
        method: ex.method,
        url: ex.url,
        path: ex.path,
        provider: ex.provider,
        own,
      },
      startedAt: ex.startedAt,
      bytes,
      requestLength: body === null ? -1 : body.length,
      chunkLengths,
    },
    transfer: [bytes],
  };
}

/** The worker's side of {@link packJob}: an Exchange as build-span reads it, over the moved bytes. */
export function unpackJob(message: SpanJobMessage): Exchange {
  const ex = new Exchange(
    { ...message.start, upstreamHeaders: [] },
    { wall: message.startedAt, mono: 0 },
  );
  Object.assign(ex, message.fields);
  let at = 0;
  if (message.requestLength >= 0) {
    ex.requestBody = Buffer.from(message.bytes, 0, message.requestLength);
    at = message.requestLength;
  }
  for (const length of message.chunkLengths) {
    ex.chunks.push(Buffer.from(message.bytes, at, length));
    at += length;
  }
  return ex;
}
