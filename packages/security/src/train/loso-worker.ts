// A worker thread of leaveOneSourceOutInParallel (loso-threads.ts): receives the training set
// once, then runs the folds it is sent, one at a time, and answers each with its result.
import { parentPort, workerData } from 'node:worker_threads';
import { losoFold } from './leave-one-source-out.js';
import type { LosoWorkerData, LosoWorkerReply } from './loso-threads.js';

const port = parentPort;
if (port === null) throw new Error('loso-worker.js runs only as a worker thread');
const { set, options } = workerData as LosoWorkerData;

port.on('message', (source: string) => {
  let reply: LosoWorkerReply;
  try {
    reply = { fold: losoFold(set, source, options) };
  } catch (error) {
    reply = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});
