import {
  AgentLimitSchema,
  checkForm,
  ErrorCode,
  IdSchema,
  InviteSchema,
  QueueAgentsSchema,
  QueueInputSchema,
  QueuePatchSchema,
  ResolveSchema,
  StatusChangeSchema,
  TransferSchema,
  WrapUpReasonInputSchema,
} from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as v from 'valibot';
import { AppError, notFound } from '../../domain/errors.ts';
import type { RoutingEvent } from '../../domain/routing/routing-service.ts';
import { requireAgent } from '../auth.ts';
import { parseInput, refuseArrayForObject } from '../validate.ts';

const ParamsSchema = v.object({ id: IdSchema });

/**
 * Parses a body, answering 400 `INVALID_REQUEST` with one entry per bad field in `error.fields`
 * (`{ field, code, message, max? }`), as the other forms do; a rule about the whole body (e.g.
 * exactly one of two fields) is named in the message.
 */
function parseBody<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  refuseArrayForObject(schema, input ?? {});
  const result = checkForm(schema, input ?? {});
  if (result.ok) return result.value;
  const { fields } = result;
  const whole = v.safeParse(schema, input ?? {});
  const message = fields.length ? `${fields.map((f) => f.message).join('; ')}.` : `${whole.issues?.[0]?.message ?? 'The body must be a JSON object'}.`;
  throw Object.assign(new AppError(ErrorCode.INVALID_REQUEST, message, { status: 400 }), { fields });
}

/** preHandler: admins only. */
async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (request.agent?.role !== 'admin') {
    throw new AppError(ErrorCode.FORBIDDEN, 'Only admins manage queues, wrap-up reasons and chat limits; ask an admin of your workspace.', { status: 403 });
  }
}

/**
 * Routing over HTTP (agent cookie; mutations from the console's origin). Agents: the snapshot
 * the console starts from, their status, answers to offers, and what they do to a chat (take,
 * transfer, invite, leave, end the conference, resolve). Admins: queues and their agents,
 * wrap-up reasons, agents' chat limits. What each call changed reaches the sockets of every
 * gateway node before the answer is sent.
 */
export async function routingRoutes(app: FastifyInstance): Promise<void> {
  const { routing, routingFanout, conversations } = app.parley;
  const publish = (events: RoutingEvent[]) => routingFanout.publish(events);

  // Field errors travel with the error body; everything else goes to the one error handler.
  app.setErrorHandler((error, _request, reply) => {
    const fields = (error as { fields?: unknown }).fields;
    if (error instanceof AppError && Array.isArray(fields)) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, fields } });
    }
    throw error;
  });

  app.register(async (agent) => {
    agent.addHook('preHandler', requireAgent);

    agent.get('/api/agent/routing', async (request) => routing.snapshot(request.agent!));

    agent.put('/api/agent/status', async (request) => {
      const { status } = parseBody(StatusChangeSchema, request.body);
      const me = request.agent!;
      await publish(await routing.setStatus(me.agentId, status));
      const [view] = await routing.agentViews(me.workspaceId, [me.agentId]);
      return { agent: view };
    });

    agent.post('/api/agent/offers/:id/accept', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const me = request.agent!;
      const events = await routing.accept(me.agentId, id);
      await publish(events);
      const accepted = events.find((e) => e.type === 'offer.closed' && e.offerId === id);
      if (!accepted || accepted.type !== 'offer.closed') throw notFound('offer');
      return { conversation: await conversations.get(me, accepted.conversationId) };
    });

    agent.post('/api/agent/offers/:id/decline', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      await publish(await routing.decline(request.agent!.agentId, id));
      return { ok: true };
    });

    agent.post('/api/agent/conversations/:id/take', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const me = request.agent!;
      await publish(await routing.take(me, id));
      return { conversation: await conversations.get(me, id) };
    });

    agent.post('/api/agent/conversations/:id/transfer', async (request, reply) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const target = parseBody(TransferSchema, request.body);
      const { pending, events } = await routing.transfer(request.agent!, id, target);
      await publish(events);
      // Accepted for an answer: the sender hears it as routing.transfer.result.
      return reply.status(202).send({ pending });
    });

    agent.post('/api/agent/conversations/:id/invite', async (request, reply) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { agentId } = parseBody(InviteSchema, request.body);
      await publish(await routing.invite(request.agent!, id, agentId));
      return reply.status(202).send({ pending: true });
    });

    agent.post('/api/agent/conversations/:id/leave', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      await publish(await routing.leave(request.agent!, id));
      return { ok: true };
    });

    agent.post('/api/agent/conversations/:id/conference/end', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      await publish(await routing.endConference(request.agent!, id));
      return { ok: true };
    });

    agent.post('/api/agent/conversations/:id/resolve', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { wrapUp } = parseBody(ResolveSchema, request.body);
      const me = request.agent!;
      await publish(await routing.resolve(me, id, wrapUp));
      return { conversation: await conversations.get(me, id) };
    });
  });

  app.register(async (admin) => {
    admin.addHook('preHandler', requireAgent);
    admin.addHook('preHandler', requireAdmin);

    const queueView = async (workspaceId: string, queueId: string) => {
      const [queue] = await routing.queueViews(workspaceId, [queueId]);
      if (!queue) throw notFound('queue');
      return queue;
    };

    admin.get('/api/admin/queues', async (request) => ({ queues: await routing.queueViews(request.agent!.workspaceId) }));

    admin.post('/api/admin/queues', async (request, reply) => {
      const input = parseBody(QueueInputSchema, request.body);
      const { workspaceId } = request.agent!;
      const row = await routing.createQueue(workspaceId, input);
      await publish([{ type: 'changed', workspaceId }]);
      return reply.status(201).send({ queue: await queueView(workspaceId, row.id) });
    });

    admin.patch('/api/admin/queues/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const input = parseBody(QueuePatchSchema, request.body);
      const { workspaceId } = request.agent!;
      await routing.updateQueue(workspaceId, id, input);
      // A queue that now hands out differently may hand out its waiting chats.
      await publish([{ type: 'changed', workspaceId }, ...(await routing.dispatch(id))]);
      return { queue: await queueView(workspaceId, id) };
    });

    admin.put('/api/admin/queues/:id/agents', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { agentIds } = parseBody(QueueAgentsSchema, request.body);
      const { workspaceId } = request.agent!;
      await publish(await routing.setQueueAgents(workspaceId, id, agentIds));
      return { queue: await queueView(workspaceId, id) };
    });

    admin.get('/api/admin/wrap-up-reasons', async (request) => ({ wrapUpReasons: await routing.wrapUpReasons(request.agent!.workspaceId) }));

    admin.post('/api/admin/wrap-up-reasons', async (request, reply) => {
      const { label } = parseBody(WrapUpReasonInputSchema, request.body);
      return reply.status(201).send({ wrapUpReason: await routing.addWrapUpReason(request.agent!.workspaceId, label) });
    });

    admin.delete('/api/admin/wrap-up-reasons/:id', async (request, reply) => {
      const { id } = parseInput(ParamsSchema, request.params);
      await routing.removeWrapUpReason(request.agent!.workspaceId, id);
      return reply.status(204).send();
    });

    admin.patch('/api/admin/agents/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { maxChats } = parseBody(AgentLimitSchema, request.body);
      const { workspaceId } = request.agent!;
      await publish(await routing.setAgentLimit(workspaceId, id, maxChats));
      const [agent] = await routing.agentViews(workspaceId, [id]);
      return { agent };
    });
  });
}
