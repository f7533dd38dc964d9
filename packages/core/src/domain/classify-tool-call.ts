import { z } from 'zod';
import { LLMTraceError } from '../errors.js';
import type { FileOperation } from './agent-action.js';

/**
 * One classification rule: a tool whose (normalised) name matches `toolName` and whose arguments
 * carry one of `subjectArguments` as a non-empty string (or array of strings, for argv-style
 * commands) is an action of `actionType`, with that argument as its command, URL, path or skill.
 *
 * Names are normalised before matching: camelCase split with `_`, `-`, `.` and spaces folded to `_`,
 * lower-cased — so `readFile`, `read-file` and `Read_File` all read `read_file`.
 *
 * @example
 * ToolCallRule.parse({ id: 'acme.deploy', toolName: '^deploy_script$',
 *   actionType: 'command_execution', subjectArguments: ['script'] });
 */
export const ToolCallRule = z
  .object({
    id: z.string().min(1),
    description: z.string().default(''),
    /** Regular expression source, matched case-insensitively against the normalised name. */
    toolName: z.string().min(1),
    actionType: z.enum(['command_execution', 'web_access', 'file_access', 'skill_invocation']),
    /** Argument names holding the subject; the first present wins. */
    subjectArguments: z.array(z.string().min(1)).min(1),
    /** file_access: what the tool does to the file. */
    operation: z.enum(['read', 'write', 'delete']).optional(),
    /** web_access: the argument naming the HTTP method (default `method`; GET when absent). */
    methodArgument: z.string().min(1).optional(),
  })
  .strict();
/** See {@link ToolCallRule}. */
export type ToolCallRule = z.infer<typeof ToolCallRule>;
/** A rule as written in config (defaults may be left out). */
export type ToolCallRuleInput = z.input<typeof ToolCallRule>;

/** What {@link classifyToolCall} found: the action type and its type-specific fields. */
export type ToolCallClassification =
  | { readonly actionType: 'tool_call'; readonly ruleId: null }
  | { readonly actionType: 'command_execution'; readonly ruleId: string; readonly command: string }
  | {
      readonly actionType: 'web_access';
      readonly ruleId: string;
      readonly url: string;
      readonly method: string;
    }
  | {
      readonly actionType: 'file_access';
      readonly ruleId: string;
      readonly path: string;
      readonly operation: FileOperation | null;
    }
  | {
      readonly actionType: 'skill_invocation';
      readonly ruleId: string;
      readonly skillName: string;
    };

// Token boundaries inside a normalised name: start, end or `_`.
const B = '(?:^|_)';
const E = '(?:_|$)';
const PATH_ARGS = ['path', 'file_path', 'filepath', 'file', 'filename', 'target_file', 'target'];

/**
 * The built-in rules, tried in order after any extra rules. Delete and write come before read so
 * `delete_file` is never taken for a read. Documented in docs/agent-actions.md.
 */
export const DEFAULT_TOOL_CALL_RULES: readonly ToolCallRule[] = Object.freeze([
  {
    id: 'shell',
    description: 'Shell / exec tools with a command argument',
    toolName: `${B}(?:shell|bash|sh|zsh|powershell|pwsh|cmd|exec|execute|terminal|command|subprocess|run_command|run_terminal_cmd)${E}`,
    actionType: 'command_execution',
    subjectArguments: ['command', 'cmd', 'commands', 'script', 'command_line', 'args', 'argv'],
  },
  {
    id: 'web',
    description: 'Fetch / HTTP / browse tools with a URL argument',
    toolName: `${B}(?:fetch|http|https|browse|browser|navigate|open_url|url|web|curl|wget|request|download|scrape|crawl|get_url|visit)${E}`,
    actionType: 'web_access',
    subjectArguments: ['url', 'uri', 'href', 'link', 'address', 'endpoint'],
    methodArgument: 'method',
  },
  {
    id: 'file.delete',
    description: 'Tools that delete a file',
    toolName: `${B}(?:delete|remove|rm|unlink|trash)${E}`,
    actionType: 'file_access',
    subjectArguments: PATH_ARGS,
    operation: 'delete',
  },
  {
    id: 'file.write',
    description: 'Tools that write, edit, create or append to a file',
    toolName: `${B}(?:write|edit|create|save|append|update|patch|str_replace|multi_edit|replace)${E}`,
    actionType: 'file_access',
    subjectArguments: PATH_ARGS,
    operation: 'write',
  },
  {
    id: 'file.read',
    description: 'Tools that read, open, view or list a file or folder',
    toolName: `${B}(?:read|open|view|cat|load|get|list|ls|glob|head|tail|file)${E}`,
    actionType: 'file_access',
    subjectArguments: PATH_ARGS,
    operation: 'read',
  },
  {
    id: 'skill',
    description: 'Skill invocation tools naming the skill',
    toolName: `${B}(?:skill|use_skill|invoke_skill|run_skill)${E}`,
    actionType: 'skill_invocation',
    subjectArguments: ['skill', 'skill_name', 'name'],
  },
] satisfies ToolCallRuleInput[]).map((r) => Object.freeze(ToolCallRule.parse(r)));

