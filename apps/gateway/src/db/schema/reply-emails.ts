import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.ts';

/**
 * An e-mail to a visitor with the agents' replies they had not read in time (MISSION.md V10):
 * what it says, to whom, and up to which message of the conversation, so the next one starts
 * after it and no reply is e-mailed twice. Written when the conversation's unseen-replies timer
 * fires, then sent by a job of its own (tried again with backoff when the mail server fails).
 */
export const replyEmails = pgTable(
  'reply_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The seq of the last reply it carries: the conversation's next e-mail carries only later ones. */
    throughSeq: integer('through_seq').notNull(),
    /** The replies it carries, in seq order. */
    messageIds: jsonb('message_ids').$type<string[]>().notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    /** The language it is written in (its `Content-Language`). */
    locale: text('locale').notNull().default('en'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** When it was given up, after its last try. */
    failedAt: timestamp('failed_at', { withTimezone: true }),
    /** Why the last try failed. */
    error: text('error'),
  },
  // Two e-mails never end at the same message: a second writer of the same replies fails instead of sending them again.
  (t) => [uniqueIndex('reply_emails_conversation_through_uq').on(t.conversationId, t.throughSeq)],
);

/** A reply e-mail as stored. */
export type ReplyEmailRow = typeof replyEmails.$inferSelect;
