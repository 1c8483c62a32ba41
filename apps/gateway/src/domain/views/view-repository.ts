import type { Channel, ViewGroup } from '@parley/protocol';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { agents, apps, conversationGuests, conversations, messages, offers, queueAgents, queues, routing, tickets, visitors, type ConversationRow } from '../../db/schema/index.ts';
import { customerNameSql } from '../customers/customer-repository.ts';
import { UNOWNED_STATES } from '../routing/routing-access.ts';
import type { Tx } from '../routing/routing-repository.ts';
import type { CursorPosition } from './cursor.ts';

/** A database handle or an open transaction. */
export type Executor = Database | Tx;

/**
 * What a view selects, in the database's terms. Built-in views and saved views both come down
 * to one of these (view-spec.ts).
 */
export interface ViewSpec {
  /** Binds cursors to this view and filter: a cursor of another answers INVALID_REQUEST. */
  key: string;
  /** `active`: not archived (the main views); `archive`: archived only; `any`: both. */
  scope: 'active' | 'archive' | 'any';
  status?: 'open' | 'closed' | undefined;
  /** Only conversations the viewer owns. */
  mine?: boolean | undefined;
  /** Only those whose last public message is the customer's. */
  awaitingReply?: boolean | undefined;
  /** Only those whose latest message is an internal note. */
  lastInternal?: boolean | undefined;
  /** Only this conversation (one summary in a view's terms). */
  conversationId?: string | undefined;
  filter: {
    app?: string | undefined;
    channel?: Channel | undefined;
    queue?: string | undefined;
    agent?: string | undefined;
    wrapUp?: string | undefined;
    /** Bounds on the sort value: from inclusive, to exclusive. */
    from?: Date | undefined;
    to?: Date | undefined;
  };
  /** `activity`: last message (or start); `started`: created; `archived`: when archived. */
  sort: 'activity' | 'started' | 'archived';
  direction: 'asc' | 'desc';
  group: ViewGroup;
}

/** Who looks: admins see every conversation of their workspace, agents what routing lets them see. */
export interface Viewer {
  workspaceId: string;
  agentId: string;
  admin: boolean;
}

/** One row of a view page. */
export interface ViewRow {
  conversation: ConversationRow;
  visitor: { id: string; name: string | null };
  ticketNumber: number | null;
  /** The sort value as exact UTC text (microseconds), for the cursor. */
  sortValue: string;
  groupKey: string;
  groupLabel: string | null;
}

// Sort values. `activity` is the expression conversations_active_idx is built on; the archive's
// order is conversations_archive_idx's. Each is written exactly as its index, so the planner
// walks the index in order and stops after one page.
const ACTIVITY = sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;
const SORTS = { activity: ACTIVITY, started: sql`${conversations.createdAt}`, archived: sql`${conversations.archivedAt}` } as const;

/** The key and label of each grouping, as text ('' for "none", e.g. no owner). */
function grouping(group: ViewGroup): { key: SQL; label: SQL } {
  switch (group) {
    case 'status':
      return { key: sql`${conversations.status}`, label: sql`${conversations.status}` };
    case 'app':
      return { key: sql`${conversations.appId}`, label: sql`(select a.name from ${apps} a where a.id = ${conversations.appId})` };
    case 'channel':
      return { key: sql`${conversations.channel}`, label: sql`${conversations.channel}` };
    case 'queue':
      return { key: sql`coalesce(${routing.queueId}::text, '')`, label: sql`(select q.name from ${queues} q where q.id = ${routing.queueId})` };
    case 'agent':
      return { key: sql`coalesce(${routing.ownerAgentId}::text, '')`, label: sql`(select ag.name from ${agents} ag where ag.id = ${routing.ownerAgentId})` };
    default:
      return { key: sql`''`, label: sql`null` };
  }
}

/**
 * Whether the agent may see the conversation, on the routing row the view joins: routing's rule
 * (agentMaySee in routing-access.ts, agentMaySeeSql in routing-repository.ts), the same clause by
 * clause: no routing row (a ticket, an older conversation), its owner, its queue's agents until
 * it is owned, its guests, agents with a pending offer. Written on the join, so each row costs
 * index probes instead of a pass over the whole routing table per query (docs/benchmarks.md).
 */
