/** One Server-Sent Event, as defined by the WHATWG HTML standard §9.2 "Server-sent events". */
export interface SseEvent {
  /** The `event:` field, or `message` when absent. */
  readonly event: string;
  /** All `data:` lines of the event joined with `\n`. */
  readonly data: string;
  readonly id: string | undefined;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Incremental SSE parser. Feed it byte chunks exactly as they arrive from the network (events and even
 * UTF-8 characters may be split across chunks); it returns the events completed by each chunk.
 *
 * Follows the spec's line rules: lines end in LF, CR or CRLF (a CRLF split across chunks is handled),
 * lines starting with `:` are comments, a field without `:` has an empty value, one leading space
 * after the colon is removed, and a blank line dispatches the event. `end()` dispatches a final
 * event that was not followed by a blank line — providers do send those.
 *
 * @example
 * const parser = new SseParser();
 * for (const event of parser.push(chunk)) handle(event);
 * for (const event of parser.end()) handle(event);
 */
export class SseParser {
  readonly #decoder = new TextDecoder('utf-8');
  #pending = '';
  #lastWasCr = false;
  #eventType = '';
  #data: string[] = [];
  #id: string | undefined;
  #hasFields = false;

  /** Parses one chunk; returns the events it completed. */
  push(chunk: Uint8Array): SseEvent[] {
    let text = this.#decoder.decode(chunk, { stream: true });
    if (this.#lastWasCr && text.charCodeAt(0) === LF) text = text.slice(1);
    this.#lastWasCr = false;
    return this.#consume(text, false);
  }

  /** Flushes what is left at the end of the stream. */
  end(): SseEvent[] {
    const rest = this.#decoder.decode();
    const events = this.#consume(rest, true);
    const last = this.#dispatch();
    if (last !== undefined) events.push(last);
    return events;
  }

  #consume(text: string, final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    let buffer = this.#pending + text;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      const line = buffer.slice(start, i);
      if (c === CR) {
        if (i + 1 < buffer.length) {
          if (buffer.charCodeAt(i + 1) === LF) i++;
        } else {
          this.#lastWasCr = true;
        }
      }
      start = i + 1;
      const event = this.#line(line);
      if (event !== undefined) events.push(event);
    }
    buffer = buffer.slice(start);
    if (final && buffer.length > 0) {
      const event = this.#line(buffer);
      if (event !== undefined) events.push(event);
      buffer = '';
    }
    this.#pending = buffer;
    return events;
  }

  #line(line: string): SseEvent | undefined {
    if (line.length === 0) return this.#dispatch();
    if (line.charCodeAt(0) === 0x3a) return undefined; // ':' comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        this.#hasFields = true;
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
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    if (!this.#hasFields) return undefined;
    const event: SseEvent = {
      event: this.#eventType === '' ? 'message' : this.#eventType,
      data: this.#data.join('\n'),
      id: this.#id,
    };
    this.#eventType = '';
    this.#data = [];
    this.#hasFields = false;
    return event;
  }
}
