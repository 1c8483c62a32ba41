#!/usr/bin/env node
// `node scripts/precompress.mjs <dir>…`: writes `<file>.br` and `<file>.gz` beside every text
// file (JavaScript, CSS, HTML, SVG, JSON) under each folder, which the gateway then serves to
// browsers that accept them (`preCompressed` in apps/gateway/src/http/routes/static.ts). Done once
// at build time, at the highest levels: nothing is compressed per request. A compressed copy
// that would not be smaller is not written, and stale ones are removed.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TEXT = /\.(js|mjs|css|html|svg|json|map|txt)$/;

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Compresses the text files under `dir`; returns their count and their bytes before and after (brotli). */
export function precompress(dir) {
  const totals = { files: 0, bytes: 0, brotli: 0 };
  for (const path of filesUnder(dir)) {
    const compressed = /\.(br|gz)$/.exec(path);
    if (compressed) {
      // A copy whose file is gone (or no longer compressed) goes too.
      if (!existsSync(path.slice(0, -3)) || !TEXT.test(path.slice(0, -3))) rmSync(path);
      continue;
    }
    if (!TEXT.test(path)) continue;
    const data = readFileSync(path);
    const versions = {
      br: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
      gz: gzipSync(data, { level: 9 }),
    };
    for (const [ext, bytes] of Object.entries(versions)) {
      if (bytes.length < data.length) writeFileSync(`${path}.${ext}`, bytes);
      else rmSync(`${path}.${ext}`, { force: true });
    }
    totals.files++;
    totals.bytes += data.length;
    totals.brotli += Math.min(versions.br.length, data.length);
  }
  return totals;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dirs = process.argv.slice(2);
  if (!dirs.length) {
    process.stderr.write('usage: node scripts/precompress.mjs <dir>…\n');
    process.exit(2);
  }
  for (const dir of dirs) {
    if (!existsSync(dir)) {
      process.stderr.write(`precompress: ${dir} does not exist; build it first.\n`);
      process.exit(1);
    }
    const { files, bytes, brotli } = precompress(dir);
    process.stdout.write(`precompress: ${files} file${files === 1 ? '' : 's'} in ${relative(process.cwd(), dir) || '.'}, ${bytes} B → ${brotli} B with brotli (and a gzip copy each)\n`);
  }
}
