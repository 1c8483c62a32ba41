import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');

/** Where the built front-ends are, relative to the repository. */
export const STATIC_DIRS = {
  console: join(root, 'apps', 'console', 'dist'),
  widget: join(root, 'packages', 'widget', 'dist'),
  demo: join(root, 'examples', 'script-tag', 'dist'),
};

/**
 * Serves what the build produced: the widget at `/widget.js` and `/widget/*` (to any origin,
 * since every customer's site loads it), the console at `/console/`, the demo site at `/`.
 * Files are looked up per request, so a rebuild needs no restart.
 */
export async function staticRoutes(app: FastifyInstance): Promise<void> {
  await app.register(async (widget) => {
    widget.addHook('onSend', async (_request, reply) => {
      reply.header('Access-Control-Allow-Origin', '*');
      reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
    });
    await widget.register(fastifyStatic, { root: STATIC_DIRS.widget, prefix: '/widget/', maxAge: 300_000 });
    widget.get('/widget.js', (_request, reply) => reply.sendFile('widget.js', STATIC_DIRS.widget));
  });
  await app.register(async (consoleApp) => {
    await consoleApp.register(fastifyStatic, { root: STATIC_DIRS.console, prefix: '/console/', decorateReply: false });
    consoleApp.get('/console', (_request, reply) => reply.redirect('/console/'));
  });
  await app.register(async (demo) => {
    await demo.register(fastifyStatic, { root: STATIC_DIRS.demo, prefix: '/', decorateReply: false, index: ['index.html'] });
  });
}
