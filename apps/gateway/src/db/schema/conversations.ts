import { sql } from 'drizzle-orm';
import type { Attachment } from '@parley/protocol';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { visitors } from './people.ts';
import { apps, workspaces } from './workspaces.ts';

/**
 * A conversation between a visitor and the workspace's agents. `lastSeq` counts every message;
 * `lastPublicSeq` only those a visitor may see, so a visitor's sequence has no gaps that would
 * betray internal notes.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    visitorId: uuid('visitor_id')
      .notNull()
      .references(() => visitors.id, { onDelete: 'cascade' }),
    clientConversationId: text('client_conversation_id'),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    lastSeq: integer('last_seq').notNull().default(0),
    lastPublicSeq: integer('last_public_seq').notNull().default(0),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    preview: text('preview'),
    publicPreview: text('public_preview'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conversations_visitor_client_id_uq').on(t.visitorId, t.clientConversationId),
    index('conversations_inbox_idx').on(t.workspaceId, t.status, t.lastMessageAt.desc()),
    index('conversations_visitor_idx').on(t.visitorId, t.lastMessageAt.desc()),
  ],
);

/**
 * One message. `(conversation_id, seq)` is unique and gap-free; so is `public_seq` among the
 * messages a visitor may see. `(conversation_id, sender_kind, sender_id, client_message_id)` is
 * unique, which makes a resend idempotent.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    publicSeq: integer('public_seq'),
    senderKind: text('sender_kind', { enum: ['visitor', 'agent', 'system'] }).notNull(),
    senderId: text('sender_id').notNull(),
    senderName: text('sender_name'),
    clientMessageId: text('client_message_id').notNull(),
    body: text('body').notNull(),
    internal: boolean('internal').notNull().default(false),
    /** The files sent with the message (`{ id, name, size, type }`), filled from `attachments` when it is inserted; null when none. */
    attachments: jsonb('attachments').$type<Attachment[]>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('messages_conversation_seq_uq').on(t.conversationId, t.seq),
    uniqueIndex('messages_conversation_public_seq_uq')
      .on(t.conversationId, t.publicSeq)
      .where(sql`${t.publicSeq} is not null`),
    uniqueIndex('messages_client_id_uq').on(t.conversationId, t.senderKind, t.senderId, t.clientMessageId),
  ],
);

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
