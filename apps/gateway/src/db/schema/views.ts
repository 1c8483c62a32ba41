import type { SavedViewFilter, ViewGroup, ViewSort } from '@parley/protocol';
import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agents } from './people.ts';
import { workspaces } from './workspaces.ts';

/** An agent's own view of conversations (filter, sort, group), shown in the console's sidebar. */
export const savedViews = pgTable(
  'saved_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Checked by the protocol's SavedViewFilterSchema when it is written and again when it is read. */
    filter: jsonb('filter').$type<SavedViewFilter>().notNull().default({}),
    sort: text('sort').$type<ViewSort>().notNull().default('activity.desc'),
    groupBy: text('group_by').$type<ViewGroup>().notNull().default('none'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // One name per agent; the sidebar lists them by name.
  (t) => [uniqueIndex('saved_views_agent_name_uq').on(t.agentId, t.name)],
);

/** A saved view as stored. */
export type SavedViewRow = typeof savedViews.$inferSelect;
