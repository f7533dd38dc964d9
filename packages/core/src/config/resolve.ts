import type { z } from 'zod';
import { ConfigSchema, type Config } from './schema.js';

/** One configuration problem, with the dotted path of the offending key. */
export interface ConfigIssue {
  /** Dotted path, e.g. `storage.path`; `(root)` for the document itself. */
  readonly path: string;
  readonly message: string;
  /** Which layer the offending value came from, when it is known. */
  readonly source?: 'file' | 'env' | 'flags';
}

/** Outcome of {@link resolveConfig}: a frozen config or every problem found. */
export type ConfigResult =
  | { readonly ok: true; readonly config: Readonly<Config> }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** The layers merged by {@link resolveConfig}, lowest precedence first. */
export interface ConfigLayers {
  /** The parsed YAML document (any shape; it is validated here). */
  readonly file?: unknown;
  /** Usually `process.env`; only `LLMTRACE_*` names whose first segment is a config key are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Values from CLI flags, already nested (`{ listen: { port: '9000' } }`). */
  readonly flags?: Readonly<Record<string, unknown>>;
}

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges plain objects; later layers win, arrays and scalars are replaced whole.
 *
 * @example
 * mergeLayers({ a: { b: 1 } }, { a: { c: 2 } }); // { a: { b: 1, c: 2 } }
 */
export function mergeLayers(...layers: readonly unknown[]): unknown {
  let result: unknown = undefined;
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (isPlainObject(result) && isPlainObject(layer)) {
      const merged: Plain = { ...result };
      for (const [key, value] of Object.entries(layer)) {
        merged[key] = mergeLayers(merged[key], value);
      }
      result = merged;
    } else {
      result = layer;
    }
  }
  return result;
}

const TOP_LEVEL_KEYS = new Set(Object.keys(ConfigSchema.shape));

/**
 * Maps `LLMTRACE_*` environment variables onto config keys: `__` separates levels and names are
 * lower-cased, so `LLMTRACE_LISTEN__PORT=9000` sets `listen.port` and `LLMTRACE_UPSTREAM_URL` sets
 * `upstream_url`. Variables whose first segment is not a config key (e.g. `LLMTRACE_ADMIN_KEY`, used
 * for `${…}` interpolation) are ignored.
 *
 * @example
 * envToLayer({ LLMTRACE_LOGGING__LEVEL: 'debug' }); // { logging: { level: 'debug' } }
 */
export function envToLayer(env: Readonly<Record<string, string | undefined>>): Plain {
  const layer: Plain = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith('LLMTRACE_')) continue;
    const segments = name.slice('LLMTRACE_'.length).toLowerCase().split('__');
    if (!TOP_LEVEL_KEYS.has(segments[0] ?? '')) continue;
    let node = layer;
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) {
        node[segment] = value;
      } else {
        const next = node[segment];
        node = isPlainObject(next) ? next : (node[segment] = {});
      }
    });
  }
  return layer;
}

const VAR_PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed document. `$${` stays a literal
 * `${`. A variable that is unset and has no default is reported with the path where it was used.
 *
 * @example
 * interpolateEnv({ key: '${TOKEN}' }, { TOKEN: 's3cret' }); // { value: { key: 's3cret' }, issues: [] }
 */
export function interpolateEnv(
  document: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { value: unknown; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, path: readonly (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const parts = node.split('$${');
      const replaced = parts.map((part) =>
        part.replace(VAR_PATTERN, (_match, name: string, fallback: string | undefined) => {
          const value = env[name];
          if (value !== undefined && value !== '') return value;
          if (fallback !== undefined) return fallback;
          issues.push({
            path: formatPath(path),
            message: `environment variable ${name} is not set (use \${${name}:-default} for a default)`,
            source: 'file',
          });
          return '';
        }),
      );
      return replaced.join('${');
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (isPlainObject(node)) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  };
  return { value: walk(document, []), issues };
}

/**
 * Dotted path for an issue path.
 *
 * @example
 * formatPath(['storage', 'path']); // 'storage.path'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replaceAll('.[', '[');
}

function hasPath(layer: unknown, path: readonly PropertyKey[]): boolean {
  let node = layer;
  for (const key of path) {
    if (!isPlainObject(node) || typeof key === 'symbol' || !(String(key) in node)) return false;
    node = node[String(key)];
  }
  return true;
}

/**
 * Recursively freezes an object graph.
 *
 * @example
 * const frozen = deepFreeze({ a: { b: 1 } });
 */
export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function issuesFromZod(error: z.ZodError, layers: ConfigLayers, envLayer: Plain): ConfigIssue[] {
  return error.issues.map((issue) => {
    // An unknown key is reported on its parent; point at the key itself.
    const path: PropertyKey[] =
      issue.code === 'unrecognized_keys' && issue.keys.length === 1
        ? [...issue.path, issue.keys[0] as string]
        : [...issue.path];
    const source = hasPath(layers.flags, path)
      ? 'flags'
      : hasPath(envLayer, path)
        ? 'env'
        : hasPath(layers.file, path)
          ? 'file'
          : undefined;
    return source === undefined
      ? { path: formatPath(path), message: issue.message }
      : { path: formatPath(path), message: issue.message, source };
  });
}

/**
 * Merges file < environment < flags, interpolates `${VAR}`, validates against {@link ConfigSchema}
 * and deep-freezes the result. Every problem is returned, each with its path.
 *
 * @example
 * const result = resolveConfig({ file: { upstream_url: 'http://127.0.0.1:11434' }, env: process.env });
 * if (!result.ok) for (const i of result.issues) console.error(`${i.path}: ${i.message}`);
 */
export function resolveConfig(layers: ConfigLayers): ConfigResult {
  const env = layers.env ?? {};
  if (layers.file !== undefined && layers.file !== null && !isPlainObject(layers.file)) {
    return {
      ok: false,
      issues: [
        {
          path: '(root)',
          message: 'the config file must be a mapping of keys to values',
          source: 'file',
        },
      ],
    };
  }
  const interpolated = interpolateEnv(layers.file ?? {}, env);
  const envLayer = envToLayer(env);
  const merged = mergeLayers(interpolated.value, envLayer, layers.flags ?? {});
  const parsed = ConfigSchema.safeParse(merged);
  const issues = [...interpolated.issues];
  if (!parsed.success) issues.push(...issuesFromZod(parsed.error, layers, envLayer));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, config: deepFreeze(parsed.data) };
}

/**
 * Builds a config from a partial input, throwing on problems — for tests and embedding.
 *
 * @example
 * const config = buildConfig({ upstream_url: 'http://127.0.0.1:9999', storage: { profile: 'memory' } });
 */
export function buildConfig(input: unknown): Readonly<Config> {
  const result = resolveConfig({ file: input });
  if (!result.ok) {
    throw new Error(
      `invalid config: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
  return result.config;
}
