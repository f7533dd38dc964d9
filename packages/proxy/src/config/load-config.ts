import { readFileSync } from 'node:fs';
import {
  envNameOf,
  listConfigKeys,
  resolveConfig,
  type Config,
  type ConfigIssue,
} from '@llmtrace/core';
import { distance } from 'fastest-levenshtein';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';

/** A config problem with the file position when it came from the file. */
export interface LocatedConfigIssue extends ConfigIssue {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Outcome of {@link loadConfig}; `warnings` (old names read as new ones, `LLMTRACE_*` variables that
 * set nothing) come back either way, located like the issues.
 */
export type LoadConfigResult =
  | {
      readonly ok: true;
      readonly config: Readonly<Config>;
      readonly file: string | undefined;
      readonly warnings: readonly LocatedConfigIssue[];
    }
  | {
      readonly ok: false;
      readonly issues: readonly LocatedConfigIssue[];
      readonly warnings: readonly LocatedConfigIssue[];
    };

/** CLI flags that override the file and the environment. */
export interface ConfigFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly upstream?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly storagePath?: string | undefined;
}

function flagsLayer(flags: ConfigFlags): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  const listen: Record<string, unknown> = {};
  if (flags.port !== undefined) listen['port'] = flags.port;
  if (flags.host !== undefined) listen['host'] = flags.host;
  if (Object.keys(listen).length > 0) layer['listen'] = listen;
  if (flags.upstream !== undefined) layer['upstream_url'] = flags.upstream;
  if (flags.logLevel !== undefined) layer['logging'] = { level: flags.logLevel };
  if (flags.storagePath !== undefined)
    layer['storage'] = { profile: 'lite', path: flags.storagePath };
  return layer;
}

