import { describe, expect, it } from 'vitest';
import { readCookie } from './session-auth.js';

describe('readCookie', () => {
  it('finds one cookie among several, with or without spaces', () => {
    expect(readCookie('a=1; llmtrace_session=tok-en_1; b=2', 'llmtrace_session')).toBe('tok-en_1');
    expect(readCookie('llmtrace_session=x;b=2', 'llmtrace_session')).toBe('x');
  });

  it('does not match a cookie whose name only ends or starts the same', () => {
    expect(readCookie('old_llmtrace_session=x; llmtrace_session_2=y', 'llmtrace_session')).toBe(
      undefined,
    );
  });

  it('treats a missing header, an empty value and a pair without "=" as no cookie', () => {
    expect(readCookie(undefined, 'llmtrace_session')).toBeUndefined();
    expect(readCookie('llmtrace_session=', 'llmtrace_session')).toBeUndefined();
    expect(readCookie('llmtrace_session', 'llmtrace_session')).toBeUndefined();
  });
});
