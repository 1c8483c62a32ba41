import type { ConversationSummary, Message } from '@parley/protocol';
import type { NotifyChannel } from '../../bus/bus.ts';
import type { Database } from '../../db/database.ts';
import type { ConversationRow, MessageRow } from '../../db/schema/index.ts';
import { createAttachmentClaims } from '../attachments/attachment-service.ts';
import { toAgentMessage, toAgentSummary, toVisitorMessage, toVisitorSummary } from '../audience.ts';
import { UNMASKED, type Masker } from '../masking/personal-data.ts';
import { notFound } from '../errors.ts';
import type { Principal } from '../identity/principal.ts';
import { agentMaySee, toConversationRouting, type RoutingView } from '../routing/routing-access.ts';
import { createConversationRepository } from './conversation-repository.ts';
import { createMessengerRepository } from './messenger-repository.ts';
import { createMessageWriter, mayWrite, type CommittedBatch, type WriteRequest } from './message-writer.ts';

/** Most messages a resume replays for one conversation; further behind gets a reset. */
export const MAX_REPLAY = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a send answers: the stored message as the sender sees it, and whether it was a resend. */
export interface SendResult {
  conversation: ConversationRow;
  message: MessageRow;
  /** The seq in the sender's audience (public seq for a visitor). */
  seq: number;
  duplicate: boolean;
}

/** What a resume answers for one cursor. */
export type ReplayResult =
  | { kind: 'messages'; messages: Message[] }
  | { kind: 'reset'; lastSeq: number; reason: 'cursor_ahead' | 'too_far_behind' };

/** What conversations need of routing: who may see a conversation. */
export interface ConversationAccess {
  /** The routing of conversations (none for a conversation without routing: tickets, older chats). */
  views(conversationIds: string[]): Promise<Map<string, RoutingView>>;
}

/** Without routing every agent of the workspace sees every conversation. */
const OPEN_ACCESS: ConversationAccess = { views: async () => new Map() };

/**
 * Conversations and messages: send (idempotent, ordered), list, read, replay. Every read and
 * write checks that the principal may touch the conversation — a visitor their own, an agent
 * what routing lets them see — and one that is not theirs answers exactly as one that does not
 * exist.
 */
