import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the proxy under /ui; every file under assets/ gets a content hash in its name, which is
// what lets the proxy cache them as immutable.
export default defineConfig({
  base: '/ui/',
  plugins: [react()],
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
