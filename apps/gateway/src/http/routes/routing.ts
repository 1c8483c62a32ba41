import {
  AgentLimitSchema,
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
import { fieldErrorHandler, parseForm, parseInput } from '../validate.ts';

const ParamsSchema = v.object({ id: IdSchema });

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
  app.setErrorHandler(fieldErrorHandler);

  app.register(async (agent) => {
    agent.addHook('preHandler', requireAgent);

    agent.get('/api/agent/routing', async (request) => routing.snapshot(request.agent!));

    agent.put('/api/agent/status', async (request) => {
      const { status } = parseForm(StatusChangeSchema, request.body);
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
      const target = parseForm(TransferSchema, request.body);
      const { pending, events } = await routing.transfer(request.agent!, id, target);
      await publish(events);
      // Accepted for an answer: the sender hears it as routing.transfer.result.
      return reply.status(202).send({ pending });
    });

    agent.post('/api/agent/conversations/:id/invite', async (request, reply) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { agentId } = parseForm(InviteSchema, request.body);
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
      const { wrapUp } = parseForm(ResolveSchema, request.body);
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
      const input = parseForm(QueueInputSchema, request.body);
      const { workspaceId } = request.agent!;
      const row = await routing.createQueue(workspaceId, input);
      await publish([{ type: 'changed', workspaceId }]);
      return reply.status(201).send({ queue: await queueView(workspaceId, row.id) });
    });

    admin.patch('/api/admin/queues/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const input = parseForm(QueuePatchSchema, request.body);
      const { workspaceId } = request.agent!;
      await routing.updateQueue(workspaceId, id, input);
      // A queue that now hands out differently may hand out its waiting chats.
      await publish([{ type: 'changed', workspaceId }, ...(await routing.dispatch(id))]);
      return { queue: await queueView(workspaceId, id) };
    });

    admin.put('/api/admin/queues/:id/agents', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { agentIds } = parseForm(QueueAgentsSchema, request.body);
      const { workspaceId } = request.agent!;
      await publish(await routing.setQueueAgents(workspaceId, id, agentIds));
      return { queue: await queueView(workspaceId, id) };
    });

    admin.get('/api/admin/wrap-up-reasons', async (request) => ({ wrapUpReasons: await routing.wrapUpReasons(request.agent!.workspaceId) }));

    admin.post('/api/admin/wrap-up-reasons', async (request, reply) => {
      const { label } = parseForm(WrapUpReasonInputSchema, request.body);
      return reply.status(201).send({ wrapUpReason: await routing.addWrapUpReason(request.agent!.workspaceId, label) });
    });

    admin.delete('/api/admin/wrap-up-reasons/:id', async (request, reply) => {
      const { id } = parseInput(ParamsSchema, request.params);
      await routing.removeWrapUpReason(request.agent!.workspaceId, id);
      return reply.status(204).send();
    });

    admin.patch('/api/admin/agents/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { maxChats } = parseForm(AgentLimitSchema, request.body);
      const { workspaceId } = request.agent!;
      await publish(await routing.setAgentLimit(workspaceId, id, maxChats));
      const [agent] = await routing.agentViews(workspaceId, [id]);
      return { agent };
    });
  });
}
