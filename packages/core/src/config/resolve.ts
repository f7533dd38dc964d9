import type { z } from 'zod';
import { LEGACY_ENV_NAMES, translateLegacyNames } from './legacy-names.js';
import type { ConfigIssue } from './config-issue.js';
import { ConfigSchema, type Config } from './schema.js';

export type { ConfigIssue } from './config-issue.js';

/**
 * Outcome of {@link resolveConfig}: a frozen config or every problem found, and in both cases the
 * warnings (old names read as new ones, environment variables that set nothing).
 */
export type ConfigResult =
  | {
      readonly ok: true;
      readonly config: Readonly<Config>;
      readonly warnings: readonly ConfigIssue[];
    }
  | {
      readonly ok: false;
      readonly issues: readonly ConfigIssue[];
      readonly warnings: readonly ConfigIssue[];
    };

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
const ENV_PREFIX = 'LLMTRACE_';
/** Variables the test suite reads (README "Development"); they configure no proxy. */
const TEST_ENV_PREFIX = 'LLMTRACE_TEST_';
/**
 * Variables of LLMTrace's own client SDKs (Python `llmtrace`), which often share an environment
 * with the proxy: they configure no proxy, and are not reported as mistakes.
 */
const SDK_ENV_NAMES: ReadonlySet<string> = new Set([
  'LLMTRACE_PROXY_URL',
  'LLMTRACE_API_KEY',
  'LLMTRACE_TENANT_ID',
  'LLMTRACE_AGENT_ID',
  'LLMTRACE_SESSION_ID',
]);

/**
 * How a key path is spelled as an environment variable.
 *
 * @example
 * envNameOf('listen.port'); // 'LLMTRACE_LISTEN__PORT'
 */
export function envNameOf(path: string): string {
  if (path === 'listen_addr') return 'LLMTRACE_LISTEN_ADDR';
  if (path === 'storage.database_path') return 'LLMTRACE_STORAGE_DATABASE_PATH';
  return `${ENV_PREFIX}${path.toUpperCase().replaceAll('.', '__')}`;
}

function setIn(layer: Plain, segments: readonly string[], value: string): void {
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

/**
 * Reads `LLMTRACE_*` environment variables as a config layer: `__` separates levels and names are
 * lower-cased, so `LLMTRACE_LISTEN__PORT=9000` sets `listen.port` and `LLMTRACE_UPSTREAM_URL` sets
 * `upstream_url`. The original's `LLMTRACE_LISTEN_ADDR` and `LLMTRACE_STORAGE_DATABASE_PATH` are read
 * as their old keys (translated later, with a warning). Any other `LLMTRACE_*` variable sets nothing
 * and comes back as an `unknown_env` warning, unless the config file uses it as `${NAME}` (`names`
 * lists those), it is `LLMTRACE_CONFIG` (read by the CLI) or it belongs to the test suite
 * (`LLMTRACE_TEST_*`).
 *
 * @example
 * readEnvLayer({ LLMTRACE_LOGGING__LEVEL: 'debug', LLMTRACE_PORT: '1' }, new Set()).warnings[0]?.path;
 * // 'LLMTRACE_PORT'
 */
export function readEnvLayer(
  env: Readonly<Record<string, string | undefined>>,
  interpolated: ReadonlySet<string>,
): { layer: Plain; warnings: ConfigIssue[] } {
  const layer: Plain = {};
  const warnings: ConfigIssue[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith(ENV_PREFIX)) continue;
    if (name === 'LLMTRACE_STORAGE_DATABASE_PATH') {
      setIn(layer, ['storage', 'database_path'], value);
      continue;
    }
    const segments = name.slice(ENV_PREFIX.length).toLowerCase().split('__');
    const first = segments[0] ?? '';
    if (TOP_LEVEL_KEYS.has(first) || name === 'LLMTRACE_LISTEN_ADDR') {
      setIn(layer, segments, value);
      continue;
    }
    if (
      name in LEGACY_ENV_NAMES ||
      SDK_ENV_NAMES.has(name) ||
      name.startsWith(TEST_ENV_PREFIX) ||
      interpolated.has(name)
    ) {
      continue;
    }
    warnings.push({
      path: name,
      message:
        'is not a setting: it changes nothing (config keys are LLMTRACE_<KEY>, `__` between levels)',
      source: 'env',
      code: 'unknown_env',
    });
  }
  return { layer, warnings };
}

