import { ACTION_TYPES as RECORDED_TYPES } from '@llmtrace/core';
import { describe, expect, it } from 'vitest';
import { ACTION_TYPES } from './types.js';

// The dashboard is a browser bundle and does not depend on core (zod and Node modules), so it keeps
// its own copy of the action types for the filter; this keeps the copy equal to what the proxy records.
describe('ACTION_TYPES', () => {
  it('lists exactly the action types core defines, in the same order', () => {
    expect([...ACTION_TYPES]).toEqual([...RECORDED_TYPES]);
  });
});
