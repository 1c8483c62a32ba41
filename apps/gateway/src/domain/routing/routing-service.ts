import { ErrorCode, type Offer, type RoutingAgent, type RoutingQueue, type RoutingSnapshot } from '@parley/protocol';
import type { NotifyChannel } from '../../bus/bus.ts';
import type { Database } from '../../db/database.ts';
import type { QueueRow, RoutingRow } from '../../db/schema/index.ts';
import type { CommittedBatch } from '../conversations/message-writer.ts';
import { AppError, notFound } from '../errors.ts';
import type { Masker } from '../masking/personal-data.ts';
import { archiveConversation, archiveResolvedConversation } from '../views/view-repository.ts';
import { createHandoffs, OFFER_EXPIRE } from './handoffs.ts';
import { agentMaySee, UNOWNED_STATES, type RoutingView, type Viewer } from './routing-access.ts';
import { atChatLimit, createRoutingContext, isId, offerGone, type Actor, type Say } from './routing-context.ts';
import type { AgentStatus, ChosenStatus, RoutingEvent } from './routing-events.ts';
import type { Candidate, Tx } from './routing-repository.ts';
import { CHAT_ENDED, leftText } from './system-messages.ts';

export { OFFER_EXPIRE } from './handoffs.ts';
export type { AgentStatus, ChosenStatus, RoutingEvent } from './routing-events.ts';
export type { Actor } from './routing-context.ts';

/** The job that moves a resolved chat from the Closed view to the archive when its time comes. */
export const ARCHIVE_RESOLVED = 'conversation.archive';

const DAY_MS = 86_400_000;
/** How long a resolved chat stays in the Closed view unless told otherwise: 7 days. */
export const DEFAULT_ARCHIVE_AFTER_MS = 7 * DAY_MS;

const DISPATCH_LIMIT = 100;

const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, message, { status: 409 });

/**
 * Routing (MISSION.md A1–A4, A7–A9): agent presence, queues, offers, ownership, transfer,
 * conference, wrap-up. Every decision is one transaction with row locks — the queue row
 * serializes dispatch per queue, agents' presence rows (locked in id order) serialize their
 * capacity across queues, a chat's routing row serializes everything done to that chat (after
 * its conversation row, when the step writes a message) — so several gateway nodes never give
 * one chat to two agents or an agent more than their limit. Offer timeouts are durable jobs (see
 * the job runner), not timers in memory. Every method returns what happened as events, for the
 * sockets; it never talks to them.
 */
