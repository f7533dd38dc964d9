import { basename, resolve } from 'node:path';
import { LLMTraceError, type Config, type TraceSpan } from '@llmtrace/core';
import type { SecurityAnalysis } from '@llmtrace/security';
import type { MlScorer, MlStats, MlVerdict } from '@llmtrace/security/ml';
import type { ParsedRequest } from '../providers/types.js';
import { newTurn, type BudgetedSecurityAnalysis } from './span-security.js';

/** Texts of one request the model scores at most: the newest messages of the new turn. */
export const ML_MAX_TEXTS = 8;
/** Characters of one text sent to the model (its token limit cuts far earlier anyway). */
export const ML_MAX_TEXT_CHARS = 16 * 1024;

/** The texts of a request the transformer tier scores, and the message index of each. */
export interface MlInput {
  readonly texts: string[];
  /** `messages` index of each text (undefined: the system prompt). */
  readonly indexes: (number | undefined)[];
}

/**
 * What the model reads of a request: the new turn's user, tool and function messages (the
 * untrusted ones — pasted content and tool results are where indirect injection hides), newest
 * first, at most {@link ML_MAX_TEXTS}. Assistant turns and the operator's system prompt are not
 * scored. Empty when there is nothing to score.
 */
export function mlInput(request: ParsedRequest): MlInput {
  const { analysis, offset } = newTurn(request);
  const texts: string[] = [];
  const indexes: (number | undefined)[] = [];
  for (let i = analysis.messages.length - 1; i >= 0 && texts.length < ML_MAX_TEXTS; i--) {
    const message = analysis.messages[i];
    if (message === undefined || message.role === 'assistant' || message.role === 'system')
      continue;
    const text = message.content.trim();
    if (text === '') continue;
    texts.push(text.length > ML_MAX_TEXT_CHARS ? text.slice(0, ML_MAX_TEXT_CHARS) : text);
    indexes.push(i + offset);
  }
  return { texts, indexes };
}

/** What {@link MlSpanScoring} needs. */
export interface MlSpanScoringOptions {
  readonly scorer: MlScorer;
  /** `security.ml.weight`. */
  readonly weight: number;
  /** Name recorded in findings and tags (the model folder's name). */
  readonly model: string;
  /** `combineWithMl` from `@llmtrace/security/ml` (passed in: that subpath is imported lazily). */
  readonly combine: (
    fast: SecurityAnalysis,
    verdict: MlVerdict,
    weight: number,
  ) => SecurityAnalysis;
}

/**
 * The transformer tier's pass over requests: scores the untrusted texts with the model (in its
 * worker pool, within its time budget) and combines the verdict with the fast tier's analysis.
 * Never throws: a prompt the model could not score in time keeps the fast tier's result, and the
 * span says why (`ml_skipped`).
 */
export class MlSpanScoring {
  readonly #o: MlSpanScoringOptions;
  /** Span tags of analyses made on the request path (block mode), found again in capture. */
  readonly #tags = new WeakMap<object, Record<string, string>>();

  constructor(options: MlSpanScoringOptions) {
    this.#o = options;
  }

  /**
   * Starts the tier from `security.ml`: imports `@llmtrace/security/ml` (only now: nothing of it
   * loads while the tier is off) and starts its worker pool, which loads the model from
   * `model_dir` — local files only. A folder that cannot be used is a configuration error.
   */
  static async start(ml: Config['security']['ml']): Promise<MlSpanScoring> {
    if (ml.model_dir === undefined) {
      throw new LLMTraceError('CONFIG_INVALID', 'security.ml.enabled needs security.ml.model_dir');
    }
    const modelDir = resolve(ml.model_dir);
    const { MlScorerPool, combineWithMl } = await import('@llmtrace/security/ml');
    try {
      const scorer = await MlScorerPool.start({
        modelDir,
        runtimeDir: ml.runtime_dir === undefined ? undefined : resolve(ml.runtime_dir),
        workers: ml.workers,
        threads: ml.threads,
        batchSize: ml.batch_size,
        maxQueue: ml.max_queue,
        timeoutMs: ml.timeout_ms,
        maxTokens: ml.max_tokens,
      });
      return new MlSpanScoring({
        scorer,
        weight: ml.weight,
        model: basename(modelDir),
        combine: combineWithMl,
      });
    } catch (error) {
      throw new LLMTraceError(
        'CONFIG_INVALID',
        `security.ml: cannot start the transformer tier: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  /** The worker pool's counters (`/health`, `/metrics`). */
  stats(): MlStats {
    return this.#o.scorer.stats();
  }

  /** Stops the worker pool; prompts still queued answer `dropped`. */
  close(): Promise<void> {
    return this.#o.scorer.close();
  }

  /** The combined analysis of a request (block mode with `security.ml.block`), or why not. */
  async analyse(
    request: ParsedRequest,
    fast: BudgetedSecurityAnalysis,
  ): Promise<{ analysis: BudgetedSecurityAnalysis; probability: number | null; skipped?: string }> {
    const input = mlInput(request);
    if (input.texts.length === 0) return { analysis: fast, probability: null };
    const outcome = await this.#o.scorer.score(input.texts);
    if (outcome.status !== 'scored') {
      const analysis = { ...fast };
      this.#tags.set(analysis, { ml_skipped: outcome.status });
      return { analysis, probability: null, skipped: outcome.status };
    }
    let best = 0;
    let at = 0;
    outcome.probabilities.forEach((p, i) => {
      if (p > best) {
        best = p;
        at = i;
      }
    });
    const combined = this.#o.combine(
      fast,
      { probability: best, messageIndex: input.indexes[at], model: this.#o.model },
      this.#o.weight,
    );
    const analysis = {
      ...combined,
      ...(fast.partial === undefined ? {} : { partial: fast.partial }),
    };
    this.#tags.set(analysis, { ml_score: best.toFixed(3), ml_model: this.#o.model });
    return { analysis, probability: best };
  }

  /**
   * A span whose request the model already judged on the request path (block mode with
   * `security.ml.block`): not scored again, only given that verdict's tags.
   */
  tagScreened(span: TraceSpan, screening: object): TraceSpan {
    const tags = this.#tags.get(screening);
    return tags === undefined ? span : { ...span, tags: { ...span.tags, ...tags } };
  }

  /**
   * A captured span with the model's verdict folded in: `securityScore` and `securityFindings`
   * combined, `ml_score` (0-1) tagged; or `ml_skipped` (timeout, dropped, failed) when the model
   * gave no answer. Spans that were not analysed (security off for the tenant) are returned as is.
   */
  async enrich(span: TraceSpan, request: ParsedRequest | null): Promise<TraceSpan> {
    if (span.securityScore === null || request === null) return span;
    const fast = { score: span.securityScore, findings: span.securityFindings };
    const result = await this.analyse(request, fast);
    if (result.skipped !== undefined) {
      return { ...span, tags: { ...span.tags, ml_skipped: result.skipped } };
    }
    if (result.probability === null) return span;
    return {
      ...span,
      securityScore: result.analysis.score,
      securityFindings: [...result.analysis.findings],
      tags: {
        ...span.tags,
        ml_score: result.probability.toFixed(3),
        ml_model: this.#o.model,
      },
    };
  }
}