/**
 * Maps `LLMTRACE_*` environment variables onto config keys, as {@link readEnvLayer} does, without
 * the warnings.
 *
 * @example
 * envToLayer({ LLMTRACE_LOGGING__LEVEL: 'debug' }); // { logging: { level: 'debug' } }
 */
export function envToLayer(env: Readonly<Record<string, string | undefined>>): Plain {
  return readEnvLayer(env, new Set()).layer;
}

const VAR_PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed document. `$${` stays a literal
 * `${`. A variable that is unset and has no default is reported with the path where it was used;
 * `names` lists every variable the document refers to.
 *
 * @example
 * interpolateEnv({ key: '${TOKEN}' }, { TOKEN: 's3cret' }).value; // { key: 's3cret' }
 */
export function interpolateEnv(
  document: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { value: unknown; issues: ConfigIssue[]; names: ReadonlySet<string> } {
  const issues: ConfigIssue[] = [];
  const names = new Set<string>();
  const walk = (node: unknown, path: readonly (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const parts = node.split('$${');
      const replaced = parts.map((part) =>
        part.replace(VAR_PATTERN, (_match, name: string, fallback: string | undefined) => {
          names.add(name);
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
  return { value: walk(document, []), issues, names };
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
 * The layer that set the key at `path`, or, for a key no layer set (a cross-field rule such as
 * "auth.enabled needs auth.admin_key"), the layer that set its deepest written parent.
 */
function sourceOf(
  path: readonly PropertyKey[],
  layers: readonly (readonly ['file' | 'env' | 'flags', unknown])[],
): 'file' | 'env' | 'flags' | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const prefix = path.slice(0, depth);
    for (const [name, layer] of layers) if (hasPath(layer, prefix)) return name;
  }
  return undefined;
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

function issuesFromZod(
  error: z.ZodError,
  layers: readonly (readonly ['file' | 'env' | 'flags', unknown])[],
): ConfigIssue[] {
  return error.issues.flatMap((issue) => {
    // An unknown key is reported on its parent; report each key on its own path.
    const paths: PropertyKey[][] =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => [...issue.path, key])
        : [[...issue.path]];
    return paths.map((path): ConfigIssue => {
      const source = sourceOf(path, layers);
      const message =
        issue.code === 'unrecognized_keys' ? `unknown key "${String(path.at(-1))}"` : issue.message;
      return {
        path: formatPath(path),
        message,
        ...(source === undefined ? {} : { source }),
        ...(issue.code === 'unrecognized_keys' ? { code: 'unknown_key' as const } : {}),
      };
    });
  });
}

/**
 * Merges file < environment < flags, reads the original's renamed keys and variables (with a
 * warning each), interpolates `${VAR}`, validates against {@link ConfigSchema} and deep-freezes the
 * result. Every problem is returned, each with its path and the layer it came from; a `${VAR}` that
 * is not set is reported once, not again as the invalid value it left behind.
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
      warnings: [],
    };
  }
  const interpolated = interpolateEnv(layers.file ?? {}, env);
  const file = translateLegacyNames(interpolated.value, 'file', (path) => path);
  const fromEnv = readEnvLayer(env, interpolated.names);
  const envLayer = translateLegacyNames(fromEnv.layer, 'env', envNameOf);
  const flags = layers.flags ?? {};
  const merged = mergeLayers(file.value, envLayer.value, flags);
  const parsed = ConfigSchema.safeParse(merged);
  const unset = new Set(interpolated.issues.map((i) => i.path));
  const issues = [...interpolated.issues, ...file.issues, ...envLayer.issues];
  if (!parsed.success) {
    const ordered = [
      ['flags', flags],
      ['env', envLayer.value],
      ['file', file.value],
    ] as const;
    // A value left empty by an unset ${VAR} was already reported with the variable's name.
    issues.push(...issuesFromZod(parsed.error, ordered).filter((i) => !unset.has(i.path)));
  }
  const warnings = [...file.warnings, ...fromEnv.warnings, ...envLayer.warnings];
  if (issues.length > 0 || !parsed.success) return { ok: false, issues, warnings };
  return { ok: true, config: deepFreeze(parsed.data), warnings };
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
