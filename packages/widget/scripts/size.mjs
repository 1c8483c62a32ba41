#!/usr/bin/env node
// Prints the gzip size of the loader (dist/widget.js) and of everything the messenger's first
// open loads (its entry plus every JS and CSS file it imports statically, from Vite's manifest),
// and exits 1 when either is over the budget in size-budget.json.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const MESSENGER_ENTRY = 'src/messenger/index.tsx';

function fail(message) {
  process.stderr.write(`size: ${message}\n`);
  process.exit(1);
}

const gzip = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const raw = (file) => readFileSync(join(dist, file)).length;

const manifestPath = join(dist, '.vite', 'manifest.json');
if (!existsSync(join(dist, 'widget.js')) || !existsSync(manifestPath)) {
  fail('dist/ is missing or incomplete; run `pnpm --filter @parley/widget build` first.');
}
const budget = JSON.parse(readFileSync(join(root, 'size-budget.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
if (!manifest[MESSENGER_ENTRY]?.isEntry) fail(`the manifest has no entry ${MESSENGER_ENTRY}.`);

/** Every file the browser fetches before the messenger module can run: static imports, transitively, and their CSS. */
function firstOpenFiles(key, files = new Set(), seen = new Set()) {
  if (seen.has(key)) return files;
  seen.add(key);
  const chunk = manifest[key];
  if (!chunk) fail(`the manifest has no chunk ${key}.`);
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const imported of chunk.imports ?? []) firstOpenFiles(imported, files, seen);
  return files;
}

const rows = [];
const loader = gzip('widget.js');
rows.push(['loader', 'widget.js', raw('widget.js'), loader]);
let messenger = 0;
for (const file of firstOpenFiles(MESSENGER_ENTRY)) {
  const size = gzip(file);
  messenger += size;
  rows.push(['messenger', file, raw(file), size]);
}

const pad = (value, width) => String(value).padStart(width);
process.stdout.write(`${'part'.padEnd(10)} ${'file'.padEnd(36)} ${pad('bytes', 8)} ${pad('gzip', 8)}\n`);
for (const [part, file, bytes, gz] of rows) process.stdout.write(`${part.padEnd(10)} ${file.padEnd(36)} ${pad(bytes, 8)} ${pad(gz, 8)}\n`);

const checks = [
  ['loader (dist/widget.js)', loader, budget.loader],
  ['messenger first open', messenger, budget.messengerFirstOpen],
];
let over = false;
process.stdout.write('\n');
for (const [name, size, limit] of checks) {
  const ok = size <= limit;
  over ||= !ok;
  process.stdout.write(`${ok ? 'ok  ' : 'OVER'} ${name}: ${size} B gzip (budget ${limit} B, ${((size / limit) * 100).toFixed(1)}%)\n`);
}
if (over) fail('over budget: make it smaller, or raise the budget in size-budget.json in a change that says why.');
