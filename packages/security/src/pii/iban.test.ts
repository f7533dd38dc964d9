import { describe, expect, it } from 'vitest';
import { isValidIban } from './iban.js';

describe('isValidIban', () => {
  it.each([
    'DE89370400440532013000',
    'GB82WEST12345698765432',
    'FR1420041010050500013M02606',
    'NL91ABNA0417164300',
  ])('accepts %s', (iban) => {
    expect(isValidIban(iban)).toBe(true);
  });
  it.each([
    ['DE89370400440532013001', 'checksum fails'],
    ['DE8937040044053201300', 'wrong length for DE'],
    ['XX89370400440532013000', 'unknown country'],
    ['de89370400440532013000', 'lower case'],
  ])('rejects %s (%s)', (iban) => {
    expect(isValidIban(iban)).toBe(false);
  });
});
