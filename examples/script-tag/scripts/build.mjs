#!/usr/bin/env node
// Copies the demo pages, their stylesheet and icon into dist/, which the gateway serves at `/`.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const files = readdirSync(root).filter((name) => /\.(html|css|svg)$/.test(name));

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
for (const name of files) copyFileSync(join(root, name), join(dist, name));
process.stdout.write(`copied ${files.join(', ')} to dist/\n`);
