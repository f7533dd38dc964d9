import type { FINDING_TYPES } from '@llmtrace/core';

/** A finding type emitted by this package. */
export type FindingType = (typeof FINDING_TYPES)[number];

/** OWASP Top 10 for LLM Applications 2025 identifiers used by this package. */
export const OWASP = Object.freeze({
  promptInjection: 'LLM01:2025',
  sensitiveInformationDisclosure: 'LLM02:2025',
  systemPromptLeakage: 'LLM07:2025',
  unboundedConsumption: 'LLM10:2025',
} as const);

/**
 * OWASP id per finding type. Injection-family types (including jailbreaks and harmful requests,
 * which OWASP 2025 treats as a form of prompt injection) map to LLM01; data exposure to LLM02;
 * prompt extraction and leakage to LLM07.
 */
export const OWASP_BY_TYPE: Readonly<Record<FindingType, string>> = Object.freeze({
  prompt_injection: OWASP.promptInjection,
  jailbreak: OWASP.promptInjection,
  role_injection: OWASP.promptInjection,
  encoding_attack: OWASP.promptInjection,
  delimiter_injection: OWASP.promptInjection,
  context_flooding: OWASP.promptInjection,
  prompt_extraction: OWASP.systemPromptLeakage,
  system_prompt_leak: OWASP.systemPromptLeakage,
  pii: OWASP.sensitiveInformationDisclosure,
  secret: OWASP.sensitiveInformationDisclosure,
  data_leakage: OWASP.sensitiveInformationDisclosure,
  credential_exposure: OWASP.sensitiveInformationDisclosure,
  dangerous_action: 'LLM06:2025',
});
