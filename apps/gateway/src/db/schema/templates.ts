import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces.ts';

/**
 * A canned reply of a workspace: agents search and insert it into the composer, where its
 * `<parameters>` (`<name>`, `<agent_name>`, …) are filled from the conversation. Admins manage
 * them. `language` is a canonical BCP 47 tag; a title is unique per workspace and language.
 */
export const templates = pgTable(
  'templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** A free label agents filter by (e.g. "Greetings"); null when uncategorised. */
    category: text('category'),
    language: text('language').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('templates_workspace_language_title_uq').on(t.workspaceId, t.language, t.title),
    // The list's order (title, then id) is its keyset cursor.
    index('templates_workspace_title_idx').on(t.workspaceId, t.title, t.id),
  ],
);

/** A template as stored. */
export type TemplateRow = typeof templates.$inferSelect;
