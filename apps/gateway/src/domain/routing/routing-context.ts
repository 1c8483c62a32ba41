import { ErrorCode } from '@parley/protocol';
import type { NotifyChannel } from '../../bus/bus.ts';
import type { Database } from '../../db/database.ts';
import type { RoutingRow } from '../../db/schema/index.ts';
import { appendSystemMessageIn, type SystemMessage } from '../conversations/messenger-repository.ts';
import type { CommittedBatch } from '../conversations/message-writer.ts';
import { AppError, notFound } from '../errors.ts';
import { UNOWNED_STATES } from './routing-access.ts';
import { createRoutingRepository, type Tx } from './routing-repository.ts';
import { ROUTING_SENDER } from './system-messages.ts';

/** Who acts: an agent of a workspace, with their role. `AgentPrincipal` is one. */
export interface Actor {
  agentId: string;
  workspaceId: string;
  role: 'agent' | 'admin';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string can be a row id; anything else is answered like an id that does not exist. */
export const isId = (id: string) => UUID.test(id);

/** The offer was answered already, ran out, or the chat went to someone else. */
export const offerGone = () => new AppError(ErrorCode.OFFER_GONE, 'This offer is no longer open: it was answered, it ran out, or someone else took the chat.', { status: 409 });

/** The agent cannot take one more chat now. */
export const atChatLimit = () =>
  new AppError(ErrorCode.AT_CHAT_LIMIT, 'You hold as many chats as your limit allows, or you are not Online: resolve a chat or go Online first.', { status: 409 });

/** Only the chat's owner may do this (the caller sees the chat, so it exists for them). */
export const ownerOnly = (what: string) => new AppError(ErrorCode.FORBIDDEN, `Only the chat's owner can ${what}.`, { status: 403 });

/** Writes a message of the gateway's own (joined, left, ended, a refused invitation) in a routing transaction; it goes out after the commit. */
export type Say = (tx: Tx, message: Omit<SystemMessage, 'senderId' | 'senderName'>) => Promise<void>;

/** What every part of routing shares: the repository, the clock, the staleness window, and system messages. */
export function createRoutingContext({
  db,
  clock,
  staleAfterMs,
  channel,
  onCommitted,
}: {
  db: Database;
  clock: () => Date;
  staleAfterMs: number;
  channel: () => NotifyChannel | undefined;
  onCommitted: (batches: CommittedBatch[]) => void;
}) {
  const repo = createRoutingRepository(db);

  /**
   * Runs one routing transaction; the messages it wrote (joined, left, ended) go to the bus
   * after it commits, like any other message.
   */
  async function transaction<T>(work: (tx: Tx, say: Say) => Promise<T>): Promise<T> {
    const batches: CommittedBatch[] = [];
    const say: Say = async (tx, message) => {
      const batch = await appendSystemMessageIn(tx, { ...message, senderId: ROUTING_SENDER, senderName: null }, channel());
      if (batch) batches.push(batch);
    };
    const result = await repo.transaction((tx) => work(tx, say));
    if (batches.length) onCommitted(batches);
    return result;
  }

  /**
   * Whether the actor may see a locked chat (inside a transaction): admin, owner, guest, one of
   * its queue's agents while unowned, or holder of a pending offer.
   */
  async function maySee(tx: Tx, actor: Actor, chat: RoutingRow): Promise<boolean> {
    if (chat.workspaceId !== actor.workspaceId) return false;
    if (actor.role === 'admin' || chat.ownerAgentId === actor.agentId) return true;
    if ((await repo.guestsOf(tx, chat.conversationId)).some((g) => g.id === actor.agentId)) return true;
    if (UNOWNED_STATES.includes(chat.state) && chat.queueId && (await repo.isQueueAgent(tx, chat.queueId, actor.agentId))) return true;
    return (await repo.pendingOffers(tx, chat.conversationId)).some((o) => o.agentId === actor.agentId);
  }

  /** Refuses with FORBIDDEN who sees the chat, and with NOT_FOUND everyone else. */
  async function refuse(tx: Tx, actor: Actor, chat: RoutingRow, what: string): Promise<never> {
    throw (await maySee(tx, actor, chat)) ? ownerOnly(what) : notFound();
  }

  return {
    repo,
    clock,
    fresh: () => new Date(clock().getTime() - staleAfterMs),
    transaction,
    maySee,
    refuse,
  };
}

/** The shared context of routing's parts. */
export type RoutingContext = ReturnType<typeof createRoutingContext>;
