import { LLMTraceError } from '@llmtrace/core';
import { describe, expect, it } from 'vitest';
import { errorBody, errorFormatFor } from './error-envelope.js';

const driverError = new LLMTraceError(
  'STORAGE_UNAVAILABLE',
  'connect ECONNREFUSED 127.0.0.1:5433',
  { details: { driverCode: 'ECONNREFUSED' }, cause: new Error('socket') },
);

describe('error envelope', () => {
  it('never sends the message or details of a 5xx, in either format', () => {
    for (const format of ['openai', 'anthropic'] as const) {
      const text = errorBody(driverError, 'req-1', format);
      expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|driverCode|socket/);
      expect(text).toContain('STORAGE_UNAVAILABLE');
    }
  });

  it('writes OpenAI and Anthropic shapes with the code, details and request id', () => {
    const error = new LLMTraceError('RATE_LIMITED', 'slow down', { details: { limit_rpm: 5 } });
    expect(JSON.parse(errorBody(error, 'req-1', 'openai'))).toEqual({
      error: {
        message: 'slow down',
        type: 'rate_limit_error',
        param: null,
        code: 'RATE_LIMITED',
        request_id: 'req-1',
        limit_rpm: 5,
      },
    });
    expect(JSON.parse(errorBody(error, 'req-1', 'anthropic'))).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down', code: 'RATE_LIMITED', limit_rpm: 5 },
      request_id: 'req-1',
    });
  });

  it('does not let details overwrite the envelope fields', () => {
    const error = new LLMTraceError('BAD_REQUEST', 'real', { details: { message: 'fake' } });
    expect(JSON.parse(errorBody(error, 'r', 'openai'))).toMatchObject({
      error: { message: 'real' },
    });
  });

  it('answers Anthropic clients in their format, everyone else in OpenAI format', () => {
    expect(errorFormatFor('anthropic')).toBe('anthropic');
    expect(errorFormatFor('ollama')).toBe('openai');
    expect(errorFormatFor('azure_openai')).toBe('openai');
  });
});
