// Worker-thread entry of SqliteWriterTraceRepository: owns a second connection to the same SQLite
// file and performs every trace write — transactions, index updates and WAL checkpoints — off the
// proxy's event loop. Messages: { id, op: 'batch' | 'commit' | 'span' | 'trace' | 'traces' | 'close', payload } → { id, ok, result | error },
// and { op: 'part' } (no reply): the first parts of a large batch, committed with its 'batch' message.
// Batches are committed in groups (group commit): a batch waits up to `groupMs` for others, up to
// `groupSpans` spans in all, and 'commit' (or any other operation) commits the group at once. The
// proxy hands spans over a few at a time soon after they are built, and a commit costs less per
// span the more it holds; here, waiting holds them in this thread's heap, not the proxy's.
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchWriteResult, TraceEvent, TraceSpan } from '@llmtrace/core';
// Errors only, by their own subpath: the core index would load every schema (and zod) into this
// thread, which writes rows and never validates against a schema (issue 13, twelfth pass).
import { toLLMTraceError } from '@llmtrace/core/errors';
import { SqliteConnection } from './sqlite-connection.js';
import { SqliteTraceRepository } from './sqlite-trace-repository.js';
import type { BatchMessage } from './sqlite-writer-trace-repository.js';

interface Request {
  readonly id: number;
  readonly op: 'batch' | 'part' | 'commit' | 'trace' | 'traces' | 'span' | 'close';
  readonly payload?: unknown;
}

const port = parentPort;
if (port === null) throw new Error('sqlite-writer-worker must run in a worker thread');
const { path, groupSpans, groupMs } = workerData as {
  path: string;
  groupSpans: number;
  groupMs: number;
};

try {
  // The main thread opened the file first and applied the migrations.
  const connection = await SqliteConnection.open(path, { migrate: false });
  const repo = new SqliteTraceRepository(connection);
  /** Parts of batches whose last message has not come yet, by batch key. */
  const parts = new Map<number, TraceSpan[]>();
  /** Batches waiting to be committed together, and their spans. */
  let group: { readonly id: number; readonly spans: readonly TraceSpan[] }[] = [];
  let grouped = 0;
  let timer: NodeJS.Timeout | undefined;
  const reply = (id: number, work: Promise<unknown>): void => {
    work.then(
      (result) => port.postMessage({ id, ok: true, result }),
      (error: unknown) => port.postMessage({ id, ok: false, error: describe(error) }),
    );
  };
  /** Commits the waiting batches in one transaction and answers each with its own result. */
  const commit = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batches = group;
    if (batches.length === 0) return;
    group = [];
    grouped = 0;
    const only = batches.length === 1 ? batches[0] : undefined;
    if (only !== undefined) {
      reply(only.id, repo.storeBatch(only.spans));
      return;
    }
    const written = repo.storeBatch(batches.flatMap((batch) => batch.spans));
    for (const batch of batches)
      reply(
        batch.id,
        written.then((all) => shareOf(all, batch.spans)),
      );
  };
  port.on('message', (request: Request) => {
    if (request.op === 'part') {
      holdPart(parts, request.payload as Required<BatchMessage> & { spans: TraceSpan[] });
      return;
    }
    if (request.op === 'batch') {
      const spans = wholeBatch(parts, request.payload as BatchMessage);
      group.push({ id: request.id, spans });
      grouped += spans.length;
      if (grouped >= groupSpans) commit();
      else timer ??= setTimeout(commit, groupMs);
      return;
    }
    // Any other operation commits the waiting batches first, so writes keep their order.
    commit();
    const work =
      request.op === 'commit'
        ? Promise.resolve(null)
        : request.op === 'close'
          ? repo.close().then(() => null)
          : request.op === 'span'
            ? repo.storeSpan(request.payload as TraceSpan).then(() => null)
            : request.op === 'traces'
              ? repo.storeTraces(request.payload as TraceEvent[]).then(() => null)
              : repo.storeTrace(request.payload as TraceEvent).then(() => null);
    reply(request.id, work);
  });
  port.postMessage({ id: 0, ok: true, result: 'ready' });
} catch (error) {
  port.postMessage({ id: 0, ok: false, error: describe(error) });
}

/** Holds a part of a batch; a part always names its batch, and its spans are this thread's copy. */
function holdPart(
  parts: Map<number, TraceSpan[]>,
  { key, spans }: Required<BatchMessage> & { spans: TraceSpan[] },
): void {
  const held = parts.get(key);
  if (held === undefined) parts.set(key, spans);
  else held.push(...spans);
}

/** One batch's part of a group's result: its spans' failures, the rest written. */
function shareOf(all: BatchWriteResult, spans: readonly TraceSpan[]): BatchWriteResult {
  if (all.failed.length === 0) return { written: spans.length, failed: [] };
  const ids = new Set(spans.map((span) => String(span.spanId)));
  const failed = all.failed.filter((failure) => ids.has(failure.spanId));
  return { written: spans.length - failed.length, failed };
}

/** The spans of a batch: the parts held for it so far, then its last message's. */
function wholeBatch(
  parts: Map<number, TraceSpan[]>,
  { key, spans }: BatchMessage,
): readonly TraceSpan[] {
  const held = key === undefined ? undefined : parts.get(key);
  if (key === undefined || held === undefined) return spans;
  parts.delete(key);
  held.push(...spans);
  return held;
}

function describe(error: unknown): { code: string; message: string } {
  const e = toLLMTraceError(error);
  return { code: e.code, message: e.message };
}
