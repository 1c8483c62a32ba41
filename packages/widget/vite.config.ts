import { defineConfig } from 'vite';

// Two builds (IIFE library builds cannot split code):
//   --mode loader     src/loader → dist/widget.js, one small classic script (served at /widget.js)
//   --mode messenger  src/messenger → dist/messenger.js + dist/chunks/*, ES modules the loader
//                     import()s from <base>/widget/messenger.js (the gateway serves dist/ at /widget/)
export default defineConfig(({ mode }) => {
  const common = {
    oxc: { jsx: { runtime: 'automatic' as const, importSource: 'preact' } },
    build: { target: 'es2020', minify: true, sourcemap: false, reportCompressedSize: true },
  };
  if (mode === 'loader') {
    return {
      ...common,
      build: {
        ...common.build,
        outDir: 'dist',
        emptyOutDir: true,
        lib: { entry: 'src/loader/index.ts', formats: ['iife' as const], name: 'ParleyLoader', fileName: () => 'widget.js' },
      },
    };
  }
  if (mode === 'messenger') {
    return {
      ...common,
      base: './',
      build: {
        ...common.build,
        outDir: 'dist',
        emptyOutDir: false,
        manifest: true,
        modulePreload: false,
        rollupOptions: {
          input: { messenger: 'src/messenger/index.tsx' },
          preserveEntrySignatures: 'strict' as const,
          output: { format: 'es' as const, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: 'chunks/[name]-[hash][extname]' },
        },
      },
    };
  }
  // Tests (vitest) and anything else: just the JSX settings.
  return { oxc: common.oxc };
});
