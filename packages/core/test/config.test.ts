import { describe, expect, it } from 'vitest';
import { buildConfig, envToLayer, interpolateEnv, resolveConfig } from '@llmtrace/core';

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
    expect(() => buildConfig({})).toThrow(/upstream_url/);
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
