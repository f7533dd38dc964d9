import { isLuhnValid } from './luhn.js';

/** Card networks recognised by {@link cardIssuer}. */
export type CardIssuer =
  'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'maestro';

interface IssuerRule {
  readonly issuer: CardIssuer;
  readonly test: (digits: string) => boolean;
  readonly lengths: readonly number[];
}

function prefixIn(digits: string, size: number, lo: number, hi: number): boolean {
  const p = Number(digits.slice(0, size));
  return p >= lo && p <= hi;
}

// IIN ranges and lengths per network (ISO/IEC 7812; network documentation as summarised by the
// public IIN tables). Checked in order: the first network that claims the prefix decides.
const ISSUERS: readonly IssuerRule[] = [
  { issuer: 'amex', test: (d) => d.startsWith('34') || d.startsWith('37'), lengths: [15] },
  {
    issuer: 'mastercard',
    test: (d) => prefixIn(d, 2, 51, 55) || prefixIn(d, 4, 2221, 2720),
    lengths: [16],
  },
  { issuer: 'visa', test: (d) => d.startsWith('4'), lengths: [13, 16, 19] },
  {
    issuer: 'discover',
    test: (d) =>
      d.startsWith('6011') ||
      d.startsWith('65') ||
      prefixIn(d, 3, 644, 649) ||
      prefixIn(d, 6, 622126, 622925),
    lengths: [16, 17, 18, 19],
  },
  { issuer: 'jcb', test: (d) => prefixIn(d, 4, 3528, 3589), lengths: [16, 17, 18, 19] },
  {
    issuer: 'diners',
    test: (d) =>
      prefixIn(d, 3, 300, 305) || d.startsWith('36') || d.startsWith('38') || d.startsWith('39'),
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { issuer: 'unionpay', test: (d) => d.startsWith('62'), lengths: [16, 17, 18, 19] },
  {
    issuer: 'maestro',
    test: (d) =>
      d.startsWith('50') || prefixIn(d, 2, 56, 58) || d.startsWith('63') || d.startsWith('67'),
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  },
];

const ALL_SAME = /^(\d)\1+$/;

/**
 * The card network of a payment card number (digits only), or undefined when it is not a valid
 * one: wrong length for its network, unknown prefix, failing Luhn, or a single repeated digit.
 */
export function cardIssuer(digits: string): CardIssuer | undefined {
  if (digits.length < 12 || digits.length > 19 || ALL_SAME.test(digits)) return undefined;
  const rule = ISSUERS.find((r) => r.test(digits));
  if (rule === undefined || !rule.lengths.includes(digits.length)) return undefined;
  return isLuhnValid(digits) ? rule.issuer : undefined;
}
