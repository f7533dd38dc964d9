import { describe, expect, it } from 'vitest';
import {
  buildConfig,
  envToLayer,
  interpolateEnv,
  listConfigKeys,
  resolveConfig,
  type ConfigResult,
} from '@llmtrace/core';

function okConfig(result: ConfigResult) {
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return result.config;
}

describe('resolveConfig', () => {
  it('accepts a one-line config and fills every default', () => {
    const result = resolveConfig({ file: { upstream_url: 'https://api.openai.com' } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(result.config.storage).toEqual({ profile: 'lite', path: './llmtrace.db' });
    expect(result.config.timeouts.idle_ms).toBe(120_000);
    expect(Object.isFrozen(result.config.timeouts)).toBe(true);
  });

  it('lets env override the file and flags override env', () => {
    const result = resolveConfig({
      file: { upstream_url: 'https://api.openai.com', listen: { port: 1000 } },
      env: { LLMTRACE_LISTEN__PORT: '2000', LLMTRACE_LOGGING__LEVEL: 'debug' },
      flags: { listen: { port: 3000 } },
    });
    expect(result.ok && result.config.listen.port).toBe(3000);
    expect(result.ok && result.config.logging.level).toBe('debug');
  });

  it('reports every problem with its path and source', () => {
    const result = resolveConfig({
      file: {
        upstream_url: 'ftp://nope',
        listen: { port: 70_000 },
        storage: { profile: 'lite', path: '' },
        logging: { level: 'loud' },
        mystery: true,
      },
      env: { LLMTRACE_TIMEOUTS__IDLE_MS: 'soon' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.issues.map((i) => [i.path, i]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'listen.port',
        'logging.level',
        'mystery',
        'storage.path',
        'timeouts.idle_ms',
        'upstream_url',
      ].sort(),
    );
    expect(byPath['upstream_url']?.message).toMatch(/http/);
    expect(byPath['timeouts.idle_ms']?.source).toBe('env');
    expect(byPath['mystery']?.source).toBe('file');
  });

  it('takes the heap limits from the environment and refuses a semi-space V8 does not have', () => {
    const ok = resolveConfig({
      file: { upstream_url: 'http://127.0.0.1:1' },
      env: { LLMTRACE_LIMITS__MAX_SEMI_SPACE_MB: '8' },
    });
    expect(okConfig(ok).limits.max_semi_space_mb).toBe(8);
    expect(
      okConfig(resolveConfig({ file: { upstream_url: 'http://127.0.0.1:1' } })).limits,
    ).toMatchObject({ max_semi_space_mb: 4, heap_growth_percent: 50 });
    for (const bad of [17, -1, 2.5, 'big']) {
      const result = resolveConfig({
        file: { upstream_url: 'http://127.0.0.1:1', limits: { max_semi_space_mb: bad } },
      });
      expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['limits.max_semi_space_mb']);
    }
  });

  it('requires an admin key when auth is on', () => {
    const result = resolveConfig({
      file: { upstream_url: 'http://127.0.0.1:1', auth: { enabled: true } },
    });
    expect(!result.ok && result.issues[0]?.path).toBe('auth.admin_key');
  });

  it('coerces env strings only when they are well formed', () => {
    const ok = resolveConfig({
      file: { upstream_url: 'http://127.0.0.1:1' },
      env: { LLMTRACE_SECURITY__REDACT_PII: 'true', LLMTRACE_CAPTURE__QUEUE_SIZE: '50' },
    });
    expect(ok.ok && ok.config.security.redact_pii).toBe(true);
    expect(ok.ok && ok.config.capture.queue_size).toBe(50);
    const bad = resolveConfig({
      file: { upstream_url: 'http://127.0.0.1:1' },
      env: { LLMTRACE_SECURITY__REDACT_PII: 'maybe' },
    });
    expect(bad.ok).toBe(false);
  });

  it('rejects a document that is not a mapping', () => {
    const result = resolveConfig({ file: ['a'] });
    expect(result.ok).toBe(false);
  });

  it('buildConfig throws with the paths', () => {
    expect(() => buildConfig({ listen: { port: -1 } })).toThrow(/listen\.port/);
  });
});

describe('envToLayer', () => {
  it('ignores variables that are not config keys', () => {
    expect(
      envToLayer({ LLMTRACE_ADMIN_KEY: 'x', HOME: '/root', LLMTRACE_UPSTREAM_URL: 'u' }),
    ).toEqual({
      upstream_url: 'u',
    });
  });
});

describe('interpolateEnv', () => {
  it('substitutes variables, defaults and escapes', () => {
    const { value, issues } = interpolateEnv(
      { a: '${A}', b: ['x-${B:-dflt}'], c: '$${LITERAL}', d: 5 },
      { A: 'one' },
    );
    expect(value).toEqual({ a: 'one', b: ['x-dflt'], c: '${LITERAL}', d: 5 });
    expect(issues).toEqual([]);
  });

  it('reports unset variables with their path', () => {
    const { issues } = interpolateEnv({ auth: { admin_key: '${NOPE}' } }, {});
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('auth.admin_key');
  });
});

describe('issue 11: the config tells the truth', () => {
  it('an empty config forwards to the documented default upstream, api.openai.com', () => {
    const config = okConfig(resolveConfig({ file: {} }));
    expect(config.upstream_url).toBe('https://api.openai.com');
    expect(okConfig(resolveConfig({})).upstream_url).toBe('https://api.openai.com');
  });

  it('a storage section without a profile is lite, the documented default', () => {
    expect(okConfig(resolveConfig({ file: { storage: { path: './t.db' } } })).storage).toEqual({
      profile: 'lite',
      path: './t.db',
    });
    expect(okConfig(resolveConfig({ file: { storage: {} } })).storage).toEqual({
      profile: 'lite',
      path: './llmtrace.db',
    });
    // A production key without `profile: production` is still an error, not a silent lite file.
    const wrong = resolveConfig({ file: { storage: { postgres_url: 'postgres://x' } } });
    expect(!wrong.ok && wrong.issues.map((i) => i.path)).toEqual(['storage.postgres_url']);
  });

  it('an unset ${VAR} is reported once, not again as the empty value it leaves', () => {
    const result = resolveConfig({
      file: { auth: { enabled: true, admin_key: '${NOPE_ADMIN_KEY}' } },
      env: {},
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.message).toMatch(/NOPE_ADMIN_KEY is not set/);
  });

  it('a cross-field problem is attributed to the layer that wrote its section', () => {
    const fromFile = resolveConfig({ file: { auth: { enabled: true } } });
    expect(!fromFile.ok && fromFile.issues[0]).toMatchObject({
      path: 'auth.admin_key',
      source: 'file',
    });
    const fromEnv = resolveConfig({ env: { LLMTRACE_AUTH__ENABLED: 'true' } });
    expect(!fromEnv.ok && fromEnv.issues[0]).toMatchObject({
      path: 'auth.admin_key',
      source: 'env',
    });
  });

  it('an unknown key is reported on its own path with a code, one issue per key', () => {
    const result = resolveConfig({ file: { storage: { pathh: 'x', size: 1 } } });
    expect(!result.ok && result.issues.map((i) => [i.path, i.code])).toEqual([
      ['storage.pathh', 'unknown_key'],
      ['storage.size', 'unknown_key'],
    ]);
  });
});

describe("issue 12: the original's config and env names", () => {
  it('reads listen_addr as listen.host and listen.port, with a warning naming them', () => {
    const result = resolveConfig({ file: { listen_addr: '0.0.0.0:9000' } });
    expect(okConfig(result).listen).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(result.warnings).toEqual([
      expect.objectContaining({ path: 'listen_addr', source: 'file' }),
    ]);
    expect(result.warnings[0]?.message).toContain('listen.host');
    expect(result.warnings[0]?.message).toContain('listen.port');
    expect(okConfig(resolveConfig({ file: { listen_addr: '[::1]:81' } })).listen).toEqual({
      host: '::1',
      port: 81,
    });
  });

  it('refuses a listen_addr that is not host:port', () => {
    for (const bad of ['0.0.0.0', 'host:99999', 8080]) {
      const result = resolveConfig({ file: { listen_addr: bad } });
      expect(!result.ok && result.issues[0]?.path, String(bad)).toBe('listen_addr');
    }
  });

  it('reads storage.database_path as storage.path and logging.format text as pretty', () => {
    const result = resolveConfig({
      file: { storage: { database_path: './old.db' }, logging: { format: 'text' } },
    });
    const config = okConfig(result);
    expect(config.storage).toEqual({ profile: 'lite', path: './old.db' });
    expect(config.logging.format).toBe('pretty');
    expect(result.warnings.map((w) => w.path)).toEqual(['storage.database_path', 'logging.format']);
    expect(result.warnings[0]?.message).toContain('storage.path');
  });

  it('reads LLMTRACE_LISTEN_ADDR and LLMTRACE_STORAGE_DATABASE_PATH, naming the new variables', () => {
    const result = resolveConfig({
      env: {
        LLMTRACE_LISTEN_ADDR: '0.0.0.0:8081',
        LLMTRACE_STORAGE_DATABASE_PATH: '/data/llmtrace.db',
      },
    });
    const config = okConfig(result);
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8081 });
    expect(config.storage).toEqual({ profile: 'lite', path: '/data/llmtrace.db' });
    const messages = result.warnings.map((w) => `${w.path}: ${w.message}`).join('\n');
    expect(messages).toContain('LLMTRACE_LISTEN_ADDR: is an old name');
    expect(messages).toContain('LLMTRACE_LISTEN__HOST');
    expect(messages).toContain('LLMTRACE_STORAGE__PATH');
  });

  it('a new name wins over the old one in the same layer', () => {
    const config = okConfig(
      resolveConfig({
        file: { listen_addr: '0.0.0.0:9000', listen: { port: 7000 } },
        env: { LLMTRACE_STORAGE_DATABASE_PATH: 'old.db', LLMTRACE_STORAGE__PATH: 'new.db' },
      }),
    );
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 7000 });
    expect(config.storage).toMatchObject({ path: 'new.db' });
  });

  it('reports an LLMTRACE_* variable that sets nothing, but not ones the file or tests use', () => {
    const result = resolveConfig({
      file: { auth: { enabled: true, admin_key: '${LLMTRACE_ADMIN_KEY}' } },
      env: {
        LLMTRACE_ADMIN_KEY: 'a-long-enough-admin-key',
        LLMTRACE_LISTEN_PORT: '9000',
        LLMTRACE_TEST_POSTGRES_URL: 'postgres://x',
        LLMTRACE_CONFIG: 'x.yaml',
        // The Python SDK's variables, set beside the proxy in one environment.
        LLMTRACE_PROXY_URL: 'http://127.0.0.1:8080',
        LLMTRACE_API_KEY: 'llmt_x',
        LLMTRACE_TENANT_ID: 'acme',
        LLMTRACE_AGENT_ID: 'bot',
        LLMTRACE_SESSION_ID: 's1',
        OTHER_TOOL_PORT: '1',
      },
    });
    expect(okConfig(result).listen.port).toBe(8080);
    expect(result.warnings).toEqual([
      expect.objectContaining({ path: 'LLMTRACE_LISTEN_PORT', code: 'unknown_env', source: 'env' }),
    ]);
  });
});