interface CompiledRule {
  readonly rule: ToolCallRule;
  readonly name: RegExp;
}

const CAMEL = /([a-z0-9])([A-Z])/g;
const SEPARATORS = /[\s.-]+/g;
const HTTP_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);

/** `readFile` → `read_file`; `Run-Shell` → `run_shell`. */
function normaliseName(name: string): string {
  return name.replace(CAMEL, '$1_$2').replace(SEPARATORS, '_').toLowerCase();
}

function compile(input: ToolCallRuleInput, index: number): CompiledRule {
  const parsed = ToolCallRule.safeParse(input);
  if (!parsed.success) {
    throw new LLMTraceError(
      'CONFIG_INVALID',
      `tool call rule #${index}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  try {
    return { rule: parsed.data, name: new RegExp(parsed.data.toolName, 'i') };
  } catch (cause) {
    throw new LLMTraceError(
      'CONFIG_INVALID',
      `tool call rule "${parsed.data.id}": toolName is not a valid regular expression`,
      { cause },
    );
  }
}

function subjectOf(args: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const v = args[key];
    if (typeof v === 'string' && v.trim().length > 0) return v;
    // argv style: ["bash", "-c", "ls"] reads as one command line.
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) {
      return v.join(' ');
    }
  }
  return undefined;
}

function parseArguments(argumentsJson: string | null | undefined): Record<string, unknown> | null {
  if (argumentsJson === null || argumentsJson === undefined || argumentsJson.length === 0) {
    return null;
  }
  try {
    const value: unknown = JSON.parse(argumentsJson);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    // Models emit broken JSON (cut-off streams); such a call stays a plain tool_call.
    return null;
  }
}

const UNCLASSIFIED: ToolCallClassification = Object.freeze({
  actionType: 'tool_call',
  ruleId: null,
});

/** A classifier bound to a compiled rule list. */
export type ToolCallClassifier = (
  name: string,
  argumentsJson: string | null | undefined,
) => ToolCallClassification;

/**
 * Compiles a classifier: `extraRules` (from config) are tried first, then the defaults. Invalid
 * rules throw a `CONFIG_INVALID` error naming the rule, at construction, never per call.
 *
 * @example
 * const classify = createToolCallClassifier([{ id: 'acme.deploy', toolName: '^deploy$',
 *   actionType: 'command_execution', subjectArguments: ['script'] }]);
 * classify('deploy', '{"script":"make release"}').actionType; // 'command_execution'
 */
export function createToolCallClassifier(
  extraRules: readonly ToolCallRuleInput[] = [],
): ToolCallClassifier {
  const rules = [...extraRules, ...DEFAULT_TOOL_CALL_RULES].map(compile);
  return (name, argumentsJson) => {
    const args = parseArguments(argumentsJson);
    if (args === null) return UNCLASSIFIED;
    const normalised = normaliseName(name);
    for (const { rule, name: pattern } of rules) {
      if (!pattern.test(normalised)) continue;
      const subject = subjectOf(args, rule.subjectArguments);
      if (subject === undefined) continue;
      switch (rule.actionType) {
        case 'command_execution':
          return { actionType: rule.actionType, ruleId: rule.id, command: subject };
        case 'web_access': {
          const m = args[rule.methodArgument ?? 'method'];
          const method = typeof m === 'string' ? m.toUpperCase() : 'GET';
          return {
            actionType: rule.actionType,
            ruleId: rule.id,
            url: subject,
            method: HTTP_METHODS.has(method) ? method : 'GET',
          };
        }
        case 'file_access':
          return {
            actionType: rule.actionType,
            ruleId: rule.id,
            path: subject,
            operation: rule.operation ?? null,
          };
        case 'skill_invocation':
          return { actionType: rule.actionType, ruleId: rule.id, skillName: subject };
      }
    }
    return UNCLASSIFIED;
  };
}

let defaultClassifier: ToolCallClassifier | undefined;

/**
 * Classifies a tool call by its name and JSON arguments with the built-in rules plus `extraRules`.
 * Unknown tools, missing subject arguments and unparsable JSON give `tool_call`. Pass extra rules
 * once to {@link createToolCallClassifier} on hot paths; this form compiles them on every call.
 *
 * @example
 * classifyToolCall('run_shell', '{"command":"ls -la"}');
 * // { actionType: 'command_execution', ruleId: 'shell', command: 'ls -la' }
 */
export function classifyToolCall(
  name: string,
  argumentsJson: string | null | undefined,
  extraRules?: readonly ToolCallRuleInput[],
): ToolCallClassification {
  if (extraRules !== undefined && extraRules.length > 0) {
    return createToolCallClassifier(extraRules)(name, argumentsJson);
  }
  defaultClassifier ??= createToolCallClassifier();
  return defaultClassifier(name, argumentsJson);
}
