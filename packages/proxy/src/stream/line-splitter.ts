const LF = 0x0a;
const CR = 0x0d;

/**
 * Largest line (and SSE event) kept, in UTF-16 code units. Provider events are a few kilobytes;
 * a line past this is dropped and counted, not buffered: one 50 MB line held the old parser for
 * 78 s and all of its memory (issue 14, item 5).
 */
export const DEFAULT_MAX_LINE_CHARS = 4 * 1024 * 1024;

/** What a {@link LineSplitter} did, for spans and for tests that count work. */
export interface LineSplitterStats {
  /** Code units looked at, in total: each one once (a cursor; the pending line is never rescanned). */
  readonly scannedChars: number;
  /** Lines longer than the limit, dropped. */
  readonly oversizedLines: number;
}

/**
 * Splits decoded text into lines ending in LF, CR or CRLF (a CRLF split across pushes counts once),
 * looking at each code unit exactly once. The unfinished line is kept as a list of pieces and joined
 * only when its end arrives; past `maxLineChars` it is dropped and reported as `null`.
 *
 * @example
 * const lines = new LineSplitter((line) => handle(line));
 * lines.push('data: a\r\n'); lines.end();
 */
export class LineSplitter {
  readonly #onLine: (line: string | null) => void;
  readonly #max: number;
  #pieces: string[] = [];
  #pendingChars = 0;
  #skipping = false;
  #lastWasCr = false;
  #scanned = 0;
  #oversized = 0;

  /** `onLine` gets each complete line without its end, or null for a line that was too long. */
  constructor(onLine: (line: string | null) => void, maxLineChars = DEFAULT_MAX_LINE_CHARS) {
    this.#onLine = onLine;
    this.#max = maxLineChars;
  }

  get stats(): LineSplitterStats {
    return { scannedChars: this.#scanned, oversizedLines: this.#oversized };
  }

  push(text: string): void {
    let start = 0;
    if (this.#lastWasCr && text.charCodeAt(0) === LF) start = 1;
    this.#lastWasCr = false;
    if (text.indexOf('\r', start) === -1) {
      // LF-only text (what providers send): the native search finds each line end.
      for (let i = text.indexOf('\n', start); i !== -1; i = text.indexOf('\n', start)) {
        this.#finishLine(text, start, i);
        start = i + 1;
      }
      this.#scanned += text.length;
      if (start < text.length) this.#append(text, start, text.length);
      return;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      this.#finishLine(text, start, i);
      if (c === CR) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === LF) i++;
        } else {
          this.#lastWasCr = true;
        }
      }
      start = i + 1;
    }
    this.#scanned += text.length;
    if (start < text.length) this.#append(text, start, text.length);
  }

  /** Reports a last line that had no line end. */
  end(): void {
    if (this.#pendingChars > 0 || this.#skipping) this.#finishLine('', 0, 0);
  }

  #append(text: string, start: number, end: number): void {
    if (this.#skipping) return;
    this.#pendingChars += end - start;
    if (this.#pendingChars > this.#max) {
      this.#skipping = true;
      this.#pieces = [];
      return;
    }
    this.#pieces.push(text.slice(start, end));
  }

  #finishLine(text: string, start: number, end: number): void {
    if (this.#pendingChars === 0 && !this.#skipping) {
      // The whole line is in this text (the usual case): no piece to keep, no list to join.
      if (end - start > this.#max) {
        this.#oversized++;
        this.#onLine(null);
      } else {
        this.#onLine(text.slice(start, end));
      }
      return;
    }
    this.#append(text, start, end);
    if (this.#skipping) {
      this.#oversized++;
      this.#onLine(null);
    } else {
      const line = this.#pieces.length === 1 ? (this.#pieces[0] as string) : this.#pieces.join('');
      this.#onLine(line);
    }
    this.#pieces = [];
    this.#pendingChars = 0;
    this.#skipping = false;
  }
}
