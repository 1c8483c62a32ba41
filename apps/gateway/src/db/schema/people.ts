import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { contacts } from './contacts.ts';
import { apps, workspaces } from './workspaces.ts';

/** A person who answers chats in the console. */
export const agents = pgTable('agents', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: text('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ['agent', 'admin'] }).notNull().default('agent'),
  passwordHash: text('password_hash').notNull(),
  /** Set while the password is the one-time password an admin was shown: the console asks the agent to choose their own. */
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * When an admin removed the agent: they can no longer sign in, and the row stays so that their
   * past messages, chats and decisions keep their name. Their e-mail stays taken.
   */
  deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
});

/** A signed-in console session; only the SHA-256 of the cookie's token is stored. */
export const agentSessions = pgTable(
  'agent_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('agent_sessions_agent_idx').on(t.agentId)],
);

/** Someone chatting through an app's widget, anonymous until identified. */
export const visitors = pgTable(
  'visitors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    name: text('name'),
    email: text('email'),
    /** The language the visitor reads, one of the widget's (`en`, `nl`, `tr`, `it`); null when not told. E-mails to the visitor use it. */
    locale: text('locale'),
    /** The verified contact this visitor is, once the website vouched for them; at most one visitor per contact. */
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    /** Custom attributes set by the website (`Parley('update', { attributes })`): a flat record of at most 50 values. */
    attributes: jsonb('attributes').$type<Record<string, string | number | boolean>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('visitors_app_idx').on(t.appId),
    uniqueIndex('visitors_contact_uq')
      .on(t.contactId)
      .where(sql`${t.contactId} is not null`),
  ],
);

/** A visitor's session: server-made random token, stored as its SHA-256. */
export const visitorSessions = pgTable(
  'visitor_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    visitorId: uuid('visitor_id')
      .notNull()
      .references(() => visitors.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('visitor_sessions_visitor_idx').on(t.visitorId)],
);

export type AgentRow = typeof agents.$inferSelect;
export type VisitorRow = typeof visitors.$inferSelect;
