import type { SseEvent } from './sse-parser.js';

/**
 * Incremental parser for newline-delimited JSON streams (`application/x-ndjson`, as Ollama streams
 * `/api/chat` and `/api/generate`: github.com/ollama/ollama/blob/main/docs/api.md). Feed it byte
 * chunks as they arrive; lines and UTF-8 characters may be split across chunks.
 *
 * Each non-blank line is returned as a data-only event (`event: 'message'`, `data: line`), so that the
 * adapters' one stream-accumulator interface serves SSE and NDJSON alike. Lines end in LF or CRLF;
 * blank lines are skipped; `end()` returns a last line that had no newline. The parser does not
 * parse the JSON itself: accumulators do, and skip malformed lines.
 *
 * @example
 * const parser = new NdjsonParser();
 * for (const line of parser.push(chunk)) accumulator.onEvent(line, atMs);
 * for (const line of parser.end()) accumulator.onEvent(line, atMs);
 */
export class NdjsonParser {
  readonly #decoder = new TextDecoder('utf-8');
  #pending = '';

  /** Parses one chunk; returns the lines it completed. */
  push(chunk: Uint8Array): SseEvent[] {
    const seen = this.#pending.length; // already searched: it has no newline
    const text = this.#pending + this.#decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = text.indexOf('\n', seen); i !== -1; i = text.indexOf('\n', start)) {
      this.#emit(text, start, i, events);
      start = i + 1;
    }
    this.#pending = text.slice(start);
    return events;
  }

  /** Flushes a last line that was not followed by a newline. */
  end(): SseEvent[] {
    const text = this.#pending + this.#decoder.decode();
    this.#pending = '';
    const events: SseEvent[] = [];
    this.#emit(text, 0, text.length, events);
    return events;
  }

  #emit(text: string, start: number, end: number, events: SseEvent[]): void {
    // trim() also removes the CR of a CRLF line end.
    const line = text.slice(start, end).trim();
    if (line.length > 0) events.push({ event: 'message', data: line, id: undefined });
  }
}
