import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>;
}

/** An error the reader can act on: the API's message, its request id, and a retry button. */
export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div className="state error" role="alert">
      <strong>Could not load this.</strong> {message}
      {requestId === undefined ? null : <span className="muted"> (request {requestId})</span>}
      {retry === undefined ? null : (
        <button type="button" className="link" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** What {@link QueryState} reads of a react-query result. */
export interface QueryLike<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly isPending: boolean;
  readonly refetch: () => unknown;
}

/**
 * The standard loading / error / empty handling of a query, so no page shows a blank area.
 */
export function QueryState<T>({
  query,
  what,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike<T>;
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.data === undefined) {
    if (query.error !== null && query.error !== undefined)
      return <ErrorBox error={query.error} retry={() => void query.refetch()} />;
    return <Loading what={what} />;
  }
  if (isEmpty?.(query.data) === true) return <Empty>{empty ?? `No ${what} yet.`}</Empty>;
  return (
    <>
      {query.error !== null && query.error !== undefined ? (
        <ErrorBox error={query.error} retry={() => void query.refetch()} />
      ) : null}
      {children(query.data)}
    </>
  );
}
