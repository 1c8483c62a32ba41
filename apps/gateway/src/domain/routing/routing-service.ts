import { ErrorCode } from '@parley/protocol';
import type { Database } from '../../db/database.ts';
import type { QueueRow, RoutingRow } from '../../db/schema/index.ts';
import { AppError, notFound } from '../errors.ts';
import { createRoutingRepository, type Candidate, type Tx } from './routing-repository.ts';

/** What routing did, for the sockets: who was offered or given which chat, whose status changed. */
export type RoutingEvent =
  | { type: 'offered'; conversationId: string; agentId: string; offerId: string; expiresAt: Date }
  | { type: 'offer.withdrawn'; conversationId: string; agentId: string; offerId: string }
  | { type: 'broadcast'; conversationId: string; queueId: string }
  | { type: 'assigned'; conversationId: string; agentId: string }
  | { type: 'resolved'; conversationId: string; agentId: string; wrapUp: string }
  | { type: 'status'; agentId: string; status: AgentStatus };

/** The statuses an agent may choose; RONA is only ever set by routing. */
export type ChosenStatus = 'online' | 'invisible' | 'break' | 'offline';
/** Every agent status. */
export type AgentStatus = ChosenStatus | 'rona';

/** The job that expires an offer. */
export const OFFER_EXPIRE = 'offer.expire';

const DISPATCH_LIMIT = 100;

/**
 * Routing (MISSION.md A1, A2, A4, A9): agent presence, queues, offers, ownership, wrap-up.
 * Every decision is one transaction with row locks — the queue row serializes dispatch per
 * queue, agents' presence rows (locked in id order) serialize their capacity across queues — so
 * several gateway nodes never give one chat to two agents or an agent more than their limit.
 * Offer timeouts are durable jobs (see the job runner), not timers in memory.
 */
