import { DEFAULT_MAX_LINE_CHARS, LineSplitter } from './line-splitter.js';
import { Utf8StreamDecoder } from './utf8-stream-decoder.js';

/** One Server-Sent Event, as defined by the WHATWG HTML standard §9.2 "Server-sent events". */
export interface SseEvent {
  /** The `event:` field, or `message` when absent. */
  readonly event: string;
  /** All `data:` lines of the event joined with `\n`. */
  readonly data: string;
  readonly id: string | undefined;
}

/** Options of {@link SseParser}. */
export interface SseParserOptions {
  /** Largest event (its data lines together), in UTF-16 code units; larger events are dropped. */
  readonly maxEventChars?: number;
}

/** What a parser saw besides its events: work done and what it dropped. */
export interface StreamParserStats {
  /** Code units looked at (each once: the parse is linear in the input). */
  readonly scannedChars: number;
  /** Events (SSE) or lines (NDJSON) dropped for being larger than the limit. */
  readonly oversized: number;
}

/**
 * Incremental SSE parser. Feed it byte chunks exactly as they arrive from the network (events and even
 * UTF-8 characters may be split across chunks); it returns the events completed by each chunk.
 *
 * Follows the spec's line rules: lines end in LF, CR or CRLF (a CRLF split across chunks is handled),
 * lines starting with `:` are comments, a field without `:` has an empty value, one leading space
 * after the colon is removed, and a blank line dispatches the event. `end()` dispatches a final
 * event that was not followed by a blank line — providers do send those.
 *
 * Linear and bounded (issue 14, item 5): each byte is scanned once, and an event larger than
 * `maxEventChars` is dropped (counted in {@link SseParser.stats}) instead of buffered.
 *
 * @example
 * const parser = new SseParser();
 * for (const event of parser.push(chunk)) handle(event);
 * for (const event of parser.end()) handle(event);
 */
export class SseParser {
  readonly #decoder = new Utf8StreamDecoder();
  readonly #lines: LineSplitter;
  readonly #max: number;
  #eventType = '';
  /** The event's first data line, and the list of all of them once there is a second. */
  #firstData: string | undefined;
  #data: string[] | undefined;
  #dataChars = 0;
  #id: string | undefined;
  #hasFields = false;
  #tooLarge = false;
  #oversized = 0;
  /** Events completed by the current push (filled by the line callback); made on the first. */
  #out: SseEvent[] | undefined;

  constructor(options: SseParserOptions = {}) {
    this.#max = options.maxEventChars ?? DEFAULT_MAX_LINE_CHARS;
    this.#lines = new LineSplitter((line) => this.#line(line), this.#max);
  }

  /** Parses one chunk; returns the events it completed. */
  push(chunk: Uint8Array): SseEvent[] {
    this.#lines.push(this.#decoder.write(chunk));
    return this.#take();
  }

  /** Flushes what is left at the end of the stream. */
  end(): SseEvent[] {
    this.#lines.push(this.#decoder.end());
    this.#lines.end();
    this.#dispatch();
    return this.#take();
  }

  get stats(): StreamParserStats {
    return { scannedChars: this.#lines.stats.scannedChars, oversized: this.#oversized };
  }

  #take(): SseEvent[] {
    const events = this.#out ?? [];
    this.#out = undefined;
    return events;
  }

  #line(line: string | null): void {
    if (line === null) {
      // A line past the limit: its event cannot be captured whole, so it is dropped whole.
      this.#tooLarge = true;
      this.#hasFields = true;
      return;
    }
    if (line.length === 0) {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 0x3a) return; // ':' comment
    const colon = line.indexOf(':');
    // `data` is nearly every line: named without cutting a string out of the line.
    const field =
      colon === 4 && line.startsWith('data') ? 'data' : colon === -1 ? line : line.slice(0, colon);
    let valueStart = colon === -1 ? line.length : colon + 1;
    if (line.charCodeAt(valueStart) === 0x20) valueStart++;
    const value = line.slice(valueStart);
    switch (field) {
      case 'data':
        this.#hasFields = true;
        if (this.#tooLarge) break;
        this.#dataChars += value.length + 1;
        if (this.#dataChars > this.#max) {
          this.#tooLarge = true;
          this.#firstData = undefined;
          this.#data = undefined;
        } else if (this.#firstData === undefined) {
          this.#firstData = value;
        } else {
          (this.#data ??= [this.#firstData]).push(value);
        }
        break;
      case 'event':
        this.#eventType = value;
        this.#hasFields = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      default:
        // `retry` and unknown fields do not affect what we capture.
        break;
    }
  }

  #dispatch(): void {
    if (!this.#hasFields) return;
    if (this.#tooLarge) this.#oversized++;
    else {
      const event: SseEvent = {
        event: this.#eventType === '' ? 'message' : this.#eventType,
        data: this.#data?.join('\n') ?? this.#firstData ?? '',
        id: this.#id,
      };
      // A literal holds exactly one event; a push onto an empty list reserves room for 17.
      if (this.#out === undefined) this.#out = [event];
      else this.#out.push(event);
    }
    this.#eventType = '';
    this.#firstData = undefined;
    this.#data = undefined;
    this.#dataChars = 0;
    this.#hasFields = false;
    this.#tooLarge = false;
  }
}
