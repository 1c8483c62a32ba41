import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.ts';
import { apps } from './workspaces.ts';

/**
 * An app's messenger settings. An app without a row has the defaults: no pre-chat fields and no
 * bot auto-reply.
 */
export const appSettings = pgTable('app_settings', {
  appId: text('app_id')
    .primaryKey()
    .references(() => apps.id, { onDelete: 'cascade' }),
  preChatName: text('pre_chat_name', { enum: ['off', 'optional', 'required'] }).notNull().default('off'),
  preChatEmail: text('pre_chat_email', { enum: ['off', 'optional', 'required'] }).notNull().default('off'),
  botEnabled: boolean('bot_enabled').notNull().default(false),
  botText: text('bot_text'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * How far a reader (the visitor, or one agent) has read a conversation, in both numberings:
 * `seq` counts every message, `public_seq` only those a visitor sees. Only ever moves forward.
 */
export const conversationReads = pgTable(
  'conversation_reads',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    readerKind: text('reader_kind', { enum: ['visitor', 'agent'] }).notNull(),
    readerId: text('reader_id').notNull(),
    seq: integer('seq').notNull().default(0),
    publicSeq: integer('public_seq').notNull().default(0),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.readerKind, t.readerId] })],
);

/**
 * Agent console sockets per gateway node and workspace, so every node can tell whether anyone
 * can answer. A node refreshes `seen_at` while it runs; rows of a node that stopped refreshing
 * are ignored after a while.
 */
export const agentPresence = pgTable(
  'agent_presence',
  {
    nodeId: text('node_id').notNull(),
    workspaceId: text('workspace_id').notNull(),
    sockets: integer('sockets').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.workspaceId] }), index('agent_presence_workspace_idx').on(t.workspaceId)],
);

export type AppSettingsRow = typeof appSettings.$inferSelect;
export type ConversationReadRow = typeof conversationReads.$inferSelect;
