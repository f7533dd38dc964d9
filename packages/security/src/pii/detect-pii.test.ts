import { describe, expect, it } from 'vitest';
import { detectPii } from './detect-pii.js';
import { isValidEmail } from './email-address.js';
import { classifyIp } from './ip-address.js';

const kinds = (text: string): string[] => detectPii(text).map((m) => `${m.kind}:${m.value}`);

describe('detectPii', () => {
  it('finds e-mail addresses with offsets', () => {
    const text = 'Write to jane.doe@example.com today';
    const [m] = detectPii(text);
    expect(m?.kind).toBe('email');
    expect(text.slice(m?.start, m?.end)).toBe('jane.doe@example.com');
  });

  it('rejects invalid e-mail shapes', () => {
    expect(kinds('logo icon@2x.png')).toEqual([]);
    expect(isValidEmail('.jane@example.com')).toBe(false);
    expect(isValidEmail('ja..ne@example.com')).toBe(false);
  });

  it('finds phone numbers validated by libphonenumber', () => {
    expect(kinds('Call +44 20 7946 0958 or (202) 456-1111.')).toEqual([
      'phone:+44 20 7946 0958',
      'phone:(202) 456-1111',
    ]);
  });

  it('does not take order numbers, dates or short numbers for phones', () => {
    expect(kinds('Order 12345678901 shipped on 2024-01-15, ref 555-1234.')).toEqual([]);
  });

  it('finds valid SSNs and skips invalid ones', () => {
    expect(kinds('SSN 536-22-1234')).toEqual(['ssn:536-22-1234']);
    expect(kinds('SSN 000-22-1234 or 666-22-1234 or 536-00-1234')).toEqual([]);
    expect(kinds('my social security number is 536221234')).toEqual(['ssn:536221234']);
    expect(kinds('invoice 536221234')).toEqual([]);
  });

  it('finds cards that pass Luhn and skips those that do not', () => {
    expect(kinds('card 4111 1111 1111 1111')).toEqual(['credit_card:4111 1111 1111 1111']);
    expect(detectPii('card 4111-1111-1111-1111')[0]?.detail).toEqual({ issuer: 'visa' });
    expect(kinds('card 4111 1111 1111 1112')).toEqual([]);
  });

  it('finds IBANs with a valid checksum only', () => {
    expect(kinds('IBAN DE89 3704 0044 0532 0130 00 please')).toEqual([
      'iban:DE89 3704 0044 0532 0130 00',
    ]);
    expect(kinds('IBAN DE89 3704 0044 0532 0130 01')).toEqual([]);
  });

  it('finds IPv4 and IPv6 addresses, not versions or times', () => {
    expect(kinds('server 8.8.8.8 and 2001:db8::8a2e:370:7334')).toEqual([
      'ip_address:8.8.8.8',
      'ip_address:2001:db8::8a2e:370:7334',
    ]);
    expect(kinds('version 1.2.3.4.5, at 12:30:45, octet 256.1.1.1')).toEqual([]);
    expect(classifyIp('192.168.1.10')).toBe('private');
    expect(classifyIp('a::b')).toBeUndefined();
  });
});
