import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/** What the mock saw of one request. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
  /** Set when the client (the proxy) closed the connection before the response ended. */
  aborted: boolean;
}

/** A scripted response: `(req, res, received) => void`. */
export type MockRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  received: ReceivedRequest,
) => void;

/** A mock LLM provider on a real socket, speaking OpenAI's JSON and SSE wire formats. */
export interface MockUpstream {
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** Routes by `METHOD path`; unmatched requests get the default chat completion. */
  route(key: string, handler: MockRoute): void;
  close(): Promise<void>;
}

export const CHAT_COMPLETION = {
  id: 'chatcmpl-123',
  object: 'chat.completion',
  created: 1_764_000_000,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 19,
    completion_tokens: 10,
    total_tokens: 29,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  },
  system_fingerprint: 'fp_abc',
};

/** OpenAI `chat.completion.chunk` SSE frames for a streamed answer. */
export function chatStreamFrames(
  pieces: readonly string[],
  options: { usage?: boolean; model?: string } = {},
): string[] {
  const base = {
    id: 'chatcmpl-s1',
    object: 'chat.completion.chunk',
    created: 1_764_000_000,
    model: options.model ?? 'gpt-4o-mini',
  };
  const frames = [
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`,
    ...pieces.map(
      (p) =>
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })}\n\n`,
    ),
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
  ];
  if (options.usage === true) {
    frames.push(
      `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 12, completion_tokens: pieces.length, total_tokens: 12 + pieces.length } })}\n\n`,
    );
  }
  frames.push('data: [DONE]\n\n');
  return frames;
}

/** Sends SSE frames `gapMs` apart. */
export function sendFrames(
  res: ServerResponse,
  frames: readonly string[],
  gapMs: number,
  end = true,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (i >= frames.length) {
      if (end) res.end();
      return;
    }
    res.write(frames[i++]);
    setTimeout(next, gapMs);
  };
  next();
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendGzipJson(res: ServerResponse, body: unknown): void {
  const zipped = gzipSync(JSON.stringify(body));
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'content-length': zipped.length,
  });
  res.end(zipped);
}

/** Starts the mock on an ephemeral port. */
export async function startMockUpstream(): Promise<MockUpstream> {
  const routes = new Map<string, MockRoute>();
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        aborted: false,
      };
      requests.push(received);
      res.on('close', () => {
        if (!res.writableFinished) received.aborted = true;
      });
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const handler = routes.get(`${req.method ?? 'GET'} ${path}`);
      if (handler !== undefined) handler(req, res, received);
      else
        sendJson(res, 200, CHAT_COMPLETION, {
          'x-request-id': 'req_mock_1',
          'openai-processing-ms': '42',
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route: (key, handler) => routes.set(key, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
