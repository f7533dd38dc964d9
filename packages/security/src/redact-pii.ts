import { detectPii } from './pii/detect-pii.js';
import type { PiiKind } from './pii/detect-pii.js';
import { detectSecrets } from './secrets/detect-secrets.js';

const PLACEHOLDER: Readonly<Record<PiiKind, string>> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  ssn: '[SSN]',
  credit_card: '[CARD]',
  iban: '[IBAN]',
  ip_address: '[IP]',
};

/**
 * Replaces personal data and secrets with typed placeholders: `[EMAIL]`, `[PHONE]`, `[SSN]`,
 * `[CARD]`, `[IBAN]`, `[IP]`, `[SECRET:<kind>]` (e.g. `[SECRET:aws_access_key]`). Only validated
 * matches are replaced (a Luhn-failing "card" stays). Secrets win where matches overlap.
 */
export function redactPii(text: string): string {
  const spans: { start: number; end: number; label: string }[] = detectSecrets(text).map((s) => ({
    start: s.start,
    end: s.end,
    label: `[SECRET:${s.kind}]`,
  }));
  for (const p of detectPii(text)) {
    if (spans.some((s) => p.start < s.end && p.end > s.start)) continue;
    spans.push({ start: p.start, end: p.end, label: PLACEHOLDER[p.kind] });
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.label;
    at = s.end;
  }
  return out + text.slice(at);
}
