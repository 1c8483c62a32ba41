import { randomUUID } from 'node:crypto';
import { ErrorCode, MAX_BODY_CHARS } from '@parley/protocol';
import type { ConversationRow, MessageRow } from '../../db/schema/index.ts';
import { AppError, notFound, toAppError } from '../errors.ts';
import type { Principal } from '../identity/principal.ts';
import { principalId } from '../identity/principal.ts';
import type { CommitNotice, Executor } from '../../bus/bus.ts';
import type { ConversationAdvance, ConversationRepository } from './conversation-repository.ts';

/** One message to store. Exactly one of `conversationId` and `clientConversationId` is set. */
export interface WriteRequest {
  principal: Principal;
  conversationId?: string | undefined;
  clientConversationId?: string | undefined;
  clientMessageId: string;
  body: string;
  internal: boolean;
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
}

interface Pending {
  request: WriteRequest;
  resolve: (result: WriteSuccess) => void;
  reject: (error: AppError) => void;
}

const PREVIEW_CHARS = 140;

/**
 * Stores messages with group commit: requests that arrive while a transaction runs are written
 * together by the next one. Each conversation's row is locked while its seq numbers are assigned,
 * so commit order is seq order with no gaps, also across gateway nodes (DESIGN.md, Delivery).
 * Every request's promise settles after the commit; `onCommitted` runs after that, so a sender's
 * ack always leaves before the fan-out.
 */