export function createConversationService({
  db,
  onCommitted,
  channel,
  access = OPEN_ACCESS,
  masking,
  unseenEmailAfterMs,
}: {
  db: Database;
  onCommitted: (batches: CommittedBatch[]) => void;
  /** Where writes announce new messages to other nodes (PostgreSQL only). */
  channel?: () => NotifyChannel | undefined;
  /** Routing's rules for agents (routing-access.ts). */
  access?: ConversationAccess;
  /** How a workspace's agents get free text: with personal data masked or not (masking-settings.ts). Required: no agent-bound path may forget it. */
  masking: (workspaceId: string) => Promise<Masker>;
  /** How long an agent's reply may stay unread before it is e-mailed to the visitor (domain/reply-emails). */
  unseenEmailAfterMs?: number;
}) {
  const repo = createConversationRepository(db, { unseenEmailAfterMs });
  const writer = createMessageWriter({ repo, onCommitted, channel });
  const files = createAttachmentClaims(db);
  const reads = createMessengerRepository(db);

  /** Adds read state to list rows: unread and "seen" for a visitor, how far the visitor has read for agents. */
  async function withReadState(principal: Principal, list: ConversationSummary[]): Promise<ConversationSummary[]> {
    const state = await reads.readState(
      list.map((c) => c.id),
      principal.kind === 'visitor' ? { kind: 'visitor', visitorId: principal.visitorId } : { kind: 'agent' },
    );
    return list.map((c) => ({ ...c, ...state.get(c.id) }));
  }

  async function readable(principal: Principal, conversationId: string): Promise<ConversationRow> {
    const conversation = UUID.test(conversationId) ? await repo.findConversation(conversationId) : undefined;
    if (!conversation || !mayWrite(principal, conversation)) throw notFound();
    if (principal.kind === 'agent' && principal.role !== 'admin' && !agentMaySee(principal, (await access.views([conversationId])).get(conversationId))) {
      throw notFound();
    }
    return conversation;
  }

  /** Adds each conversation's routing to agents' list rows. */
  async function withRouting(list: ConversationSummary[]): Promise<ConversationSummary[]> {
    const views = await access.views(list.map((c) => c.id));
    return list.map((c) => {
      const view = views.get(c.id);
      return view ? { ...c, routing: toConversationRouting(view) } : c;
    });
  }

  const audienceOf = (principal: Principal) => principal.kind;
  // Agents get free text through their workspace's masker; visitors always get their own as stored.
  const maskOf = async (principal: Principal): Promise<Masker> => (principal.kind === 'agent' ? masking(principal.workspaceId) : UNMASKED);
  const agentSummaries = async (principal: Principal, rows: { conversation: ConversationRow; visitor?: { id: string; name: string | null } }[]) => {
    const mask = await maskOf(principal);
    return rows.map((r) => toAgentSummary(r.conversation, r.visitor, mask));
  };
  const serialize = async (principal: Principal, rows: MessageRow[]): Promise<Message[]> => {
    if (principal.kind !== 'agent') return rows.flatMap((r) => toVisitorMessage(r) ?? []);
    const mask = await maskOf(principal);
    return rows.map((r) => toAgentMessage(r, mask));
  };

  return {
    /** Stores a message; a resend with the same client id returns the original. */
    async send(request: WriteRequest): Promise<SendResult> {
      if (request.conversationId !== undefined && !UUID.test(request.conversationId)) throw notFound();
      // Files go with the message: claimed for it before the write, linked by its insert. (An
      // agent's first reply to a chat broadcast to their queue takes it in the same statement.)
      const { message, conversation, duplicate } = await files.withFiles(request, (claimed) => writer.write({ ...request, files: claimed }));
      const seq = request.principal.kind === 'agent' ? message.seq : message.publicSeq!;
      return { message, conversation, duplicate, seq };
    },

    /** The principal's conversations, most recently active first. */
    async list(principal: Principal, options: { status?: 'open' | 'closed'; limit?: number } = {}): Promise<ConversationSummary[]> {
      const limit = options.limit ?? 50;
      if (principal.kind === 'visitor') {
        const rows = await repo.listForVisitor(principal.visitorId, options.status, limit);
        return withReadState(principal, rows.map(toVisitorSummary));
      }
      const rows = await repo.listForWorkspace(principal.workspaceId, options.status ?? 'open', limit, principal.role === 'admin' ? undefined : principal.agentId);
      return withRouting(await withReadState(principal, await agentSummaries(principal, rows)));
    },

    /** A page of messages, oldest first, before `beforeSeq`. */
    async history(principal: Principal, conversationId: string, options: { beforeSeq?: number; limit?: number } = {}) {
      await readable(principal, conversationId);
      const limit = options.limit ?? 50;
      const rows = await repo.page(conversationId, audienceOf(principal), options.beforeSeq, limit + 1);
      const hasMore = rows.length > limit;
      return { messages: await serialize(principal, rows.slice(0, limit).reverse()), hasMore };
    },

    /** One conversation as the principal sees it. */
    async get(principal: Principal, conversationId: string): Promise<ConversationSummary> {
      const conversation = await readable(principal, conversationId);
      const summary =
        principal.kind === 'visitor' ? toVisitorSummary(conversation) : toAgentSummary(conversation, await repo.findVisitor(conversation.visitorId), await maskOf(principal));
      const [read] = await withReadState(principal, [summary]);
      return principal.kind === 'agent' ? (await withRouting([read!]))[0]! : read!;
    },

    /** Every message after a cursor, in order, or a reset when the cursor cannot be served. */
    async replay(principal: Principal, conversationId: string, afterSeq: number): Promise<ReplayResult> {
      const conversation = await readable(principal, conversationId);
      const lastSeq = principal.kind === 'agent' ? conversation.lastSeq : conversation.lastPublicSeq;
      if (afterSeq > lastSeq) return { kind: 'reset', lastSeq, reason: 'cursor_ahead' };
      if (afterSeq === lastSeq) return { kind: 'messages', messages: [] };
      const rows = await repo.after(conversationId, audienceOf(principal), afterSeq, MAX_REPLAY + 1);
      if (rows.length > MAX_REPLAY) return { kind: 'reset', lastSeq, reason: 'too_far_behind' };
      return { kind: 'messages', messages: await serialize(principal, rows) };
    },

    /** Rows a node was told of by the bus, read back from the database. */
    async committedRange(conversationId: string, fromSeq: number, toSeq: number): Promise<CommittedBatch | undefined> {
      const conversation = await repo.findConversation(conversationId);
      if (!conversation) return undefined;
      return { conversation, messages: await repo.range(conversationId, fromSeq, toSeq) };
    },

    /** The conversation, when the principal may see it (the check every conversation route makes); NOT_FOUND otherwise. */
    readable,

    findVisitor: (id: string) => repo.findVisitor(id),

    /** Resolves when all accepted writes have committed. */
    flushed: writer.flushed,
  };
}

/** The conversation service's interface. */
export type ConversationService = ReturnType<typeof createConversationService>;
