import { sql } from 'drizzle-orm';
import { boolean, customType, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { conversations, messages } from './conversations.ts';
import { workspaces } from './workspaces.ts';

/** PostgreSQL `bytea`: the file's bytes, in the database so every gateway node can serve them. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  // postgres-js hands back a Buffer, PGlite a Uint8Array: both are Uint8Arrays.
  fromDriver: (value) => value,
});

/**
 * A file a visitor or an agent uploaded. It belongs to its uploader until a message of theirs
 * carries it: `message.send` with `attachments` first claims the upload for that message's
 * client id (`claimed_*`), then the message's insert links it (`message_id`, `conversation_id`)
 * and copies `{ id, name, size, type }` into the message's `attachments` column (triggers in the
 * `attachments_link` migration). `content_type` is what the bytes are, never what the client said.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    uploaderKind: text('uploader_kind', { enum: ['visitor', 'agent'] }).notNull(),
    /** The visitor's or the agent's id, as `messages.sender_id` holds it. */
    uploaderId: text('uploader_id').notNull(),
    name: text('name').notNull(),
    size: integer('size').notNull(),
    contentType: text('content_type').notNull(),
    bytes: bytea('bytes').notNull(),
    /** The client message id of the message being sent with this file, until it is stored. */
    claimedFor: text('claimed_for'),
    claimedInternal: boolean('claimed_internal'),
    /** The conversation the claiming message goes to, when it already existed. */
    claimedConversationId: uuid('claimed_conversation_id'),
    /** Where the sender listed this file among the message's files. */
    claimedPosition: integer('claimed_position'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('attachments_message_idx').on(t.messageId),
    // Looked up by every message insert: small, because it holds only files not yet sent.
    index('attachments_unsent_idx').on(t.uploaderKind, t.uploaderId, t.claimedFor).where(sql`${t.messageId} is null`),
    index('attachments_unsent_age_idx').on(t.createdAt).where(sql`${t.messageId} is null`),
  ],
);

/** An attachment row. */
export type AttachmentRow = typeof attachments.$inferSelect;
