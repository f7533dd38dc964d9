import type { Stats } from '../api/types.js';
import { formatInt, formatUsd } from '../lib/format.js';
import { DataTable, type Column } from './data-table.js';
import type { QueryLike } from './states.js';

type ModelRow = Stats['by_model'][number];

const MODEL: Column<ModelRow> = { header: 'Model', cell: (m) => m.model_name };
const PROVIDER: Column<ModelRow> = { header: 'Provider', cell: (m) => m.provider };
const SPANS: Column<ModelRow> = {
  header: 'Spans',
  numeric: true,
  cell: (m) => formatInt(m.span_count),
};
const TOKENS: Column<ModelRow> = {
  header: 'Tokens',
  numeric: true,
  cell: (m) => formatInt(m.total_tokens),
};
const COST: Column<ModelRow> = {
  header: 'Cost',
  numeric: true,
  cell: (m) => formatUsd(m.total_cost_usd),
};

/** Use per model in the range of a stats query (overview: with span counts; costs: without). */
export function ModelTable({
  query,
  caption,
  what,
  spans,
}: {
  query: QueryLike<Stats>;
  caption: string;
  what: string;
  spans: boolean;
}) {
  return (
    <DataTable
      query={query}
      what={what}
      rows={(s) => s.by_model}
      rowKey={(m) => `${m.provider}/${m.model_name}`}
      columns={spans ? [MODEL, PROVIDER, SPANS, TOKENS, COST] : [MODEL, PROVIDER, TOKENS, COST]}
      caption={() => caption}
      empty={spans ? 'No models used in this range.' : 'No spend in this range.'}
    />
  );
}
