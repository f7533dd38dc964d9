import type { SecuritySeverity } from '@llmtrace/core';
import { SECRET_RULES } from './secret-rules.js';
import type { SecretKind } from './secret-rules.js';

/** One secret found in a text (offsets of the secret value itself, end exclusive). */
export interface SecretMatch {
  readonly kind: SecretKind;
  readonly label: string;
  readonly start: number;
  readonly end: number;
  readonly value: string;
  readonly severity: SecuritySeverity;
  readonly confidence: number;
}

// Every rule needs one of these substrings; a text without any skips the regexes entirely.
const PREFILTER =
  /-----BEGIN|sk-|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|AIza|AccountKey|gh[pousr]_|github_pat_|xox|xapp-|hooks\.slack|_live_|eyJ|key|token|secret|passw|pwd|bearer|credential|auth|glpat-|gl[dr]t-|hf_|npm_|pypi-|SG\.|shp|_v1_|gsk_|SK[0-9a-f]{8}|basic|schl[üu]ssel|passwort|kennwort|cl[ée]|jeton|mot de passe|clave|contrase/i;

/**
 * Finds API keys, tokens, private keys and labelled high-entropy secrets. Overlapping matches keep
 * the earlier (more specific) rule.
 */
export function detectSecrets(text: string): SecretMatch[] {
  if (!PREFILTER.test(text)) return [];
  const out: SecretMatch[] = [];
  for (const rule of SECRET_RULES) {
    for (const m of text.matchAll(rule.pattern)) {
      // group -1: the first capture group that matched (alternatives capture separately).
      const value =
        rule.group === -1
          ? (m.slice(1).find((g) => g !== undefined) ?? m[0])
          : (m[rule.group] ?? m[0]);
      if (rule.validate !== undefined && !rule.validate(value)) continue;
      const start = m.index + m[0].lastIndexOf(value);
      const end = start + value.length;
      if (out.some((s) => start < s.end && end > s.start)) continue;
      out.push({
        kind: rule.kind,
        label: rule.label,
        start,
        end,
        value,
        severity: rule.severity,
        confidence: rule.confidence,
      });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
