import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticRoutes } from './static.ts';

const PRECOMPRESS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', 'scripts', 'precompress.mjs');

/** Runs the build's compression step on `dir`, as the packages' build scripts do. */
function precompress(dir: string) {
  const run = spawnSync(process.execPath, [PRECOMPRESS, dir], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

// Text that compresses well, different in each file, so a mix-up shows.
const script = (name: string) => `export const ${name} = ${JSON.stringify(`${name} `.repeat(200))};\n`;

let dir: string;
let app: FastifyInstance;
const files: Record<string, string> = {
  'widget/widget.js': script('loader'),
  'widget/sdk.js': script('sdk'),
  'widget/chunks/messenger-AbC123.js': script('chunk'),
  'widget/chunks/tiny-XyZ987.js': 'x',
  'widget/chunks/logo-Q1w2E3.png': '\x89PNG not text',
  'console/index.html': `<!doctype html><title>Console</title>${'<p>agents</p>'.repeat(100)}`,
  'console/assets/index-Zz11.js': script('console'),
  'demo/index.html': `<!doctype html><title>Demo</title>${'<p>demo</p>'.repeat(100)}`,
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-static-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const part of ['widget', 'console', 'demo']) precompress(join(dir, part));
  app = Fastify();
  await app.register(staticRoutes, { dirs: { widget: join(dir, 'widget'), console: join(dir, 'console'), demo: join(dir, 'demo') } });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, acceptEncoding?: string) =>
  app.inject({ method: 'GET', url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

describe('the build step that compresses', () => {
  it('writes a brotli and a gzip copy of each text file, none of an image or of a file that would not shrink', () => {
    expect(existsSync(join(dir, 'widget/widget.js.br'))).toBe(true);
    expect(existsSync(join(dir, 'widget/widget.js.gz'))).toBe(true);
    expect(existsSync(join(dir, 'console/index.html.br'))).toBe(true);
    expect(existsSync(join(dir, 'widget/chunks/tiny-XyZ987.js.br'))).toBe(false);
    expect(existsSync(join(dir, 'widget/chunks/tiny-XyZ987.js.gz'))).toBe(false);
    expect(existsSync(join(dir, 'widget/chunks/logo-Q1w2E3.png.br'))).toBe(false);
  });

  it('removes the copies of a file that is gone, and says what it did', () => {
    const other = mkdtempSync(join(tmpdir(), 'parley-precompress-'));
    try {
      writeFileSync(join(other, 'old.js'), script('old'));
      expect(precompress(other)).toMatch(new RegExp(`^precompress: 1 file in .+, ${script('old').length} B → \\d+ B with brotli`));
      rmSync(join(other, 'old.js'));
      precompress(other);
      expect(existsSync(join(other, 'old.js.br'))).toBe(false);
      expect(existsSync(join(other, 'old.js.gz'))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('stops with a message naming a folder that does not exist', () => {
    const run = spawnSync(process.execPath, [PRECOMPRESS, join(dir, 'missing')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/missing does not exist; build it first/);
  });
});

describe('static files', () => {
  it('sends the loader brotli-compressed to a browser that accepts brotli, gzip to one that accepts gzip, plain to one that accepts neither', async () => {
    const br = await get('/widget.js', 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(files['widget/widget.js']);
    expect(br.rawPayload.length).toBeLessThan(files['widget/widget.js']!.length / 4);

    const gz = await get('/widget.js', 'gzip, deflate');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(files['widget/widget.js']);

    const plain = await get('/widget.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(files['widget/widget.js']);
  });

  it('lets any site load the widget, keeps its entries 5 minutes and its hashed chunks for good', async () => {
    for (const url of ['/widget.js', '/widget/sdk.js']) {
      const reply = await get(url, 'br');
      expect(reply.headers['cache-control']).toBe('public, max-age=300');
      expect(reply.headers['access-control-allow-origin']).toBe('*');
    }
    const chunk = await get('/widget/chunks/messenger-AbC123.js', 'br');
    expect(chunk.headers['content-encoding']).toBe('br');
    expect(chunk.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(chunk.rawPayload).toString()).toBe(files['widget/chunks/messenger-AbC123.js']);
  });

  it('sends a file with no compressed copy as it is, whatever the browser accepts', async () => {
    const tiny = await get('/widget/chunks/tiny-XyZ987.js', 'br, gzip');
    expect(tiny.statusCode).toBe(200);
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body).toBe('x');
  });

  it('compresses the console and the demo site too; the console page is checked again on every visit, its hashed assets never', async () => {
    const page = await get('/console/', 'br');
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('public, max-age=0');
    expect(brotliDecompressSync(page.rawPayload).toString()).toBe(files['console/index.html']);
    const asset = await get('/console/assets/index-Zz11.js', 'gzip');
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const demo = await get('/', 'gzip');
    expect(demo.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(demo.rawPayload).toString()).toBe(files['demo/index.html']);
  });

  it('answers 404 for a file that does not exist, whatever the browser accepts', async () => {
    expect((await get('/widget/missing.js', 'br')).statusCode).toBe(404);
  });
});
