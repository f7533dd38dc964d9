import { readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const threadId = (): number => Number(readlinkSync('/proc/thread-self').split('/').pop());
const linux = process.platform === 'linux';

describe.runIf(linux)('lowerThreadPriority', () => {
  it('lowers the calling thread only', async () => {
    const before = getPriority(threadId());
    const module = new URL('../../dist/runtime/thread-priority.js', import.meta.url).href;
    const worker = new Worker(
      `import { readlinkSync } from 'node:fs';
       import { getPriority } from 'node:os';
       import { parentPort } from 'node:worker_threads';
       const { lowerThreadPriority } = await import(${JSON.stringify(module)});
       const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
       const ok = lowerThreadPriority(10);
       parentPort.postMessage({ ok, nice: getPriority(tid), tid });`,
      { eval: true },
    );
    const reply = await new Promise<{ ok: boolean; nice: number; tid: number }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    await worker.terminate();
    expect(reply.ok).toBe(true);
    expect(reply.tid).not.toBe(threadId());
    expect(reply.nice).toBe(Math.max(before, 10));
    expect(getPriority(threadId())).toBe(before);
  });
});