function locate(
  doc: Document,
  counter: LineCounter,
  path: string,
): { line: number; column: number } | undefined {
  if (path === '(root)') return undefined;
  const segments = path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '');
  // Walk as deep as the document goes: an unknown or missing key points at its nearest parent.
  for (let depth = segments.length; depth > 0; depth--) {
    const keys = segments.slice(0, depth).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const parent = keys.length > 1 ? doc.getIn(keys.slice(0, -1), true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find(
        (item) => isScalar(item.key) && item.key.value === keys.at(-1),
      );
      const node = pair?.key;
      if (isScalar(node) && node.range !== undefined && node.range !== null) {
        const pos = counter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    const node = doc.getIn(keys, true);
    if (node !== undefined && node !== null && typeof node === 'object' && 'range' in node) {
      const range = (node as { range?: [number, number, number] | null }).range;
      if (range !== undefined && range !== null) {
        const pos = counter.linePos(range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
  }
  return undefined;
}

// A typo is at most a third of the name away (at least 2 edits: a swapped pair of letters costs 2).
function closeEnough(a: string, b: string): boolean {
  return distance(a, b) <= Math.max(2, Math.floor(a.length / 3));
}

/** A concrete path as the user writes it: `alerts.channels[0].type`. */
function pathOf(segments: readonly string[]): string {
  return segments.join('.').replaceAll(/\.(\d+)(?=\.|$)/g, '[$1]');
}

function segmentsOf(path: string): string[] {
  return path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '');
}

/** Does a concrete path (`budgets.tenants.acme`) fit a schema key (`budgets.tenants.*`)? */
function fits(concrete: readonly string[], pattern: readonly string[]): boolean {
  return (
    concrete.length === pattern.length &&
    pattern.every((p, i) => {
      const c = concrete[i] ?? '';
      return p === '*' || (p === '[]' ? /^\d+$/.test(c) : p === c);
    })
  );
}

/**
 * The known key closest to an unknown one: a sibling within a few typing errors, else a key of the
 * same name elsewhere (`port` at the top level means `listen.port`).
 */
function suggestKey(path: string): string | undefined {
  const segments = segmentsOf(path);
  const key = segments.at(-1);
  if (key === undefined) return undefined;
  const parent = segments.slice(0, -1);
  const keys = listConfigKeys();
  let best: { path: string; cost: number } | undefined;
  for (const known of keys) {
    if (!fits(parent, known.segments.slice(0, -1)) || known.segments.length !== segments.length) {
      continue;
    }
    const name = known.segments.at(-1) ?? '';
    if (!closeEnough(key, name)) continue;
    const cost = distance(key, name);
    if (best === undefined || cost < best.cost) {
      best = { path: pathOf([...parent, name]), cost };
    }
  }
  if (best !== undefined) return best.path;
  return keys.find((k) => k.segments.at(-1) === key && !k.path.includes('*'))?.path;
}

/**
 * For a key that exists only in other variants of its section (`storage.path` with
 * `profile: memory`): the field that picks the variant, as the user writes it
 * (`alerts.channels[0].type`), and the values that have the key. Suggesting the key's own name
 * back would only confuse.
 */
function variantOnly(path: string): { field: string; values: readonly string[] } | undefined {
  const segments = segmentsOf(path);
  const only = listConfigKeys().find(
    (k) => k.only !== undefined && fits(segments, k.segments),
  )?.only;
  return only === undefined
    ? undefined
    : { field: pathOf([...segments.slice(0, -1), only.field]), values: only.values };
}

/** The environment variable closest to an unknown `LLMTRACE_*` one, within a few typing errors. */
function suggestEnv(name: string): string | undefined {
  let best: { name: string; cost: number } | undefined;
  for (const known of listConfigKeys()) {
    if (!known.leaf || known.path.includes('*') || known.path.includes('[]')) continue;
    const candidate = envNameOf(known.path);
    if (!closeEnough(name, candidate)) continue;
    const cost = distance(name, candidate);
    if (best === undefined || cost < best.cost) best = { name: candidate, cost };
  }
  return best?.name;
}

/** Adds "did you mean …?" to an unknown key or variable, spelled the way its layer spells keys. */
function withSuggestion(issue: ConfigIssue): ConfigIssue {
  if (issue.code === 'unknown_env') {
    const near = suggestEnv(issue.path);
    return near === undefined
      ? issue
      : { ...issue, message: `${issue.message}; did you mean ${near}?` };
  }
  if (issue.code === 'unknown_key') {
    const variant = variantOnly(issue.path);
    if (variant !== undefined) {
      const spelled = issue.source === 'env' ? envNameOf(variant.field) : variant.field;
      const values = variant.values.join(' or ');
      return {
        ...issue,
        message: `${issue.message}: it is read only when ${spelled} is ${values}`,
      };
    }
    const near = suggestKey(issue.path);
    if (near === undefined) return issue;
    const spelled = issue.source === 'env' ? envNameOf(near) : near;
    return { ...issue, message: `${issue.message} (did you mean ${spelled}?)` };
  }
  return issue;
}

function located(
  issues: readonly ConfigIssue[],
  file: string | undefined,
  doc: Document | undefined,
  counter: LineCounter,
): LocatedConfigIssue[] {
  return issues.map((raw) => {
    const issue = withSuggestion(raw);
    if (doc === undefined || issue.source !== 'file') return issue;
    const pos = locate(doc, counter, issue.path);
    return { ...issue, file, ...(pos ?? {}) };
  });
}

/**
 * Loads the configuration: YAML file < `LLMTRACE_*` environment < CLI flags, with `${VAR}`
 * interpolation, validated and frozen. Problems come back all at once, each with its path and, when it
 * is in the file, its line and column; an unknown key or variable names the closest known one. With no
 * `file`, the original's `LLMTRACE_CONFIG` variable names it (with a warning naming `--config`).
 *
 * @example
 * const result = loadConfig({ file: 'config.yaml', env: process.env, flags: { port: '9000' } });
 */
export function loadConfig(options: {
  readonly file?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags?: ConfigFlags;
}): LoadConfigResult {
  const early: LocatedConfigIssue[] = [];
  let file = options.file;
  const fromEnv = options.env['LLMTRACE_CONFIG'];
  if (file === undefined && fromEnv !== undefined && fromEnv !== '') {
    file = fromEnv;
    early.push({
      path: 'LLMTRACE_CONFIG',
      message: `is an old name, read as --config ${fromEnv}; pass --config instead`,
      source: 'env',
    });
  } else if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== file) {
    early.push({
      path: 'LLMTRACE_CONFIG',
      message: `is ignored: --config ${file ?? ''} is given`,
      source: 'env',
    });
  }
  let fileValue: unknown = undefined;
  let doc: Document | undefined;
  const counter = new LineCounter();
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
      return {
        ok: false,
        issues: [{ path: '(root)', message: `cannot read ${file}: ${reason}`, file }],
        warnings: early,
      };
    }
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return {
        ok: false,
        issues: doc.errors.map((e) => {
          // `linePos` is filled only with prettyErrors; the line counter gives the same from `pos`.
          const pos = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
          return {
            path: '(root)',
            message: `YAML syntax: ${e.message.split('\n')[0] ?? e.code}`,
            source: 'file' as const,
            file,
            ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
          };
        }),
        warnings: early,
      };
    }
    fileValue = doc.toJS() as unknown;
  }
  const result = resolveConfig({
    file: fileValue,
    env: options.env,
    flags: flagsLayer(options.flags ?? {}),
  });
  const warnings = [...early, ...located(result.warnings, file, doc, counter)];
  if (result.ok) return { ok: true, config: result.config, file, warnings };
  return { ok: false, issues: located(result.issues, file, doc, counter), warnings };
}

/**
 * One line per issue, `file:line:col path: message`.
 *
 * @example
 * formatIssues(result.issues); // 'config.yaml:3:3 listen.port: Too big: expected number to be <=65535'
 */
export function formatIssues(issues: readonly LocatedConfigIssue[]): string {
  return issues
    .map((i) => {
      const where =
        i.file !== undefined
          ? `${i.file}${i.line !== undefined ? `:${i.line}:${i.column ?? 1}` : ''} `
          : i.source !== undefined
            ? `(${i.source}) `
            : '';
      return `  ${where}${i.path}: ${i.message}`;
    })
    .join('\n');
}
