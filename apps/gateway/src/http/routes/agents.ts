import { AgentCreateSchema, IdSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { requireAdmin, requireAgent } from '../auth.ts';
import { fieldErrorHandler, parseForm, parseInput } from '../validate.ts';

const ParamsSchema = v.object({ id: IdSchema });

/**
 * The workspace's agents, for its admins (agent cookie; changes from the console's origin): add an
 * agent, who gets a one-time password shown in the answer once, and remove one. What a removal
 * changed in routing reaches the sockets of every gateway node before the answer is sent.
 */
export async function agentAdminRoutes(app: FastifyInstance): Promise<void> {
  const { agents, routingFanout } = app.parley;

  // Field errors travel with the error body; everything else goes to the one error handler.
  app.setErrorHandler(fieldErrorHandler);

  app.register(async (admin) => {
    admin.addHook('preHandler', requireAgent);
    admin.addHook('preHandler', requireAdmin);

    admin.post('/api/admin/agents', async (request, reply) => {
      const input = parseForm(AgentCreateSchema, request.body);
      return reply.status(201).send(await agents.add(request.agent!, input));
    });

    admin.delete('/api/admin/agents/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      await routingFanout.publish(await agents.remove(request.agent!, id));
      return { ok: true };
    });
  });
}
