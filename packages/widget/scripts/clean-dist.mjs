#!/usr/bin/env node
// `node scripts/clean-dist.mjs [dist]`: empties the widget's build folder before a build, except
// the chunks the last build made. A browser may keep `sdk.js` or `messenger.js` for 5 minutes
// (their names stay the same across builds); until then it loads the chunks those name, so a new
// build keeps them beside its own. Chunks older than the last build go: the folder holds at most
// two builds' chunks. The last build's chunks are the ones its manifest (`.vite/manifest.json`)
// names; with no manifest, every chunk goes.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CHUNKS = 'chunks';
const MANIFEST = join('.vite', 'manifest.json');

/** The files under `chunks/` that the manifest in `dist` names, by their names in `chunks/`. */
function lastBuildChunks(dist) {
  const path = join(dist, MANIFEST);
  if (!existsSync(path)) return new Set();
  const named = new Set();
  for (const chunk of Object.values(JSON.parse(readFileSync(path, 'utf8')))) {
    for (const file of [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]) {
      if (typeof file == 'string' && file.startsWith(`${CHUNKS}/`)) named.add(file.slice(CHUNKS.length + 1));
    }
  }
  return named;
}

/**
 * Removes everything in `dist` but the chunks the last build's manifest names (with their
 * compressed copies). Returns how many chunk files were kept and how many removed.
 */
export function cleanDist(dist) {
  const counts = { kept: 0, removed: 0 };
  if (!existsSync(dist)) return counts;
  const keep = lastBuildChunks(dist);
  for (const entry of readdirSync(dist)) {
    if (entry !== CHUNKS) rmSync(join(dist, entry), { recursive: true, force: true });
  }
  const chunks = join(dist, CHUNKS);
  if (!existsSync(chunks)) return counts;
  for (const name of readdirSync(chunks)) {
    if (keep.has(name.replace(/\.(br|gz)$/, ''))) counts.kept++;
    else {
      rmSync(join(chunks, name), { recursive: true, force: true });
      counts.removed++;
    }
  }
  return counts;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dist = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const { kept, removed } = cleanDist(dist);
  process.stdout.write(`clean-dist: kept the last build's ${kept} chunk files for browsers that still hold its entries; removed ${removed} older ones\n`);
}
