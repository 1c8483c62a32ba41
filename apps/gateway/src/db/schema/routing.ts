import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.ts';
import { agents } from './people.ts';
import { apps, workspaces } from './workspaces.ts';

/** Agent statuses (MISSION.md A1). Only `online` agents receive new chats; `rona` is set by routing. */
export const AGENT_STATUSES = ['online', 'invisible', 'break', 'offline', 'rona'] as const;
/** How a queue hands out its chats (MISSION.md A2). */
export const ASSIGNMENT_MODES = ['offer', 'top_n', 'broadcast', 'round_robin', 'least_busy'] as const;
/** Where a conversation stands in routing. */
export const ROUTING_STATES = ['waiting', 'offered', 'broadcast', 'owned', 'resolved'] as const;
/** What an offer hands over: a new chat from a queue, a chat another agent transfers, or an invitation to join one. */
export const OFFER_KINDS = ['chat', 'transfer', 'invite'] as const;
/** Where an offer stands. */
export const OFFER_STATES = ['pending', 'accepted', 'declined', 'expired', 'cancelled'] as const;

/** An agent's status, when it began, when their console was last heard from, and their chat limit. */
export const agentStatus = pgTable('agent_status', {
  agentId: uuid('agent_id')
    .primaryKey()
    .references(() => agents.id, { onDelete: 'cascade' }),
  status: text('status', { enum: AGENT_STATUSES }).notNull().default('offline'),
  since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  maxChats: integer('max_chats').notNull().default(3),
});

/** A queue (group, department) that chats are routed to. */
export const queues = pgTable(
  'queues',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mode: text('mode', { enum: ASSIGNMENT_MODES }).notNull().default('offer'),
    /** How many agents a `top_n` queue offers each chat to at once. */
    topN: integer('top_n').notNull().default(2),
    /** How long an offer waits for "Accept" before the agent goes to RONA. */
    offerTimeoutMs: integer('offer_timeout_ms').notNull().default(30_000),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('queues_workspace_name_uq').on(t.workspaceId, t.name)],
);

/** Which agents work a queue, and when each was last given one of its chats (round robin). */
export const queueAgents = pgTable(
  'queue_agents',
  {
    queueId: uuid('queue_id')
      .notNull()
      .references(() => queues.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    lastAssignedAt: timestamp('last_assigned_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.agentId] }), index('queue_agents_agent_idx').on(t.agentId)],
);

/**
 * A conversation's place in routing: its queue, its state and, once taken, its owner. The queue
 * is null only for a conversation resolved without ever having been routed (an older one).
 */
export const routing = pgTable(
  'routing',
  {
    conversationId: uuid('conversation_id')
      .primaryKey()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id').notNull(),
    queueId: uuid('queue_id').references(() => queues.id, { onDelete: 'cascade' }),
    state: text('state', { enum: ROUTING_STATES }).notNull().default('waiting'),
    ownerAgentId: uuid('owner_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    waitingSince: timestamp('waiting_since', { withTimezone: true }).notNull().defaultNow(),
    ownedAt: timestamp('owned_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    wrapUp: text('wrap_up'),
  },
  (t) => [
    index('routing_queue_state_idx').on(t.queueId, t.state, t.waitingSince),
    index('routing_owner_idx').on(t.ownerAgentId, t.state),
  ],
);

/**
 * An offer to one agent, who accepts it or lets it time out: a chat from a queue (`chat`), a chat
 * another agent hands over (`transfer`, from `from_agent_id`, to a queue when `target_queue_id`
 * is set), or an invitation to join a chat as a guest (`invite`).
 */
export const offers = pgTable(
  'offers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: OFFER_KINDS }).notNull().default('chat'),
    fromAgentId: uuid('from_agent_id').references(() => agents.id, { onDelete: 'cascade' }),
    targetQueueId: uuid('target_queue_id').references(() => queues.id, { onDelete: 'cascade' }),
    /**
     * One transfer to a queue: the offers it makes, one after another to the queue's agents as
     * each refuses or runs out, share this id, so nobody gets the same transfer twice.
     */
    transferId: uuid('transfer_id'),
    state: text('state', { enum: OFFER_STATES }).notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('offers_agent_state_idx').on(t.agentId, t.state),
    index('offers_conversation_state_idx').on(t.conversationId, t.state),
    // An agent holds at most one pending offer per chat.
    uniqueIndex('offers_pending_uq')
      .on(t.conversationId, t.agentId)
      .where(sql`${t.state} = 'pending'`),
  ],
);

/** Agents who joined a conversation by invitation (conference), besides its owner. */
export const conversationGuests = pgTable(
  'conversation_guests',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.agentId] }), index('conversation_guests_agent_idx').on(t.agentId)],
);

/** The queue an app's new conversations enter; without a row, the workspace's first queue. */
export const appQueues = pgTable('app_queues', {
  appId: text('app_id')
    .primaryKey()
    .references(() => apps.id, { onDelete: 'cascade' }),
  queueId: uuid('queue_id')
    .notNull()
    .references(() => queues.id, { onDelete: 'cascade' }),
});

/** The reasons an agent picks from when resolving a chat (admin-managed). */
export const wrapUpReasons = pgTable(
  'wrap_up_reasons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
  },
  (t) => [uniqueIndex('wrap_up_reasons_workspace_label_uq').on(t.workspaceId, t.label)],
);

/**
 * Durable timers: work due at `run_at`, claimed with FOR UPDATE SKIP LOCKED and done in the same
 * transaction as its effects, so it survives a restart and runs once across gateway nodes.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    payload: jsonb('payload').$type<Record<string, string>>().notNull(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [
    index('jobs_due_idx').on(t.runAt).where(sql`${t.doneAt} is null`),
    // One unseen-replies timer per conversation at a time (domain/reply-emails): a reply that
    // finds one pending joins it, and the e-mail it sends carries every reply not yet seen.
    uniqueIndex('jobs_unseen_replies_uq')
      .on(sql`(${t.payload} ->> 'conversationId')`)
      .where(sql`${t.kind} = 'conversation.unseen_replies' and ${t.doneAt} is null`),
  ],
);

export type QueueRow = typeof queues.$inferSelect;
export type RoutingRow = typeof routing.$inferSelect;
export type OfferRow = typeof offers.$inferSelect;
export type AgentStatusRow = typeof agentStatus.$inferSelect;
export type WrapUpReasonRow = typeof wrapUpReasons.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
