import type { CanaryHit, CanaryMatcher } from './canary-matcher.js';

/**
 * Scans a text that arrives in pieces (a streamed answer) for canaries, including one split across
 * pieces: each scan covers the new piece plus a tail of what came before, as long as the widest
 * encoded canary, so the work per piece is bounded by that tail and the piece. Each canary is
 * reported once.
 *
 * @example
 * const scanner = new CanaryStreamScanner(matcher);
 * scanner.push('the token is CANA'); // []
 * scanner.push('RY-7f3a9b21');       // [{ canaryId: 'c1', encoding: 'clear' }]
 */
export class CanaryStreamScanner {
  readonly #matcher: CanaryMatcher;
  readonly #seen = new Set<string>();
  #tail = '';

  constructor(matcher: CanaryMatcher) {
    this.#matcher = matcher;
  }

  /** Scans the next piece; returns canaries not reported before. */
  push(piece: string): CanaryHit[] {
    if (piece.length === 0) return [];
    const window = this.#tail + piece;
    const keep = this.#matcher.maxEncodedChars;
    this.#tail = window.length > keep ? window.slice(window.length - keep) : window;
    const fresh: CanaryHit[] = [];
    for (const hit of this.#matcher.scan(window)) {
      if (this.#seen.has(hit.canaryId)) continue;
      this.#seen.add(hit.canaryId);
      fresh.push(hit);
    }
    return fresh;
  }
}
