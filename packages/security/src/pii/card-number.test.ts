import { describe, expect, it } from 'vitest';
import { cardIssuer } from './card-number.js';
import { isLuhnValid } from './luhn.js';

describe('isLuhnValid', () => {
  it('accepts valid and rejects invalid check digits', () => {
    expect(isLuhnValid('4111111111111111')).toBe(true);
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(isLuhnValid('79927398713')).toBe(true);
    expect(isLuhnValid('12a4')).toBe(false);
  });
});

describe('cardIssuer', () => {
  it.each([
    ['4111111111111111', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['6011111111111117', 'discover'],
    ['3530111333300000', 'jcb'],
    ['30569309025904', 'diners'],
  ])('recognises %s as %s', (digits, issuer) => {
    expect(cardIssuer(digits)).toBe(issuer);
  });

  it.each([
    ['4111111111111112', 'Luhn fails'],
    ['378282246310006', 'Amex Luhn fails'],
    ['37828224631000', 'Amex with 14 digits'],
    ['9111111111111111', 'unknown prefix'],
    ['0000000000000000', 'one repeated digit'],
    ['1234567812345670', 'no network starts with 1'],
  ])('rejects %s (%s)', (digits) => {
    expect(cardIssuer(digits)).toBeUndefined();
  });
});
