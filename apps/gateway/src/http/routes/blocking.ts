import { BlockInputSchema, IdSchema, ViewQuerySchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { requireAgent } from '../auth.ts';
import { parseInput } from '../validate.ts';

const ParamsSchema = v.object({ id: IdSchema });
const PageSchema = v.strictObject({ cursor: ViewQuerySchema.entries.cursor, limit: ViewQuerySchema.entries.limit });

/**
 * Blocking over HTTP (agent cookie; changes from the console's origin): an agent blocks the
 * customer of a conversation; admins list and lift blocks.
 */
export async function blockingRoutes(app: FastifyInstance): Promise<void> {
  const { blocking } = app.parley;

  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireAgent);

    scoped.post('/api/agent/conversations/:id/block', async (request, reply) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const input = parseInput(v.optional(BlockInputSchema, {}), request.body);
      return reply.status(201).send({ block: await blocking.block(request.agent!, id, input) });
    });

    scoped.get('/api/admin/blocks', async (request) => blocking.list(request.agent!, parseInput(PageSchema, request.query)));

    scoped.delete('/api/admin/blocks/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      await blocking.unblock(request.agent!, id);
      return { ok: true };
    });
  });
}
