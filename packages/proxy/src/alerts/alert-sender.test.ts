import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertSender } from './alert-sender.js';

const OPTIONS = { timeoutMs: 2_000, maxAttempts: 2, retryBaseMs: 10 };

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A receiver answering each POST with the next status of `statuses`; returns its URL and bodies. */
async function receiver(statuses: number[]): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, bodies };
}

describe('AlertSender', () => {
  it('opens its pool on the first delivery and retries a 503', async () => {
    const { url, bodies } = await receiver([503, 204]);
    const sender = new AlertSender(OPTIONS);
    const result = await sender.deliver(url, { text: 'hello' }, new AbortController().signal);
    expect(result).toEqual({ ok: true, attempts: 2, status: 204 });
    expect(bodies).toEqual(['{"text":"hello"}', '{"text":"hello"}']);
    expect(sender.retries).toBe(1);
    await sender.close();
  });

  it('closes without a pool when nothing was sent, and sends nothing after close', async () => {
    const { url, bodies } = await receiver([200]);
    const sender = new AlertSender(OPTIONS);
    await sender.close();
    const result = await sender.deliver(url, { text: 'late' }, new AbortController().signal);
    expect(result).toEqual({ ok: false, attempts: 0, status: null, error: 'alert sender closed' });
    expect(bodies).toEqual([]);
  });
});
