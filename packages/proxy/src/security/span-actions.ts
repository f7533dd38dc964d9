import {
  createToolCallClassifier,
  parseAgentAction,
  type AgentActionV2,
  type AgentActionV2Input,
  type SecurityFinding,
  type ToolCallClassifier,
  type ToolCallRuleInput,
} from '@llmtrace/core';
import { analyzeAction, combineScore, type AnalyzeActionOptions } from '@llmtrace/security';
import type { ChatMessage, ParsedRequest, ToolCall } from '../providers/types.js';

/** Actions and what analysing them found. */
export interface ActionAnalysis {
  readonly actions: AgentActionV2[];
  readonly findings: SecurityFinding[];
  /** {@link combineScore} of the findings alone (0 when none). */
  readonly score: number;
}

/** A tool result of the request, matched to the call it answers when the request shows it. */
export interface ToolResultOfRequest {
  readonly toolCallId: string | null;
  readonly name: string;
  readonly arguments: string | null;
  readonly result: string;
}

/**
 * The tool results of the request's new turn (after the last assistant message: earlier results
 * were recorded by earlier spans), each matched to its call in the conversation the request
 * carries — by `tool_call_id`, else by the tool name the result gives, else by position among the
 * last assistant turn's calls (Ollama has no ids).
 */
export function toolResultsOf(messages: readonly ChatMessage[]): ToolResultOfRequest[] {
  let lastAssistant = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'assistant') {
      lastAssistant = i;
      break;
    }
  }
  const byId = new Map<string, ToolCall>();
  for (const m of messages) {
    for (const call of m.toolCalls ?? []) if (call.id !== null) byId.set(call.id, call);
  }
  const turnCalls = messages[lastAssistant]?.toolCalls ?? [];
  const results: ToolResultOfRequest[] = [];
  let position = 0;
  for (let i = lastAssistant + 1; i < messages.length; i++) {
    const m = messages[i];
    if (m === undefined || (m.role !== 'tool' && m.role !== 'function')) continue;
    const id = m.toolCallId ?? null;
    const call =
      (id === null ? undefined : byId.get(id)) ??
      (m.toolName == null ? undefined : turnCalls.find((c) => c.name === m.toolName)) ??
      (id === null && m.toolName == null ? turnCalls[position] : undefined);
    position += 1;
    results.push({
      toolCallId: id ?? call?.id ?? null,
      name: call?.name || m.toolName || 'tool',
      arguments: call?.arguments ?? null,
      result: m.content,
    });
  }
  return results;
}

const RESULT_IN_REQUEST: AnalyzeActionOptions = Object.freeze({
  injection: false,
  secrets: false,
  pii: false,
});

let defaultAnalyzer: ActionAnalyzer | undefined;

/** The analyzer with the built-in rules only, built on first use. */
export function defaultActionAnalyzer(): ActionAnalyzer {
  defaultAnalyzer ??= createActionAnalyzer();
  return defaultAnalyzer;
}

/** Options of {@link createActionAnalyzer}. */
export interface ActionAnalyzerOptions {
  /** Extra classification rules from config (`security.action_rules`), tried before the defaults. */
  readonly rules?: readonly ToolCallRuleInput[];
  /** Passed to `analyzeAction` (tests use `classifier: null`). */
  readonly analyze?: AnalyzeActionOptions;
}

/** Turns tool calls and reported actions into classified, analysed actions. */
export interface ActionAnalyzer {
  /** A tool call the model asked for, classified (its `tool_call` provenance kept). */
  fromToolCall(
    call: { id: string; toolCallId: string | null; name: string; arguments: string | null },
    extra: Partial<AgentActionV2Input>,
  ): AgentActionV2;
  /**
   * The actions of one proxied exchange: the answer's tool calls, and the request's tool results
   * attached to the calls they answer. Never throws.
   */
  proxied(input: {
    readonly spanId: string;
    readonly request: ParsedRequest;
    readonly toolCalls: readonly ToolCall[];
    readonly at: string;
  }): AgentActionV2[];
  /** Findings of every action and their combined score. */
  analyze(actions: readonly AgentActionV2[], options?: AnalyzeActionOptions): ActionAnalysis;
}

/**
 * Compiles the classifier once (invalid config rules throw `CONFIG_INVALID` here, at start) and
 * returns the pure functions capture and the reporting API share (issue 15).
 *
 * @example
 * const actions = createActionAnalyzer();
 * actions.analyze(actions.proxied({ spanId, request, toolCalls, at })).findings;
 */
export function createActionAnalyzer(options: ActionAnalyzerOptions = {}): ActionAnalyzer {
  const classify: ToolCallClassifier = createToolCallClassifier(options.rules ?? []);
  const fromToolCall: ActionAnalyzer['fromToolCall'] = (call, extra) => {
    const name = call.name === '' ? 'tool' : call.name.slice(0, 256);
    const base = {
      id: call.id,
      name,
      arguments: call.arguments,
      source: 'proxy' as const,
      toolCallId: call.toolCallId,
      viaToolCall: true,
      ...extra,
    };
    const c = classify(name, call.arguments);
    switch (c.actionType) {
      case 'tool_call':
        return parseAgentAction({ ...base, actionType: 'tool_call' });
      case 'command_execution':
        return parseAgentAction({ ...base, actionType: c.actionType, command: c.command });
      case 'web_access':
        return parseAgentAction({
          ...base,
          actionType: c.actionType,
          url: c.url,
          method: c.method,
        });
      case 'file_access':
        return parseAgentAction({
          ...base,
          actionType: c.actionType,
          path: c.path,
          operation: c.operation,
        });
      case 'skill_invocation':
        return parseAgentAction({ ...base, actionType: c.actionType, skillName: c.skillName });
    }
  };
  return {
    fromToolCall,
    proxied({ spanId, request, toolCalls, at }) {
      const actions: AgentActionV2[] = [];
      const ids = new Set<string>();
      const uniqueId = (wanted: string | null, fallback: string): string => {
        let id = wanted ?? fallback;
        if (ids.has(id)) id = `${id}-${ids.size}`;
        ids.add(id);
        return id;
      };
      // Results first: they answer calls of earlier turns; the new calls follow in answer order.
      toolResultsOf(request.messages).forEach((r, i) => {
        const id = uniqueId(r.toolCallId === null ? null : `result-${r.toolCallId}`, `result-${i}`);
        actions.push(
          fromToolCall(
            { id, toolCallId: r.toolCallId, name: r.name, arguments: r.arguments },
            { result: r.result },
          ),
        );
      });
      toolCalls.forEach((call, i) => {
        actions.push(
          fromToolCall(
            {
              id: uniqueId(call.id, `${spanId}-call-${i}`),
              toolCallId: call.id,
              name: call.name,
              arguments: call.arguments,
            },
            { startedAt: at },
          ),
        );
      });
      return actions;
    },
    analyze(actions, perCall) {
      const findings = actions.flatMap((a) =>
        analyzeAction(a, {
          ...options.analyze,
          // A result the proxy saw in a request is a `tool` message there, already scored by the
          // request analysis (indirect injection, secrets, PII): only the action rules run here.
          ...(a.source === 'proxy' && a.result !== null ? RESULT_IN_REQUEST : {}),
          ...perCall,
        }),
      );
      return {
        actions: [...actions],
        findings,
        score: findings.length === 0 ? 0 : combineScore(findings, 0),
      };
    },
  };
}
