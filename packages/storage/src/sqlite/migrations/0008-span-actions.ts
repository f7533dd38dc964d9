import type { Migration } from '../../migrator.js';

/**
 * Agent actions become filterable (issue 15): `action_flags` materialises one bit per kind of
 * action (`ACTION_FLAG_BITS` in span-columns.ts), so `has_commands` and `action_type` are integer
 * tests, and `action_names` the names (`\n`-separated, with a leading and trailing `\n`,
 * `actionNamesColumn`), and a partial index holds only the spans that have actions, newest first per tenant, with
 * their flags, so a flag filter and its count never read the span rows.
 * Rows written before carry the old `{kind: "tool_call"}` actions: they are backfilled as
 * unplaced tool calls (bits 1 | 32), the same reading the span codec gives them.
 */
export const migration0008SpanActions: Migration = {
  name: '0008_span_actions',
  statements: [
    'ALTER TABLE spans ADD COLUMN action_flags INTEGER NOT NULL DEFAULT 0',
    "ALTER TABLE spans ADD COLUMN action_names TEXT NOT NULL DEFAULT ''",
    `UPDATE spans SET action_flags = 33
     WHERE agent_actions <> '[]'
       AND EXISTS (SELECT 1 FROM json_each(spans.agent_actions)
                   WHERE json_extract(value, '$.kind') IS NOT NULL)`,
    `UPDATE spans SET action_names = char(10) || (
       SELECT group_concat(json_extract(value, '$.name'), char(10))
       FROM json_each(spans.agent_actions)) || char(10)
     WHERE agent_actions <> '[]'`,
    // Flags and names last: the filters' bit test, name lookup and count read the index, never
    // the span rows (a json_each over the actions JSON took 250 ms at 1M spans).
    `CREATE INDEX spans_tenant_actions
     ON spans (tenant_id, start_ms, trace_id, action_flags, action_names)
     WHERE action_flags > 0`,
  ],
};
