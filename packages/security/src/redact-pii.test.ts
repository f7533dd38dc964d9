import { describe, expect, it } from 'vitest';
import { redactPii } from './redact-pii.js';

describe('redactPii', () => {
  it('replaces each kind with a typed placeholder', () => {
    const aws = 'AKIA' + 'Q3EGRB7XZ2NLM5PK';
    const text = `Mail jane@example.com, call +44 20 7946 0958, SSN 536-22-1234, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, host 8.8.8.8, key ${aws}.`;
    expect(redactPii(text)).toBe(
      'Mail [EMAIL], call [PHONE], SSN [SSN], card [CARD], IBAN [IBAN], host [IP], key [SECRET:aws_access_key].',
    );
  });

  it('leaves invalid look-alikes and ordinary text untouched', () => {
    const text = 'Card 4111 1111 1111 1112 and SSN 000-12-3456 are invalid; see you at 10:30.';
    expect(redactPii(text)).toBe(text);
  });
});
