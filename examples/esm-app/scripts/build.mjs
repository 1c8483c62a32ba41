#!/usr/bin/env node
// Copies the app's page and script into dist/, with the SDK's ESM build (from @parley/widget)
// beside them in dist/parley/, so the page can `import { Parley } from './parley/index.js'`
// without a bundler. An app with a bundler imports '@parley/widget' instead.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// The workspace links @parley/widget into node_modules (it is a dependency of this app).
const widget = join(root, 'node_modules', '@parley', 'widget');
const esm = join(widget, 'dist', 'esm');
if (!existsSync(join(esm, 'index.js'))) {
  process.stderr.write('The SDK is not built: run `pnpm --filter @parley/widget build` (or `npm run build` at the root) first.\n');
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
cpSync(join(root, 'public'), dist, { recursive: true });
cpSync(esm, join(dist, 'parley'), { recursive: true });
process.stdout.write(`copied ${readdirSync(join(root, 'public')).join(', ')} and the SDK (parley/) to dist/\n`);
