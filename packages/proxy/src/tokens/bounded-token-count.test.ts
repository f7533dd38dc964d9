import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import {
  countTokensBounded,
  countTokensSliced,
  DEFAULT_EXACT_CHARS,
  MAX_RUN_BYTES,
} from './bounded-token-count.js';

// Work is counted, not timed: byte-pair merging is quadratic only in the length of one piece, so
// "every piece is short and the pieces cover the budget once" is what makes the count linear.
describe('countTokensBounded (issue 14, item 1: 150 KB without spaces froze the proxy)', () => {
  it('never gives the tokenizer a run without spaces longer than MAX_RUN_BYTES', () => {
    const result = countTokensBounded('a'.repeat(150_000), { maxExactChars: 150_000 });
    expect(result.longestPiece).toBeLessThanOrEqual(MAX_RUN_BYTES + 1);
    expect(result.tokenizedChars).toBe(150_000);
    expect(result.exact).toBe(true);
  });

  it('tokenizes at most the exact budget and estimates the rest, marked inexact', () => {
    const text = '人工智能'.repeat(40_000);
    const result = countTokensBounded(text);
    expect(result.tokenizedChars).toBe(DEFAULT_EXACT_CHARS);
    expect(result.exact).toBe(false);
    expect(result.tokens).toBeGreaterThan(
      countTokensBounded(text.slice(0, DEFAULT_EXACT_CHARS)).tokens,
    );
  });

  it('matches the plain tokenizer on ordinary text', () => {
    const text = 'Hello, world! The quick brown fox jumps over the lazy dog.\n'.repeat(100);
    expect(countTokensBounded(text).tokens).toBe(countTokens(text));
  });

  it('stays within 1 % of the plain tokenizer where it has to cut long runs', () => {
    const text = 'x'.repeat(5_000);
    const exact = countTokens(text);
    expect(Math.abs(countTokensBounded(text).tokens - exact)).toBeLessThanOrEqual(exact * 0.01 + 1);
  });

  it('never cuts a surrogate pair', () => {
    const text = '😀'.repeat(2_000);
    const result = countTokensBounded(text, { maxExactChars: text.length });
    expect(result.tokens).toBe(countTokens(text));
  });

  it('counts the same in slices as in one go', async () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(2_000) + 'b'.repeat(20_000);
    const sync = countTokensBounded(text, { maxExactChars: 60_000 });
    const sliced = await countTokensSliced(text, { maxExactChars: 60_000, sliceMs: 0 });
    expect(sliced).toEqual(sync);
  });
});
