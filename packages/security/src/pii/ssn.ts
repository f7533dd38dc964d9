// Numbers the SSA never issues, or that were published in advertising and are void
// (SSA, "Social Security Number Randomization", 2011; POMS RM 10201.035).
const VOID_SSNS: ReadonlySet<string> = new Set(['078051120', '219099999', '123456789']);

/**
 * True when a US Social Security number (9 digits, separators removed) follows the SSA's
 * structure: area not 000, 666 or 900-999; group not 00; serial not 0000; not a known void number.
 */
export function isValidSsn(digits: string): boolean {
  if (digits.length !== 9) return false;
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === 0 || serial === 0) return false;
  return !VOID_SSNS.has(digits);
}
