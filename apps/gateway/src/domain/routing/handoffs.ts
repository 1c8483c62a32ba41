import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@parley/protocol';
import type { OfferRow, QueueRow, RoutingRow } from '../../db/schema/index.ts';
import { AppError, notFound } from '../errors.ts';
import { atChatLimit, isId, offerGone, type Actor, type RoutingContext, type Say } from './routing-context.ts';
import type { RoutingEvent, TransferTarget } from './routing-events.ts';
import type { Candidate, Tx } from './routing-repository.ts';
import { joinedText, leftText } from './system-messages.ts';

/** The job that expires an offer (chat, transfer or invitation). */
export const OFFER_EXPIRE = 'offer.expire';

/** How long a transfer or an invitation waits for an answer when the chat has no queue to say. */
const DEFAULT_ANSWER_MS = 30_000;

/** The note the inviter (and everyone working the chat, never the visitor) reads when an invitation is refused or runs out. */
export const inviteClosedText = (name: string, outcome: 'declined' | 'expired') =>
  outcome === 'declined' ? `${name} declined the invitation to join.` : `${name} did not answer the invitation to join in time.`;

const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, message, { status: 409 });

/**
 * The agents a transfer to `queue` offers the chat to at once, from those available: as the
 * queue hands out a new chat (one at a time; top N; all of them for broadcast), least recently
 * given a chat first (least busy first for `least_busy`).
 */
function transferPicks(queue: QueueRow, candidates: Candidate[]): string[] {
  const ordered =
    queue.mode === 'least_busy'
      ? [...candidates].sort((a, b) => a.load - b.load || a.agentId.localeCompare(b.agentId))
      : [...candidates].sort((a, b) => (a.lastAssignedAt?.getTime() ?? 0) - (b.lastAssignedAt?.getTime() ?? 0) || a.agentId.localeCompare(b.agentId));
  const count = queue.mode === 'broadcast' ? ordered.length : queue.mode === 'top_n' ? Math.max(1, queue.topN) : 1;
  return ordered.slice(0, count).map((c) => c.agentId);
}

/**
 * Transfer and conference (MISSION.md A7, A8): a transfer offers the chat to an agent or to a
 * queue's available agents, and the chat stays the sender's until one of them accepts. A
 * transfer to a queue moves on as a new chat would: when its offers are refused or run out, the
 * queue's next available agents get it; only when nobody is left does it come back to the sender.
 * An invitation offers a seat beside the owner; a refused one is noted in the conversation for
 * the inviter. Each step is one transaction under the chat's routing row lock (and the
 * conversation's row lock first when it writes a message), and every offer expires through a
 * durable job.
 */
