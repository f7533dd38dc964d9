import { randomUUID } from 'node:crypto';
import type { SecurityFinding, SecuritySeverity } from '@llmtrace/core';
import { defaultClassifier } from './classifier/default-classifier.js';
import type { InjectionClassifier } from './classifier/injection-classifier.js';
import { detectInjection, type InjectionResult } from './injection/detect-injection.js';
import { maskValue } from './mask-value.js';
import { OWASP_BY_TYPE } from './owasp.js';
import type { FindingType } from './owasp.js';
import { detectPii } from './pii/detect-pii.js';
import type { PiiKind, PiiMatch } from './pii/detect-pii.js';
import {
  detectSystemPromptLeak,
  promptShingles,
  type PromptShingles,
} from './response/system-prompt-leak.js';
import { combineScore } from './score/combine-score.js';
import { ScanCache, type ScanCacheOptions } from './scan-cache.js';
import { detectSecrets, type SecretMatch } from './secrets/detect-secrets.js';
import type {
  AnalysisRequest,
  AnalysisResponse,
  AnalyzeOptions,
  SecurityAnalysis,
} from './types.js';

/** The analysis entry points, bound to one classifier. */
export interface SecurityAnalyzer {
  /** Analyses one text as if it were a user message (library use, eval, benchmarks). */
  analyze(text: string, options?: AnalyzeOptions): SecurityAnalysis;
  /** Analyses a request: user/tool messages fully, system/assistant messages for PII and secrets. */
  analyzeRequest(request: AnalysisRequest, options?: AnalyzeOptions): SecurityAnalysis;
  /** Analyses an answer: PII, credentials and system-prompt leakage. */
  analyzeResponse(
    request: AnalysisRequest,
    response: AnalysisResponse,
    options?: AnalyzeOptions,
  ): SecurityAnalysis;
}

/** How to build an analyzer. */
export interface AnalyzerConfig {
  /** The learned classifier; `null` for rules only. Defaults to the bundled model. */
  readonly classifier?: InjectionClassifier | null;
  /**
   * Bounds of the analyzer's scan cache (used by calls that pass `cachePartition`), or `false` for
   * none. Default: 2 048 texts, 4 Mi characters.
   */
  readonly cache?: ScanCacheOptions | false;
}

/**
 * What the detectors found in one text, filled as each runs. Independent of where the text sits
 * (message index, role), so a repeated text — a system prompt sent with every call — reuses it.
 */
interface TextScan {
  secrets?: SecretMatch[];
  pii?: PiiMatch[];
  injection?: InjectionResult;
  /** The text's word 5-grams, when it is a system prompt answers are checked against. */
  shingles?: PromptShingles;
}

type Side = 'request' | 'response';

const PII_LABEL: Readonly<Record<PiiKind, string>> = {
  email: 'e-mail address',
  phone: 'phone number',
  ssn: 'US Social Security number',
  credit_card: 'payment card number',
  iban: 'IBAN (bank account)',
  ip_address: 'IP address',
};
/** Roles whose text is trusted operator or model text: checked for data exposure, not injection. */
const TRUSTED_ROLES: ReadonlySet<string> = new Set(['system', 'developer', 'assistant']);
/**
 * Roles whose text is data the application fetched (tool and function results, retrieved
 * documents), not words of the user: instructions in it are indirect injection (OWASP LLM01).
 */
const DATA_ROLES: ReadonlySet<string> = new Set(['tool', 'function', 'ipython', 'tool_result']);
/** A finding from the classifier is emitted from this calibrated probability (the decision point). */
const CLASSIFIER_FINDING_MIN = 0.5;

interface Context {
  readonly side: Side;
  readonly detectedAt: string;
  readonly findings: SecurityFinding[];
}

function where(messageIndex: number | undefined): string {
  return messageIndex === undefined ? 'the system prompt' : `message ${messageIndex}`;
}

