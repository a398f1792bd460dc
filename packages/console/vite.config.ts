// Builds the console into dist/web, which the node serves at `/` (packages/node/src/api/console.ts).
// Relative asset paths (`base: './'`) so the same build works under any prefix.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1_500,
    reportCompressedSize: false,
  },
  server: { port: 5173, strictPort: false },
});
