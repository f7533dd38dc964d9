// Worker-thread entry of SqliteWriterTraceRepository: owns a second connection to the same SQLite
// file and performs every trace write — transactions, index updates and WAL checkpoints — off the
// proxy's event loop. Messages: { id, op: 'batch' | 'span' | 'trace' | 'traces' | 'close', payload } → { id, ok, result | error },
// and { op: 'part' } (no reply): the first parts of a large batch, committed with its 'batch' message.
import { parentPort, workerData } from 'node:worker_threads';
import { toLLMTraceError, type TraceEvent, type TraceSpan } from '@llmtrace/core';
import { SqliteConnection } from './sqlite-connection.js';
import { SqliteTraceRepository } from './sqlite-trace-repository.js';
import type { BatchMessage } from './sqlite-writer-trace-repository.js';

interface Request {
  readonly id: number;
  readonly op: 'batch' | 'part' | 'trace' | 'traces' | 'span' | 'close';
  readonly payload?: unknown;
}

const port = parentPort;
if (port === null) throw new Error('sqlite-writer-worker must run in a worker thread');
const { path } = workerData as { path: string };

try {
  // The main thread opened the file first and applied the migrations.
  const connection = await SqliteConnection.open(path, { migrate: false, cacheMib: 16 });
  const repo = new SqliteTraceRepository(connection);
  /** Parts of batches whose last message has not come yet, by batch key. */
  const parts = new Map<number, TraceSpan[]>();
  port.on('message', (request: Request) => {
    if (request.op === 'part') {
      // A part always names its batch; its spans are this thread's own copy (cloned on arrival).
      const { key, spans } = request.payload as Required<BatchMessage> & { spans: TraceSpan[] };
      const held = parts.get(key);
      if (held === undefined) parts.set(key, spans);
      else held.push(...spans);
      return;
    }
    if (request.op === 'close') {
      repo.close().then(
        () => port.postMessage({ id: request.id, ok: true, result: null }),
        (error: unknown) => port.postMessage({ id: request.id, ok: false, error: describe(error) }),
      );
      return;
    }
    const work =
      request.op === 'batch'
        ? repo.storeBatch(wholeBatch(parts, request.payload as BatchMessage))
        : request.op === 'span'
          ? repo.storeSpan(request.payload as TraceSpan).then(() => null)
          : request.op === 'traces'
            ? repo.storeTraces(request.payload as TraceEvent[]).then(() => null)
            : repo.storeTrace(request.payload as TraceEvent).then(() => null);
    work.then(
      (result) => port.postMessage({ id: request.id, ok: true, result }),
      (error: unknown) => port.postMessage({ id: request.id, ok: false, error: describe(error) }),
    );
  });
  port.postMessage({ id: 0, ok: true, result: 'ready' });
} catch (error) {
  port.postMessage({ id: 0, ok: false, error: describe(error) });
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
