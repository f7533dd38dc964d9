import type { SecurityFinding } from '@llmtrace/core';

/** One chat message, already flattened to text by the proxy's provider adapter. */
export interface AnalysisMessage {
  readonly role: string;
  readonly content: string;
}

/**
 * A request as the analyzers see it: OpenAI, Anthropic and Ollama bodies flattened into messages
 * (content parts joined as text). `system` carries Anthropic's top-level system prompt.
 */
export interface AnalysisRequest {
  readonly messages: readonly AnalysisMessage[];
  readonly system?: string | undefined;
}

/** The model's answer, as text (streamed chunks joined). */
export interface AnalysisResponse {
  readonly text: string;
}

/** Result of an analysis: a 0-100 risk score and the findings behind it. */
export interface SecurityAnalysis {
  /** Integer 0-100; 50 or more means "treat as an attack / leak" at the default threshold. */
  readonly score: number;
  readonly findings: SecurityFinding[];
}

/** Per-call options. Every detector family is on by default. */
export interface AnalyzeOptions {
  /** Clock for `detectedAt`; defaults to `() => new Date()`. */
  readonly now?: () => Date;
  /** Detect personal data (e-mail, phone, SSN, card, IBAN, IP). Default true. */
  readonly pii?: boolean;
  /** Detect secrets and credentials. Default true. */
  readonly secrets?: boolean;
  /** Run the injection/jailbreak rules and the learned classifier. Default true. */
  readonly injection?: boolean;
  /**
   * Remember each text's detector results in the analyzer's scan cache under this partition (the
   * proxy passes the tenant id), so a text sent again is not analysed again. Without it nothing is
   * cached. Partitions never share entries.
   */
  readonly cachePartition?: string;
}
