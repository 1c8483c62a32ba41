import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.ts';
import { agents, visitors } from './people.ts';
import { workspaces } from './workspaces.ts';

/**
 * A blocked visitor of a workspace, and with `ip_hash` their IP address: no new sessions,
 * sockets or messages. Only a keyed hash of the address is kept (HMAC-SHA256 with the
 * workspace's `address_keys` key), never the address.
 */
export const blocks = pgTable(
  'blocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    visitorId: uuid('visitor_id')
      .notNull()
      .references(() => visitors.id, { onDelete: 'cascade' }),
    ipHash: text('ip_hash'),
    /** The conversation the agent blocked from. */
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    reason: text('reason'),
    blockedBy: uuid('blocked_by').references(() => agents.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('blocks_workspace_visitor_uq').on(t.workspaceId, t.visitorId),
    index('blocks_workspace_ip_idx').on(t.workspaceId, t.ipHash).where(sql`ip_hash is not null`),
    index('blocks_workspace_created_idx').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
  ],
);

/** The keyed hash of the address a visitor last connected from, so an agent can block it. */
export const visitorAddresses = pgTable('visitor_addresses', {
  visitorId: uuid('visitor_id')
    .primaryKey()
    .references(() => visitors.id, { onDelete: 'cascade' }),
  ipHash: text('ip_hash').notNull(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A workspace's random key for hashing IP addresses (made on first need, never sent anywhere). */
export const addressKeys = pgTable('address_keys', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  key: text('key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type BlockRow = typeof blocks.$inferSelect;
