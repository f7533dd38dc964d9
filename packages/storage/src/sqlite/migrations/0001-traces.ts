import type { Migration } from '../../migrator.js';

/**
 * Traces and spans. Times are stored twice: integer epoch ms for indexes and range filters, and the
 * original ISO text so a span reads back exactly as it was stored. Large text columns come last so
 * that scans reading only the leading columns (stats) touch less of each row.
 */
export const migration0001Traces: Migration = {
  name: '0001_traces',
  statements: [
    `CREATE TABLE traces (
      tenant_id TEXT NOT NULL,
      trace_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_at_iso TEXT NOT NULL,
      PRIMARY KEY (tenant_id, trace_id)
    ) WITHOUT ROWID`,
    // Latest N traces of a tenant: a backwards walk of this index, no sort.
    'CREATE INDEX traces_tenant_created ON traces (tenant_id, created_at, trace_id)',
    `CREATE TABLE spans (
      tenant_id TEXT NOT NULL,
      span_id TEXT NOT NULL,
      trace_id TEXT NOT NULL,
      start_ms INTEGER NOT NULL,
      provider TEXT NOT NULL,
      model TEXT,
      security_score INTEGER,
      finding_count INTEGER NOT NULL,
      status_code INTEGER,
      duration_ms REAL,
      prompt_tokens INTEGER,
      completion_tokens INTEGER,
      total_tokens INTEGER,
      cost_usd REAL,
      tokens_estimated INTEGER NOT NULL,
      ttft_ms REAL,
      parent_span_id TEXT,
      agent_id TEXT,
      operation_name TEXT NOT NULL,
      start_time TEXT NOT NULL,
      end_time TEXT,
      error_message TEXT,
      tags TEXT NOT NULL,
      findings TEXT NOT NULL,
      agent_actions TEXT NOT NULL,
      events TEXT NOT NULL,
      prompt TEXT NOT NULL,
      response TEXT,
      UNIQUE (tenant_id, span_id),
      FOREIGN KEY (tenant_id, trace_id) REFERENCES traces (tenant_id, trace_id) ON DELETE CASCADE
    )`,
    // Spans of a trace (trace pages, cascade deletes, trace filters).
    'CREATE INDEX spans_tenant_trace ON spans (tenant_id, trace_id)',
    // Spans by tenant + time, newest first. Every filter index ends with trace_id, so a filtered
    // trace query ("traces with any span matching") reads only the index, never the 1 KB rows.
    'CREATE INDEX spans_tenant_time ON spans (tenant_id, start_ms, trace_id)',
    // Per-filter indexes end with start_ms so "filter, newest first" needs no sort, then carry
    // security_score so "model/provider + score bound" counts never read the table (the filter
    // SQL steers the planner to them, see spanFilterSql).
    'CREATE INDEX spans_tenant_model ON spans (tenant_id, model, start_ms, security_score, trace_id)',
    'CREATE INDEX spans_tenant_provider ON spans (tenant_id, provider, start_ms, security_score, trace_id)',
    'CREATE INDEX spans_tenant_score ON spans (tenant_id, security_score, start_ms, trace_id)',
    // Spans with findings are few: a partial index keeps "has findings" (spans and traces) off the
    // table and costs nothing for clean spans.
    'CREATE INDEX spans_tenant_findings ON spans (tenant_id, start_ms, trace_id) WHERE finding_count > 0',
  ],
};
