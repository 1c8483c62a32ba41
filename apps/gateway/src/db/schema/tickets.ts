import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.ts';
import { apps, workspaces } from './workspaces.ts';

/** The first ticket number of a workspace. */
export const FIRST_TICKET_NUMBER = 1001;

/**
 * The last ticket number handed out per workspace. A new ticket takes the next one in its own
 * insert transaction, under this row's lock, so numbers are sequential with no gaps or repeats,
 * also across gateway nodes.
 */
export const ticketCounters = pgTable('ticket_counters', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  lastNumber: integer('last_number').notNull(),
});

/**
 * A ticket: a numbered request with a subject, a status and a requester, backed by a
 * conversation whose first message is the description and whose later messages are the replies.
 * The ticket's visitor is its conversation's visitor (so a conversation that moves to another
 * visitor takes its ticket along); only the conversation says who may read it.
 */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    subject: text('subject').notNull(),
    status: text('status', { enum: ['open', 'pending', 'closed'] }).notNull().default('open'),
    requesterName: text('requester_name').notNull(),
    requesterEmail: text('requester_email').notNull(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tickets_workspace_number_uq').on(t.workspaceId, t.number),
    uniqueIndex('tickets_conversation_uq').on(t.conversationId),
    index('tickets_workspace_status_idx').on(t.workspaceId, t.status, t.updatedAt.desc()),
    check('tickets_status_ck', sql`${t.status} in ('open', 'pending', 'closed')`),
  ],
);

/** A ticket row. */
export type TicketRow = typeof tickets.$inferSelect;
