import { randomUUID } from 'node:crypto';
import type { AppSettings, AppSettingsUpdate } from '@parley/protocol';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { NotifyChannel } from '../../bus/bus.ts';
import type { Database } from '../../db/database.ts';
import { apps, appSettings, conversationReads, conversations, messages, visitors, type ConversationRow, type MessageRow } from '../../db/schema/index.ts';
import { ROUTING_SENDER } from '../routing/system-messages.ts';
import type { CommittedBatch } from './message-writer.ts';

/** A transaction handle. */
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** A message the gateway itself writes into a conversation (the bot's reply, "the customer left"). */
export interface SystemMessage {
  conversationId: string;
  /** Unique per conversation: a second append with the same id does nothing. */
  clientMessageId: string;
  senderId: string;
  senderName: string | null;
  body: string;
  /** Agents only (never reaches the visitor). */
  internal: boolean;
  /** The conversation's status after the message (default: open, like any message). */
  status?: 'open' | 'closed';
}

/** A read position after a `markRead`, and whether it moved. */
export interface ReadResult {
  seq: number;
  publicSeq: number;
  readAt: Date;
  advanced: boolean;
  /** For an agent: whether the furthest public message any agent has read moved (what the visitor sees as "Seen"). */
  agentsPublicAdvanced: boolean;
}

const PREVIEW_CHARS = 140;

/** The defaults of an app without a settings row. */
export const DEFAULT_SETTINGS: AppSettings = { preChat: { name: 'off', email: 'off' }, bot: { enabled: false, text: null } };

/** The messenger's queries: app settings, read positions, system messages. Only this module touches their tables. */
export function createMessengerRepository(db: Database) {
  return {
    /** The app's name, message limit and messenger settings; undefined for an unknown app. */
    async app(appId: string): Promise<({ name: string; workspaceId: string; maxMessageLength: number } & AppSettings) | undefined> {
      const [row] = await db
        .select({ app: { name: apps.name, workspaceId: apps.workspaceId, maxMessageLength: apps.maxMessageLength }, settings: appSettings })
        .from(apps)
        .leftJoin(appSettings, eq(appSettings.appId, apps.id))
        .where(eq(apps.id, appId));
      if (!row) return undefined;
      const s = row.settings;
      return {
        ...row.app,
        ...(s ? { preChat: { name: s.preChatName, email: s.preChatEmail }, bot: { enabled: s.botEnabled, text: s.botText } } : DEFAULT_SETTINGS),
      };
    },

    /** Applies a settings change (creating the row with defaults first); returns the settings after it. */
    /** A workspace's apps (its products), by name. */
    async appsOf(workspaceId: string): Promise<{ id: string; name: string }[]> {
      return db.select({ id: apps.id, name: apps.name }).from(apps).where(eq(apps.workspaceId, workspaceId)).orderBy(asc(apps.name), asc(apps.id));
    },

    async saveSettings(appId: string, update: AppSettingsUpdate): Promise<void> {
      const values = {
        ...(update.preChat?.name && { preChatName: update.preChat.name }),
        ...(update.preChat?.email && { preChatEmail: update.preChat.email }),
        ...(update.bot?.enabled !== undefined && { botEnabled: update.bot.enabled }),
        ...(update.bot?.text !== undefined && { botText: update.bot.text }),
        updatedAt: new Date(),
      };
      await db.insert(appSettings).values({ appId, ...values }).onConflictDoUpdate({ target: appSettings.appId, set: values });
    },

    async findConversation(id: string): Promise<ConversationRow | undefined> {
      const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
      return row;
    },

    /** A visitor's open chats in a workspace (not their tickets' conversations). */
    async openChatsOf(workspaceId: string, visitorId: string): Promise<ConversationRow[]> {
      return db
        .select()
        .from(conversations)
        .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.visitorId, visitorId), eq(conversations.status, 'open'), eq(conversations.channel, 'chat')));
    },

    /** Whether the visitor already has the conversation its client id names. */
    async hasClientConversation(visitorId: string, clientConversationId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.visitorId, visitorId), eq(conversations.clientConversationId, clientConversationId)));
      return !!row;
    },

    async visitorProfile(visitorId: string): Promise<{ name: string | null; email: string | null } | undefined> {
      const [row] = await db.select({ name: visitors.name, email: visitors.email }).from(visitors).where(eq(visitors.id, visitorId));
      return row;
    },

    /**
     * Moves a reader's position forward (never back) to `seq`, in the reader's own numbering
     * (public for the visitor), clamped to the conversation's last message, and records it in
     * both numberings.
     */
    async markRead(conversation: ConversationRow, reader: { kind: 'visitor' | 'agent'; id: string }, seq: number): Promise<ReadResult> {
      return db.transaction(async (tx) => {
        const [position] =
          reader.kind === 'visitor'
            ? await tx
                .select({ seq: sql<number>`coalesce(max(${messages.seq}), 0)`, publicSeq: sql<number>`coalesce(max(${messages.publicSeq}), 0)` })
                .from(messages)
                .where(and(eq(messages.conversationId, conversation.id), sql`${messages.publicSeq} <= ${Math.min(seq, conversation.lastPublicSeq)}`))
            : await tx
                .select({ seq: sql<number>`coalesce(max(${messages.seq}), 0)`, publicSeq: sql<number>`coalesce(max(${messages.publicSeq}), 0)` })
                .from(messages)
                .where(and(eq(messages.conversationId, conversation.id), sql`${messages.seq} <= ${Math.min(seq, conversation.lastSeq)}`));
        const target = { seq: Number(position?.seq ?? 0), publicSeq: Number(position?.publicSeq ?? 0) };
        const agentsPublic = async () => {
          const [row] = await tx
            .select({ max: sql<number>`coalesce(max(${conversationReads.publicSeq}), 0)` })
            .from(conversationReads)
            .where(and(eq(conversationReads.conversationId, conversation.id), eq(conversationReads.readerKind, 'agent')));
          return Number(row?.max ?? 0);
        };
        const before = reader.kind === 'agent' ? await agentsPublic() : 0;
        const [previous] = await tx
          .select()
          .from(conversationReads)
          .where(and(eq(conversationReads.conversationId, conversation.id), eq(conversationReads.readerKind, reader.kind), eq(conversationReads.readerId, reader.id)))
          .for('update');
        const now = new Date();
        const advanced = !previous || target.seq > previous.seq || target.publicSeq > previous.publicSeq;
        const next = { seq: Math.max(target.seq, previous?.seq ?? 0), publicSeq: Math.max(target.publicSeq, previous?.publicSeq ?? 0), readAt: advanced ? now : previous!.readAt };
        if (advanced) {
          await tx
            .insert(conversationReads)
            .values({ conversationId: conversation.id, readerKind: reader.kind, readerId: reader.id, ...next })
            .onConflictDoUpdate({
              target: [conversationReads.conversationId, conversationReads.readerKind, conversationReads.readerId],
              set: { seq: sql`greatest(${conversationReads.seq}, excluded.seq)`, publicSeq: sql`greatest(${conversationReads.publicSeq}, excluded.public_seq)`, readAt: now },
            });
        }
        const agentsPublicAdvanced = reader.kind === 'agent' && advanced && next.publicSeq > before;
        return { ...next, advanced, agentsPublicAdvanced };
      });
    },

    /**
     * Read state of conversations for one audience. Visitor: its own read position, unread
     * messages from others, and how far any agent has read (public numbering). Agent: how far the
     * visitor has read (agent numbering).
     */
    async readState(ids: string[], audience: { kind: 'visitor'; visitorId: string } | { kind: 'agent' }): Promise<Map<string, { unread?: number; seenSeq: number }>> {
      if (!ids.length) return new Map();
      if (audience.kind === 'agent') {
        const rows = await db
          .select({ id: conversationReads.conversationId, seq: conversationReads.seq })
          .from(conversationReads)
          .where(and(inArray(conversationReads.conversationId, ids), eq(conversationReads.readerKind, 'visitor')));
        return new Map(ids.map((id) => [id, { seenSeq: Math.max(0, ...rows.filter((r) => r.id === id).map((r) => r.seq)) }]));
      }
      const rows = await db.execute<{ id: string; unread: number | string; seen: number | string }>(sql`
        select c.id,
          (select count(*) from ${messages} m
            where m.conversation_id = c.id and m.public_seq is not null and m.sender_kind <> 'visitor'
              and m.public_seq > coalesce((select r.public_seq from ${conversationReads} r
                where r.conversation_id = c.id and r.reader_kind = 'visitor' and r.reader_id = ${audience.visitorId}), 0)) as unread,
          coalesce((select max(r.public_seq) from ${conversationReads} r where r.conversation_id = c.id and r.reader_kind = 'agent'), 0) as seen
        from ${conversations} c
        where c.id in (select value::uuid from json_array_elements_text(${JSON.stringify(ids)}::json))`);
      const list = (Array.isArray(rows) ? rows : (rows as { rows: typeof rows }).rows) as unknown as { id: string; unread: number | string; seen: number | string }[];
      return new Map(list.map((r) => [r.id, { unread: Number(r.unread), seenSeq: Number(r.seen) }]));
    },

    /**
     * Appends a message written by the gateway, under the conversation's row lock like any
     * message (so seqs stay gap-free and in commit order), and announces it to the other nodes
     * from the same transaction. Undefined when a message with that client id is there already.
     */
    async appendSystemMessage(message: SystemMessage, channel: NotifyChannel | undefined): Promise<CommittedBatch | undefined> {
      return db.transaction((tx) => appendSystemMessageIn(tx, message, channel));
    },
  };
}

