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
    // CSS for browsers with logical properties (`inset-inline`, `padding-inline-start`): older
    // targets make the CSS minifier spell each one out for every right-to-left language.
    build: { target: 'es2020', cssTarget: ['chrome100', 'edge100', 'firefox100', 'safari15'], minify: true, sourcemap: false, reportCompressedSize: true },
  };
  if (mode === 'loader') {
    return {
      ...common,
      build: {
        ...common.build,
        outDir: 'dist',
        // scripts/clean-dist.mjs empties dist/ before the build, keeping the last build's chunks.
        emptyOutDir: false,
        lib: { entry: 'src/loader/index.ts', formats: ['iife' as const], name: 'ParleyLoader', fileName: () => 'widget.js' },
      },
    };
  }
  if (mode === 'messenger') {
    return {
      ...common,
      build: {
        ...common.build,
        outDir: 'dist',
        emptyOutDir: false,
        manifest: true,
        // A library build (ES, several entries, split chunks): Vite then adds no module-preload
        // helper to the chunks; the surfaces inline their CSS and preload nothing.
        lib: {
          // The portal and the web form are entries of their own (dist/portal.js, dist/webform.js):
          // `Parley('mount', …)` imports one only when a page mounts it.
          entry: { messenger: 'src/messenger/index.tsx', portal: 'src/portal/index.tsx', webform: 'src/webform/index.tsx', sdk: 'src/sdk/core-entry.ts' },
          formats: ['es' as const],
        },
        rollupOptions: {
          // Modules an entry shares with the chunks it loads later stay in the entry (exported from it),
          // so the first open fetches fewer, better-compressed files.
          preserveEntrySignatures: 'allow-extension' as const,
          // Library builds keep whitespace and annotations for a later bundler; these files are final.
          output: { minify: true, comments: false, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: 'chunks/[name]-[hash][extname]' },
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