export function createMessageWriter({
  repo,
  onCommitted,
  announce,
  maxBatch = 256,
}: {
  repo: ConversationRepository;
  onCommitted: (batches: CommittedBatch[]) => void;
  /** Runs inside each transaction, before it commits, with what it adds (for the bus). */
  announce?: ((tx: Executor, notices: CommitNotice[]) => Promise<void>) | undefined;
  maxBatch?: number;
}) {
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;

  function write(request: WriteRequest): Promise<WriteSuccess> {
    return new Promise((resolve, reject) => {
      queue.push({ request, resolve, reject });
      // Let the frames that arrived in this turn of the event loop join the first batch.
      running ??= new Promise((done) => setImmediate(() => void drain().then(done)));
    });
  }

  async function drain() {
    while (queue.length) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
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
    running = undefined;
  }

  async function writeBatch(batch: Pending[]): Promise<CommittedBatch[]> {
    const outcomes = await repo.transaction(async (tx) => {
      const visitorNew = batch.flatMap(({ request: r }) =>
        r.clientConversationId && r.principal.kind === 'visitor'
          ? [{ visitorId: r.principal.visitorId, appId: r.principal.appId, workspaceId: r.principal.workspaceId, clientConversationId: r.clientConversationId }]
          : [],
      );
      const byClientId = await repo.ensureVisitorConversations(tx, visitorNew);
      const target = (r: WriteRequest) =>
        r.conversationId ?? (r.principal.kind === 'visitor' ? byClientId.get(`${r.principal.visitorId}/${r.clientConversationId}`) : undefined);
      const ids = [...new Set(batch.map((p) => target(p.request)).filter((id): id is string => !!id))];
      const keys = batch.flatMap(({ request: r }) => {
        const c = target(r);
        return c ? [{ c, k: r.principal.kind, s: principalId(r.principal), m: r.clientMessageId }] : [];
      });
      const { locked, duplicates: stored } = await repo.lockWithDuplicates(tx, ids, keys);
      const existing = new Map(stored.map((m) => [`${m.conversationId}/${m.senderKind}/${m.senderId}/${m.clientMessageId}`, m]));

      const fresh: MessageRow[] = [];
      const advances = new Map<string, ConversationAdvance>();
      const now = new Date();
      const results: (AppError | { key: string; duplicate: boolean; conversation: ConversationRow })[] = batch.map(({ request: r }) => {
        const id = target(r);
        const conversation = id ? locked.get(id) : undefined;
        if (!conversation || !mayWrite(r.principal, conversation)) return notFound();
        if (r.internal && r.principal.kind !== 'agent') {
          return new AppError(ErrorCode.FORBIDDEN, 'Only agents can post internal notes.', { status: 403 });
        }
        const senderId = principalId(r.principal);
        const key = `${conversation.id}/${r.principal.kind}/${senderId}/${r.clientMessageId}`;
        const before = existing.get(key);
        if (before) {
          if (before.body !== r.body || before.internal !== r.internal) {
            return new AppError(ErrorCode.CONFLICT, `Message id ${r.clientMessageId} was already used for a different message; use a new id for a new message.`, { status: 409 });
          }
          return { key, duplicate: true, conversation };
        }
        // The app's limit binds visitors; agents answer within the protocol's ceiling.
        const limit = r.principal.kind === 'visitor' ? r.principal.maxMessageLength : MAX_BODY_CHARS;
        if ([...r.body].length > limit) {
          return new AppError(ErrorCode.MESSAGE_TOO_LONG, `The message has ${[...r.body].length} characters; the limit is ${limit}. Shorten it or split it in two.`, { status: 413 });
        }
        const advance = advances.get(conversation.id) ?? {
          id: conversation.id,
          lastSeq: conversation.lastSeq,
          lastPublicSeq: conversation.lastPublicSeq,
          lastMessageAt: now,
          preview: '',
          publicPreview: null,
        };
        advance.lastSeq += 1;
        advance.preview = r.body.slice(0, PREVIEW_CHARS);
        if (!r.internal) {
          advance.lastPublicSeq += 1;
          advance.publicPreview = advance.preview;
        }
        advances.set(conversation.id, advance);
        const row: MessageRow = {
          id: randomUUID(),
          conversationId: conversation.id,
          seq: advance.lastSeq,
          publicSeq: r.internal ? null : advance.lastPublicSeq,
          senderKind: r.principal.kind,
          senderId,
          senderName: r.principal.name,
          clientMessageId: r.clientMessageId,
          body: r.body,
          internal: r.internal,
          createdAt: now,
        };
        fresh.push(row);
        // A second copy later in this same batch is a resend of this one.
        existing.set(key, row);
        return { key, duplicate: false, conversation };
      });

      await repo.store(tx, fresh, [...advances.values()]);
      if (announce && advances.size) {
        const notices = [...advances.values()].map((a) => ({
          conversationId: a.id,
          fromSeq: locked.get(a.id)!.lastSeq + 1,
          toSeq: a.lastSeq,
        }));
        await announce(tx, notices);
      }
      const after = new Map(
        [...locked.values()].map((c) => {
          const a = advances.get(c.id);
          return [c.id, a ? { ...c, ...a, status: 'open' as const, publicPreview: a.publicPreview ?? c.publicPreview } : c];
        }),
      );
      return { results, existing, inserted: fresh, after };
    });

    batch.forEach((item, i) => {
      const result = outcomes.results[i]!;
      if (result instanceof AppError) return item.reject(result);
      item.resolve({
        message: outcomes.existing.get(result.key)!,
        conversation: outcomes.after.get(result.conversation.id)!,
        duplicate: result.duplicate,
      });
    });
    const grouped = new Map<string, CommittedBatch>();
    for (const m of outcomes.inserted) {
      const entry = grouped.get(m.conversationId) ?? { conversation: outcomes.after.get(m.conversationId)!, messages: [] };
      entry.messages.push(m);
      grouped.set(m.conversationId, entry);
    }
    for (const entry of grouped.values()) entry.messages.sort((a, b) => a.seq - b.seq);
    return [...grouped.values()];
  }

  return {
    write,
    /** Resolves when every queued write has settled (for shutdown). */
    flushed: () => running ?? Promise.resolve(),
  };
}

/** Whether a principal may write to (and read) a conversation. */
export function mayWrite(principal: Principal, conversation: ConversationRow): boolean {
  return principal.kind === 'visitor' ? conversation.visitorId === principal.visitorId : conversation.workspaceId === principal.workspaceId;
}

/** The message writer's interface. */
export type MessageWriter = ReturnType<typeof createMessageWriter>;