describe('listConfigKeys', () => {
  it('lists sections and values, with * for map keys and [] for list items', () => {
    const keys = new Map(listConfigKeys().map((k) => [k.path, k.leaf]));
    expect(keys.get('storage')).toBe(false);
    expect(keys.get('storage.path')).toBe(true);
    expect(keys.get('storage.clickhouse_url')).toBe(true);
    expect(keys.get('security.analysis_timeout_ms')).toBe(true);
    expect(keys.get('alerts.channels[].routing_key')).toBe(true);
    expect(keys.get('budgets.tenants.*.agents.*.caps[].window')).toBe(true);
    expect(keys.get('alerts.channels[].kinds')).toBe(true);
    expect(keys.has('listen_addr')).toBe(false);
  });

  it('names the variants that have a key when only some of its section has it', () => {
    const only = new Map(listConfigKeys().map((k) => [k.path, k.only]));
    expect(only.get('storage.path')).toEqual({ field: 'profile', values: ['lite'] });
    expect(only.get('storage.redis_url')).toEqual({ field: 'profile', values: ['production'] });
    expect(only.get('alerts.channels[].routing_key')).toEqual({
      field: 'type',
      values: ['pagerduty'],
    });
    // Keys every variant has (and the picking field itself) are not restricted.
    expect(only.get('alerts.channels[].url')).toBeUndefined();
    expect(only.get('storage.profile')).toBeUndefined();
    expect(only.get('listen.port')).toBeUndefined();
  });
});
