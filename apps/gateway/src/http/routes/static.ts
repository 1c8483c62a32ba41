import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');

/** Where the built front-ends are, relative to the repository. */
export const STATIC_DIRS = {
  console: join(root, 'apps', 'console', 'dist'),
  widget: join(root, 'packages', 'widget', 'dist'),
  demo: join(root, 'examples', 'script-tag', 'dist'),
};

/** How long a browser or CDN may keep a file whose name stays the same across builds (`widget.js`, `sdk.js`…): 5 minutes. */
const ENTRY_MAX_AGE_SECONDS = 300;

/**
 * Cache headers for a file under a folder whose hashed files live in `hashedDir` (the widget's
 * `chunks`, the console's `assets`): such a file's name carries a hash of its content, so it
 * never changes and is kept for a year without asking again. Any other file keeps its name
 * across builds and is kept for `maxAge` seconds.
 */
function caching(hashedDir: string, maxAge: number) {
  return (reply: FastifyReply, path: string) =>
    reply.header('Cache-Control', path.includes(`${sep}${hashedDir}${sep}`) ? 'public, max-age=31536000, immutable' : `public, max-age=${maxAge}`);
}

/**
 * Serves what the build produced: the widget at `/widget.js` and `/widget/*` (to any origin,
 * since every customer's site loads it), the console at `/console/`, the demo site at `/`.
 * Text files go out brotli- or gzip-compressed when the browser accepts it, from the copies
 * the build wrote beside them (scripts/precompress.mjs). Files are looked up per request, so a
 * rebuild needs no restart.
 */
export async function staticRoutes(app: FastifyInstance, { dirs = STATIC_DIRS }: { dirs?: typeof STATIC_DIRS } = {}): Promise<void> {
  await app.register(async (widget) => {
    widget.addHook('onSend', async (_request, reply) => {
      reply.header('Access-Control-Allow-Origin', '*');
      reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
    });
    await widget.register(fastifyStatic, { root: dirs.widget, prefix: '/widget/', preCompressed: true, cacheControl: false, setHeaders: caching('chunks', ENTRY_MAX_AGE_SECONDS) });
    widget.get('/widget.js', (_request, reply) => reply.sendFile('widget.js', dirs.widget));
  });
  await app.register(async (consoleApp) => {
    await consoleApp.register(fastifyStatic, { root: dirs.console, prefix: '/console/', preCompressed: true, decorateReply: false, cacheControl: false, setHeaders: caching('assets', 0) });
    consoleApp.get('/console', (_request, reply) => reply.redirect('/console/'));
  });
  await app.register(async (demo) => {
    await demo.register(fastifyStatic, { root: dirs.demo, prefix: '/', preCompressed: true, decorateReply: false, index: ['index.html'] });
  });
}
