import { and, asc, desc, eq, gt, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { apps, conversations, messages, visitors, type ConversationRow, type MessageRow } from '../../db/schema/index.ts';

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

/** A message row as `json_agg` returns it. */
interface MessageJson {
  id: string;
  conversation_id: string;
  seq: number;
  public_seq: number | null;
  sender_kind: MessageRow['senderKind'];
  sender_id: string;
  sender_name: string | null;
  client_message_id: string;
  body: string;
  internal: boolean;
  created_at: string;
}

function fromJson(m: MessageJson): MessageRow {
  return {
    id: m.id,
    conversationId: m.conversation_id,
    seq: m.seq,
    publicSeq: m.public_seq,
    senderKind: m.sender_kind,
    senderId: m.sender_id,
    senderName: m.sender_name,
    clientMessageId: m.client_message_id,
    body: m.body,
    internal: m.internal,
    createdAt: new Date(m.created_at),
  };
}

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

    /**
     * Locks the conversations in id order (so two batches never deadlock) and reads them, with
     * the messages already stored under the batch's (sender, client id) keys: one round trip.
     */
    async lockWithDuplicates(
      tx: Tx,
      ids: string[],
      keys: { c: string; k: string; s: string; m: string }[],
    ): Promise<{ locked: Map<string, ConversationRow>; duplicates: MessageRow[] }> {
      if (!ids.length) return { locked: new Map(), duplicates: [] };
      const rows = await tx
        .select({
          conversation: conversations,
          // Written out in full: Drizzle leaves a lone table's columns unqualified, and inside
          // this subquery a bare "id" would be the message's.
          duplicates: sql<MessageJson[] | null>`(
            select json_agg(msg) from ${messages} msg
            where msg.conversation_id = "conversations"."id"
              and (msg.sender_kind, msg.sender_id, msg.client_message_id) in (
                select x.k, x.s, x.m from json_to_recordset(${JSON.stringify(keys)}::json) as x(c uuid, k text, s text, m text)
                where x.c = "conversations"."id"))`,
        })
        .from(conversations)
        .where(sql`${conversations.id} in (select value::uuid from json_array_elements_text(${JSON.stringify(ids)}::json))`)
        .orderBy(asc(conversations.id))
        .for('update', { of: conversations });
      return {
        locked: new Map(rows.map((r) => [r.conversation.id, r.conversation])),
        duplicates: rows.flatMap((r) => (r.duplicates ?? []).map(fromJson)),
      };
    },

    /**
     * Inserts complete rows (ids and times made by the caller) and moves each conversation's
     * counters and preview forward, in one statement with two parameters.
     */
    async store(tx: Tx, rows: MessageRow[], advances: ConversationAdvance[]): Promise<void> {
      if (!rows.length) return;
      const json = JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          conversation_id: r.conversationId,
          seq: r.seq,
          public_seq: r.publicSeq,
          sender_kind: r.senderKind,
          sender_id: r.senderId,
          sender_name: r.senderName,
          client_message_id: r.clientMessageId,
          body: r.body,
          internal: r.internal,
          created_at: r.createdAt.toISOString(),
        })),
      );
      const counters = JSON.stringify(advances.map((a) => ({ ...a, lastMessageAt: a.lastMessageAt.toISOString() })));
      await tx.execute(sql`
        with inserted as (
          insert into ${messages} (id, conversation_id, seq, public_seq, sender_kind, sender_id, sender_name, client_message_id, body, internal, created_at)
          select id, conversation_id, seq, public_seq, sender_kind, sender_id, sender_name, client_message_id, body, internal, created_at
          from json_to_recordset(${json}::json) as x(id uuid, conversation_id uuid, seq int, public_seq int, sender_kind text, sender_id text,
            sender_name text, client_message_id text, body text, internal boolean, created_at timestamptz)
          returning 1
        )
        update ${conversations} as c set
          last_seq = v."lastSeq", last_public_seq = v."lastPublicSeq", last_message_at = v."lastMessageAt",
          preview = v.preview, public_preview = coalesce(v."publicPreview", c.public_preview), status = 'open'
        from json_to_recordset(${counters}::json) as v(id uuid, "lastSeq" int, "lastPublicSeq" int, "lastMessageAt" timestamptz, preview text, "publicPreview" text)
        where c.id = v.id and (select count(*) from inserted) > 0`);
    },

    async findConversation(id: string): Promise<ConversationRow | undefined> {
      const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
      return row;
    },

    /** A visitor's conversations, most recently active first. */
    async listForVisitor(visitorId: string, status: 'open' | 'closed' | undefined, limit: number): Promise<ConversationRow[]> {
      return db
        .select()
        .from(conversations)
        .where(and(eq(conversations.visitorId, visitorId), status ? eq(conversations.status, status) : undefined))
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
