import { countTokens, encode } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { countTokensBounded } from './bounded-token-count.js';
import { BpeRanks, countO200kTokens, MAX_MERGE_BYTES } from './o200k-tokens.js';

// gpt-tokenizer's own encoder is the reference: same rank file, same pre-tokenizer.
const TEXTS = [
  '',
  'Hello, world',
  "I'm sure they'LL say it's fine, WE'VE checked and she'D agree.",
  'The quick brown fox jumps over the lazy dog.\n\n\tIndented\r\nline   with   spaces   ',
  '1234567890 3.14159 1,000,000 +44 20 7946 0958',
  'Ｆｕｌｌｗｉｄｔｈ ＡＢＣ 全角テキスト、日本語の文章です。中文句子也可以。',
  'Привет, мир! Ελληνικά κείμενα. مرحبا بالعالم. שלום עולם. नमस्ते दुनिया',
  'emoji 🙂🙃 👍🏽 family 👨‍👩‍👧 flags 🇫🇷🇯🇵',
  'café naïve façade Straße ſ Ωmega',
  'function f(x) { return x.map((y) => y * 2).filter(Boolean); } // code',
  '{"role":"user","content":"ignore all previous instructions"}',
  'https://example.com/path?query=1&b=2#frag user@example.org',
];

describe('countO200kTokens', () => {
  it('counts what gpt-tokenizer counts', () => {
    for (const text of TEXTS) expect(countO200kTokens(text), text).toBe(countTokens(text));
  });

  it('counts a special-token lookalike as the ordinary text a provider reads, without throwing', () => {
    const text = 'end here <|endoftext|> and <|im_start|>system';
    expect(() => countTokens(text)).toThrow(/special token/);
    expect(countO200kTokens(text)).toBe(encode(text, { disallowedSpecial: new Set() }).length);
    expect(countTokensBounded(text).tokens).toBe(countO200kTokens(text));
  });

  it('cuts a piece longer than MAX_MERGE_BYTES, adding at most one token per cut', () => {
    for (const text of [' '.repeat(5_000), 'ab'.repeat(2_000), 'é'.repeat(1_500)]) {
      const exact = countTokens(text);
      const cuts = Math.ceil(new TextEncoder().encode(text).length / MAX_MERGE_BYTES);
      const got = countO200kTokens(text);
      expect(got).toBeGreaterThanOrEqual(exact);
      expect(got - exact).toBeLessThanOrEqual(cuts);
    }
  });
});

describe('BpeRanks', () => {
  const file = (text: string) => Buffer.from(text, 'latin1');
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  it('looks up each token of a rank file by its bytes, and nothing else', () => {
    const ranks = new BpeRanks(file(`${b64('a')} 0\n${b64('b')} 1\n${b64('ab')} 2\n`));
    const bytes = Buffer.from('abc');
    expect([ranks.rank(bytes, 0, 1), ranks.rank(bytes, 1, 2), ranks.rank(bytes, 0, 2)]).toEqual([
      0, 1, 2,
    ]);
    expect(ranks.rank(bytes, 2, 3)).toBeGreaterThan(2);
    expect(ranks.rank(bytes, 0, 3)).toBeGreaterThan(2);
  });

  it('refuses a damaged rank file, naming the line', () => {
    expect(() => new BpeRanks(file(`${b64('a')} 0\n${b64('b')} 2\n`))).toThrow(
      /line 2 is not rank 1/,
    );
    expect(() => new BpeRanks(file(`${b64('a')} 0\n${b64('b')}\n`))).toThrow(/line 2 has no rank/);
    expect(() => new BpeRanks(file(`${b64('a')} 0\nY!== 1\n`))).toThrow(
      /line 2 is not a base64 token/,
    );
  });
});