function push(
  ctx: Context,
  type: FindingType,
  severity: SecuritySeverity,
  confidence: number,
  description: string,
  messageIndex: number | undefined,
  start: number | undefined,
  end: number | undefined,
  metadata: Record<string, unknown>,
): void {
  ctx.findings.push({
    id: randomUUID(),
    type,
    severity,
    confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 1000) / 1000,
    description,
    location: {
      side: ctx.side,
      ...(messageIndex === undefined ? {} : { messageIndex }),
      ...(start === undefined ? {} : { start, end }),
    },
    owaspId: OWASP_BY_TYPE[type],
    detectedAt: ctx.detectedAt,
    metadata,
  });
}

function dataExposure(
  ctx: Context,
  scan: TextScan,
  text: string,
  messageIndex: number | undefined,
  options: AnalyzeOptions | undefined,
  /** The request's text, for telling an echoed value from a disclosed one (built on first use). */
  echoSource: (() => string) | undefined,
): void {
  const inResponse = ctx.side === 'response';
  const field = messageIndex === undefined ? { field: 'system' } : {};
  if (options?.secrets !== false) {
    scan.secrets ??= detectSecrets(text);
    for (const s of scan.secrets) {
      const echoed = echoSource?.().includes(s.value) === true;
      push(
        ctx,
        inResponse ? 'credential_exposure' : 'secret',
        echoed ? 'medium' : s.severity,
        s.confidence,
        inResponse
          ? `The answer contains a ${s.label}${echoed ? ' that the request already contained' : ''}`
          : `${s.label} in ${where(messageIndex)}: it is sent to the model provider; rotate it if real`,
        messageIndex,
        s.start,
        s.end,
        { kind: s.kind, masked: maskValue(s.value), offsetsIn: 'original', ...field },
      );
    }
  }
  if (options?.pii !== false) {
    scan.pii ??= detectPii(text);
    for (const p of scan.pii) {
      const echoed = echoSource?.().includes(p.value) === true;
      const label = PII_LABEL[p.kind];
      push(
        ctx,
        inResponse ? 'data_leakage' : 'pii',
        echoed ? 'info' : p.severity,
        p.confidence,
        inResponse
          ? echoed
            ? `The answer repeats a ${label} the user supplied`
            : `The answer discloses a ${label} not present in the request`
          : `Personal data in ${where(messageIndex)}: ${label}`,
        messageIndex,
        p.start,
        p.end,
        { kind: p.kind, masked: maskValue(p.value), offsetsIn: 'original', ...p.detail, ...field },
      );
    }
  }
}

/** Where an injection signal sits, for the finding's text and metadata. */
function segmentOf(
  role: string,
  span: { readonly start: number; readonly end: number } | undefined,
): { label: string; metadata: Record<string, unknown> } {
  const data = DATA_ROLES.has(role);
  if (data) {
    return {
      label: `${role} result`,
      metadata: {
        segment: span === undefined ? 'tool_result' : 'tool_result_part',
        indirect: true,
      },
    };
  }
  if (span !== undefined) {
    return {
      label: `pasted content (characters ${span.start}-${span.end})`,
      metadata: { segment: 'embedded_content', indirect: true },
    };
  }
  return { label: '', metadata: {} };
}

function injection(
  ctx: Context,
  scan: TextScan,
  text: string,
  messageIndex: number | undefined,
  role: string,
  classifier: InjectionClassifier | null,
): number {
  scan.injection ??= detectInjection(text, classifier);
  const result = scan.injection;
  for (const h of result.hits) {
    const where = segmentOf(role, undefined);
    push(
      ctx,
      h.type,
      h.severity,
      h.confidence,
      where.label === '' ? h.description : `In a ${where.label}: ${h.description}`,
      messageIndex,
      h.start,
      h.end,
      { ...h.metadata, ...where.metadata, offsetsIn: 'normalised' },
    );
  }
  const p = result.modelProbability;
  if (p >= CLASSIFIER_FINDING_MIN) {
    const harmful = result.harmfulShare > 0.5;
    const span = result.modelSegment;
    const where = segmentOf(role, span);
    const what = harmful
      ? 'the message asks for harmful or malicious content or actions'
      : 'the message reads like a prompt-injection or jailbreak attempt';
    push(
      ctx,
      harmful ? 'jailbreak' : 'prompt_injection',
      p >= 0.85 ? 'high' : 'medium',
      p,
      where.label === ''
        ? `Learned classifier: ${what}`
        : `Learned classifier: the ${where.label} contains instructions aimed at the model (${harmful ? 'harmful request' : 'indirect prompt injection'})`,
      messageIndex,
      span?.start,
      span?.end,
      {
        fromClassifier: true,
        intent: harmful ? 'harmful_request' : 'injection',
        probability: Math.round(p * 1000) / 1000,
        ...where.metadata,
        ...(span === undefined ? {} : { offsetsIn: 'normalised' }),
      },
    );
  }
  return p;
}

