import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agents, visitors } from './people.ts';
import { workspaces } from './workspaces.ts';

/**
 * What an agent decided about an anonymous customer in the customer panel: added as a contact
 * (with the name and e-mail the agent typed), or ignored. It never makes the visitor a verified
 * contact: only the website's signature does (contacts).
 */
export const contactDecisions = pgTable(
  'contact_decisions',
  {
    visitorId: uuid('visitor_id')
      .primaryKey()
      .references(() => visitors.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    decision: text('decision', { enum: ['added', 'ignored'] }).notNull(),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    decidedBy: uuid('decided_by').references(() => agents.id, { onDelete: 'set null' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('contact_decisions_workspace_idx').on(t.workspaceId)],
);

/** A workspace's customer panel settings; a workspace without a row has the defaults. */
export const customerPanelSettings = pgTable('customer_panel_settings', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  /** The roles that see customers' e-mail and phone (admins always). */
  contactDetailsRoles: jsonb('contact_details_roles').$type<('agent' | 'admin')[]>().notNull().default(['agent', 'admin']),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ContactDecisionRow = typeof contactDecisions.$inferSelect;
