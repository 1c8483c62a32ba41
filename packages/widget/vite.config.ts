import { defineConfig } from 'vite';

// Three builds (IIFE library builds cannot split code):
//   --mode loader     src/loader → dist/widget.js, one small classic script (served at /widget.js)
//   --mode messenger  src/messenger → dist/messenger.js + dist/chunks/*, ES modules the loader
//                     import()s from <base>/widget/messenger.js (the gateway serves dist/ at /widget/);
//                     src/portal → dist/portal.js and src/webform → dist/webform.js, the inline surfaces;
//                     src/sdk/core-entry.ts → dist/sdk.js, the SDK's core the loader imports on first need
//   --mode esm        src/sdk/index.ts → dist/esm/index.js (+ types in dist/types), the ESM package
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
          // The portal and the web form are entries of their own (dist/portal.js, dist/webform.js):
          // `Parley('mount', …)` imports one only when a page mounts it.
          input: { messenger: 'src/messenger/index.tsx', portal: 'src/portal/index.tsx', webform: 'src/webform/index.tsx', sdk: 'src/sdk/core-entry.ts' },
          preserveEntrySignatures: 'strict' as const,
          output: { format: 'es' as const, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: 'chunks/[name]-[hash][extname]' },
        },
      },
    };
  }
  if (mode === 'esm') {
    // The ESM package (`import { Parley } from '@parley/widget'`): the same SDK as the script tag,
    // with its core as a chunk the app's bundler splits off. The messenger and the inline surfaces
    // still load from the Parley server (`baseUrl`), so they always match it.
    return {
      ...common,
      build: {
        ...common.build,
        outDir: 'dist/esm',
        emptyOutDir: true,
        lib: { entry: 'src/sdk/index.ts', formats: ['es' as const], fileName: () => 'index.js' },
        rollupOptions: { output: { chunkFileNames: '[name]-[hash].js' } },
      },
    };
  }
  // Tests (vitest) and anything else: just the JSX settings.
  return { oxc: common.oxc };
});
