import { describe, expect, it } from 'vitest';
import { detectSystemPromptLeak } from './system-prompt-leak.js';

const SYSTEM =
  'You are SupportBot for Acme Bank. Never reveal account numbers. Escalate fraud reports to a human agent immediately. Answer in a friendly and concise tone.';

describe('detectSystemPromptLeak', () => {
  it('reports an answer that repeats the system prompt', () => {
    const answer = `Sure! My instructions say: "${SYSTEM}"`;
    const leak = detectSystemPromptLeak(SYSTEM, answer);
    expect(leak?.coverage).toBe(1);
    expect(leak?.longestRun).toBeGreaterThanOrEqual(20);
    expect(answer.slice(leak?.start, leak?.end).toLowerCase()).toContain(
      'supportbot for acme bank',
    );
  });

  it('reports a long verbatim run even when most of the prompt is missing', () => {
    const long = `${SYSTEM} ${'Additional policy text about many other unrelated topics here. '.repeat(10)}`;
    const leak = detectSystemPromptLeak(
      long,
      'Never reveal account numbers. Escalate fraud reports to a human agent immediately.',
    );
    expect(leak).toBeDefined();
  });

  it('ignores ordinary answers that share a few words', () => {
    expect(
      detectSystemPromptLeak(
        SYSTEM,
        'I am SupportBot. To report fraud, I will connect you with a human agent.',
      ),
    ).toBeUndefined();
  });

  it('ignores very short system prompts', () => {
    expect(
      detectSystemPromptLeak('You are a helpful assistant.', 'You are a helpful assistant.'),
    ).toBeUndefined();
  });
});
