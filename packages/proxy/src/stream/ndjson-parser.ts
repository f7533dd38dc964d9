import { DEFAULT_MAX_LINE_CHARS, LineSplitter } from './line-splitter.js';
import { Utf8StreamDecoder } from './utf8-stream-decoder.js';
import type { SseEvent, StreamParserStats } from './sse-parser.js';

/**
 * Incremental parser for newline-delimited JSON streams (`application/x-ndjson`, as Ollama streams
 * `/api/chat` and `/api/generate`: github.com/ollama/ollama/blob/main/docs/api.md). Feed it byte
 * chunks as they arrive; lines and UTF-8 characters may be split across chunks.
 *
 * Each non-blank line is returned as a data-only event (`event: 'message'`, `data: line`), so that the
 * adapters' one stream-accumulator interface serves SSE and NDJSON alike. Lines end in LF or CRLF
 * (a raw CR cannot occur inside JSON, so it ends a line too); blank lines are skipped; `end()`
 * returns a last line that had no newline. The parser does not parse the JSON itself: accumulators
 * do, and skip malformed lines. Each byte is scanned once, and a line longer than `maxLineChars` is
 * dropped and counted (issue 14, item 5).
 *
 * @example
 * const parser = new NdjsonParser();
 * for (const line of parser.push(chunk)) accumulator.onEvent(line, atMs);
 * for (const line of parser.end()) accumulator.onEvent(line, atMs);
 */
export class NdjsonParser {
  readonly #decoder = new Utf8StreamDecoder();
  readonly #lines: LineSplitter;
  /** Lines completed by the current push; made on the first, as SseParser does. */
  #out: SseEvent[] | undefined;

  constructor(options: { readonly maxLineChars?: number } = {}) {
    this.#lines = new LineSplitter((line) => {
      if (line === null) return;
      const trimmed = line.trim();
      if (trimmed.length === 0) return;
      const event: SseEvent = { event: 'message', data: trimmed, id: undefined };
      if (this.#out === undefined) this.#out = [event];
      else this.#out.push(event);
    }, options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS);
  }

  /** Parses one chunk; returns the lines it completed. */
  push(chunk: Uint8Array): SseEvent[] {
    this.#lines.push(this.#decoder.write(chunk));
    return this.#take();
  }

  /** Flushes a last line that was not followed by a newline. */
  end(): SseEvent[] {
    this.#lines.push(this.#decoder.end());
    this.#lines.end();
    return this.#take();
  }

  get stats(): StreamParserStats {
    const { scannedChars, oversizedLines } = this.#lines.stats;
    return { scannedChars, oversized: oversizedLines };
  }

  #take(): SseEvent[] {
    const events = this.#out ?? [];
    this.#out = undefined;
    return events;
  }
}