function finish(ctx: Context, model: number): SecurityAnalysis {
  return { score: combineScore(ctx.findings, model), findings: ctx.findings };
}

function context(side: Side, options: AnalyzeOptions | undefined): Context {
  return { side, detectedAt: (options?.now?.() ?? new Date()).toISOString(), findings: [] };
}

/**
 * Builds an analyzer. Rules are compiled once at module load; the classifier is dequantised once
 * when the default model is first used. The returned functions are pure apart from finding ids and
 * the clock.
 */
export function createAnalyzer(config: AnalyzerConfig = {}): SecurityAnalyzer {
  const classifierOf = (): InjectionClassifier | null =>
    config.classifier === undefined ? defaultClassifier() : config.classifier;
  const cache = config.cache === false ? null : new ScanCache<TextScan>(config.cache);
  const scanOf = (text: string, options: AnalyzeOptions | undefined): TextScan => {
    const partition = options?.cachePartition;
    if (cache === null || partition === undefined) return {};
    return cache.get(partition, text) ?? cache.set(partition, text, {});
  };

  function analyzeRequest(request: AnalysisRequest, options?: AnalyzeOptions): SecurityAnalysis {
    const ctx = context('request', options);
    const classifier = options?.injection === false ? null : classifierOf();
    let model = 0;
    if (request.system !== undefined && request.system.length > 0) {
      dataExposure(
        ctx,
        scanOf(request.system, options),
        request.system,
        undefined,
        options,
        undefined,
      );
    }
    request.messages.forEach((message, index) => {
      const scan = scanOf(message.content, options);
      dataExposure(ctx, scan, message.content, index, options, undefined);
      if (options?.injection === false || TRUSTED_ROLES.has(message.role)) return;
      model = Math.max(
        model,
        injection(ctx, scan, message.content, index, message.role, classifier),
      );
    });
    return finish(ctx, model);
  }

  function analyzeResponse(
    request: AnalysisRequest,
    response: AnalysisResponse,
    options?: AnalyzeOptions,
  ): SecurityAnalysis {
    const ctx = context('response', options);
    let requestText: string | undefined;
    const echoSource = (): string =>
      (requestText ??= [request.system ?? '', ...request.messages.map((m) => m.content)].join(
        '\n',
      ));
    dataExposure(ctx, {}, response.text, undefined, options, echoSource);
    const systemPrompts = [
      request.system ?? '',
      ...request.messages
        .filter((m) => m.role === 'system' || m.role === 'developer')
        .map((m) => m.content),
    ].filter((s) => s.length > 0);
    for (const system of systemPrompts) {
      const scan = scanOf(system, options);
      scan.shingles ??= promptShingles(system);
      const leak = detectSystemPromptLeak(scan.shingles, response.text);
      if (leak === undefined) continue;
      const pct = Math.round(leak.coverage * 100);
      push(
        ctx,
        'system_prompt_leak',
        leak.coverage >= 0.5 ? 'critical' : 'high',
        Math.min(0.99, 0.6 + leak.coverage * 0.4 + Math.min(0.2, leak.longestRun / 100)),
        `The answer repeats the system prompt verbatim (${pct}% of it; longest run ${leak.longestRun} words)`,
        undefined,
        leak.start,
        leak.end,
        { coverage: Math.round(leak.coverage * 1000) / 1000, longestRun: leak.longestRun },
      );
    }
    return finish(ctx, 0);
  }

  function analyze(text: string, options?: AnalyzeOptions): SecurityAnalysis {
    return analyzeRequest({ messages: [{ role: 'user', content: text }] }, options);
  }

  return Object.freeze({ analyze, analyzeRequest, analyzeResponse });
}
