import { readFileSync } from 'node:fs';
import { resolveConfig, type Config, type ConfigIssue } from '@llmtrace/core';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';

/** A config problem with the file position when it came from the file. */
export interface LocatedConfigIssue extends ConfigIssue {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** Outcome of {@link loadConfig}. */
export type LoadConfigResult =
  | { readonly ok: true; readonly config: Readonly<Config> }
  | { readonly ok: false; readonly issues: readonly LocatedConfigIssue[] };

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

/**
 * Loads the configuration: YAML file < `LLMTRACE_*` environment < CLI flags, with `${VAR}`
 * interpolation, validated and frozen. Problems come back all at once, each with its path and, when it
 * is in the file, its line and column.
 *
 * @example
 * const result = loadConfig({ file: 'config.yaml', env: process.env, flags: { port: '9000' } });
 */
export function loadConfig(options: {
  readonly file?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags?: ConfigFlags;
}): LoadConfigResult {
  let fileValue: unknown = undefined;
  let doc: Document | undefined;
  const counter = new LineCounter();
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
      return {
        ok: false,
        issues: [
          { path: '(root)', message: `cannot read ${options.file}: ${reason}`, file: options.file },
        ],
      };
    }
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return {
        ok: false,
        issues: doc.errors.map((e) => {
          const pos = e.linePos?.[0];
          return {
            path: '(root)',
            message: `YAML syntax: ${e.message.split('\n')[0] ?? e.code}`,
            source: 'file' as const,
            file: options.file,
            ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
          };
        }),
      };
    }
    fileValue = doc.toJS() as unknown;
  }
  const result = resolveConfig({
    file: fileValue,
    env: options.env,
    flags: flagsLayer(options.flags ?? {}),
  });
  if (result.ok) return result;
  return {
    ok: false,
    issues: result.issues.map((issue) => {
      if (doc === undefined || issue.source !== 'file') return issue;
      const pos = locate(doc, counter, issue.path);
      return { ...issue, file: options.file, ...(pos ?? {}) };
    }),
  };
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
