import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the webhook receiver got. */
export interface ReceivedAlert {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A real alert receiver on an ephemeral port (Slack, PagerDuty and generic webhooks alike). */
export interface MockWebhook {
  readonly url: string;
  readonly received: ReceivedAlert[];
  /** Requests received on one path. */
  on(path: string): ReceivedAlert[];
  /** Answers the next `count` requests on `path` with `status` (then 200 again). */
  failNext(path: string, count: number, status?: number): void;
  close(): Promise<void>;
}

export async function startMockWebhook(): Promise<MockWebhook> {
  const received: ReceivedAlert[] = [];
  const failures = new Map<string, { count: number; status: number }>();
  const server: Server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({
        path,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      const failure = failures.get(path);
      if (failure !== undefined && failure.count > 0) {
        failure.count--;
        res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('boom');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    on: (path) => received.filter((r) => r.path === path),
    failNext: (path, count, status = 500) => failures.set(path, { count, status }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
