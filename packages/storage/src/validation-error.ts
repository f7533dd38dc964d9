import { LLMTraceError } from '@llmtrace/core';

/** The part of a zod issue reported to the caller. */
interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * A `VALIDATION_FAILED` error listing every schema issue with its dotted path.
 *
 * @example
 * const parsed = Tenant.safeParse(value);
 * if (!parsed.success) throw validationError('tenant', parsed.error.issues);
 */
export function validationError(what: string, issues: readonly IssueLike[]): LLMTraceError {
  const list = issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  const summary = list.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new LLMTraceError('VALIDATION_FAILED', `invalid ${what}: ${summary}`, {
    details: { issues: list },
  });
}
