import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Below this size compression costs more than it saves (the proxy uses the same threshold). */
const MIN_COMPRESS_BYTES = 1024;

/**
 * Writes `file.br` and `file.gz` beside every text asset, at the strongest settings: the proxy serves
 * them as they are, so it never spends seconds of start-up on brotli level 11.
 */
function precompress(): Plugin {
  return {
    name: 'llmtrace-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(name)) continue;
        const path = join(dir, name);
        const body = readFileSync(path);
        if (body.length < MIN_COMPRESS_BYTES) continue;
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

// Served by the proxy under /ui; every file under assets/ gets a content hash in its name, which is
// what lets the proxy cache them as immutable.
export default defineConfig({
  base: '/ui/',
  plugins: [react(), precompress()],
  // `npm run dev -w @llmtrace/dashboard` next to a running proxy (`npm start`): the API is proxied,
  // so the session cookie stays same-origin.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The charts library is most of the bundle; one vendor chunk keeps app deploys small.
    chunkSizeWarningLimit: 1200,
  },
});
