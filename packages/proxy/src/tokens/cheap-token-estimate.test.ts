import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { estimateTokensCheaply } from './cheap-token-estimate.js';

/** A small deterministic generator, so the samples (and the test) are the same on every run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
const rand = lcg(42);
const pick = (alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');

const SAMPLES: Record<string, string> = {
  english:
    'The committee reviewed the proposal carefully, noting several concerns about budget overruns and timelines. ',
  code: 'function add(a, b) {\n  return a + b; // sum\n}\nconst x = { "key": [1, 2, 3], "other": null };\n',
  base64: pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 3000),
  hex: pick('0123456789abcdef', 3000),
  digits: pick('0123456789', 3000),
  punctuation: '!@#$%^&*()_+-=[]{};:\'",.<>/?\\|`~',
  chinese: '人工智能正在改变世界的许多方面包括医疗教育和交通运输领域的发展',
  japanese: 'これは日本語のテスト文章です。カタカナとひらがなを含みます。',
  korean: '인공지능은 세계의 많은 측면을 변화시키고 있습니다',
  russian: 'Искусственный интеллект меняет многие аспекты жизни в мире. ',
  arabic: 'الذكاء الاصطناعي يغير العديد من جوانب العالم. ',
  hindi: 'कृत्रिम बुद्धिमत्ता दुनिया के कई पहलुओं को बदल रही है। ',
  thai: 'ปัญญาประดิษฐ์กำลังเปลี่ยนแปลงหลายด้านของโลก',
  emoji: '😀🎉🚀👍🏽❤️🔥',
  german: 'Größenänderung über Straßen für Bürger: Äpfel, Öl und Übermäßiges. ',
  'one letter, no spaces': 'a'.repeat(3000),
  'random letters, no spaces': pick('abcdefghijklmnopqrstuvwxyz', 3000),
};

const sample = (text: string): string => text.repeat(Math.max(1, Math.floor(3000 / text.length)));

describe('estimateTokensCheaply', () => {
  it.each(Object.entries(SAMPLES))(
    'does not under-count %s against o200k_base by more than 10 %',
    (_name, text) => {
      const input = sample(text);
      expect(estimateTokensCheaply(input)).toBeGreaterThanOrEqual(0.9 * countTokens(input));
    },
  );

  it.each(['english', 'code', 'chinese', 'russian', 'german'])(
    'stays within 3× of the true count for natural %s text',
    (name) => {
      const input = sample(SAMPLES[name] as string);
      expect(estimateTokensCheaply(input)).toBeLessThanOrEqual(3 * countTokens(input));
    },
  );

  it('counts CJK at one token per character (issue 14: 3 characters per token was 2.4× low)', () => {
    expect(estimateTokensCheaply('你好世界')).toBe(4);
  });

  it('counts only the requested range', () => {
    expect(estimateTokensCheaply('你好世界', 1, 3)).toBe(2);
    expect(estimateTokensCheaply('', 0, 0)).toBe(0);
  });
});
