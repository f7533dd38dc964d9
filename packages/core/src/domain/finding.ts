import { z } from 'zod';

/**
 * Severity of a security finding, from most to least severe.
 *
 * @example
 * compareSeverity('high', 'low') > 0; // true
 */
export const SecuritySeverity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
/** One of the severities in {@link SecuritySeverity}. */
export type SecuritySeverity = z.infer<typeof SecuritySeverity>;

/**
 * Numeric rank of each severity: higher is more severe.
 *
 * @example
 * SEVERITY_RANK.critical; // 4
 */
export const SEVERITY_RANK: Readonly<Record<SecuritySeverity, number>> = Object.freeze({
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  info: 0,
});

/**
 * Orders severities: positive when `a` is more severe than `b`, 0 when equal.
 *
 * @example
 * ['low', 'critical'].sort(compareSeverity); // ['low', 'critical']
 */
export function compareSeverity(a: SecuritySeverity, b: SecuritySeverity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

/**
 * True when `severity` is at least `threshold`.
 *
 * @example
 * severityAtLeast('high', 'medium'); // true
 */
export function severityAtLeast(severity: SecuritySeverity, threshold: SecuritySeverity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/** Finding types the built-in analyzers emit. Other analyzers may add their own. */
export const FINDING_TYPES = [
  'prompt_injection',
  'jailbreak',
  'role_injection',
  'encoding_attack',
  'prompt_extraction',
  'delimiter_injection',
  'context_flooding',
  'pii',
  'secret',
  'system_prompt_leak',
  'data_leakage',
  'credential_exposure',
  'dangerous_action',
] as const;

/** Where in the request or response a finding was made. */
export const FindingLocation = z
  .object({
    /** `request` or `response`. */
    side: z.enum(['request', 'response']),
    /** Index of the message in the request's `messages` array, when it came from one. */
    messageIndex: z.number().int().nonnegative().optional(),
    /** Character offsets in the (normalised) text, end exclusive. */
    start: z.number().int().nonnegative().optional(),
    end: z.number().int().nonnegative().optional(),
  })
  .strict();
/** See {@link FindingLocation}. */
export type FindingLocation = z.infer<typeof FindingLocation>;

/**
 * One security finding on a span.
 *
 * @example
 * SecurityFinding.parse({
 *   id: 'f1', type: 'prompt_injection', severity: 'high', confidence: 0.92,
 *   description: 'Asks the model to ignore its instructions', detectedAt: new Date().toISOString(),
 * });
 */
export const SecurityFinding = z
  .object({
    id: z.string().min(1),
    type: z.string().min(1),
    severity: SecuritySeverity,
    confidence: z.number().min(0).max(1),
    description: z.string(),
    location: FindingLocation.optional(),
    /** OWASP Top 10 for LLM Applications (2025) identifier, e.g. `LLM01:2025`. */
    owaspId: z.string().optional(),
    detectedAt: z.iso.datetime({ offset: true }),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
/** See {@link SecurityFinding}. */
export type SecurityFinding = z.infer<typeof SecurityFinding>;