export function createRoutingService({
  db,
  clock = () => new Date(),
  staleAfterMs = 60_000,
}: {
  db: Database;
  clock?: () => Date;
  /** An agent whose console has not been heard from for this long gets no new chats. */
  staleAfterMs?: number;
}) {
  const repo = createRoutingRepository(db);
  const fresh = () => new Date(clock().getTime() - staleAfterMs);

  /** Orders candidates for the next chat: least recently given one first. */
  const byTurn = (a: Candidate, b: Candidate) =>
    (a.lastAssignedAt?.getTime() ?? 0) - (b.lastAssignedAt?.getTime() ?? 0) || a.agentId.localeCompare(b.agentId);

  async function own(tx: Tx, chat: RoutingRow, agentId: string, now: Date): Promise<RoutingEvent[]> {
    await repo.updateRouting(tx, chat.conversationId, { state: 'owned', ownerAgentId: agentId, ownedAt: now });
    await repo.touchAssigned(tx, chat.queueId, agentId, now);
    return [{ type: 'assigned', conversationId: chat.conversationId, agentId }];
  }

  async function dispatchLocked(tx: Tx, queue: QueueRow, chats: RoutingRow[], candidates: Candidate[]): Promise<RoutingEvent[]> {
    const now = clock();
    const events: RoutingEvent[] = [];
    for (const chat of chats) {
      if (queue.mode === 'broadcast') {
        await repo.updateRouting(tx, chat.conversationId, { state: 'broadcast' });
        events.push({ type: 'broadcast', conversationId: chat.conversationId, queueId: queue.id });
        continue;
      }
      const free = candidates.filter((c) => c.load < c.maxChats);
      if (!free.length) break;
      if (queue.mode === 'round_robin' || queue.mode === 'least_busy') {
        const pick = [...free].sort(queue.mode === 'least_busy' ? (a, b) => a.load - b.load || byTurn(a, b) : byTurn)[0]!;
        pick.load += 1;
        pick.lastAssignedAt = now;
        events.push(...(await own(tx, chat, pick.agentId, now)));
        continue;
      }
      const picks = [...free].sort(byTurn).slice(0, queue.mode === 'top_n' ? Math.max(1, queue.topN) : 1);
      const expiresAt = new Date(now.getTime() + queue.offerTimeoutMs);
      for (const pick of picks) {
        pick.load += 1;
        pick.lastAssignedAt = now;
        const offer = await repo.insertOffer(tx, { conversationId: chat.conversationId, agentId: pick.agentId, expiresAt, createdAt: now });
        await repo.insertJob(tx, OFFER_EXPIRE, expiresAt, { offerId: offer.id });
        await repo.touchAssigned(tx, queue.id, pick.agentId, now);
        events.push({ type: 'offered', conversationId: chat.conversationId, agentId: pick.agentId, offerId: offer.id, expiresAt });
      }
      await repo.updateRouting(tx, chat.conversationId, { state: 'offered' });
    }
    return events;
  }

  /** Hands out a queue's waiting chats as its mode says, while agents have room. */
  async function dispatch(queueId: string): Promise<RoutingEvent[]> {
    return repo.transaction(async (tx) => {
      const queue = await repo.lockQueue(tx, queueId);
      if (!queue) return [];
      const chats = await repo.lockWaiting(tx, [queueId], DISPATCH_LIMIT);
      if (!chats.length) return [];
      const candidates = queue.mode === 'broadcast' ? [] : await repo.lockCandidates(tx, queueId, fresh());
      return dispatchLocked(tx, queue, chats, candidates);
    });
  }

  /** Gives the agent the oldest waiting chat of their queues, if they have room (after a resolve). */
  async function assignNextTo(agentId: string): Promise<RoutingEvent[]> {
    const queueIds = await repo.queuesOf(agentId);
    for (const queueId of queueIds) {
      const events = await repo.transaction(async (tx) => {
        const queue = await repo.lockQueue(tx, queueId);
        if (!queue || queue.mode === 'broadcast') return [];
        const [me] = await repo.lockCandidates(tx, queueId, fresh(), agentId);
        if (!me || me.load >= me.maxChats) return [];
        const [chat] = await repo.lockWaiting(tx, [queueId], 1);
        return chat ? own(tx, chat, agentId, clock()) : [];
      });
      if (events.length) return events;
    }
    return [];
  }

  return {
    dispatch,

    /** Sets an agent's status; Online also ends RONA. Going Online picks up waiting chats. */
    async setStatus(agentId: string, status: ChosenStatus): Promise<RoutingEvent[]> {
      const now = clock();
      await repo.upsertPresence(db, agentId, { status, since: now, lastSeenAt: now });
      const events: RoutingEvent[] = [{ type: 'status', agentId, status }];
      if (status === 'online') for (const queueId of await repo.queuesOf(agentId)) events.push(...(await dispatch(queueId)));
      return events;
    },

    /** Records that the agent's console is connected (call on connect and every heartbeat). */
    async seen(agentId: string): Promise<void> {
      await repo.upsertPresence(db, agentId, { lastSeenAt: clock() });
    },

    /** The agent's status and since when. */
    async presence(agentId: string) {
      return (await repo.presence(agentId)) ?? { agentId, status: 'offline' as const, since: clock(), lastSeenAt: null, maxChats: 3 };
    },

    /** Sets how many chats an agent may hold at once. */
    async setMaxChats(agentId: string, maxChats: number): Promise<void> {
      await repo.upsertPresence(db, agentId, { maxChats });
    },

    createQueue: (workspaceId: string, values: { name: string; mode?: QueueRow['mode']; topN?: number; offerTimeoutMs?: number }) =>
      repo.createQueue({ workspaceId, ...values }),
    addAgent: (queueId: string, agentId: string) => repo.addQueueAgent(queueId, agentId),
    addWrapUpReason: (workspaceId: string, label: string) => repo.addWrapUpReason(workspaceId, label),

    /** Puts a conversation in a queue and hands out what can be handed out. */
    async enqueue(conversationId: string, workspaceId: string, queueId: string): Promise<RoutingEvent[]> {
      const queue = await repo.findQueue(queueId);
      if (!queue || queue.workspaceId !== workspaceId) throw notFound('queue');
      await repo.insertRouting({ conversationId, workspaceId, queueId, waitingSince: clock() });
      return dispatch(queueId);
    },

    /** The agent accepts an offer: they own the chat, and its other offers are withdrawn. */
    async accept(agentId: string, offerId: string): Promise<RoutingEvent[]> {
      return repo.transaction(async (tx) => {
        const offer = await repo.findOffer(tx, offerId);
        if (!offer || offer.agentId !== agentId) throw notFound('offer');
        const chat = await repo.lockRouting(tx, offer.conversationId);
        const current = await repo.findOffer(tx, offerId);
        if (!chat || chat.state !== 'offered' || current?.state !== 'pending') {
          throw new AppError(ErrorCode.CONFLICT, 'This chat was taken by someone else or the offer ran out.', { status: 409 });
        }
        const now = clock();
        await repo.setOfferState(tx, offerId, 'accepted');
        const withdrawn = await repo.cancelOffers(tx, chat.conversationId, offerId);
        await repo.updateRouting(tx, chat.conversationId, { state: 'owned', ownerAgentId: agentId, ownedAt: now });
        return [
          { type: 'assigned', conversationId: chat.conversationId, agentId },
          ...withdrawn.map((o) => ({ type: 'offer.withdrawn' as const, conversationId: o.conversationId, agentId: o.agentId, offerId: o.id })),
        ];
      });
    },

    /** Takes ownership of a broadcast chat (first wins), if the agent works its queue and has room. */
    async take(agentId: string, conversationId: string): Promise<RoutingEvent[]> {
      const before = await repo.routingOf(conversationId);
      if (!before) throw notFound();
      return repo.transaction(async (tx) => {
        const [me] = await repo.lockCandidates(tx, before.queueId, fresh(), agentId);
        const chat = await repo.lockRouting(tx, conversationId);
        if (!chat || !(await repo.isQueueAgent(tx, chat.queueId, agentId))) throw notFound();
        if (chat.state !== 'broadcast' && chat.state !== 'waiting') {
          throw new AppError(ErrorCode.CONFLICT, 'Another agent already took this chat.', { status: 409 });
        }
        if (!me || me.load >= me.maxChats) {
          throw new AppError(ErrorCode.FORBIDDEN, 'You are at your chat limit or not Online; resolve a chat or go Online first.', { status: 403 });
        }
        return own(tx, chat, agentId, clock());
      });
    },

    /**
     * Resolves the agent's chat with a wrap-up reason (required; from the admin's list when
     * there is one), then gives the agent the next waiting chat.
     */
    async resolve(agentId: string, conversationId: string, wrapUp: string): Promise<RoutingEvent[]> {
      const reason = wrapUp.trim();
      if (!reason) throw new AppError('WRAP_UP_REQUIRED', 'Choose a wrap-up reason to resolve the chat.', { status: 400 });
      const before = await repo.routingOf(conversationId);
      if (!before) throw notFound();
      // Read outside the transaction: the embedded database has one connection.
      const labels = await repo.wrapUpLabels(before.workspaceId);
      const events = await repo.transaction(async (tx) => {
        const chat = await repo.lockRouting(tx, conversationId);
        if (!chat || chat.ownerAgentId !== agentId || chat.state !== 'owned') throw notFound();
        if (labels.length && !labels.includes(reason)) {
          throw new AppError('WRAP_UP_REQUIRED', `Choose one of the wrap-up reasons: ${labels.join(', ')}.`, { status: 400 });
        }
        await repo.updateRouting(tx, conversationId, { state: 'resolved', resolvedAt: clock(), wrapUp: reason });
        return [{ type: 'resolved' as const, conversationId, agentId, wrapUp: reason }];
      });
      return [...events, ...(await assignNextTo(agentId))];
    },

    /**
     * Expires an offer that was not accepted in time (the durable job's handler, inside the job's
     * transaction): the agent goes to RONA, and once no offer is pending the chat waits again.
     * Returns what to do after the job commits (dispatch the queue again).
     */
    async expireOffer(tx: Tx, offerId: string): Promise<{ events: RoutingEvent[]; queueId?: string }> {
      const offer = await repo.findOffer(tx, offerId);
      if (!offer) return { events: [] };
      const chat = await repo.lockRouting(tx, offer.conversationId);
      const current = await repo.findOffer(tx, offerId);
      if (!chat || current?.state !== 'pending') return { events: [] };
      const now = clock();
      await repo.setOfferState(tx, offerId, 'expired');
      await repo.upsertPresence(tx, offer.agentId, { status: 'rona', since: now });
      const events: RoutingEvent[] = [
        { type: 'offer.withdrawn', conversationId: chat.conversationId, agentId: offer.agentId, offerId },
        { type: 'status', agentId: offer.agentId, status: 'rona' },
      ];
      if (chat.state === 'offered' && !(await repo.pendingOffers(tx, chat.conversationId)).length) {
        await repo.updateRouting(tx, chat.conversationId, { state: 'waiting' });
      }
      return { events, queueId: chat.queueId };
    },

    /** Waiting chats and Online agents of a queue, for the console. */
    stats: (queueId: string) => repo.queueStats(queueId, fresh()),

    /** A conversation's routing row. */
    routingOf: (conversationId: string) => repo.routingOf(conversationId),

    /** For the job runner. */
    repo,
  };
}

/** The routing service's interface. */
export type RoutingService = ReturnType<typeof createRoutingService>;
