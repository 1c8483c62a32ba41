import { randomUUID } from 'node:crypto';
import { ErrorCode, MAX_BODY_CHARS, type Attachment } from '@parley/protocol';
import type { ConversationRow, MessageRow } from '../../db/schema/index.ts';
import { AppError, notFound, toAppError } from '../errors.ts';
import type { Principal } from '../identity/principal.ts';
import { principalId } from '../identity/principal.ts';
import type { NotifyChannel } from '../../bus/bus.ts';
import type { BatchRequest, ConversationRepository } from './conversation-repository.ts';

/** One message to store. Exactly one of `conversationId` and `clientConversationId` is set. */
export interface WriteRequest {
  principal: Principal;
  conversationId?: string | undefined;
  clientConversationId?: string | undefined;
  clientMessageId: string;
  body: string;
  internal: boolean;
  /** Ids of the sender's own uploads the message carries; the conversation service claims them first (attachments/). */
  attachments?: readonly string[] | undefined;
  /** The files claimed for it, in order (set by the conversation service): stored as the message's `attachments`. */
  files?: Attachment[] | undefined;
  /** Called once the request has its place in the writer's queue, before anything is written (a socket lets its next message go then). */
  queued?: (() => void) | undefined;
}

/** A stored message (new, or the original of a resend) and its conversation after the write. */
export interface WriteSuccess {
  message: MessageRow;
  conversation: ConversationRow;
  duplicate: boolean;
}

/** Messages committed together in one conversation, in seq order. */
export interface CommittedBatch {
  conversation: ConversationRow;
  messages: MessageRow[];
  /** Set when this write put the conversation in a queue (its first visitor message, or the next after it was resolved): the queue. */
  enqueued?: string | undefined;
  /** Set when an agent's reply took the conversation, broadcast to their queue: the new owner and the queue. */
  taken?: { agentId: string; queueId: string } | undefined;
}

interface Pending {
  request: WriteRequest;
  resolve: (result: WriteSuccess) => void;
  reject: (error: AppError) => void;
}

/**
 * Stores messages with group commit: requests that arrive while batches are written are written
 * together by the next one, in one statement. Up to `concurrency` batches are written at once,
 * never two holding the same conversation: a request whose conversation is in a batch under way
 * waits for the next, so each conversation's messages are committed, acknowledged and fanned out
 * in the order they arrived. Each conversation's row is locked while its seq numbers are
 * assigned, so commit order is seq order with no gaps, also across gateway nodes (DESIGN.md,
 * Delivery).
 * Every request's promise settles after the commit; `onCommitted` runs after that, so a sender's
 * ack always leaves before the fan-out.
 */