function visibleTo(agentId: string): SQL {
  const unowned = sql.join(UNOWNED_STATES.map((state) => sql`${state}`), sql`, `);
  return sql`(${routing.conversationId} is null
    or ${routing.ownerAgentId} = ${agentId}
    or (${routing.state} in (${unowned}) and exists (select 1 from ${queueAgents} qa where qa.queue_id = ${routing.queueId} and qa.agent_id = ${agentId}))
    or exists (select 1 from ${conversationGuests} g where g.conversation_id = ${conversations.id} and g.agent_id = ${agentId})
    or exists (select 1 from ${offers} f where f.conversation_id = ${conversations.id} and f.agent_id = ${agentId} and f.state = 'pending'))`;
}

/**
 * A view's status. Open holds what is still someone's work: a chat whose customer left stays in
 * Open while its owner has not resolved it (with a wrap-up reason); Closed holds what has ended
 * and needs nothing more.
 */
function statusIs(status: 'open' | 'closed'): SQL {
  return status === 'open'
    ? sql`(${conversations.status} = 'open' or ${routing.state} = 'owned')`
    : sql`(${conversations.status} = 'closed' and ${routing.state} is distinct from 'owned')`;
}

/** A cursor's sort value back to a timestamp: it was written as UTC text with microseconds. */
const at = (text: string) => sql`(${text}::timestamp at time zone 'UTC')`;

