import { resolve } from 'node:path';
import type { Config } from '@llmtrace/core';

/** What the start-up line tells a first-time user: where to point clients, and where things go. */
export interface StartupSummary {
  /** Structured fields for the log record (JSON logs keep them machine-readable). */
  readonly fields: {
    readonly url: string;
    readonly clients: {
      readonly openai: string;
      readonly anthropic: string;
      readonly ollama: string;
    };
    readonly upstreams: Readonly<Record<string, string>>;
    readonly storage: string;
    readonly health: string;
    readonly traces: string;
    readonly docs: string;
    readonly ui: string;
  };
  /** The same as a few readable lines. */
  readonly text: string;
}

/** A connection URL without its password, for a log line (credentials never leave in clear). */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // Unparseable: print nothing of it rather than risk printing a secret.
    return '(invalid URL)';
  }
}

function describeStorage(storage: Config['storage']): string {
  switch (storage.profile) {
    case 'memory':
      return 'memory (nothing is kept after the proxy stops)';
    case 'lite':
      return `lite, SQLite file ${resolve(storage.path)}`;
    case 'production':
      return `production, ClickHouse ${withoutPassword(storage.clickhouse_url)} (database ${storage.clickhouse_database}), PostgreSQL ${withoutPassword(storage.postgres_url)}, Redis ${withoutPassword(storage.redis_url)}`;
  }
}

/**
 * The start-up summary for a proxy listening on `listenUrl`: the base URL each kind of client takes
 * (OpenAI SDKs append paths to `…/v1`, Anthropic SDKs and Ollama clients to the bare origin), where
 * each provider's requests are forwarded, where traces are stored, and the local pages. A proxy bound
 * to every interface (0.0.0.0, ::) is shown at 127.0.0.1, which a client on the same machine can
 * reach.
 *
 * @example
 * describeStartup(config, 'http://127.0.0.1:8080').fields.clients.openai;
 * // 'http://127.0.0.1:8080/v1'
 */
export function describeStartup(config: Readonly<Config>, listenUrl: string): StartupSummary {
  const parsed = new URL(listenUrl);
  if (parsed.hostname === '0.0.0.0' || parsed.hostname === '[::]') parsed.hostname = '127.0.0.1';
  const base = parsed.origin;
  const everywhere = base !== new URL(listenUrl).origin;

  const upstreams: Record<string, string> = {};
  for (const [provider, url] of Object.entries(config.upstreams)) {
    if (url !== undefined) upstreams[provider] = url;
  }
  const others = Object.keys(upstreams).length > 0 ? 'every other provider' : 'every provider';
  upstreams['default'] = config.upstream_url;

  const fields = {
    url: base,
    clients: { openai: `${base}/v1`, anthropic: base, ollama: base },
    upstreams,
    storage: describeStorage(config.storage),
    health: `${base}/health`,
    traces: `${base}/api/v1/traces`,
    docs: `${base}/api/v1/docs`,
    ui: `${base}/ui`,
  };

  const forwarding = [
    ...Object.entries(upstreams)
      .filter(([provider]) => provider !== 'default')
      .map(([provider, url]) => `    ${provider.padEnd(22)}${url}`),
    `    ${others.padEnd(22)}${config.upstream_url}`,
  ];
  const text = [
    `LLMTrace is listening on ${everywhere ? `every interface, port ${parsed.port || '80'}` : base}`,
    '  Point your client at it instead of the provider:',
    `    OpenAI SDKs           base_url ${fields.clients.openai}`,
    `    Anthropic SDKs        base_url ${fields.clients.anthropic}`,
    `    Ollama clients        host     ${fields.clients.ollama}`,
    '  Requests are forwarded to:',
    ...forwarding,
    `  Traces are stored in  ${fields.storage}`,
    `  Read them             curl ${fields.traces}`,
    `  Health                ${fields.health}`,
    `  API docs              ${fields.docs}`,
    `  Dashboard             ${fields.ui}`,
  ].join('\n');
  return { fields, text };
}
