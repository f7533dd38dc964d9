import { z } from 'zod';

const IsoTime = z.iso.datetime({ offset: true });

/**
 * What an agent action does. `tool_call` is a call the classifier could not place in a more
 * specific type; the others keep `viaToolCall` when they came from one (issue 15).
 */
export const ACTION_TYPES = [
  'tool_call',
  'skill_invocation',
  'command_execution',
  'web_access',
  'file_access',
] as const;

/**
 * One of {@link ACTION_TYPES}.
 *
 * @example
 * ActionType.parse('web_access');
 */
export const ActionType = z.enum(ACTION_TYPES);
/** See {@link ActionType}. */
export type ActionType = z.infer<typeof ActionType>;

/**
 * Upper bound, in UTF-8 bytes, of each free-text field (arguments, result, stdout): an agent that
 * reads a 50 MB file must not turn one span into a 50 MB row. {@link boundAgentAction} enforces it.
 */
export const ACTION_TEXT_LIMIT_BYTES = 4096;

const FileOperation = z.enum(['read', 'write', 'delete']);
/** What a file access did. */
export type FileOperation = z.infer<typeof FileOperation>;

// Common fields. Internals are camelCase; the REST edge maps them to snake_case (STYLE.md 28).
const common = {
  id: z.string().min(1),
  /** The tool, command or skill name as the agent named it (`run_shell`, `read_file`…). */
  name: z.string().min(1).max(256),
  /** The arguments as sent (usually JSON text), at most 4 KB. */
  arguments: z.string().nullable().default(null),
  /** What the tool returned, at most 4 KB. */
  result: z.string().nullable().default(null),
  durationMs: z.number().nonnegative().nullable().default(null),
  startedAt: IsoTime.nullable().default(null),
  /** `proxy`: seen in the LLM traffic; `reported`: sent by the client after running it. */
  source: z.enum(['proxy', 'reported']),
  /** The provider's id for the call (`call_…`, `toolu_…`), used to attach results later. */
  toolCallId: z.string().min(1).nullable().default(null),
  /** True when the model asked for it as a tool call (provenance kept after classification). */
  viaToolCall: z.boolean().default(false),
  /** True when a free-text field was cut at {@link ACTION_TEXT_LIMIT_BYTES}. */
  truncated: z.boolean().default(false),
};

const ToolCallAction = z.object({ ...common, actionType: z.literal('tool_call') }).strict();

const SkillInvocationAction = z
  .object({
    ...common,
    actionType: z.literal('skill_invocation'),
    skillName: z.string().min(1),
    /** What made the agent use it (a user phrase, a rule), when known. */
    trigger: z.string().nullable().default(null),
    /** e.g. `success`, `error`, free text from the client. */
    outcome: z.string().nullable().default(null),
  })
  .strict();

const CommandExecutionAction = z
  .object({
    ...common,
    actionType: z.literal('command_execution'),
    command: z.string().min(1),
    exitCode: z.number().int().nullable().default(null),
    /** The start of the output, at most 4 KB. */
    stdout: z.string().nullable().default(null),
  })
  .strict();

const WebAccessAction = z
  .object({
    ...common,
    actionType: z.literal('web_access'),
    url: z.string().min(1),
    /** Upper-case HTTP method; GET when the tool does not say. */
    method: z.string().min(1).max(16).nullable().default(null),
    statusCode: z.number().int().min(0).max(999).nullable().default(null),
    responseBytes: z.number().int().nonnegative().nullable().default(null),
  })
  .strict();

const FileAccessAction = z
  .object({
    ...common,
    actionType: z.literal('file_access'),
    path: z.string().min(1),
    operation: FileOperation.nullable().default(null),
    bytes: z.number().int().nonnegative().nullable().default(null),
  })
  .strict();

/**
 * Something an agent did or asked to do: a tool call, a skill, a shell command, a web request or a
 * file access (issue 15). Replaces the span's older `AgentAction` once storage and the proxy move to
 * it; until then both exist side by side.
 *
 * @example
 * AgentActionV2.parse({
 *   id: 'a1', actionType: 'command_execution', name: 'run_shell', source: 'proxy',
 *   arguments: '{"command":"ls -la"}', command: 'ls -la', viaToolCall: true,
 * });
 */
export const AgentActionV2 = z.discriminatedUnion('actionType', [
  ToolCallAction,
  SkillInvocationAction,
  CommandExecutionAction,
  WebAccessAction,
  FileAccessAction,
]);
/** An action with every field present. */
export type AgentActionV2 = z.infer<typeof AgentActionV2>;
/** An action as accepted on input (fields with defaults may be left out). */
export type AgentActionV2Input = z.input<typeof AgentActionV2>;
/** The action of one type, e.g. `ActionOf<'web_access'>` has `url`. */
export type ActionOf<T extends ActionType> = Extract<AgentActionV2, { actionType: T }>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Cuts `text` to at most `limit` UTF-8 bytes without splitting a character.
 *
 * @example
 * truncateUtf8('héllo', 2); // { text: 'h', truncated: true }
 */
