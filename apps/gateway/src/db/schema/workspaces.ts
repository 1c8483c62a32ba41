import { boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** A customer of Parley: owns apps, agents and conversations. */
export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** When true, agents are sent message text, previews and notifications with personal data masked (domain/masking). Stored text is never changed. */
  maskPersonalData: boolean('mask_personal_data').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A website or product of a workspace: the unit the widget boots with (`appId`). */
export const apps = pgTable('apps', {
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  allowedOrigins: jsonb('allowed_origins').$type<string[]>().notNull().default([]),
  identitySecret: text('identity_secret').notNull(),
  maxMessageLength: integer('max_message_length').notNull().default(1000),
  /** When true, only visitors the website vouched for (signed identity) may send messages or start conversations. */
  requireIdentity: boolean('require_identity').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type AppRow = typeof apps.$inferSelect;