/**
 * Appends a message written by the gateway inside the caller's transaction (which may hold the
 * conversation's row lock already, as routing's do): the same rules as `appendSystemMessage`.
 */
export async function appendSystemMessageIn(tx: Tx, message: SystemMessage, channel: NotifyChannel | undefined): Promise<CommittedBatch | undefined> {
  const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, message.conversationId)).for('update');
  if (!conversation) return undefined;
  const [existing] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversation.id),
        eq(messages.senderKind, 'system'),
        eq(messages.senderId, message.senderId),
        eq(messages.clientMessageId, message.clientMessageId),
      ),
    );
  if (existing) return undefined;
  const now = new Date();
  const row: MessageRow = {
    id: randomUUID(),
    conversationId: conversation.id,
    seq: conversation.lastSeq + 1,
    publicSeq: message.internal ? null : conversation.lastPublicSeq + 1,
    senderKind: 'system',
    senderId: message.senderId,
    senderName: message.senderName,
    clientMessageId: message.clientMessageId,
    body: message.body,
    internal: message.internal,
    createdAt: now,
  } as MessageRow;
  await tx.insert(messages).values(row);
  const preview = message.body.slice(0, PREVIEW_CHARS);
  const [after] = await tx
    .update(conversations)
    .set({
      lastSeq: row.seq,
      lastPublicSeq: row.publicSeq ?? conversation.lastPublicSeq,
      lastMessageAt: now,
      ...(!message.internal && { lastPublicMessageAt: now }),
      preview,
      // A visitor's list previews what people wrote; routing's notes (joined, ended) are in English.
      ...(!message.internal && message.senderId !== ROUTING_SENDER && { publicPreview: preview }),
      status: message.status ?? 'open',
    })
    .where(eq(conversations.id, conversation.id))
    .returning();
  if (channel) await tx.execute(sql`select pg_notify(${channel.name}, ${[channel.node, conversation.id, row.seq, row.seq].join('|')})`);
  return { conversation: after!, messages: [row] };
}

/** The messenger repository's interface. */
export type MessengerRepository = ReturnType<typeof createMessengerRepository>;