export function createRoutingService({
  db,
  clock = () => new Date(),
  staleAfterMs = 60_000,
  channel = () => undefined,
  onCommitted = () => {},
  masking,
  archiveAfterMs = DEFAULT_ARCHIVE_AFTER_MS,
  onArchived = () => {},
}: {
  db: Database;
  clock?: () => Date;
  /** An agent whose console has not been heard from for this long gets no new chats. */
  staleAfterMs?: number;
  /** Where the messages routing writes (joined, left, ended) are announced to other nodes. */
  channel?: () => NotifyChannel | undefined;
  /** Receives the messages routing wrote, after their transaction commits. */
  onCommitted?: (batches: CommittedBatch[]) => void;
  /** How a workspace's agents get customers' text (an offer's customer name and preview): masked or not. Required: no agent-bound path may forget it. */
  masking: (workspaceId: string) => Promise<Masker>;
  /**
   * How long a resolved chat stays in the Closed view before it goes to the archive (a durable
   * job); 0 puts it there in the resolving transaction.
   */
  archiveAfterMs?: number;
  /** Called after a commit that archived a conversation without writing a message (the consoles must hear of it). */
  onArchived?: (conversationId: string) => void;
}) {
  const ctx = createRoutingContext({ db, clock, staleAfterMs, channel, onCommitted });
  const { repo, fresh } = ctx;
  const handoffs = createHandoffs(ctx);

  /** Orders candidates for the next chat: least recently given one first. */
  const byTurn = (a: Candidate, b: Candidate) =>
    (a.lastAssignedAt?.getTime() ?? 0) - (b.lastAssignedAt?.getTime() ?? 0) || a.agentId.localeCompare(b.agentId);

  async function own(tx: Tx, chat: RoutingRow, agentId: string, now: Date): Promise<RoutingEvent[]> {
    await repo.updateRouting(tx, chat.conversationId, { state: 'owned', ownerAgentId: agentId, ownedAt: now });
    if (chat.queueId) await repo.touchAssigned(tx, chat.queueId, agentId, now);
    return [{ type: 'assigned', workspaceId: chat.workspaceId, conversationId: chat.conversationId, agentId, queueId: chat.queueId ?? undefined }];
  }

  async function dispatchLocked(tx: Tx, queue: QueueRow, chats: RoutingRow[], candidates: Candidate[]): Promise<RoutingEvent[]> {
    const now = clock();
    const events: RoutingEvent[] = [];
    for (const chat of chats) {
      if (queue.mode === 'broadcast') {
        await repo.updateRouting(tx, chat.conversationId, { state: 'broadcast' });
        events.push({ type: 'broadcast', workspaceId: chat.workspaceId, conversationId: chat.conversationId, queueId: queue.id });
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
        events.push({ type: 'offered', workspaceId: chat.workspaceId, conversationId: chat.conversationId, agentId: pick.agentId, offerId: offer.id, kind: 'chat', expiresAt });
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

  /** Dispatches each of an agent's queues (they went Online, came back, or got more room). */
  async function dispatchQueuesOf(agentId: string): Promise<RoutingEvent[]> {
    const events: RoutingEvent[] = [];
    for (const queueId of await repo.queuesOf(agentId)) events.push(...(await dispatch(queueId)));
    return events;
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

  async function workspaceOf(agentId: string): Promise<string> {
    const agent = await repo.findAgent(db, agentId);
    if (!agent) throw notFound('agent');
    return agent.workspaceId;
  }

  /** Offers as the console shows them, the customer's text through their workspace's masker. */
  async function masked(rows: (Offer & { agentId: string; workspaceId: string })[]): Promise<(Offer & { agentId: string })[]> {
    const maskers = new Map<string, Masker>();
    for (const id of new Set(rows.map((r) => r.workspaceId))) maskers.set(id, await masking(id));
    return rows.map(({ workspaceId, ...offer }) => {
      const mask = maskers.get(workspaceId)!;
      return { ...offer, customerName: offer.customerName === null ? null : mask.text(offer.customerName), preview: offer.preview === null ? null : mask.preview(offer.preview) };
    });
  }

  /**
   * The archiving policy for a chat resolved at `now`, inside the resolving transaction: into the
   * archive at once, or a durable job that moves it there when its time in the Closed view is up.
   * Answers whether it was archived now.
   */
  async function archiveLater(tx: Tx, conversationId: string, now: Date): Promise<boolean> {
    if (archiveAfterMs <= 0) return archiveConversation(tx, conversationId, now);
    await repo.insertJob(tx, ARCHIVE_RESOLVED, new Date(now.getTime() + archiveAfterMs), { conversationId, resolvedAt: now.toISOString() });
    return false;
  }

  /** Everything routing knows of some conversations, by id. */
  async function views(conversationIds: string[]): Promise<Map<string, RoutingView>> {
    const list = await repo.views(conversationIds.filter(isId));
    return new Map(list.map((v) => [v.conversationId, v]));
  }

  /** An offered chat whose last chat offer has just closed waits in its queue again. */
  async function waitAgainIfUnoffered(tx: Tx, chat: RoutingRow): Promise<RoutingEvent[]> {
    const { conversationId, workspaceId } = chat;
    if (chat.state !== 'offered' || (await repo.pendingOffers(tx, conversationId)).some((o) => o.kind === 'chat')) return [];
    await repo.updateRouting(tx, conversationId, { state: 'waiting' });
    return [{ type: 'changed', workspaceId, conversationId }];
  }

  /**
   * The visitor left a chat that no agent had yet: it leaves its queue (resolved without a
   * wrap-up) and its offers are withdrawn. A chat an agent owns stays theirs to resolve.
   */
  async function abandon(conversationId: string): Promise<RoutingEvent[]> {
    let archived = false;
    const events = await repo.transaction(async (tx): Promise<RoutingEvent[]> => {
      // The conversation's row before the routing row, as every step that may write it: with
      // PARLEY_ARCHIVE_AFTER_DAYS=0 archiving does, and a resolve of the same chat locks them in
      // that order.
      await repo.lockConversation(tx, conversationId);
      const chat = await repo.lockRouting(tx, conversationId);
      if (!chat || !UNOWNED_STATES.includes(chat.state)) return [];
      const now = clock();
      await repo.updateRouting(tx, conversationId, { state: 'resolved', resolvedAt: now });
      const withdrawn = await repo.cancelOffers(tx, conversationId);
      archived = await archiveLater(tx, conversationId, now);
      return [
        ...withdrawn.map((o): RoutingEvent => ({ type: 'offer.closed', workspaceId: chat.workspaceId, conversationId, agentId: o.agentId, offerId: o.id, outcome: 'withdrawn' })),
        { type: 'changed', workspaceId: chat.workspaceId, conversationId },
      ];
    });
    if (archived) onArchived(conversationId);
    return events;
  }

  return {
    ...handoffs,
    dispatch,
    views,

    /** Whether an agent may see a conversation of their workspace (see `agentMaySee`). */
    async maySee(viewer: Viewer, conversationId: string): Promise<boolean> {
      if (viewer.role === 'admin') return true;
      return agentMaySee(viewer, (await views([conversationId])).get(conversationId));
    },

    /** Sets an agent's status; Online also ends RONA. Going Online picks up waiting chats. */
    async setStatus(agentId: string, status: ChosenStatus): Promise<RoutingEvent[]> {
      const workspaceId = await workspaceOf(agentId);
      const now = clock();
      if (status === 'online') {
        await repo.upsertPresence(db, agentId, { status, since: now, lastSeenAt: now });
        return [{ type: 'status', workspaceId, agentId, status }, ...(await dispatchQueuesOf(agentId))];
      }
      // Leaving Online hands back the chats offered to the agent: only Online agents get new
      // chats (MISSION.md A1), and the visitor need not wait for the offer to run out. Routing
      // rows are locked before the agent's status row, as everywhere.
      const queueIds = new Set<string>();
      const withdrawn = await repo.transaction(async (tx): Promise<RoutingEvent[]> => {
        const out: RoutingEvent[] = [];
        for (const offer of await repo.pendingChatOffersOf(tx, agentId)) {
          const chat = await repo.lockRouting(tx, offer.conversationId);
          const current = await repo.findOffer(tx, offer.id);
          if (!chat || current?.state !== 'pending') continue;
          const { conversationId } = chat;
          await repo.setOfferState(tx, offer.id, 'cancelled');
          out.push({ type: 'offer.closed', workspaceId, conversationId, agentId, offerId: offer.id, outcome: 'withdrawn' });
          out.push(...(await waitAgainIfUnoffered(tx, chat)));
          if (chat.queueId) queueIds.add(chat.queueId);
        }
        await repo.upsertPresence(tx, agentId, { status, since: now, lastSeenAt: now });
        return out;
      });
      const events: RoutingEvent[] = [{ type: 'status', workspaceId, agentId, status }, ...withdrawn];
      for (const queueId of queueIds) events.push(...(await dispatch(queueId)));
      return events;
    },

    /** Records that the agent's console is connected (call on connect and every heartbeat). */
    async seen(agentId: string): Promise<void> {
      await repo.upsertPresence(db, agentId, { lastSeenAt: clock() });
    },

    /** Records that these agents' consoles are connected (one heartbeat of a node). */
    seenMany: (agentIds: string[]) => repo.seenMany([...new Set(agentIds)], clock()),

    /** A console connected: the agent counts as present again, and if Online may get waiting chats. */
    async connected(agentId: string): Promise<RoutingEvent[]> {
      const wasFresh = (await repo.presence(agentId))?.lastSeenAt;
      await repo.upsertPresence(db, agentId, { lastSeenAt: clock() });
      const presence = await repo.presence(agentId);
      if (presence?.status !== 'online') return [];
      const events = await dispatchQueuesOf(agentId);
      // Coming back from stale changes the queues' Online counts even when nothing was handed out.
      if (!wasFresh || wasFresh <= fresh()) events.push({ type: 'changed', workspaceId: await workspaceOf(agentId), agentIds: [agentId] });
      return events;
    },

    /** The agent's status and since when. */
    async presence(agentId: string) {
      return (await repo.presence(agentId)) ?? { agentId, status: 'offline' as AgentStatus, since: clock(), lastSeenAt: null, maxChats: 3 };
    },

    /** Sets how many chats an agent may hold at once. */
    async setMaxChats(agentId: string, maxChats: number): Promise<void> {
      await repo.upsertPresence(db, agentId, { maxChats });
    },

    /** Creates a queue; CONFLICT when the workspace has one of that name. */
    async createQueue(workspaceId: string, values: { name: string; mode?: QueueRow['mode']; topN?: number | undefined; offerTimeoutMs?: number | undefined }) {
      const row = await repo.createQueue({
        workspaceId,
        name: values.name,
        ...(values.mode && { mode: values.mode }),
        ...(values.topN !== undefined && { topN: values.topN }),
        ...(values.offerTimeoutMs !== undefined && { offerTimeoutMs: values.offerTimeoutMs }),
      });
      if (!row) throw conflict(`There is a queue named "${values.name}" already; choose another name.`);
      return row;
    },
    addAgent: (queueId: string, agentId: string) => repo.addQueueAgent(queueId, agentId),
    /** Makes a queue the one an app's new conversations enter. */
    setAppQueue: (appId: string, queueId: string) => repo.setAppQueue(appId, queueId),
    /** Adds a wrap-up reason; CONFLICT when the workspace has it already. */
    async addWrapUpReason(workspaceId: string, label: string) {
      const row = await repo.addWrapUpReason(workspaceId, label);
      if (!row) throw conflict(`"${label}" is a wrap-up reason already.`);
      return row;
    },

    /** Puts a conversation in a queue and hands out what can be handed out. */
    async enqueue(conversationId: string, workspaceId: string, queueId: string): Promise<RoutingEvent[]> {
      const queue = await repo.findQueue(queueId);
      if (!queue || queue.workspaceId !== workspaceId) throw notFound('queue');
      await repo.insertRouting({ conversationId, workspaceId, queueId, waitingSince: clock() });
      return dispatch(queueId);
    },

    /**
     * The agent accepts an offer. A chat from a queue: they own it, and its other offers are
     * withdrawn. A transfer: they own it, the sender loses it. An invitation: they join.
     */
    async accept(agentId: string, offerId: string): Promise<RoutingEvent[]> {
      if (!isId(offerId)) throw notFound('offer');
      return ctx.transaction(async (tx, say) => {
        const offer = await repo.findOffer(tx, offerId);
        if (!offer || offer.agentId !== agentId) throw notFound('offer');
        // An invitation writes "… joined": the conversation's row is locked before the routing row.
        if (offer.kind === 'invite') await repo.lockConversation(tx, offer.conversationId);
        const chat = await repo.lockRouting(tx, offer.conversationId);
        const current = await repo.findOffer(tx, offerId);
        if (!chat || current?.state !== 'pending') throw offerGone();
        if (current.kind !== 'chat') return handoffs.acceptHandoff(tx, current, chat, say);
        if (chat.state !== 'offered') throw offerGone();
        const now = clock();
        await repo.setOfferState(tx, offerId, 'accepted');
        const withdrawn = await repo.cancelOffers(tx, chat.conversationId, offerId, 'chat');
        await repo.updateRouting(tx, chat.conversationId, { state: 'owned', ownerAgentId: agentId, ownedAt: now });
        const { workspaceId, conversationId } = chat;
        return [
          { type: 'offer.closed', workspaceId, conversationId, agentId, offerId, outcome: 'accepted' },
          ...withdrawn.map((o): RoutingEvent => ({ type: 'offer.closed', workspaceId, conversationId, agentId: o.agentId, offerId: o.id, outcome: 'withdrawn' })),
          { type: 'assigned', workspaceId, conversationId, agentId, queueId: chat.queueId ?? undefined },
        ];
      });
    },

    /** The agent refuses a transfer or an invitation. A chat from a queue is not refused: it passes on when it runs out. */
    async decline(agentId: string, offerId: string): Promise<RoutingEvent[]> {
      if (!isId(offerId)) throw notFound('offer');
      return ctx.transaction(async (tx, say) => {
        const offer = await repo.findOffer(tx, offerId);
        if (!offer || offer.agentId !== agentId) throw notFound('offer');
        if (offer.kind === 'chat') {
          throw new AppError(ErrorCode.FORBIDDEN, 'A chat from a queue cannot be refused: accept it, or let it run out and pass to the next agent.', { status: 403 });
        }
        // A refused invitation writes a note for the inviter: the conversation's row first.
        if (offer.kind === 'invite') await repo.lockConversation(tx, offer.conversationId);
        const chat = await repo.lockRouting(tx, offer.conversationId);
        const current = await repo.findOffer(tx, offerId);
        if (!chat || current?.state !== 'pending') throw offerGone();
        return handoffs.closeHandoff(tx, current, chat, 'declined', say);
      });
    },

    /**
     * Takes ownership of a chat that is not yet anyone's (broadcast first wins; also a waiting
     * or offered one), if the agent may see it, is Online and has room. Its open chat offers are
     * withdrawn. Taking a chat one owns already changes nothing.
     */
    async take(actor: Actor, conversationId: string): Promise<RoutingEvent[]> {
      if (!isId(conversationId)) throw notFound();
      return repo.transaction(async (tx) => {
        const chat = await repo.lockRouting(tx, conversationId);
        if (!chat) {
          const conversation = await repo.lockConversation(tx, conversationId);
          if (conversation?.workspaceId !== actor.workspaceId) throw notFound();
          throw new AppError(ErrorCode.FORBIDDEN, 'This conversation is not routed through a queue; answer it directly.', { status: 403 });
        }
        if (!(await ctx.maySee(tx, actor, chat))) throw notFound();
        if (chat.state === 'owned' && chat.ownerAgentId === actor.agentId) return [];
        if (!UNOWNED_STATES.includes(chat.state)) throw offerGone();
        const pending = await repo.pendingOffers(tx, conversationId);
        const me = await repo.lockAgent(tx, actor.agentId);
        const load = (await repo.loads(tx, [actor.agentId])).get(actor.agentId) ?? 0;
        const mine = pending.filter((o) => o.agentId === actor.agentId && o.kind !== 'invite').length;
        if (me.status !== 'online' || load - mine >= me.maxChats) throw atChatLimit();
        const closed: RoutingEvent[] = [];
        for (const o of pending.filter((p) => p.kind === 'chat')) {
          await repo.setOfferState(tx, o.id, o.agentId === actor.agentId ? 'accepted' : 'cancelled');
          closed.push({ type: 'offer.closed', workspaceId: chat.workspaceId, conversationId, agentId: o.agentId, offerId: o.id, outcome: o.agentId === actor.agentId ? 'accepted' : 'withdrawn' });
        }
        return [...closed, ...(await own(tx, chat, actor.agentId, clock()))];
      });
    },

    /**
     * Resolves a chat with a wrap-up reason (required; from the admin's list when there is one):
     * its guests leave, open offers are withdrawn, the visitor is told the chat ended and the
     * conversation closes. It stays in the Closed view until the archiving policy moves it to the
     * archive (`archiveAfterMs`; at once when 0, in this transaction). Then the agent gets the
     * next waiting chat. The owner resolves (or an admin); a conversation that was never routed
     * can be resolved by any agent who sees it.
     */
    async resolve(actor: Actor, conversationId: string, wrapUp: string): Promise<RoutingEvent[]> {
      const reason = wrapUp.trim();
      if (!reason) throw new AppError(ErrorCode.WRAP_UP_REQUIRED, 'Choose a wrap-up reason to resolve the chat.', { status: 400 });
      if (!isId(conversationId)) throw notFound();
      // Read outside the transaction: the embedded database has one connection.
      const labels = await repo.wrapUpLabels(actor.workspaceId);
      const events = await ctx.transaction(async (tx, say) => {
        const conversation = await repo.lockConversation(tx, conversationId);
        if (!conversation || conversation.workspaceId !== actor.workspaceId) throw notFound();
        const chat = await repo.lockRouting(tx, conversationId);
        if (chat) {
          if (!(await ctx.maySee(tx, actor, chat))) throw notFound();
          if (chat.state === 'resolved') throw conflict('This chat is resolved already.');
          if (chat.ownerAgentId !== actor.agentId && actor.role !== 'admin') return ctx.refuse(tx, actor, chat, 'resolve it');
        }
        if (labels.length && !labels.includes(reason)) {
          throw new AppError(ErrorCode.WRAP_UP_REQUIRED, `Choose one of the wrap-up reasons: ${labels.join(', ')}.`, { status: 400 });
        }
        const now = clock();
        const owner = chat?.ownerAgentId ?? actor.agentId;
        const out: RoutingEvent[] = [];
        if (chat) {
          await repo.updateRouting(tx, conversationId, { state: 'resolved', resolvedAt: now, wrapUp: reason, ownerAgentId: owner });
          for (const o of await repo.cancelOffers(tx, conversationId)) {
            out.push({ type: 'offer.closed', workspaceId: actor.workspaceId, conversationId, agentId: o.agentId, offerId: o.id, outcome: 'withdrawn' });
          }
          for (const guest of await repo.removeGuests(tx, conversationId)) {
            out.push({ type: 'access.lost', workspaceId: actor.workspaceId, conversationId, agentId: guest, reason: 'ended' });
          }
        } else {
          // Never routed: the row records who resolved it and why.
          await repo.insertRoutingTx(tx, { conversationId, workspaceId: actor.workspaceId, queueId: null, state: 'resolved', ownerAgentId: owner, waitingSince: conversation.createdAt, ownedAt: now, resolvedAt: now, wrapUp: reason });
        }
        // Before the message, so the conversation.updated it brings carries archivedAt.
        await archiveLater(tx, conversationId, now);
        // A visitor who ended the chat themselves saw it end: for them nothing new (no unread
        // message, no move up their list); the agents' record of the end stays.
        await say(tx, { conversationId, clientMessageId: `resolved-${conversation.lastSeq}`, body: CHAT_ENDED, internal: conversation.status === 'closed', status: 'closed' });
        return [
          ...out,
          { type: 'resolved', workspaceId: actor.workspaceId, conversationId, agentId: owner, wrapUp: reason } as RoutingEvent,
        ];
      });
      const owner = events.find((e) => e.type === 'resolved')!.agentId;
      return [...events, ...(await assignNextTo(owner))];
    },

    abandon,

    /**
     * Gives up everything an agent holds in routing, inside the caller's transaction (an admin
     * removes the agent; see the agent service). The chats they own go back to their queues (the
     * app's queue for one that has none), keeping when they started waiting, so they come before
     * newer ones; their transfers and invitations of those chats are withdrawn. They leave the
     * conferences they were a guest of. Where they owned or joined a chat, everyone reads "<name>
     * left the conversation.". Their open offers are withdrawn: a chat offered to them goes to its
     * queue's next agent, a transfer to them comes back to its sender as not accepted, an
     * invitation lapses. They leave every queue and are Offline. Returns what happened and the
     * queues to dispatch once the transaction has committed.
     */
    async release(tx: Tx, say: Say, agent: { id: string; workspaceId: string; name: string }): Promise<{ events: RoutingEvent[]; queueIds: string[] }> {
      const { id: agentId, workspaceId } = agent;
      const events: RoutingEvent[] = [];
      const queueIds = new Set<string>();
      // Each conversation's row before its routing row, as every step that writes a message.
      for (const conversationId of await repo.seatsOf(tx, agentId)) {
        const conversation = await repo.lockConversation(tx, conversationId);
        const chat = await repo.lockRouting(tx, conversationId);
        if (!conversation || !chat) continue;
        if (chat.state === 'owned' && chat.ownerAgentId === agentId) {
          for (const o of await repo.cancelOffers(tx, conversationId)) {
            events.push({ type: 'offer.closed', workspaceId, conversationId, agentId: o.agentId, offerId: o.id, outcome: 'withdrawn' });
          }
          const queueId = chat.queueId ?? (await repo.defaultQueue(tx, conversation.appId, workspaceId));
          await repo.updateRouting(tx, conversationId, { state: 'waiting', ownerAgentId: null, ownedAt: null, queueId });
          if (queueId) queueIds.add(queueId);
        }
        await repo.removeGuests(tx, conversationId, agentId);
        await say(tx, { conversationId, clientMessageId: `left-${agentId}-${conversation.lastSeq}`, body: leftText(agent.name), internal: false, status: conversation.status });
        events.push({ type: 'changed', workspaceId, conversationId });
      }
      for (const offer of await repo.pendingOffersTo(tx, agentId)) {
        const chat = await repo.lockRouting(tx, offer.conversationId);
        const current = await repo.findOffer(tx, offer.id);
        if (!chat || current?.state !== 'pending') continue;
        if (current.kind !== 'chat') {
          events.push(...(await handoffs.withdrawHandoff(tx, current, chat)));
          continue;
        }
        await repo.setOfferState(tx, current.id, 'cancelled');
        events.push({ type: 'offer.closed', workspaceId, conversationId: chat.conversationId, agentId, offerId: current.id, outcome: 'withdrawn' });
        events.push(...(await waitAgainIfUnoffered(tx, chat)));
        if (chat.queueId) queueIds.add(chat.queueId);
      }
      for (const queueId of await repo.leaveQueues(tx, agentId)) queueIds.add(queueId);
      // The agent's status row last: routing rows are locked before it, as everywhere.
      await repo.upsertPresence(tx, agentId, { status: 'offline', since: clock() });
      events.push({ type: 'status', workspaceId, agentId, status: 'offline' }, { type: 'changed', workspaceId, agentIds: [agentId] });
      return { events, queueIds: [...queueIds] };
    },

    /**
     * Expires an offer that was not answered in time (the durable job's handler, inside the
     * job's transaction). A chat offer: the agent goes to RONA, and once no offer is pending the
     * chat waits again; returns the queue to dispatch after the job commits. A transfer or an
     * invitation closes as when refused (see `closeHandoff`): a transfer to a queue moves on to
     * its next available agent, and an invitation leaves a note for the inviter.
     */
    async expireOffer(tx: Tx, offerId: string, say: Say): Promise<{ events: RoutingEvent[]; queueId?: string }> {
      const offer = await repo.findOffer(tx, offerId);
      if (!offer) return { events: [] };
      // An invitation that runs out writes a note for the inviter: the conversation's row first.
      if (offer.kind === 'invite') await repo.lockConversation(tx, offer.conversationId);
      const chat = await repo.lockRouting(tx, offer.conversationId);
      const current = await repo.findOffer(tx, offerId);
      if (!chat || current?.state !== 'pending') return { events: [] };
      if (current.kind !== 'chat') return { events: await handoffs.closeHandoff(tx, current, chat, 'expired', say) };
      const now = clock();
      await repo.setOfferState(tx, offerId, 'expired');
      await repo.upsertPresence(tx, offer.agentId, { status: 'rona', since: now });
      const { workspaceId, conversationId } = chat;
      const events: RoutingEvent[] = [
        { type: 'offer.closed', workspaceId, conversationId, agentId: offer.agentId, offerId, outcome: 'expired' },
        { type: 'status', workspaceId, agentId: offer.agentId, status: 'rona' },
      ];
      events.push(...(await waitAgainIfUnoffered(tx, chat)));
      return { events, ...(chat.queueId && { queueId: chat.queueId }) };
    },

    /**
     * The archiving policy's job for a chat resolved at `resolvedAt` (inside the job's
     * transaction): into the archive if it is still closed and resolved then. Answers whether it
     * moved; the caller tells the consoles after the commit.
     */
    archiveResolved: (tx: Tx, conversationId: string, resolvedAt: Date) => archiveResolvedConversation(tx, conversationId, resolvedAt, clock()),

    /** Runs one routing transaction whose system messages go out after the commit (the job runner's). */
    transaction: ctx.transaction,

    /** Dispatches every queue that has chats waiting, and takes chats whose visitor left out of their queue (the sweep). */
    async sweep(): Promise<RoutingEvent[]> {
      const events: RoutingEvent[] = [];
      for (const conversationId of await repo.abandoned(100)) events.push(...(await abandon(conversationId)));
      for (const queueId of await repo.queuesWithWaiting()) events.push(...(await dispatch(queueId)));
      return events;
    },

    /** Waiting chats and Online agents of a queue, for the console. */
    stats: (queueId: string) => repo.queueStats(queueId, fresh()),

    /** A conversation's routing row. */
    routingOf: (conversationId: string) => repo.routingOf(conversationId),

    /** Everything the console's routing views start from (`GET /api/agent/routing`). */
    async snapshot(actor: Actor): Promise<RoutingSnapshot> {
      const [agents, queues, offers, wrapUpReasons] = await Promise.all([
        repo.agentViews(actor.workspaceId, fresh()),
        repo.queueViews(actor.workspaceId, fresh()),
        repo.offerViews({ agentId: actor.agentId }).then(masked),
        repo.wrapUpReasons(actor.workspaceId),
      ]);
      const me = agents.find((a) => a.id === actor.agentId);
      if (!me) throw notFound('agent');
      return { me, agents, queues, offers: offers.map(({ agentId: _, ...offer }) => offer), wrapUpReasons, archiveAfterDays: archiveAfterMs / DAY_MS };
    },

    /** Agents of a workspace as the console lists them (all, or some). */
    agentViews: (workspaceId: string, agentIds?: string[]): Promise<RoutingAgent[]> => repo.agentViews(workspaceId, fresh(), agentIds),
    /** Queues of a workspace with live counts (all, or some). */
    queueViews: (workspaceId: string, queueIds?: string[]): Promise<RoutingQueue[]> => repo.queueViews(workspaceId, fresh(), queueIds),
    /** Offers as the console shows them, with the agent each is for. */
    offerViews: async (offerIds: string[]): Promise<(Offer & { agentId: string })[]> => masked(await repo.offerViews({ offerIds })),
    /** Visitors' places in their queues. */
    positions: (workspaceId: string, visitorIds: string[]) => repo.positions(workspaceId, visitorIds),

    // ------------------------------------------------------------------------------------------
    // Administration (the routes check the admin role)

    /** Changes a queue's name, mode, top N or offer timeout. */
    async updateQueue(workspaceId: string, queueId: string, values: { name?: string | undefined; mode?: QueueRow['mode'] | undefined; topN?: number | undefined; offerTimeoutMs?: number | undefined }) {
      if (!isId(queueId)) throw notFound('queue');
      if (values.name !== undefined) {
        const other = await repo.queueByName(workspaceId, values.name);
        if (other && other.id !== queueId) throw conflict(`There is a queue named "${values.name}" already; choose another name.`);
      }
      const set = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
      const row = Object.keys(set).length ? await repo.updateQueue(workspaceId, queueId, set) : await repo.findQueueIn(db, workspaceId, queueId);
      if (!row) throw notFound('queue');
      return row;
    },

    /** Makes a list the queue's agents (all of the workspace), then hands out its waiting chats. */
    async setQueueAgents(workspaceId: string, queueId: string, agentIds: string[]): Promise<RoutingEvent[]> {
      if (!isId(queueId)) throw notFound('queue');
      const wanted = [...new Set(agentIds)];
      const known = await repo.agentsIn(workspaceId, wanted.filter(isId));
      const unknown = wanted.filter((id) => !known.includes(id));
      if (unknown.length) throw notFound(`agent ${unknown.slice(0, 3).join(', ')}`);
      const { left, joined } = await repo.transaction(async (tx) => {
        const queue = await repo.lockQueue(tx, queueId);
        if (!queue || queue.workspaceId !== workspaceId) throw notFound('queue');
        return repo.setQueueAgents(tx, queueId, wanted);
      });
      const events: RoutingEvent[] = [{ type: 'changed', workspaceId, agentIds: [...left, ...joined] }];
      return [...events, ...(await dispatch(queueId))];
    },

    /** The workspace's wrap-up reasons. */
    wrapUpReasons: (workspaceId: string) => repo.wrapUpReasons(workspaceId),

    /** Removes a wrap-up reason. */
    async removeWrapUpReason(workspaceId: string, id: string): Promise<void> {
      if (!isId(id) || !(await repo.deleteWrapUpReason(workspaceId, id))) throw notFound('wrap-up reason');
    },

    /** Sets an agent's chat limit (an agent of the workspace), then gives them waiting chats if they have room now. */
    async setAgentLimit(workspaceId: string, agentId: string, maxChats: number): Promise<RoutingEvent[]> {
      if (!isId(agentId) || !(await repo.agentsIn(workspaceId, [agentId])).length) throw notFound('agent');
      await repo.upsertPresence(db, agentId, { maxChats });
      return [{ type: 'changed', workspaceId, agentIds: [agentId] }, ...(await dispatchQueuesOf(agentId))];
    },

    /** For the job runner. */
    repo,
  };
}

/** The routing service's interface. */
export type RoutingService = ReturnType<typeof createRoutingService>;
