import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { CHAT_REQUEST, send, startProxy, type ProxyUnderTest } from '../support/harness.js';

// Issue 14, item 12: a malformed JSON answer from the upstream left the stored response empty
// without saying why.

let upstream: MockUpstream;
let proxy: ProxyUnderTest | undefined;

beforeEach(async () => {
  upstream = await startMockUpstream();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await upstream.close();
});

describe('a malformed upstream answer (issue 14, item 12)', () => {
  it('is relayed untouched and stored with its text and the reason it could not be parsed', async () => {
    const broken = '{"id":"chatcmpl-1","choices":[{"message":{"content":"Hel';
    upstream.route('POST /v1/chat/completions', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(broken);
    });
    proxy = await startProxy(upstream.url);
    const res = await send(proxy.server.url, { body: CHAT_REQUEST });
    expect(res.body.toString('utf8')).toBe(broken);
    const [span] = await proxy.spans();
    expect(span?.response).toBe(broken);
    expect(span?.tags['response_unparsable']).toBe('true');
    expect(span?.tags['response_parse_error']).toMatch(/JSON/);
  });
});
