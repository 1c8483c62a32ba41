import type { FastifyInstance } from 'fastify';

/** `GET /healthz`: 200 when the database answers, 503 when it does not. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    const ok = await app.parley.database.ping();
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', database: app.parley.database.kind });
  });
}
