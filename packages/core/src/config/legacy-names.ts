/*
 * Names of the original (Rust) LLMTrace that this configuration renamed. Configs and container
 * environments written for it keep working: each old name is read as its new key, and a warning names
 * the new spelling (issue 12, item 4). Nothing else is renamed; an unknown key is still an error.
 */
import type { ConfigIssue } from './config-issue.js';

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Old environment variables and what they became (`LLMTRACE_CONFIG` is read by the CLI). */
export const LEGACY_ENV_NAMES = Object.freeze({
  LLMTRACE_LISTEN_ADDR: 'LLMTRACE_LISTEN__HOST and LLMTRACE_LISTEN__PORT',
  LLMTRACE_STORAGE_DATABASE_PATH: 'LLMTRACE_STORAGE__PATH',
  LLMTRACE_CONFIG: '--config FILE',
} as const);

// `host:port`, `[v6-address]:port`; the port is required because the old name always carried one.
const ADDRESS = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/;

/**
 * Splits an old `listen_addr` value into the new `listen` section, or null when it is not host:port.
 *
 * @example
 * parseListenAddr('0.0.0.0:8080'); // { host: '0.0.0.0', port: 8080 }
 */
export function parseListenAddr(value: unknown): { host: string; port: number } | null {
  if (typeof value !== 'string') return null;
  const match = ADDRESS.exec(value.trim());
  if (match === null) return null;
  const port = Number(match[3]);
  if (port > 65_535) return null;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** The document with old names replaced by new ones, plus what was translated or refused. */
export interface LegacyTranslation {
  readonly value: unknown;
  readonly warnings: ConfigIssue[];
  readonly issues: ConfigIssue[];
}

/**
 * Reads the old names in one layer (the file, or the environment already mapped to keys): `listen_addr`
 * (`host:port`) becomes `listen.host` and `listen.port`, `storage.database_path` becomes
 * `storage.path`, and `logging.format: text` becomes `pretty`. Keys spelled the new way win over
 * old ones in the same layer. `spell` writes a key path the way that layer spells it (the warnings'
 * paths are spelled so too: `LLMTRACE_LISTEN_ADDR` for the environment).
 *
 * @example
 * translateLegacyNames({ listen_addr: '0.0.0.0:9000' }, 'file', (p) => p).value;
 * // { listen: { host: '0.0.0.0', port: 9000 } }
 */
export function translateLegacyNames(
  layer: unknown,
  source: 'file' | 'env',
  spell: (path: string) => string,
): LegacyTranslation {
  const warnings: ConfigIssue[] = [];
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(layer)) return { value: layer, warnings, issues };
  const out: Plain = { ...layer };

  if ('listen_addr' in out) {
    const raw = out['listen_addr'];
    delete out['listen_addr'];
    const addr = parseListenAddr(raw);
    if (addr === null) {
      issues.push({
        path: spell('listen_addr'),
        message: `must be host:port, e.g. 0.0.0.0:8080 (the old name of ${spell('listen.host')} and ${spell('listen.port')})`,
        source,
      });
    } else {
      const listen = isPlainObject(out['listen']) ? out['listen'] : {};
      out['listen'] = { ...addr, ...listen };
      warnings.push({
        path: spell('listen_addr'),
        message: `is an old name, read as ${spell('listen.host')}=${addr.host} and ${spell('listen.port')}=${addr.port}; rename it to those two`,
        source,
      });
    }
  }

  const storage = out['storage'];
  if (isPlainObject(storage) && 'database_path' in storage) {
    const { database_path: path, ...rest } = storage;
    out['storage'] = { path, ...rest };
    warnings.push({
      path: spell('storage.database_path'),
      message: `is an old name, read as ${spell('storage.path')}; rename it to ${spell('storage.path')}`,
      source,
    });
  }

  const logging = out['logging'];
  if (isPlainObject(logging) && logging['format'] === 'text') {
    out['logging'] = { ...logging, format: 'pretty' };
    warnings.push({
      path: spell('logging.format'),
      message: 'text is an old value, read as pretty; write pretty',
      source,
    });
  }

  return { value: out, warnings, issues };
}
