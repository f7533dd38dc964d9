// Worker-thread entry of SpanWorkerPool: builds spans off the proxy's event loop — stream parsing,
// token counting, analysis and pricing. Loads its analyzer (classifier weights) once at start.
// Messages: { id, job: SpanJobMessage } → { id, ok: true, result: CapturedSpan } | { id, ok: false, error };
// once ready: { ready: true }.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '@llmtrace/core';
import { buildSpan } from './build-span.js';
import { unpackJob, type SpanJobMessage } from './span-job.js';
import { buildOptionsOf, type SpanSettings } from './span-settings.js';

const port = parentPort;
if (port === null) throw new Error('span-worker must run in a worker thread');
// Spans are built off the request path: a request arriving on a shared CPU goes first.
lowerThreadPriority();

// On its own thread the builder needs no time slices: nothing else waits for this event loop.
const options = {
  ...buildOptionsOf(workerData as SpanSettings),
  sliceMs: Number.POSITIVE_INFINITY,
};

port.on('message', (message: { id: number; job: SpanJobMessage }) => {
  const ex = unpackJob(message.job);
  buildSpan(ex, options).then(
    (span) =>
      port.postMessage({ id: message.id, ok: true, result: { span, request: ex.parsedRequest() } }),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
  );
});
port.postMessage({ ready: true });
