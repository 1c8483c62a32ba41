import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { apps } from './workspaces.ts';

/**
 * A verified user of a website: someone the website vouched for by signing their user id with
 * the app's identity secret (HMAC-SHA256). Keyed by (app, user id). The visitor that belongs to
 * a contact (`visitors.contact_id`) holds the conversations of every device the user identified on.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    /** The website's own id for the user, as signed by its server. */
    userId: text('user_id').notNull(),
    name: text('name'),
    email: text('email'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('contacts_app_user_uq').on(t.appId, t.userId), index('contacts_app_email_idx').on(t.appId, t.email)],
);

/** A contact as stored. */
export type ContactRow = typeof contacts.$inferSelect;
