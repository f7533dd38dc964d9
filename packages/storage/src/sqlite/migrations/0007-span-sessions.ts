import type { Migration } from '../../migrator.js';

/**
 * The session a span belongs to (`X-LLMTrace-Session-ID`). A partial index: most spans carry no
 * session, and listing a session's spans or traces walks only the spans that do.
 */
export const migration0007SpanSessions: Migration = {
  name: '0007_span_sessions',
  statements: [
    'ALTER TABLE spans ADD COLUMN session_id TEXT',
    `CREATE INDEX spans_tenant_session ON spans (tenant_id, session_id, start_ms)
     WHERE session_id IS NOT NULL`,
  ],
};