export function truncateUtf8(
  text: string,
  limit: number = ACTION_TEXT_LIMIT_BYTES,
): { text: string; truncated: boolean } {
  // A string of n UTF-16 units is at most 3n UTF-8 bytes: most texts skip the encoding entirely.
  if (text.length * 3 <= limit) return { text, truncated: false };
  const bytes = encoder.encode(text);
  if (bytes.length <= limit) return { text, truncated: false };
  let end = limit;
  // Back off continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: decoder.decode(bytes.subarray(0, end)), truncated: true };
}

/**
 * Returns the action with `arguments`, `result` and `stdout` cut at {@link ACTION_TEXT_LIMIT_BYTES}
 * and `truncated` set when anything was cut. The input is not modified.
 *
 * @example
 * boundAgentAction(action).truncated; // true when the result was a 1 MB page
 */
export function boundAgentAction<A extends AgentActionV2>(action: A): A {
  let cut = false;
  const bound = (value: string | null): string | null => {
    if (value === null) return null;
    const t = truncateUtf8(value);
    cut ||= t.truncated;
    return t.text;
  };
  const next = { ...action, arguments: bound(action.arguments), result: bound(action.result) };
  if (next.actionType === 'command_execution') next.stdout = bound(next.stdout);
  if (!cut) return action;
  return { ...next, truncated: true };
}

/**
 * Validates an action and bounds its free text in one step: the entry point for anything arriving
 * from outside (proxied traffic, the reporting API). Throws the `ZodError` on invalid input.
 *
 * @example
 * const action = parseAgentAction({ id: 'a1', actionType: 'tool_call', name: 'get_weather', source: 'proxy' });
 */
export function parseAgentAction(input: unknown): AgentActionV2 {
  return boundAgentAction(AgentActionV2.parse(input));
}

/**
 * The actions of one type, typed by it.
 *
 * @example
 * actionsOfType(span.actions, 'web_access').map((a) => a.url);
 */
export function actionsOfType<T extends ActionType>(
  actions: readonly AgentActionV2[],
  type: T,
): ActionOf<T>[] {
  return actions.filter((a): a is ActionOf<T> => a.actionType === type);
}

/**
 * Every action the model asked for as a tool call, whatever it was classified as.
 *
 * @example
 * toolCalls(span.actions).length; // 2
 */
export function toolCalls(actions: readonly AgentActionV2[]): AgentActionV2[] {
  return actions.filter((a) => a.viaToolCall || a.actionType === 'tool_call');
}

/**
 * Shell commands among the actions.
 *
 * @example
 * commands(span.actions).map((a) => a.command);
 */
export function commands(actions: readonly AgentActionV2[]): ActionOf<'command_execution'>[] {
  return actionsOfType(actions, 'command_execution');
}

/**
 * Web requests among the actions.
 *
 * @example
 * webAccesses(span.actions).map((a) => new URL(a.url).hostname);
 */
export function webAccesses(actions: readonly AgentActionV2[]): ActionOf<'web_access'>[] {
  return actionsOfType(actions, 'web_access');
}

/**
 * File accesses among the actions.
 *
 * @example
 * fileAccesses(span.actions).filter((a) => a.operation === 'write');
 */
export function fileAccesses(actions: readonly AgentActionV2[]): ActionOf<'file_access'>[] {
  return actionsOfType(actions, 'file_access');
}

/** The per-span flags the trace and span filters query (`has_tool_calls`…). */
export interface ActionFlags {
  readonly hasToolCalls: boolean;
  readonly hasCommands: boolean;
  readonly hasWebAccess: boolean;
  readonly hasFileAccess: boolean;
}

/**
 * Computes the filter flags of a span from its actions, so storage can keep them as indexed
 * columns instead of scanning JSON.
 *
 * @example
 * actionFlags(span.actions).hasCommands; // true
 */
export function actionFlags(actions: readonly AgentActionV2[]): ActionFlags {
  let hasToolCalls = false;
  let hasCommands = false;
  let hasWebAccess = false;
  let hasFileAccess = false;
  for (const a of actions) {
    hasToolCalls ||= a.viaToolCall || a.actionType === 'tool_call';
    hasCommands ||= a.actionType === 'command_execution';
    hasWebAccess ||= a.actionType === 'web_access';
    hasFileAccess ||= a.actionType === 'file_access';
  }
  return { hasToolCalls, hasCommands, hasWebAccess, hasFileAccess };
}
