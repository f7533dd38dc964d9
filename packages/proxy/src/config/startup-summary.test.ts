import { buildConfig } from '@llmtrace/core';
import { describe, expect, it } from 'vitest';
import { describeStartup } from './startup-summary.js';

describe('describeStartup (issue 11: a first screen with the next step)', () => {
  it('shows a proxy bound to every interface at an address a local client can reach', () => {
    const config = buildConfig({ listen: { host: '0.0.0.0', port: 8080 } });
    const summary = describeStartup(config, 'http://0.0.0.0:8080');
    expect(summary.fields.clients).toEqual({
      openai: 'http://127.0.0.1:8080/v1',
      anthropic: 'http://127.0.0.1:8080',
      ollama: 'http://127.0.0.1:8080',
    });
    expect(summary.text).toContain('listening on every interface, port 8080');
  });

  it('lists per-provider upstreams, then the default for every other provider', () => {
    const config = buildConfig({
      upstream_url: 'http://127.0.0.1:11434',
      upstreams: { anthropic: 'https://api.anthropic.com' },
    });
    const summary = describeStartup(config, 'http://127.0.0.1:8080');
    expect(summary.fields.upstreams).toEqual({
      anthropic: 'https://api.anthropic.com',
      default: 'http://127.0.0.1:11434',
    });
    expect(summary.text).toMatch(
      /anthropic +https:\/\/api\.anthropic\.com\n +every other provider +http:\/\/127\.0\.0\.1:11434/,
    );
  });

  it('never prints a storage password', () => {
    const config = buildConfig({
      storage: {
        profile: 'production',
        clickhouse_url: 'http://ch:s3cret-ch@127.0.0.1:8123',
        postgres_url: 'postgres://app:s3cret-pg@127.0.0.1:5432/llmtrace',
        redis_url: 'redis://:s3cret-redis@127.0.0.1:6379',
      },
    });
    const summary = describeStartup(config, 'http://127.0.0.1:8080');
    expect(summary.text).not.toMatch(/s3cret/);
    expect(summary.fields.storage).toContain('postgres://app:***@127.0.0.1:5432/llmtrace');
  });
});
