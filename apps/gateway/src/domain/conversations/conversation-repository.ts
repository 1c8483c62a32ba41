import { and, asc, desc, eq, gt, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { apps, conversations, messages, visitors, type ConversationRow, type MessageRow } from '../../db/schema/index.ts';

/** A conversation row locked for writing, with its app's message length limit. */
export interface LockedConversation extends ConversationRow {
  maxMessageLength: number;
}

/** A message about to be inserted; seq numbers are assigned by the caller under the lock. */
export type NewMessage = typeof messages.$inferInsert;

/** What a conversation's counters and preview become after a batch. */
export interface ConversationAdvance {
  id: string;
  lastSeq: number;
  lastPublicSeq: number;
  lastMessageAt: Date;
  preview: string;
  publicPreview: string | null;
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The queries of the conversation aggregate. Only this module touches its tables. */
export function createConversationRepository(db: Database) {
  return {
    transaction: <T>(fn: (tx: Tx) => Promise<T>) => db.transaction(fn),

    /** Creates the visitor's conversations named by client ids, unless they exist; returns all ids. */
    async ensureVisitorConversations(
      tx: Tx,
      wanted: { visitorId: string; appId: string; workspaceId: string; clientConversationId: string }[],
    ): Promise<Map<string, string>> {
      if (!wanted.length) return new Map();
      await tx.insert(conversations).values(wanted).onConflictDoNothing({
        target: [conversations.visitorId, conversations.clientConversationId],
      });
      const rows = await tx
        .select({ id: conversations.id, visitorId: conversations.visitorId, clientConversationId: conversations.clientConversationId })
        .from(conversations)
        .where(
          and(
            inArray(conversations.visitorId, [...new Set(wanted.map((w) => w.visitorId))]),
            inArray(conversations.clientConversationId, [...new Set(wanted.map((w) => w.clientConversationId))]),
          ),
        );
      return new Map(rows.map((r) => [`${r.visitorId}/${r.clientConversationId}`, r.id]));
    },

    /** Locks the conversations in id order (so two batches never deadlock) and reads them. */
    async lockConversations(tx: Tx, ids: string[]): Promise<Map<string, LockedConversation>> {
      if (!ids.length) return new Map();
      const rows = await tx
        .select({ conversation: conversations, maxMessageLength: apps.maxMessageLength })
        .from(conversations)
        .innerJoin(apps, eq(apps.id, conversations.appId))
        .where(inArray(conversations.id, ids))
        .orderBy(asc(conversations.id))
        .for('update', { of: conversations });
      return new Map(rows.map((r) => [r.conversation.id, { ...r.conversation, maxMessageLength: r.maxMessageLength }]));
    },

    /** Messages already stored under any of these client ids (a superset; the caller matches exactly). */
    async findByClientIds(tx: Tx, conversationIds: string[], clientMessageIds: string[]): Promise<MessageRow[]> {
      if (!conversationIds.length) return [];
      return tx
        .select()
        .from(messages)
        .where(and(inArray(messages.conversationId, conversationIds), inArray(messages.clientMessageId, clientMessageIds)));
    },

    async insertMessages(tx: Tx, rows: NewMessage[]): Promise<MessageRow[]> {
      if (!rows.length) return [];
      return tx.insert(messages).values(rows).returning();
    },

    /** Moves each conversation's counters and preview forward, all in one statement. */
    async advanceConversations(tx: Tx, advances: ConversationAdvance[]): Promise<void> {
      if (!advances.length) return;
      const values = sql.join(
        advances.map(
          (a) =>
            sql`(${a.id}::uuid, ${a.lastSeq}::int, ${a.lastPublicSeq}::int, ${a.lastMessageAt.toISOString()}::timestamptz, ${a.preview}::text, ${a.publicPreview}::text)`,
        ),
        sql`, `,
      );
      await tx.execute(sql`
        update ${conversations} as c set
          last_seq = v.last_seq, last_public_seq = v.last_public_seq, last_message_at = v.last_message_at,
          preview = v.preview, public_preview = coalesce(v.public_preview, c.public_preview), status = 'open'
        from (values ${values}) as v(id, last_seq, last_public_seq, last_message_at, preview, public_preview)
        where c.id = v.id`);
    },

    async findConversation(id: string): Promise<ConversationRow | undefined> {
      const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
      return row;
    },

    /** A visitor's conversations, most recently active first. */
    async listForVisitor(visitorId: string, limit: number): Promise<ConversationRow[]> {
      return db
        .select()
        .from(conversations)
        .where(eq(conversations.visitorId, visitorId))
        .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.createdAt))
        .limit(limit);
    },

    /** A workspace's conversations with their visitors, most recently active first. */
    async listForWorkspace(workspaceId: string, status: 'open' | 'closed', limit: number) {
      return db
        .select({ conversation: conversations, visitor: { id: visitors.id, name: visitors.name } })
        .from(conversations)
        .innerJoin(visitors, eq(visitors.id, conversations.visitorId))
        .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.status, status)))
        .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.createdAt))
        .limit(limit);
    },

    async findVisitor(id: string) {
      const [row] = await db.select({ id: visitors.id, name: visitors.name }).from(visitors).where(eq(visitors.id, id));
      return row;
    },

    /** Up to `limit` messages with seq (or public seq) before a bound, newest first. */
    async page(conversationId: string, audience: 'agent' | 'visitor', beforeSeq: number | undefined, limit: number): Promise<MessageRow[]> {
      const column = audience === 'agent' ? messages.seq : messages.publicSeq;
      return db
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversationId),
            audience === 'visitor' ? isNotNull(messages.publicSeq) : undefined,
            beforeSeq !== undefined ? lt(column, beforeSeq) : undefined,
          ),
        )
        .orderBy(desc(column))
        .limit(limit);
    },

    /** Up to `limit` messages after a seq (or public seq), oldest first. */
    async after(conversationId: string, audience: 'agent' | 'visitor', afterSeq: number, limit: number): Promise<MessageRow[]> {
      const column = audience === 'agent' ? messages.seq : messages.publicSeq;
      return db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), gt(column, afterSeq)))
        .orderBy(asc(column))
        .limit(limit);
    },

    /** Messages of one conversation in a seq range, for a node that was told of them by the bus. */
    async range(conversationId: string, fromSeq: number, toSeq: number): Promise<MessageRow[]> {
      return db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), sql`${messages.seq} between ${fromSeq} and ${toSeq}`))
        .orderBy(asc(messages.seq));
    },
  };
}

/** The conversation repository's interface. */
export type ConversationRepository = ReturnType<typeof createConversationRepository>;
