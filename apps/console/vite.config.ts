import { defineConfig } from 'vite';

// The gateway serves the build at /console/ (apps/gateway/src/http/routes/static.ts).
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
  server: {
    // `pnpm dev` talks to a gateway on :3000 (PARLEY_GATEWAY to change it); the cookie stays same-origin.
    proxy: {
      '/api': { target: process.env.PARLEY_GATEWAY ?? 'http://localhost:3000', changeOrigin: true },
      '/ws': { target: process.env.PARLEY_GATEWAY ?? 'http://localhost:3000', changeOrigin: true, ws: true },
    },
  },
});
