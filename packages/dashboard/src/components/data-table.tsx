import type { ReactNode } from 'react';
import { formatInt } from '../lib/format.js';
import { pageCount, PAGE_SIZE } from '../lib/url-state.js';
import { QueryState, type QueryLike } from './states.js';

/** One column: its header, how a row fills its cell, and whether it holds a number (right-aligned). */
export interface Column<T> {
  readonly header: ReactNode;
  readonly cell: (row: T) => ReactNode;
  readonly numeric?: boolean;
}

/** The table itself: a header row from the columns, one body row per item. */
export function Table<T>({
  columns,
  rows,
  rowKey,
  caption,
  className,
  rowClassName,
}: {
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  caption?: ReactNode;
  /** Added to `table`, e.g. `traces` for the traces list. */
  className?: string;
  rowClassName?: (row: T) => string | undefined;
}) {
  return (
    <table className={className === undefined ? 'table' : `table ${className}`}>
      {caption === undefined ? null : <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((column, i) => (
            <th key={i} scope="col" className={column.numeric === true ? 'num' : undefined}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={rowKey(row, index)} className={rowClassName?.(row)}>
            {columns.map((column, i) => (
              <td key={i} className={column.numeric === true ? 'num' : undefined}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Newer / older buttons under a paged list, with "Page 2 of 5 · 112 alerts". */
export function Pager({
  page,
  total,
  noun,
  onPage,
  pageSize = PAGE_SIZE,
}: {
  /** 1-based. */
  page: number;
  total: number;
  /** Plural name of the items, for the count and the navigation's label. */
  noun: string;
  onPage: (page: number) => void;
  pageSize?: number;
}) {
  const pages = pageCount(total, pageSize);
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Newer
      </button>
      <span>
        Page {page} of {pages} · {formatInt(total)} {noun}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Older →
      </button>
    </nav>
  );
}

/** Paging of a {@link DataTable}: the current page, the total of the answer, what a click does. */
export interface Paging<D> {
  readonly page: number;
  readonly total: (data: D) => number;
  readonly onPage: (page: number) => void;
  readonly pageSize?: number;
}

/**
 * A query's answer as a table: loading, error (with retry) and empty states from
 * {@link QueryState}, the rows picked from the answer, and a pager when `paging` is given. A paged
 * table is empty when the total is 0 (a page past the end still shows the pager).
 */
export function DataTable<D, T>({
  query,
  what,
  rows,
  columns,
  rowKey,
  empty,
  caption,
  className,
  rowClassName,
  paging,
}: {
  query: QueryLike<D>;
  /** Plural name of the rows ("alerts"): loading text, empty text and pager. */
  what: string;
  rows: (data: D) => readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => string;
  empty?: ReactNode;
  caption?: (data: D) => ReactNode;
  className?: string;
  rowClassName?: (row: T) => string | undefined;
  paging?: Paging<D>;
}) {
  return (
    <QueryState
      query={query}
      what={what}
      isEmpty={(d) => (paging === undefined ? rows(d).length === 0 : paging.total(d) === 0)}
      empty={empty}
    >
      {(d) => (
        <>
          <Table
            columns={columns}
            rows={rows(d)}
            rowKey={rowKey}
            caption={caption?.(d)}
            className={className}
            rowClassName={rowClassName}
          />
          {paging === undefined ? null : (
            <Pager
              page={paging.page}
              total={paging.total(d)}
              noun={what}
              onPage={paging.onPage}
              pageSize={paging.pageSize}
            />
          )}
        </>
      )}
    </QueryState>
  );
}