export function createMessageWriter({
  repo,
  onCommitted,
  channel,
  maxBatch = 256,
  concurrency = 2,
}: {
  repo: ConversationRepository;
  onCommitted: (batches: CommittedBatch[]) => void;
  /** Where the batch statement announces new messages to other nodes (PostgreSQL bus). */
  channel?: (() => NotifyChannel | undefined) | undefined;
  maxBatch?: number;
  /** Batches written at once: while the database works on one, the next gathers and is sent. */
  concurrency?: number;
}) {
  let queue: Pending[] = [];
  /** Conversations (or a visitor's not yet created ones) in a batch under way. */
  const busy = new Set<string>();
  let active = 0;
  let scheduled = false;
  const idle: (() => void)[] = [];

  function write(request: WriteRequest): Promise<WriteSuccess> {
    return new Promise((resolve, reject) => {
      queue.push({ request, resolve, reject });
      request.queued?.();
      // Let the frames that arrived in this turn of the event loop join the first batch.
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    });
  }

  function pump() {
    scheduled = false;
    while (active < concurrency && queue.length) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const keys = new Set<string>();
      for (const item of queue) {
        const key = conversationKey(item.request);
        if (batch.length < maxBatch && !busy.has(key)) {
          batch.push(item);
          keys.add(key);
        } else rest.push(item);
      }
      if (!batch.length) break;
      queue = rest;
      for (const key of keys) busy.add(key);
      active++;
      void run(batch).then(() => {
        active--;
        for (const key of keys) busy.delete(key);
        pump();
        if (!active && !queue.length) for (const done of idle.splice(0)) done();
      });
    }
  }

  async function run(batch: Pending[]) {
    let committed: CommittedBatch[];
    try {
      committed = await writeBatch(batch);
    } catch {
      // One bad request must not fail its neighbours: write each alone.
      committed = [];
      for (const item of batch) {
        try {
          committed.push(...(await writeBatch([item])));
        } catch (error) {
          item.reject(toAppError(error));
        }
      }
    }
    if (committed.length) setImmediate(() => onCommitted(committed));
  }

  async function writeBatch(batch: Pending[]): Promise<CommittedBatch[]> {
    // A visitor's first message names its conversation by a client id: create those first.
    const byClientId = await repo.ensureVisitorConversations(
      batch.flatMap(({ request: r }) =>
        r.clientConversationId && r.principal.kind === 'visitor'
          ? [{ visitorId: r.principal.visitorId, appId: r.principal.appId, workspaceId: r.principal.workspaceId, clientConversationId: r.clientConversationId }]
          : [],
      ),
    );
    const at = new Date().toISOString();
    const outcome = new Map<number, AppError>();
    const requests: BatchRequest[] = [];
    batch.forEach(({ request: r }, i) => {
      const conv = r.conversationId ?? (r.principal.kind === 'visitor' ? byClientId.get(`${r.principal.visitorId}/${r.clientConversationId}`) : undefined);
      if (!conv) return void outcome.set(i, notFound());
      if (r.internal && r.principal.kind !== 'agent') {
        return void outcome.set(i, new AppError(ErrorCode.FORBIDDEN, 'Only agents can post internal notes.', { status: 403 }));
      }
      // The app's limit binds visitors; agents answer within the protocol's ceiling.
      const limit = r.principal.kind === 'visitor' ? r.principal.maxMessageLength : MAX_BODY_CHARS;
      // Characters are code points; a body of no more UTF-16 units than the limit has no more of them.
      const length = r.body.length > limit ? [...r.body].length : 0;
      if (length > limit) {
        const message = `The message has ${length} characters; the limit is ${limit}. Shorten it or split it in two.`;
        return void outcome.set(i, new AppError(ErrorCode.MESSAGE_TOO_LONG, message, { status: 413 }));
      }
      requests.push({
        i,
        conv,
        kind: r.principal.kind,
        sender: principalId(r.principal),
        name: r.principal.name,
        cmid: r.clientMessageId,
        body: r.body,
        internal: r.internal,
        id: randomUUID(),
        at,
        visitor: r.principal.kind === 'visitor' ? r.principal.visitorId : null,
        workspace: r.principal.workspaceId,
        admin: r.principal.kind === 'agent' && r.principal.role === 'admin',
        files: r.files?.length ? r.files : null,
      });
    });

    const { before, resent, inserted, after, allowed, enqueued, blocked, taken } = await repo.writeBatch(requests, channel?.());
    const byKey = new Map(inserted.map((m) => [`${m.conversationId}/${m.senderKind}/${m.senderId}/${m.clientMessageId}`, m]));
    for (const r of requests) {
      const item = batch[r.i]!;
      const conversation = before.get(r.conv);
      // Not the sender's to write (another's, or not routed to this agent): as if it did not exist.
      if (!conversation || !mayWrite(item.request.principal, conversation) || !allowed.has(r.i)) {
        item.reject(notFound());
        continue;
      }
      // Another agent's reply took the broadcast chat first: no longer this agent's to see. Or no room for it.
      const refused = blocked.get(r.i);
      if (refused) {
        item.reject(refused === 'taken' ? notFound() : new AppError(ErrorCode.AT_CHAT_LIMIT, 'Replying takes this chat, and you hold as many chats as your limit allows or are not Online: resolve a chat or go Online first.', { status: 409 }));
        continue;
      }
      // The stored original of a resend: from before this batch, or earlier in this batch.
      const stored = resent.get(r.i) ?? byKey.get(`${r.conv}/${r.kind}/${r.sender}/${r.cmid}`);
      if (!stored) {
        item.reject(toAppError(new Error(`message ${r.cmid} was neither stored nor found`)));
        continue;
      }
      if (stored.id !== r.id && (stored.body !== r.body || stored.internal !== r.internal)) {
        item.reject(new AppError(ErrorCode.CONFLICT, `Message id ${r.cmid} was already used for a different message; use a new id for a new message.`, { status: 409 }));
        continue;
      }
      item.resolve({ message: stored, conversation: after.get(r.conv)!, duplicate: stored.id !== r.id });
    }
    for (const [i, error] of outcome) batch[i]!.reject(error);

    const committed = new Map<string, CommittedBatch>();
    for (const message of inserted) {
      const entry = committed.get(message.conversationId) ?? {
        conversation: after.get(message.conversationId)!,
        messages: [],
        ...(enqueued.has(message.conversationId) && { enqueued: enqueued.get(message.conversationId) }),
        ...(taken.has(message.conversationId) && { taken: taken.get(message.conversationId) }),
      };
      entry.messages.push(message);
      committed.set(message.conversationId, entry);
    }
    return [...committed.values()];
  }

  return {
    write,
    /** Resolves when every queued write has settled (for shutdown). */
    flushed: () => (active || queue.length ? new Promise<void>((done) => idle.push(done)) : Promise.resolve()),
  };
}

/** What keeps two batches apart: the conversation, or the visitor's own id for one not yet created. */
function conversationKey(request: WriteRequest): string {
  return request.conversationId ?? `${principalId(request.principal)}/${request.clientConversationId}`;
}

/** Whether a principal may write to (and read) a conversation. */
export function mayWrite(principal: Principal, conversation: ConversationRow): boolean {
  return principal.kind === 'visitor' ? conversation.visitorId === principal.visitorId : conversation.workspaceId === principal.workspaceId;
}

/** The message writer's interface. */
export type MessageWriter = ReturnType<typeof createMessageWriter>;
