#!/usr/bin/env node
// Prints the gzip size of the loader (dist/widget.js) and of everything the messenger's first
// open loads (the SDK's core, dist/sdk.js, and the messenger's entry, each with every JS and CSS
// file it imports statically, from Vite's manifest),
// and the same for the portal and the web form, and exits 1 when one is over its budget in
// size-budget.json. Beside each it prints what the gateway sends a browser that accepts brotli
// (the build's .br copies, scripts/precompress.mjs).
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
/** What the gateway sends a browser that accepts brotli: the build's `.br` copy, or the file itself when it has none. */
const served = (file) => (existsSync(join(dist, `${file}.br`)) ? raw(`${file}.br`) : raw(file));

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

// The loader imports the SDK's core (dist/sdk.js) before it mounts any surface, so the core and
// what it imports count in every first open and first mount (each file once).
const SDK_CORE = 'src/sdk/core-entry.ts';
if (!manifest[SDK_CORE]?.isEntry) fail(`the manifest has no entry ${SDK_CORE}.`);
const withCore = (entry) => firstOpenFiles(entry, firstOpenFiles(SDK_CORE));

/** Every file measured, once each: its part, its name, its bytes, gzip size and what is sent with brotli. */
const rows = [];
function measure(part, file, note = '') {
  rows.push({ part, file: `${file}${note}`, bytes: raw(file), gzip: gzip(file), brotli: served(file) });
}
const total = (part, key) => rows.filter((row) => row.part === part).reduce((sum, row) => sum + row[key], 0);
/** The largest of the language modules whose manifest keys match `pattern`, by gzip size. */
const largestLanguage = (pattern) =>
  Object.entries(manifest)
    .filter(([key]) => pattern.test(key))
    .map(([, chunk]) => [chunk.file, gzip(chunk.file)])
    .sort((a, b) => b[1] - a[1])[0]?.[0];

measure('loader', 'widget.js');
for (const file of withCore(MESSENGER_ENTRY)) measure('messenger', file);
// The messenger's strings are one module per language, imported dynamically: the first open
// loads exactly one of them, so the largest counts.
const language = largestLanguage(/^src\/messenger\/strings\/[a-z]{2}\.ts$/);
if (!language) fail('the manifest has no messenger language modules (src/messenger/strings/*.ts).');
measure('messenger', language, ' (largest language)');

// The inline surfaces (`Parley('mount', …)`): each entry and everything it imports statically.
const SURFACES = [
  ['portal', 'src/portal/index.tsx'],
  ['webform', 'src/webform/index.tsx'],
];
for (const [name, entry] of SURFACES) {
  if (!manifest[entry]?.isEntry) fail(`the manifest has no entry ${entry}.`);
  for (const file of withCore(entry)) measure(name, file);
  // English is in the entry; another language adds its one module, so the largest counts.
  const largest = largestLanguage(new RegExp(`^src/${name}/strings/[a-z]{2}\\.ts$`));
  if (largest) measure(name, largest, ' (largest language)');
}

const pad = (value, width) => String(value).padStart(width);
process.stdout.write(`${'part'.padEnd(10)} ${'file'.padEnd(36)} ${pad('bytes', 8)} ${pad('gzip', 8)} ${pad('brotli', 8)}\n`);
for (const { part, file, bytes, gzip, brotli } of rows) process.stdout.write(`${part.padEnd(10)} ${file.padEnd(36)} ${pad(bytes, 8)} ${pad(gzip, 8)} ${pad(brotli, 8)}\n`);

const checks = [
  ['loader (dist/widget.js)', 'loader', budget.loader],
  ['messenger first open', 'messenger', budget.messengerFirstOpen],
  ...SURFACES.map(([name]) => [`${name} first mount`, name, budget[name]]),
];
let over = false;
process.stdout.write('\n');
for (const [name, part, limit] of checks) {
  const [size, br] = [total(part, 'gzip'), total(part, 'brotli')];
  const ok = size <= limit;
  over ||= !ok;
  process.stdout.write(`${ok ? 'ok  ' : 'OVER'} ${name}: ${size} B gzip (budget ${limit} B, ${((size / limit) * 100).toFixed(1)}%); served with brotli: ${br} B\n`);
}
if (over) fail('over budget: make it smaller, or raise the budget in size-budget.json in a change that says why.');
