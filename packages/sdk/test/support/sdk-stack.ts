import type { IncomingMessage, ServerResponse } from 'node:http';
import { startProxy, type ProxyUnderTest } from '../../../proxy/test/support/harness.js';
import {
  CHAT_COMPLETION,
  chatStreamFrames,
  sendFrames,
  sendJson,
  startMockUpstream,
  type MockUpstream,
  type ReceivedRequest,
} from '../../../proxy/test/support/mock-upstream.js';
import {
  anthropicMessage,
  anthropicStreamFrames,
} from '../../../proxy/test/support/provider-fixtures.js';

/** The real proxy in front of a mock provider that answers OpenAI chat and Anthropic messages. */
export interface SdkStack {
  readonly proxy: ProxyUnderTest;
  readonly upstream: MockUpstream;
  /** The proxy's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  close(): Promise<void>;
}

export const STREAM_PIECES = ['Hello', ' from', ' the', ' mock'] as const;

function jsonBody(received: ReceivedRequest): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(received.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    // Not JSON: answer as for a non-streaming request.
    return {};
  }
}

function openaiChat(_req: IncomingMessage, res: ServerResponse, received: ReceivedRequest): void {
  const body = jsonBody(received);
  if (body['stream'] === true) {
    const options = body['stream_options'] as { include_usage?: boolean } | undefined;
    sendFrames(res, chatStreamFrames(STREAM_PIECES, { usage: options?.include_usage === true }), 1);
  } else {
    sendJson(res, 200, CHAT_COMPLETION, { 'x-request-id': 'req_mock_1' });
  }
}

function anthropicMessages(
  _req: IncomingMessage,
  res: ServerResponse,
  received: ReceivedRequest,
): void {
  if (jsonBody(received)['stream'] === true) {
    sendFrames(res, anthropicStreamFrames(STREAM_PIECES), 1);
  } else {
    sendJson(res, 200, anthropicMessage({ text: 'It is 18°C and sunny.' }));
  }
}

/** Starts the mock provider and the real proxy (temporary SQLite file) in front of it. */
export async function startSdkStack(overrides: Record<string, unknown> = {}): Promise<SdkStack> {
  const upstream = await startMockUpstream();
  upstream.route('POST /v1/chat/completions', openaiChat);
  upstream.route('POST /v1/messages', anthropicMessages);
  let proxy: ProxyUnderTest;
  try {
    proxy = await startProxy(upstream.url, overrides);
  } catch (error) {
    await upstream.close();
    throw error;
  }
  return {
    proxy,
    upstream,
    url: proxy.server.url,
    async close() {
      await proxy.close();
      await upstream.close();
    },
  };
}
