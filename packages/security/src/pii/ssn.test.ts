import { describe, expect, it } from 'vitest';
import { isValidSsn } from './ssn.js';

describe('isValidSsn', () => {
  it('accepts a well-formed number', () => {
    expect(isValidSsn('536221234')).toBe(true);
  });
  it.each([
    ['000121234', 'area 000'],
    ['666121234', 'area 666'],
    ['900121234', 'area 9xx'],
    ['536001234', 'group 00'],
    ['536220000', 'serial 0000'],
    ['078051120', 'void (advertised) number'],
    ['53622123', 'eight digits'],
  ])('rejects %s (%s)', (digits) => {
    expect(isValidSsn(digits)).toBe(false);
  });
});
