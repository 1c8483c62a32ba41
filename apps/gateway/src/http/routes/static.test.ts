import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

const CLEAN_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', 'packages', 'widget', 'scripts', 'clean-dist.mjs');

describe('a new build of the widget', () => {
  /** Writes what a build of the widget leaves in `dist`: entries, chunks and the manifest naming the chunks. */
  function build(dist: string, build: number, chunks: string[]) {
    mkdirSync(join(dist, 'chunks'), { recursive: true });
    mkdirSync(join(dist, '.vite'), { recursive: true });
    writeFileSync(join(dist, 'widget.js'), script(`loader${build}`));
    writeFileSync(join(dist, 'sdk.js'), script(`sdk${build}`));
    for (const chunk of chunks) writeFileSync(join(dist, 'chunks', chunk), script(chunk.replace(/\W/g, '_')));
    const manifest = Object.fromEntries(chunks.map((chunk) => [`src/${chunk}`, { file: `chunks/${chunk}` }]));
    manifest['src/sdk.ts'] = { file: 'sdk.js', imports: chunks.map((chunk) => `src/${chunk}`) } as never;
    writeFileSync(join(dist, '.vite', 'manifest.json'), JSON.stringify(manifest));
    precompress(dist);
  }
  function clean(dist: string) {
    const run = spawnSync(process.execPath, [CLEAN_DIST, dist], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return run.stdout;
  }

  it("keeps the last build's chunks for browsers that hold its entries, and no older ones", async () => {
    const root = mkdtempSync(join(tmpdir(), 'parley-builds-'));
    const dist = join(root, 'widget');
    const server = Fastify();
    try {
      await server.register(staticRoutes, { dirs: { widget: dist, console: join(dir, 'console'), demo: join(dir, 'demo') } });
      const status = async (url: string) => (await server.inject({ url, headers: { 'accept-encoding': 'br' } })).statusCode;

      build(dist, 1, ['files-One111.js', 'shared-Same00.js']);
      // Something the manifest does not name (a file put there by hand) goes at the next build.
      writeFileSync(join(dist, 'chunks', 'stray.js'), script('stray'));
      expect(clean(dist)).toMatch(/kept the last build's 6 chunk files .*; removed 1 older ones/);
      expect(existsSync(join(dist, 'sdk.js'))).toBe(false);
      expect(existsSync(join(dist, '.vite'))).toBe(false);
      build(dist, 2, ['files-Two222.js', 'shared-Same00.js']);
      // A browser that loaded the first build's sdk.js a minute ago still gets what it imports.
      expect(await status('/widget/chunks/files-One111.js')).toBe(200);
      expect(await status('/widget/chunks/files-Two222.js')).toBe(200);
      expect(await status('/widget/chunks/stray.js')).toBe(404);

      clean(dist);
      build(dist, 3, ['files-Three3.js', 'shared-Same00.js']);
      expect(await status('/widget/chunks/files-One111.js')).toBe(404);
      expect(existsSync(join(dist, 'chunks', 'files-One111.js.br'))).toBe(false);
      for (const chunk of ['files-Two222.js', 'files-Three3.js', 'shared-Same00.js']) expect(await status(`/widget/chunks/${chunk}`)).toBe(200);
      expect((await server.inject({ url: '/widget/sdk.js' })).body).toBe(script('sdk3'));
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('removes every chunk when there is no manifest to say which are the last build', () => {
    const dist = mkdtempSync(join(tmpdir(), 'parley-builds-'));
    try {
      build(dist, 1, ['files-One111.js']);
      rmSync(join(dist, '.vite'), { recursive: true });
      expect(clean(dist)).toMatch(/kept the last build's 0 chunk files .*; removed 3 older ones/);
      expect(readdirSync(join(dist, 'chunks'))).toEqual([]);
      // A folder that does not exist yet (a fresh clone) is nothing to clean.
      rmSync(dist, { recursive: true });
      expect(clean(dist)).toMatch(/kept the last build's 0 chunk files .*; removed 0 older ones/);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