export function createHandoffs(ctx: RoutingContext) {
  const { repo, clock } = ctx;

  /** Where a transfer offer goes, for the sender's `routing.transfer.result`. */
  async function targetOf(tx: Tx, offer: OfferRow, workspaceId: string): Promise<TransferTarget> {
    if (offer.targetQueueId) {
      const queue = await repo.findQueueIn(tx, workspaceId, offer.targetQueueId);
      return { kind: 'queue', id: offer.targetQueueId, name: queue?.name ?? '' };
    }
    const agent = await repo.findAgent(tx, offer.agentId);
    return { kind: 'agent', id: offer.agentId, name: agent?.name ?? '' };
  }

  /** Offers a chat to agents: the offer rows and their expiry jobs, in the caller's transaction. */
  async function offer(
    tx: Tx,
    chat: RoutingRow,
    values: { kind: 'transfer' | 'invite'; agentIds: string[]; fromAgentId: string; targetQueueId?: string; transferId?: string; timeoutMs: number },
  ): Promise<RoutingEvent[]> {
    const now = clock();
    const expiresAt = new Date(now.getTime() + values.timeoutMs);
    const events: RoutingEvent[] = [];
    for (const agentId of values.agentIds) {
      const row = await repo.insertOffer(tx, {
        conversationId: chat.conversationId,
        agentId,
        kind: values.kind,
        fromAgentId: values.fromAgentId,
        targetQueueId: values.targetQueueId ?? null,
        transferId: values.transferId ?? null,
        createdAt: now,
        expiresAt,
      });
      await repo.insertJob(tx, OFFER_EXPIRE, expiresAt, { offerId: row.id });
      events.push({ type: 'offered', workspaceId: chat.workspaceId, conversationId: chat.conversationId, agentId, offerId: row.id, kind: values.kind, expiresAt });
    }
    return events;
  }

  /** The chat, locked, when the actor owns it; FORBIDDEN for others who see it, NOT_FOUND for the rest. */
  async function ownedBy(tx: Tx, actor: Actor, conversationId: string, what: string): Promise<RoutingRow> {
    const chat = await repo.lockRouting(tx, conversationId);
    if (!chat || chat.workspaceId !== actor.workspaceId) {
      // A conversation without routing (a ticket, an older chat) has no owner to hand it over.
      const conversation = chat ? undefined : await repo.lockConversation(tx, conversationId);
      if (conversation?.workspaceId === actor.workspaceId) throw new AppError(ErrorCode.FORBIDDEN, `This conversation is not routed through a queue, so nobody owns it to ${what}.`, { status: 403 });
      throw notFound();
    }
    if (chat.state !== 'owned' || chat.ownerAgentId !== actor.agentId) return ctx.refuse(tx, actor, chat, what);
    return chat;
  }

  /**
   * The queue's available agents for a transfer of the chat: Online, console connected, with
   * room, not the sender, without an open offer for the chat, and (`tried`) not yet offered this
   * transfer. Their presence rows are locked, after the routing row.
   */
  async function transferCandidates(tx: Tx, chat: RoutingRow, queue: QueueRow, senderId: string, tried: string[] = []): Promise<Candidate[]> {
    const pending = await repo.pendingOffers(tx, chat.conversationId);
    return (await repo.lockCandidates(tx, queue.id, ctx.fresh(), undefined, senderId)).filter(
      (c) => c.load < c.maxChats && !pending.some((o) => o.agentId === c.agentId) && !tried.includes(c.agentId),
    );
  }

  /**
   * A transfer to a queue whose open offers all ended without an answer: offers it to the queue's
   * next available agents (those it has not been offered to yet). Nothing when nobody is left or
   * the chat is no longer the sender's.
   */
  async function offerToNext(tx: Tx, last: OfferRow, chat: RoutingRow): Promise<RoutingEvent[]> {
    const sender = last.fromAgentId;
    if (!sender || !last.targetQueueId || chat.state !== 'owned' || chat.ownerAgentId !== sender) return [];
    const queue = await repo.findQueueIn(tx, chat.workspaceId, last.targetQueueId);
    if (!queue) return [];
    const tried = last.transferId ? await repo.transferOfferedTo(tx, chat.conversationId, last.transferId) : [last.agentId];
    const picks = transferPicks(queue, await transferCandidates(tx, chat, queue, sender, tried));
    if (!picks.length) return [];
    return offer(tx, chat, { kind: 'transfer', agentIds: picks, fromAgentId: sender, targetQueueId: queue.id, ...(last.transferId && { transferId: last.transferId }), timeoutMs: queue.offerTimeoutMs });
  }

  /** The answer timeout of the chat's queue. */
  async function timeoutOf(tx: Tx, chat: RoutingRow, queueId: string | null = chat.queueId): Promise<number> {
    if (!queueId) return DEFAULT_ANSWER_MS;
    return (await repo.findQueueIn(tx, chat.workspaceId, queueId))?.offerTimeoutMs ?? DEFAULT_ANSWER_MS;
  }

  return {
    /**
     * Offers the actor's chat to another agent, or to a queue's available agents (Online,
     * console connected, with room; as many as the queue's mode offers at once). The chat stays
     * the sender's until someone accepts. With nobody available the answer comes at once:
     * refused (`transfer.result` with `accepted: false`). A transfer to a queue goes on to the
     * queue's next agents when its offers are refused or run out (see `closeHandoff`).
     */
    async transfer(actor: Actor, conversationId: string, target: { agentId?: string | undefined; queueId?: string | undefined }): Promise<{ pending: boolean; events: RoutingEvent[] }> {
      if (!isId(conversationId)) throw notFound();
      return ctx.transaction(async (tx) => {
        const chat = await ownedBy(tx, actor, conversationId, 'transfer it');
        const pending = await repo.pendingOffers(tx, conversationId);
        if (pending.some((o) => o.kind === 'transfer')) throw conflict('A transfer of this chat is waiting for an answer; wait for it before transferring again.');
        if (target.agentId !== undefined) {
          const agent = isId(target.agentId) ? await repo.findAgent(tx, target.agentId) : undefined;
          if (!agent || agent.workspaceId !== actor.workspaceId || agent.deactivatedAt) throw notFound('agent');
          if (agent.id === actor.agentId) throw conflict('You own this chat already; pick another agent.');
          if (pending.some((o) => o.agentId === agent.id)) throw conflict(`${agent.name} has an open offer for this chat already.`);
          const events = await offer(tx, chat, { kind: 'transfer', agentIds: [agent.id], fromAgentId: actor.agentId, timeoutMs: await timeoutOf(tx, chat) });
          return { pending: true, events: [...events, { type: 'changed', workspaceId: chat.workspaceId, conversationId }] };
        }
        const queue = isId(target.queueId ?? '') ? await repo.findQueueIn(tx, actor.workspaceId, target.queueId!) : undefined;
        if (!queue) throw notFound('queue');
        const picks = transferPicks(queue, await transferCandidates(tx, chat, queue, actor.agentId));
        if (!picks.length) {
          const to: TransferTarget = { kind: 'queue', id: queue.id, name: queue.name };
          return { pending: false, events: [{ type: 'transfer.result', workspaceId: chat.workspaceId, conversationId, agentId: actor.agentId, accepted: false, to }] };
        }
        const events = await offer(tx, chat, {
          kind: 'transfer',
          agentIds: picks,
          fromAgentId: actor.agentId,
          targetQueueId: queue.id,
          transferId: randomUUID(),
          timeoutMs: queue.offerTimeoutMs,
        });
        return { pending: true, events: [...events, { type: 'changed', workspaceId: chat.workspaceId, conversationId }] };
      });
    },

    /** Invites another agent of the workspace to join the actor's chat as a guest (conference). */
    async invite(actor: Actor, conversationId: string, agentId: string): Promise<RoutingEvent[]> {
      if (!isId(conversationId)) throw notFound();
      return ctx.transaction(async (tx) => {
        const chat = await ownedBy(tx, actor, conversationId, 'invite others');
        const agent = isId(agentId) ? await repo.findAgent(tx, agentId) : undefined;
        if (!agent || agent.workspaceId !== actor.workspaceId || agent.deactivatedAt) throw notFound('agent');
        if (agent.id === actor.agentId) throw conflict('You are in this chat already; invite another agent.');
        if ((await repo.guestsOf(tx, conversationId)).some((g) => g.id === agent.id)) throw conflict(`${agent.name} is in this conversation already.`);
        if ((await repo.pendingOffers(tx, conversationId)).some((o) => o.agentId === agent.id)) throw conflict(`${agent.name} has an open offer for this chat already.`);
        const events = await offer(tx, chat, { kind: 'invite', agentIds: [agent.id], fromAgentId: actor.agentId, timeoutMs: await timeoutOf(tx, chat) });
        return [...events, { type: 'changed', workspaceId: chat.workspaceId, conversationId }];
      });
    },

    /** A guest leaves a conference: they lose access, and the conversation says so. */
    async leave(actor: Actor, conversationId: string): Promise<RoutingEvent[]> {
      if (!isId(conversationId)) throw notFound();
      return ctx.transaction(async (tx, say) => {
        // The conversation's row first, then the routing row: the order every message write keeps.
        const conversation = await repo.lockConversation(tx, conversationId);
        const chat = conversation ? await repo.lockRouting(tx, conversationId) : undefined;
        if (!conversation || conversation.workspaceId !== actor.workspaceId) throw notFound();
        const removed = chat ? await repo.removeGuests(tx, conversationId, actor.agentId) : [];
        if (!removed.length) {
          if (!chat || (await ctx.maySee(tx, actor, chat))) throw new AppError(ErrorCode.FORBIDDEN, 'You are not a guest of this conversation, so there is nothing to leave.', { status: 403 });
          throw notFound();
        }
        const me = await repo.findAgent(tx, actor.agentId);
        await say(tx, { conversationId, clientMessageId: `left-${actor.agentId}-${conversation.lastSeq}`, body: leftText(me?.name ?? 'An agent'), internal: false, status: conversation.status });
        return [
          { type: 'access.lost', workspaceId: actor.workspaceId, conversationId, agentId: actor.agentId, reason: 'left' },
          { type: 'changed', workspaceId: actor.workspaceId, conversationId },
        ];
      });
    },

    /** The owner ends the conference: every guest leaves and loses access; open invitations are withdrawn. */
    async endConference(actor: Actor, conversationId: string): Promise<RoutingEvent[]> {
      if (!isId(conversationId)) throw notFound();
      return ctx.transaction(async (tx, say) => {
        const conversation = await repo.lockConversation(tx, conversationId);
        if (!conversation || conversation.workspaceId !== actor.workspaceId) throw notFound();
        const chat = await ownedBy(tx, actor, conversationId, 'end the conference');
        const guests = await repo.guestsOf(tx, conversationId);
        await repo.removeGuests(tx, conversationId);
        const invites = await repo.cancelOffers(tx, conversationId, undefined, 'invite');
        for (const guest of guests) {
          await say(tx, { conversationId, clientMessageId: `left-${guest.id}-${conversation.lastSeq}`, body: leftText(guest.name), internal: false, status: conversation.status });
        }
        return [
          ...invites.map((o): RoutingEvent => ({ type: 'offer.closed', workspaceId: chat.workspaceId, conversationId, agentId: o.agentId, offerId: o.id, outcome: 'withdrawn' })),
          ...guests.map((g): RoutingEvent => ({ type: 'access.lost', workspaceId: chat.workspaceId, conversationId, agentId: g.id, reason: 'ended' })),
          { type: 'changed', workspaceId: chat.workspaceId, conversationId },
        ];
      });
    },

    /**
     * Accepts a transfer (the accepting agent owns the chat; the sender loses it and is told) or
     * an invitation (the agent joins as a guest; the conversation says so). Inside the caller's
     * transaction, with the routing row locked and the offer re-read under that lock.
     */
    async acceptHandoff(tx: Tx, offer: OfferRow, chat: RoutingRow, say: Parameters<Parameters<RoutingContext['transaction']>[0]>[1]): Promise<RoutingEvent[]> {
      const { workspaceId, conversationId } = chat;
      const now = clock();
      if (offer.kind === 'invite') {
        if (chat.state !== 'owned') throw offerGone();
        await repo.setOfferState(tx, offer.id, 'accepted');
        await repo.addGuest(tx, conversationId, offer.agentId, now);
        const me = await repo.findAgent(tx, offer.agentId);
        const conversation = await repo.lockConversation(tx, conversationId);
        await say(tx, { conversationId, clientMessageId: `joined-${offer.id}`, body: joinedText(me?.name ?? 'An agent'), internal: false, status: conversation?.status ?? 'open' });
        return [
          { type: 'offer.closed', workspaceId, conversationId, agentId: offer.agentId, offerId: offer.id, outcome: 'accepted' },
          { type: 'changed', workspaceId, conversationId },
        ];
      }
      // A transfer: the chat must still be the sender's.
      if (chat.state !== 'owned' || chat.ownerAgentId !== offer.fromAgentId) throw offerGone();
      const me = await repo.lockAgent(tx, offer.agentId);
      // The limit counts open chat and transfer offers too, this one aside (docs/errors.md): the
      // room kept for an open chat offer, accepted with no check, must not go to a transfer.
      const load = (await repo.loads(tx, [offer.agentId])).get(offer.agentId) ?? 0;
      if (load - 1 >= me.maxChats) throw atChatLimit();
      const to = await targetOf(tx, offer, workspaceId);
      await repo.setOfferState(tx, offer.id, 'accepted');
      const siblings = await repo.cancelOffers(tx, conversationId, offer.id, 'transfer');
      await repo.removeGuests(tx, conversationId, offer.agentId);
      await repo.updateRouting(tx, conversationId, { ownerAgentId: offer.agentId, ownedAt: now, queueId: offer.targetQueueId ?? chat.queueId });
      const from = offer.fromAgentId!;
      return [
        { type: 'offer.closed', workspaceId, conversationId, agentId: offer.agentId, offerId: offer.id, outcome: 'accepted' },
        ...siblings.map((o): RoutingEvent => ({ type: 'offer.closed', workspaceId, conversationId, agentId: o.agentId, offerId: o.id, outcome: 'withdrawn' })),
        { type: 'assigned', workspaceId, conversationId, agentId: offer.agentId },
        { type: 'access.lost', workspaceId, conversationId, agentId: from, reason: 'transferred' },
        { type: 'transfer.result', workspaceId, conversationId, agentId: from, accepted: true, to },
        { type: 'changed', workspaceId, agentIds: [from] },
      ];
    },

    /**
     * Withdraws an open transfer or invitation to an agent an admin removed, with the routing row
     * locked: it closes as `withdrawn`. When it was the last open offer of a transfer, the sender
     * is told it was not accepted and the chat stays theirs; an invitation just lapses.
     */
    async withdrawHandoff(tx: Tx, offer: OfferRow, chat: RoutingRow): Promise<RoutingEvent[]> {
      const { workspaceId, conversationId } = chat;
      await repo.setOfferState(tx, offer.id, 'cancelled');
      const events: RoutingEvent[] = [
        { type: 'offer.closed', workspaceId, conversationId, agentId: offer.agentId, offerId: offer.id, outcome: 'withdrawn' },
        { type: 'changed', workspaceId, conversationId },
      ];
      if (offer.kind === 'transfer' && offer.fromAgentId && !(await repo.pendingOffers(tx, conversationId)).some((o) => o.kind === 'transfer')) {
        events.push({ type: 'transfer.result', workspaceId, conversationId, agentId: offer.fromAgentId, accepted: false, to: await targetOf(tx, offer, workspaceId) });
      }
      return events;
    },

    /**
     * Closes a transfer or invitation that was refused or ran out, with the routing row locked
     * (and, for an invitation, the conversation's row before it). When the last open offer of a
     * transfer to a queue closes, the queue's next available agents get the chat, as a new chat
     * would go on; when nobody is left (or it was a transfer to one agent), the sender is told it
     * was refused and the chat stays theirs. A refused or expired invitation leaves an internal
     * note in the conversation (the inviter's console shows it; the visitor never does).
     */
    async closeHandoff(tx: Tx, offer: OfferRow, chat: RoutingRow, outcome: 'declined' | 'expired', say: Say): Promise<RoutingEvent[]> {
      const { workspaceId, conversationId } = chat;
      await repo.setOfferState(tx, offer.id, outcome);
      const events: RoutingEvent[] = [
        { type: 'offer.closed', workspaceId, conversationId, agentId: offer.agentId, offerId: offer.id, outcome },
        { type: 'changed', workspaceId, conversationId },
      ];
      if (offer.kind === 'transfer' && offer.fromAgentId) {
        const others = (await repo.pendingOffers(tx, conversationId)).filter((o) => o.kind === 'transfer');
        if (!others.length) {
          const next = await offerToNext(tx, offer, chat);
          if (next.length) events.push(...next);
          else events.push({ type: 'transfer.result', workspaceId, conversationId, agentId: offer.fromAgentId, accepted: false, to: await targetOf(tx, offer, workspaceId) });
        }
      } else if (offer.kind === 'invite') {
        const invited = await repo.findAgent(tx, offer.agentId);
        const conversation = await repo.lockConversation(tx, conversationId);
        await say(tx, {
          conversationId,
          clientMessageId: `invite-${outcome}-${offer.id}`,
          body: inviteClosedText(invited?.name ?? 'An agent', outcome),
          internal: true,
          status: conversation?.status ?? 'open',
        });
      }
      return events;
    },
  };
}
