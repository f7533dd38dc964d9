// Worker-thread entry of SqliteWriterTraceRepository: owns a second connection to the same SQLite
// file and performs every trace write — transactions, index updates and WAL checkpoints — off the
// proxy's event loop. Messages: { id, op: 'batch' | 'span' | 'trace' | 'traces' | 'close', payload } → { id, ok, result | error }.
import { parentPort, workerData } from 'node:worker_threads';
import {
  lowerThreadPriority,
  toLLMTraceError,
  type TraceEvent,
  type TraceSpan,
} from '@llmtrace/core';
import { SqliteConnection } from './sqlite-connection.js';
import { SqliteTraceRepository } from './sqlite-trace-repository.js';

interface Request {
  readonly id: number;
  readonly op: 'batch' | 'trace' | 'traces' | 'span' | 'close';
  readonly payload?: unknown;
}

const port = parentPort;
if (port === null) throw new Error('sqlite-writer-worker must run in a worker thread');
const { path } = workerData as { path: string };
// Writes are batched and off the request path: they give way to the proxy's thread on a shared CPU.
lowerThreadPriority();

try {
  // The main thread opened the file first and applied the migrations.
  const connection = await SqliteConnection.open(path, { migrate: false, cacheMib: 16 });
  const repo = new SqliteTraceRepository(connection);
  port.on('message', (request: Request) => {
    if (request.op === 'close') {
      repo.close().then(
        () => port.postMessage({ id: request.id, ok: true, result: null }),
        (error: unknown) => port.postMessage({ id: request.id, ok: false, error: describe(error) }),
      );
      return;
    }
    const work =
      request.op === 'batch'
        ? repo.storeBatch(request.payload as TraceSpan[])
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

function describe(error: unknown): { code: string; message: string } {
  const e = toLLMTraceError(error);
  return { code: e.code, message: e.message };
}