/** The views' queries. Only this module (with the archive's writes) touches the views' columns. */
export function createViewRepository(db: Database) {
  /** The statement of one page (page() runs it, explain() shows its plan). */
  function query(viewer: Viewer, spec: ViewSpec, after: CursorPosition | undefined, limit: number, offset = 0) {
    const sort = SORTS[spec.sort];
    const group = grouping(spec.group);
    const desc = spec.direction === 'desc';
    const { filter } = spec;
    const where: (SQL | undefined)[] = [
      eq(conversations.workspaceId, viewer.workspaceId),
      spec.scope === 'active' ? sql`${conversations.archivedAt} is null` : spec.scope === 'archive' ? sql`${conversations.archivedAt} is not null` : undefined,
      spec.conversationId ? eq(conversations.id, spec.conversationId) : undefined,
      spec.status ? statusIs(spec.status) : undefined,
      spec.mine ? eq(routing.ownerAgentId, viewer.agentId) : undefined,
      spec.awaitingReply
        ? sql`exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and m.public_seq = ${conversations.lastPublicSeq} and m.sender_kind = 'visitor')`
        : undefined,
      spec.lastInternal ? sql`exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and m.seq = ${conversations.lastSeq} and m.internal)` : undefined,
      filter.app ? eq(conversations.appId, filter.app) : undefined,
      filter.channel ? eq(conversations.channel, filter.channel) : undefined,
      filter.queue ? eq(routing.queueId, filter.queue) : undefined,
      filter.agent ? eq(routing.ownerAgentId, filter.agent) : undefined,
      filter.wrapUp ? eq(routing.wrapUp, filter.wrapUp) : undefined,
      filter.from ? sql`${sort} >= ${filter.from.toISOString()}::timestamptz` : undefined,
      filter.to ? sql`${sort} < ${filter.to.toISOString()}::timestamptz` : undefined,
      // The owner always sees their own: `mine` needs no other check.
    viewer.admin || spec.mine ? undefined : visibleTo(viewer.agentId),
      after ? keyset(spec, group.key, sort, after, desc) : undefined,
    ];
    // Descending sorts put nulls last, ascending first: the order the indexes are built in.
    const direction = desc ? sql`desc nulls last` : sql`asc nulls first`;
    return db
      .select({
        conversation: conversations,
        visitor: { id: visitors.id, name: customerNameSql() },
        ticketNumber: sql<number | null>`(select t.number from ${tickets} t where t.conversation_id = ${conversations.id})`,
        sortValue: sql<string>`to_char(${sort} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
        groupKey: sql<string>`${group.key}`,
        groupLabel: sql<string | null>`${group.label}`,
      })
      .from(conversations)
      .innerJoin(visitors, eq(visitors.id, conversations.visitorId))
      .leftJoin(routing, eq(routing.conversationId, conversations.id))
      .where(and(...where))
      .orderBy(...(spec.group === 'none' ? [] : [sql`${group.key} asc`]), sql`${sort} ${direction}`, sql`${conversations.id} ${direction}`)
      .limit(limit)
      .offset(offset);
  }

  return {
    /**
     * One page of a view, in keyset order: `limit` rows after `after` (the previous page's last
     * row). Non-admins get only what routing lets them see (the same rule as every conversation
     * route: visibleTo).
     */
    async page(viewer: Viewer, spec: ViewSpec, after: CursorPosition | undefined, limit: number): Promise<ViewRow[]> {
      const rows = await query(viewer, spec, after, limit);
      return rows.map((r) => ({ ...r, ticketNumber: r.ticketNumber == null ? null : Number(r.ticketNumber) }));
    },

    /** The row at `offset` in a view's order, as a cursor position (for the archive's timing script: a deep page). */
    async positionAt(viewer: Viewer, spec: ViewSpec, offset: number): Promise<CursorPosition | undefined> {
      const [row] = await query(viewer, spec, undefined, 1, offset);
      return row && { view: spec.key, sort: row.sortValue, id: row.conversation.id };
    },

    /** How many conversations a view holds (for the archive's timing script). */
    async count(viewer: Viewer, spec: ViewSpec): Promise<number> {
      const result = await db.execute(sql`select count(*) as n from (${query(viewer, spec, undefined, 1_000_000_000)}) v`);
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number | string }[];
      return Number(rows[0]!.n);
    },

    /** The database's plan for one page, as it ran (EXPLAIN ANALYZE): for the archive's timing script. */
    async explain(viewer: Viewer, spec: ViewSpec, after: CursorPosition | undefined, limit: number): Promise<string[]> {
      const result = await db.execute(sql`explain (analyze, costs off, timing off, summary off) ${query(viewer, spec, after, limit)}`);
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, string>[];
      return rows.map((r) => Object.values(r)[0]!);
    },

    /** A conversation of a workspace, or undefined. */
    async find(workspaceId: string, conversationId: string): Promise<ConversationRow | undefined> {
      const [row] = await db
        .select()
        .from(conversations)
        .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, workspaceId)));
      return row;
    },

    /** Takes a conversation out of the archive; answers the row after the change. */
    async unarchive(conversationId: string): Promise<ConversationRow | undefined> {
      const [row] = await db.update(conversations).set({ archivedAt: null }).where(eq(conversations.id, conversationId)).returning();
      return row;
    },

    /** Deletes a conversation of a workspace with everything that hangs on it (messages, routing, its ticket); answers whether it existed. */
    async remove(workspaceId: string, conversationId: string): Promise<boolean> {
      const rows = await db
        .delete(conversations)
        .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, workspaceId)))
        .returning({ id: conversations.id });
      return rows.length > 0;
    },
  };
}

/**
 * The rows after a cursor. Without grouping it is one row comparison, which the index answers
 * as a range; with grouping the group key comes first (ascending) and the sort within it.
 */
function keyset(spec: ViewSpec, groupKey: SQL, sort: SQL, after: CursorPosition, desc: boolean): SQL {
  const op = desc ? sql`<` : sql`>`;
  const within = sql`(${sort}, ${conversations.id}) ${op} (${at(after.sort)}, ${after.id}::uuid)`;
  if (spec.group === 'none') return within;
  const group = after.group ?? '';
  return sql`(${groupKey} > ${group} or (${groupKey} = ${group} and ${within}))`;
}

/**
 * Puts a conversation in the archive (now, or when `at` says), unless it is there already; it
 * leaves the main views. An agent's "Archive", and the resolve transaction when resolved chats
 * go to the archive at once (`PARLEY_ARCHIVE_AFTER_DAYS=0`). A customer who writes again brings
 * it back (migration 0011's trigger). Answers whether the conversation exists.
 */
export async function archiveConversation(executor: Executor, conversationId: string, at: Date = new Date()): Promise<boolean> {
  const rows = await executor
    .update(conversations)
    .set({ archivedAt: sql`coalesce(${conversations.archivedAt}, ${at.toISOString()}::timestamptz)` })
    .where(eq(conversations.id, conversationId))
    .returning({ id: conversations.id });
  return rows.length > 0;
}

/**
 * The archiving policy's step for one resolved chat: puts it in the archive only if it is still
 * closed, not archived, and resolved at `resolvedAt` (not reopened and resolved again since,
 * which schedules its own step). Answers whether it was archived now.
 */
export async function archiveResolvedConversation(executor: Executor, conversationId: string, resolvedAt: Date, at: Date): Promise<boolean> {
  const rows = await executor
    .update(conversations)
    .set({ archivedAt: at })
    .where(
      and(
        eq(conversations.id, conversationId),
        eq(conversations.status, 'closed'),
        sql`${conversations.archivedAt} is null`,
        sql`exists (select 1 from ${routing} r where r.conversation_id = ${conversations.id} and r.state = 'resolved' and r.resolved_at = ${resolvedAt.toISOString()}::timestamptz)`,
      ),
    )
    .returning({ id: conversations.id });
  return rows.length > 0;
}
