#!/usr/bin/env node
// The floor for any Node.js proxy: node:http in, node:http (keep-alive) out, bytes piped both ways,
// nothing parsed, recorded or checked. `scripts/bench-proxy.sh` with FLOOR=1 measures it in the same
// harness as LLMTrace, so "what LLMTrace adds" and "what Node itself costs" can be told apart.
//   UPSTREAM_URL=http://127.0.0.1:18080 PROXY_PORT=18083 node scripts/node-passthrough.mjs
import http from 'node:http';

const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:18080');
const port = Number(process.env.PROXY_PORT ?? 18083);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
// Hop-by-hop headers (RFC 9110 §7.6.1) stay on their own connection.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const withoutHopByHop = (headers) => {
  const out = {};
  for (const [name, value] of Object.entries(headers)) if (!hopByHop.has(name)) out[name] = value;
  return out;
};

const server = http.createServer((req, res) => {
  const headers = withoutHopByHop(req.headers);
  headers.host = upstream.host;
  const out = http.request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(res);
    },
  );
  out.on('error', (error) => {
    if (res.headersSent) return res.destroy(error);
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `upstream: ${error.message}` } }));
  });
  req.pipe(out);
});
server.keepAliveTimeout = 120_000;
server.listen(port, '127.0.0.1', () =>
  console.log(`node pass-through :${port} -> ${upstream.origin}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
