import { existsSync } from 'node:fs';
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

/** Serves what the build produced: the demo site at `/`, the console at `/console/`, the widget. */
export async function staticRoutes(app: FastifyInstance): Promise<void> {
  const common = { wildcard: false, decorateReply: false, index: ['index.html'] };
  if (existsSync(STATIC_DIRS.widget)) {
    await app.register(fastifyStatic, { ...common, root: STATIC_DIRS.widget, prefix: '/widget/', decorateReply: true });
    app.get('/widget.js', (_request, reply) => reply.sendFile('widget.js', STATIC_DIRS.widget, { maxAge: 300_000 }));
  }
  if (existsSync(STATIC_DIRS.console)) {
    await app.register(fastifyStatic, { ...common, root: STATIC_DIRS.console, prefix: '/console/' });
    app.get('/console', (_request, reply) => reply.redirect('/console/'));
  }
  if (existsSync(STATIC_DIRS.demo)) {
    await app.register(fastifyStatic, { ...common, root: STATIC_DIRS.demo, prefix: '/' });
  } else {
    app.get('/', async (_request, reply) =>
      reply.type('text/html').send('<!doctype html><title>Parley</title><p>Parley is running. Build the demo site with <code>pnpm -r run build</code>.</p>'),
    );
  }
}
