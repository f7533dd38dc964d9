import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the proxy under /ui; every file under assets/ gets a content hash in its name, which is
// what lets the proxy cache them as immutable.
export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The charts library is most of the bundle; one vendor chunk keeps app deploys small.
    chunkSizeWarningLimit: 1200,
  },
});
