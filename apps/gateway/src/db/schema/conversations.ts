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
    /** When the last message the visitor may see arrived: what the visitor's lists show and sort by, so an internal note does not move them. */
    lastPublicMessageAt: timestamp('last_public_message_at', { withTimezone: true }),
    preview: text('preview'),
    publicPreview: text('public_preview'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Where the customer came in: the messenger (`chat`) or the web form (`web_form`). */
    channel: text('channel', { enum: ['chat', 'web_form'] }).notNull().default('chat'),
    /** When it went to the archive (resolved, or archived by an agent); null while it is in the main views. */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('conversations_visitor_client_id_uq').on(t.visitorId, t.clientConversationId),
    index('conversations_inbox_idx').on(t.workspaceId, t.status, t.lastMessageAt.desc()),
    index('conversations_visitor_idx').on(t.visitorId, t.lastPublicMessageAt.desc()),
    // The views' keyset orders (domain/views): last activity in the main views, when archived in the archive.
    index('conversations_active_idx')
      .on(t.workspaceId, t.status, sql`(coalesce("last_message_at", "created_at")) desc nulls last`, t.id.desc())
      .where(sql`archived_at is null`),
    // Closed conversations by last activity: "my closed conversations" walks it, archive included.
    index('conversations_closed_idx')
      .on(t.workspaceId, sql`(coalesce("last_message_at", "created_at")) desc nulls last`, t.id.desc())
      .where(sql`status = 'closed'`),
    index('conversations_archive_idx').on(t.workspaceId, t.archivedAt.desc(), t.id.desc()).where(sql`archived_at is not null`),
    index('conversations_archive_app_idx').on(t.appId, t.archivedAt.desc(), t.id.desc()).where(sql`archived_at is not null`),
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
