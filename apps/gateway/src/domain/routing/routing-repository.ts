import type { Offer, RoutingAgent, RoutingQueue } from '@parley/protocol';
import { and, asc, eq, gt, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { executePrepared, type Database } from '../../db/database.ts';
import {
  agents,
  agentStatus,
  appQueues,
  conversationGuests,
  conversations,
  jobs,
  messages,
  offers,
  queueAgents,
  queues,
  routing,
  visitors,
  wrapUpReasons,
  type OfferRow,
} from '../../db/schema/index.ts';
import type { RoutingView } from './routing-access.ts';

/** A transaction handle (or the database itself, for single statements). */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** An agent who may get chats from a queue now, with what they already carry. */
export interface Candidate {
  agentId: string;
  maxChats: number;
  load: number;
  lastAssignedAt: Date | null;
}

/** The rows of a raw query, on PostgreSQL (an array) and on PGlite (`{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A json column as the driver returns it (parsed or as text). */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();
const ids = (list: readonly string[]) => sql`(select value::uuid from json_array_elements_text(${JSON.stringify(list)}::json))`;

/** The statuses in which a chat waits for an agent. */
const UNOWNED = sql.raw(`('waiting', 'offered', 'broadcast')`);

/**
 * The condition under which the agent `agentId` may see the conversation `conversationId` (an
 * id column or expression), for list queries: no routing row (a ticket, an older conversation),
 * its owner, its queue's agents until it is owned, its guests, and agents with a pending offer.
 * The same rule as `agentMaySee`; admins skip it.
 */
export function agentMaySeeSql(agentId: string, conversationId: AnyPgColumn | SQL): SQL {
  return sql`(not exists (select 1 from ${routing} r0 where r0.conversation_id = ${conversationId})
    or exists (select 1 from ${routing} r0 where r0.conversation_id = ${conversationId} and (r0.owner_agent_id = ${agentId}
      or (r0.state in ${UNOWNED} and exists (select 1 from ${queueAgents} qa0 where qa0.queue_id = r0.queue_id and qa0.agent_id = ${agentId}))))
    or exists (select 1 from ${conversationGuests} g0 where g0.conversation_id = ${conversationId} and g0.agent_id = ${agentId})
    or exists (select 1 from ${offers} f0 where f0.conversation_id = ${conversationId} and f0.agent_id = ${agentId} and f0.state = 'pending'))`;
}

/**
 * The queue an app's new conversations enter: the app's own (`app_queues`), else its
 * workspace's first queue; null when the workspace has none.
 */
export function defaultQueueSql(appId: AnyPgColumn | SQL, workspaceId: AnyPgColumn | SQL): SQL {
  return sql`coalesce((select aq.queue_id from ${appQueues} aq where aq.app_id = ${appId}),
    (select q.id from ${queues} q where q.workspace_id = ${workspaceId} order by q.created_at, q.id limit 1))`;
}

/** The queries of routing. Only this module touches its tables. */
export function createRoutingRepository(db: Database) {
  return {
    transaction: <T>(fn: (tx: Tx) => Promise<T>) => db.transaction(fn),

    async upsertPresence(tx: Tx | Database, agentId: string, values: Partial<typeof agentStatus.$inferInsert>) {
      const [row] = await tx
        .insert(agentStatus)
        .values({ agentId, ...values })
        .onConflictDoUpdate({ target: agentStatus.agentId, set: values })
        .returning();
      return row!;
    },

    /** Records that these agents' consoles are connected, in one statement. */
    async seenMany(agentIds: string[], at: Date) {
      if (!agentIds.length) return;
      await db
        .insert(agentStatus)
        .values(agentIds.map((agentId) => ({ agentId, lastSeenAt: at })))
        .onConflictDoUpdate({ target: agentStatus.agentId, set: { lastSeenAt: at } });
    },

    async presence(agentId: string) {
      const [row] = await db.select().from(agentStatus).where(eq(agentStatus.agentId, agentId));
      return row;
    },

    /** An agent's workspace, name and role, and whether an admin removed them (`deactivatedAt`). */
    async findAgent(tx: Tx | Database, agentId: string) {
      const [row] = await tx
        .select({ id: agents.id, workspaceId: agents.workspaceId, name: agents.name, role: agents.role, deactivatedAt: agents.deactivatedAt })
        .from(agents)
        .where(eq(agents.id, agentId));
      return row;
    },

    /** Which of these agents belong to the workspace (removed ones do not). */
    async agentsIn(workspaceId: string, agentIds: string[]): Promise<string[]> {
      if (!agentIds.length) return [];
      const rows = await db
        .select({ id: agents.id })
        .from(agents)
        .where(and(eq(agents.workspaceId, workspaceId), inArray(agents.id, agentIds), isNull(agents.deactivatedAt)));
      return rows.map((r) => r.id);
    },

    /** Locks an agent's presence row (made first if missing) and counts the chats they own. */
    async lockAgent(tx: Tx, agentId: string) {
      await tx.insert(agentStatus).values({ agentId }).onConflictDoNothing();
      const [row] = await tx.select().from(agentStatus).where(eq(agentStatus.agentId, agentId)).for('update');
      const [owned] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(routing)
        .where(and(eq(routing.ownerAgentId, agentId), eq(routing.state, 'owned')));
      return { ...row!, owned: Number(owned?.n ?? 0) };
    },

    async createQueue(values: typeof queues.$inferInsert) {
      const [row] = await db.insert(queues).values(values).onConflictDoNothing().returning();
      return row;
    },

    async updateQueue(workspaceId: string, queueId: string, values: Partial<typeof queues.$inferInsert>) {
      const [row] = await db
        .update(queues)
        .set(values)
        .where(and(eq(queues.id, queueId), eq(queues.workspaceId, workspaceId)))
        .returning();
      return row;
    },

    async findQueue(id: string) {
      const [row] = await db.select().from(queues).where(eq(queues.id, id));
      return row;
    },

    async findQueueIn(tx: Tx | Database, workspaceId: string, id: string) {
      const [row] = await tx
        .select()
        .from(queues)
        .where(and(eq(queues.id, id), eq(queues.workspaceId, workspaceId)));
      return row;
    },

    async queueByName(workspaceId: string, name: string) {
      const [row] = await db
        .select()
        .from(queues)
        .where(and(eq(queues.workspaceId, workspaceId), eq(queues.name, name)));
      return row;
    },

    async addQueueAgent(queueId: string, agentId: string) {
      await db.insert(queueAgents).values({ queueId, agentId }).onConflictDoNothing();
    },

    /** Makes `agentIds` the queue's agents; keeps the round-robin turns of those who stay. Returns who left and who joined. */
    async setQueueAgents(tx: Tx, queueId: string, agentIds: string[]) {
      const before = (await tx.select({ id: queueAgents.agentId }).from(queueAgents).where(eq(queueAgents.queueId, queueId))).map((r) => r.id);
      const left = before.filter((id) => !agentIds.includes(id));
      const joined = agentIds.filter((id) => !before.includes(id));
      if (left.length) await tx.delete(queueAgents).where(and(eq(queueAgents.queueId, queueId), inArray(queueAgents.agentId, left)));
      if (joined.length) await tx.insert(queueAgents).values(joined.map((agentId) => ({ queueId, agentId }))).onConflictDoNothing();
      return { left, joined };
    },

    async queuesOf(agentId: string): Promise<string[]> {
      const rows = await db.select({ id: queueAgents.queueId }).from(queueAgents).where(eq(queueAgents.agentId, agentId));
      return rows.map((r) => r.id);
    },

    async setAppQueue(appId: string, queueId: string) {
      await db.insert(appQueues).values({ appId, queueId }).onConflictDoUpdate({ target: appQueues.appId, set: { queueId } });
    },

    async insertRouting(values: typeof routing.$inferInsert) {
      const [row] = await db.insert(routing).values(values).onConflictDoNothing().returning();
      return row;
    },

    /**
     * Locks the queue: one dispatch per queue at a time, across nodes. NO KEY UPDATE leaves the
     * key-share lock of a foreign key free: a transfer to the queue takes it inserting its offer
     * while it holds agents' rows, which a dispatch holding the queue may be waiting for.
     */
    async lockQueue(tx: Tx, queueId: string) {
      const [row] = await tx.select().from(queues).where(eq(queues.id, queueId)).for('no key update');
      return row;
    },

    /** The oldest waiting chats of a queue that no other transaction holds. */
    async lockWaiting(tx: Tx, queueIds: string[], limit: number) {
      if (!queueIds.length) return [];
      return tx
        .select()
        .from(routing)
        .where(and(inArray(routing.queueId, queueIds), eq(routing.state, 'waiting')))
        .orderBy(asc(routing.waitingSince), asc(routing.conversationId))
        .limit(limit)
        .for('update', { skipLocked: true });
    },

    /**
     * The queue's agents who are Online and whose console was seen after `freshAfter`, locked in
     * id order (so two dispatches never deadlock), with their current load: owned chats plus
     * pending offers. `except` leaves one agent out (the sender of a transfer).
     */
    async lockCandidates(tx: Tx, queueId: string, freshAfter: Date, only?: string, except?: string): Promise<Candidate[]> {
      const rows = await tx
        .select({ agentId: agentStatus.agentId, maxChats: agentStatus.maxChats, lastAssignedAt: queueAgents.lastAssignedAt })
        .from(queueAgents)
        .innerJoin(agentStatus, eq(agentStatus.agentId, queueAgents.agentId))
        .where(
          and(
            eq(queueAgents.queueId, queueId),
            eq(agentStatus.status, 'online'),
            gt(agentStatus.lastSeenAt, freshAfter),
            only ? eq(agentStatus.agentId, only) : undefined,
            except ? sql`${agentStatus.agentId} <> ${except}` : undefined,
          ),
        )
        .orderBy(asc(agentStatus.agentId))
        .for('update', { of: agentStatus });
      if (!rows.length) return [];
      const loads = await this.loads(tx, rows.map((r) => r.agentId));
      return rows.map((r) => ({ ...r, load: loads.get(r.agentId) ?? 0 }));
    },

    /** Owned chats plus pending chat and transfer offers, per agent (invitations add no load). */
    async loads(tx: Tx | Database, agentIds: string[]): Promise<Map<string, number>> {
      if (!agentIds.length) return new Map();
      const rows = await tx.execute(sql`
        select agent_id, count(*)::int as n from (
          select owner_agent_id as agent_id from ${routing} where state = 'owned' and owner_agent_id in ${ids(agentIds)}
          union all
          select agent_id from ${offers} where state = 'pending' and kind <> 'invite' and agent_id in ${ids(agentIds)}
        ) x group by agent_id`);
      return new Map(rowsOf<{ agent_id: string; n: number }>(rows).map((r) => [r.agent_id, Number(r.n)]));
    },

    async lockRouting(tx: Tx, conversationId: string) {
      const [row] = await tx.select().from(routing).where(eq(routing.conversationId, conversationId)).for('update');
      return row;
    },

    /**
     * Locks a conversation's row: taken before its routing row by every transaction that also
     * writes a message. NO KEY UPDATE leaves the key-share lock of a foreign key free: a transfer
     * or a dispatch takes it inserting an offer, after the routing row that a resolve waits for.
     */
    async lockConversation(tx: Tx, conversationId: string) {
      const [row] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for('no key update');
      return row;
    },

    async updateRouting(tx: Tx, conversationId: string, values: Partial<typeof routing.$inferInsert>) {
      await tx.update(routing).set(values).where(eq(routing.conversationId, conversationId));
    },

    async insertRoutingTx(tx: Tx, values: typeof routing.$inferInsert) {
      await tx.insert(routing).values(values);
    },

    async touchAssigned(tx: Tx, queueId: string, agentId: string, at: Date) {
      await tx
        .update(queueAgents)
        .set({ lastAssignedAt: at })
        .where(and(eq(queueAgents.queueId, queueId), eq(queueAgents.agentId, agentId)));
    },

    async insertOffer(tx: Tx, values: typeof offers.$inferInsert) {
      const [row] = await tx.insert(offers).values(values).returning();
      return row!;
    },

    async findOffer(tx: Tx | Database, offerId: string) {
      const [row] = await tx.select().from(offers).where(eq(offers.id, offerId));
      return row;
    },

    async setOfferState(tx: Tx, offerId: string, state: Exclude<OfferRow['state'], 'pending'>) {
      await tx.update(offers).set({ state }).where(eq(offers.id, offerId));
    },

    /** Cancels the chat's pending offers (of one kind, when given) but `except`; returns them. */
    async cancelOffers(tx: Tx, conversationId: string, except?: string, kind?: OfferRow['kind']) {
      const pending = await this.pendingOffers(tx, conversationId);
      const cancel = pending.filter((o) => o.id !== except && (!kind || o.kind === kind));
      if (cancel.length) {
        await tx.update(offers).set({ state: 'cancelled' }).where(inArray(offers.id, cancel.map((o) => o.id)));
      }
      return cancel;
    },

    /** The agents one transfer (`transferId`) of a chat was offered to, whatever became of the offers. */
    async transferOfferedTo(tx: Tx, conversationId: string, transferId: string): Promise<string[]> {
      const rows = await tx
        .select({ agentId: offers.agentId })
        .from(offers)
        .where(and(eq(offers.conversationId, conversationId), eq(offers.transferId, transferId)));
      return rows.map((r) => r.agentId);
    },

    /** An agent's open chat offers (from a queue), in conversation order: leaving Online hands them back. */
    async pendingChatOffersOf(tx: Tx, agentId: string) {
      return tx
        .select()
        .from(offers)
        .where(and(eq(offers.agentId, agentId), eq(offers.state, 'pending'), eq(offers.kind, 'chat')))
        .orderBy(offers.conversationId);
    },

    /** Every open offer to an agent (chats, transfers, invitations), in conversation order: removing an agent withdraws them. */
    async pendingOffersTo(tx: Tx, agentId: string) {
      return tx
        .select()
        .from(offers)
        .where(and(eq(offers.agentId, agentId), eq(offers.state, 'pending')))
        .orderBy(offers.conversationId, offers.id);
    },

    /** The conversations an agent owns (open chats) or is a guest of, in id order: removing an agent gives them up. */
    async seatsOf(tx: Tx, agentId: string): Promise<string[]> {
      const rows = await tx.execute(sql`
        select conversation_id from ${routing} where owner_agent_id = ${agentId} and state = 'owned'
        union
        select conversation_id from ${conversationGuests} where agent_id = ${agentId}
        order by 1`);
      return rowsOf<{ conversation_id: string }>(rows).map((r) => r.conversation_id);
    },

    /** Takes an agent out of every queue; returns the queues they were in. */
    async leaveQueues(tx: Tx, agentId: string): Promise<string[]> {
      const rows = await tx.delete(queueAgents).where(eq(queueAgents.agentId, agentId)).returning({ id: queueAgents.queueId });
      return rows.map((r) => r.id);
    },

    /** The queue an app's new conversations enter (see `defaultQueueSql`), or null when its workspace has none. */
    async defaultQueue(tx: Tx, appId: string, workspaceId: string): Promise<string | null> {
      const rows = await tx.execute(sql`select ${defaultQueueSql(sql`${appId}`, sql`${workspaceId}`)} as queue_id`);
      return rowsOf<{ queue_id: string | null }>(rows)[0]?.queue_id ?? null;
    },

    async pendingOffers(tx: Tx, conversationId: string) {
      return tx.select().from(offers).where(and(eq(offers.conversationId, conversationId), eq(offers.state, 'pending')));
    },

    async isQueueAgent(tx: Tx | Database, queueId: string, agentId: string) {
      const [row] = await tx
        .select({ agentId: queueAgents.agentId })
        .from(queueAgents)
        .where(and(eq(queueAgents.queueId, queueId), eq(queueAgents.agentId, agentId)));
      return !!row;
    },

    async guestsOf(tx: Tx | Database, conversationId: string) {
      return tx
        .select({ id: agents.id, name: agents.name })
        .from(conversationGuests)
        .innerJoin(agents, eq(agents.id, conversationGuests.agentId))
        .where(eq(conversationGuests.conversationId, conversationId))
        .orderBy(asc(conversationGuests.joinedAt), asc(agents.id));
    },

    async addGuest(tx: Tx, conversationId: string, agentId: string, at: Date) {
      await tx.insert(conversationGuests).values({ conversationId, agentId, joinedAt: at }).onConflictDoNothing();
    },

    /** Removes guests (all of the conversation's when `agentId` is not given); returns who was removed. */
    async removeGuests(tx: Tx, conversationId: string, agentId?: string): Promise<string[]> {
      const rows = await tx
        .delete(conversationGuests)
        .where(and(eq(conversationGuests.conversationId, conversationId), agentId ? eq(conversationGuests.agentId, agentId) : undefined))
        .returning({ id: conversationGuests.agentId });
      return rows.map((r) => r.id);
    },

    async wrapUpLabels(workspaceId: string): Promise<string[]> {
      const rows = await db.select({ label: wrapUpReasons.label }).from(wrapUpReasons).where(eq(wrapUpReasons.workspaceId, workspaceId));
      return rows.map((r) => r.label);
    },

    async wrapUpReasons(workspaceId: string) {
      return db
        .select({ id: wrapUpReasons.id, label: wrapUpReasons.label })
        .from(wrapUpReasons)
        .where(eq(wrapUpReasons.workspaceId, workspaceId))
        .orderBy(asc(wrapUpReasons.label));
    },

    /** Adds a wrap-up reason; undefined when the workspace has one with that label already. */
    async addWrapUpReason(workspaceId: string, label: string) {
      const [row] = await db
        .insert(wrapUpReasons)
        .values({ workspaceId, label })
        .onConflictDoNothing()
        .returning({ id: wrapUpReasons.id, label: wrapUpReasons.label });
      return row;
    },

    async deleteWrapUpReason(workspaceId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(wrapUpReasons)
        .where(and(eq(wrapUpReasons.id, id), eq(wrapUpReasons.workspaceId, workspaceId)))
        .returning({ id: wrapUpReasons.id });
      return rows.length > 0;
    },

    async insertJob(tx: Tx, kind: string, runAt: Date, payload: Record<string, string>) {
      await tx.insert(jobs).values({ kind, runAt, payload });
    },

    /** Claims the next due job no other transaction holds (FOR UPDATE SKIP LOCKED). */
    async claimDueJob(tx: Tx, now: Date) {
      const [row] = await tx
        .select()
        .from(jobs)
        .where(and(isNull(jobs.doneAt), lte(jobs.runAt, now)))
        .orderBy(asc(jobs.runAt))
        .limit(1)
        .for('update', { skipLocked: true });
      return row;
    },

    async finishJob(tx: Tx, jobId: string, now: Date) {
      await tx.update(jobs).set({ doneAt: now, attempts: sql`${jobs.attempts} + 1` }).where(eq(jobs.id, jobId));
    },

    /** Keeps a claimed job, due again at `runAt`, and counts the try. */
    async postponeJob(tx: Tx, jobId: string, runAt: Date) {
      await tx.update(jobs).set({ runAt, attempts: sql`${jobs.attempts} + 1` }).where(eq(jobs.id, jobId));
    },

    async routingOf(conversationId: string) {
      const [row] = await db.select().from(routing).where(eq(routing.conversationId, conversationId));
      return row;
    },

    /** Queues that have chats waiting for an agent (for the periodic sweep). */
    async queuesWithWaiting(): Promise<string[]> {
      const rows = await db.selectDistinct({ id: routing.queueId }).from(routing).where(eq(routing.state, 'waiting'));
      return rows.flatMap((r) => (r.id ? [r.id] : []));
    },

    /** Chats still waiting for an agent whose visitor ended the conversation. */
    async abandoned(limit: number): Promise<string[]> {
      const rows = await db
        .select({ id: routing.conversationId })
        .from(routing)
        .innerJoin(conversations, eq(conversations.id, routing.conversationId))
        .where(and(sql`${routing.state} in ${UNOWNED}`, eq(conversations.status, 'closed')))
        .limit(limit);
      return rows.map((r) => r.id);
    },

    async queueStats(queueId: string, freshAfter: Date) {
      const rows = await db.execute(sql`
        select
          (select count(*)::int from ${routing} where queue_id = ${queueId} and state in ${UNOWNED}) as waiting,
          (select count(*)::int from ${queueAgents} qa join ${agentStatus} p on p.agent_id = qa.agent_id
            where qa.queue_id = ${queueId} and p.status = 'online' and p.last_seen_at > ${freshAfter.toISOString()}::timestamptz) as online`);
      const [row] = rowsOf<{ waiting: number; online: number }>(rows);
      return { waiting: Number(row!.waiting), online: Number(row!.online) };
    },

    /** The routing of conversations, with everyone who may see each (see `RoutingView`). */
    async views(conversationIds: string[]): Promise<RoutingView[]> {
      if (!conversationIds.length) return [];
      // Read on every fan-out: one prepared statement whatever the number of ids.
      const rows = await executePrepared(db, sql`
        select r.conversation_id, r.workspace_id, r.queue_id, r.state, r.owner_agent_id, o.name as owner_name, r.wrap_up,
          coalesce((select json_agg(json_build_object('id', a.id, 'name', a.name) order by g.joined_at, a.id)
            from ${conversationGuests} g join ${agents} a on a.id = g.agent_id where g.conversation_id = r.conversation_id), '[]'::json) as guests,
          case when r.state in ${UNOWNED}
            then coalesce((select json_agg(qa.agent_id) from ${queueAgents} qa where qa.queue_id = r.queue_id), '[]'::json)
            else '[]'::json end as queue_agent_ids,
          coalesce((select json_agg(f.agent_id) from ${offers} f where f.conversation_id = r.conversation_id and f.state = 'pending'), '[]'::json) as offered_to
        from ${routing} r left join ${agents} o on o.id = r.owner_agent_id
        where r.conversation_id = any(string_to_array(${conversationIds.join(',')}, ',')::uuid[])`);
      return rowsOf<Record<string, unknown>>(rows).map((r) => ({
        conversationId: r.conversation_id as string,
        workspaceId: r.workspace_id as string,
        queueId: (r.queue_id as string | null) ?? null,
        state: r.state as RoutingView['state'],
        ownerAgentId: (r.owner_agent_id as string | null) ?? null,
        ownerName: (r.owner_name as string | null) ?? null,
        wrapUp: (r.wrap_up as string | null) ?? null,
        guests: json<{ id: string; name: string }[]>(r.guests),
        queueAgentIds: json<string[]>(r.queue_agent_ids),
        offeredTo: json<string[]>(r.offered_to),
      }));
    },

    /**
     * Offers as the console shows them: the customer, the queue, the last customer message, who
     * transfers or invites, when the chat arrived. By offer ids, or an agent's pending ones.
     */
    async offerViews(where: { offerIds: string[] } | { agentId: string }): Promise<(Offer & { agentId: string; workspaceId: string })[]> {
      const filter = 'offerIds' in where ? sql`f.id in ${ids(where.offerIds)}` : sql`f.agent_id = ${where.agentId} and f.state = 'pending'`;
      if ('offerIds' in where && !where.offerIds.length) return [];
      const rows = await db.execute(sql`
        select f.id, f.kind, f.conversation_id, f.agent_id, f.created_at, f.expires_at, c.workspace_id,
          q.id as queue_id, q.name as queue_name, v.name as customer_name,
          (select left(coalesce(nullif(m.body, ''), (select string_agg(x ->> 'name', ', ') from jsonb_array_elements(m.attachments) x), ''), 140)
            from ${messages} m where m.conversation_id = f.conversation_id and m.sender_kind = 'visitor' order by m.seq desc limit 1) as preview,
          fa.id as from_id, fa.name as from_name,
          coalesce(r.waiting_since, c.created_at) as arrived_at
        from ${offers} f
          join ${conversations} c on c.id = f.conversation_id
          join ${visitors} v on v.id = c.visitor_id
          left join ${routing} r on r.conversation_id = f.conversation_id
          left join ${queues} q on q.id = coalesce(f.target_queue_id, r.queue_id)
          left join ${agents} fa on fa.id = f.from_agent_id
        where ${filter}
        order by f.created_at, f.id`);
      return rowsOf<Record<string, unknown>>(rows).map((r) => ({
        id: r.id as string,
        kind: r.kind as Offer['kind'],
        conversationId: r.conversation_id as string,
        agentId: r.agent_id as string,
        workspaceId: r.workspace_id as string,
        queueId: (r.queue_id as string | null) ?? null,
        queueName: (r.queue_name as string | null) ?? null,
        customerName: (r.customer_name as string | null) ?? null,
        preview: (r.preview as string | null) || null,
        ...(r.from_id ? { from: { id: r.from_id as string, name: r.from_name as string } } : {}),
        arrivedAt: iso(r.arrived_at),
        createdAt: iso(r.created_at),
        expiresAt: r.expires_at ? iso(r.expires_at) : null,
      }));
    },

    /** The workspace's agents (or some of them) with status, load, limit, connection and queues. */
    async agentViews(workspaceId: string, freshAfter: Date, agentIds?: string[]): Promise<RoutingAgent[]> {
      if (agentIds && !agentIds.length) return [];
      const rows = await db.execute(sql`
        select a.id, a.name, a.email, a.role, coalesce(s.status, 'offline') as status, coalesce(s.since, a.created_at) as since,
          coalesce(s.max_chats, 3) as max_chats,
          (s.last_seen_at is not null and s.last_seen_at > ${freshAfter.toISOString()}::timestamptz) as connected,
          (select count(*)::int from ${routing} r where r.owner_agent_id = a.id and r.state = 'owned') as load,
          coalesce((select json_agg(qa.queue_id order by qa.queue_id) from ${queueAgents} qa where qa.agent_id = a.id), '[]'::json) as queue_ids
        from ${agents} a left join ${agentStatus} s on s.agent_id = a.id
        where a.workspace_id = ${workspaceId} and a.deactivated_at is null ${agentIds ? sql`and a.id in ${ids(agentIds)}` : sql``}
        order by a.name, a.id`);
      return rowsOf<Record<string, unknown>>(rows).map((r) => ({
        id: r.id as string,
        name: r.name as string,
        email: r.email as string,
        role: r.role as RoutingAgent['role'],
        status: r.status as RoutingAgent['status'],
        since: iso(r.since),
        load: Number(r.load),
        maxChats: Number(r.max_chats),
        connected: r.connected === true || r.connected === 't',
        queueIds: json<string[]>(r.queue_ids),
      }));
    },

    /** The workspace's queues (or some of them) with live counts and their agents. */
    async queueViews(workspaceId: string, freshAfter: Date, queueIds?: string[]): Promise<RoutingQueue[]> {
      if (queueIds && !queueIds.length) return [];
      const rows = await db.execute(sql`
        select q.id, q.name, q.mode, q.top_n, q.offer_timeout_ms,
          (select count(*)::int from ${routing} r where r.queue_id = q.id and r.state in ${UNOWNED}) as waiting,
          (select count(*)::int from ${queueAgents} qa join ${agentStatus} p on p.agent_id = qa.agent_id
            where qa.queue_id = q.id and p.status = 'online' and p.last_seen_at > ${freshAfter.toISOString()}::timestamptz) as online,
          coalesce((select json_agg(qa.agent_id order by qa.agent_id) from ${queueAgents} qa where qa.queue_id = q.id), '[]'::json) as agent_ids
        from ${queues} q
        where q.workspace_id = ${workspaceId} ${queueIds ? sql`and q.id in ${ids(queueIds)}` : sql``}
        order by q.created_at, q.id`);
      return rowsOf<Record<string, unknown>>(rows).map((r) => ({
        id: r.id as string,
        name: r.name as string,
        mode: r.mode as RoutingQueue['mode'],
        topN: Number(r.top_n),
        offerTimeoutMs: Number(r.offer_timeout_ms),
        waiting: Number(r.waiting),
        online: Number(r.online),
        agentIds: json<string[]>(r.agent_ids),
      }));
    },

    /**
     * Places in the queue (1 = next) of the waiting chats of some visitors of a workspace, by
     * when each started waiting.
     */
    async positions(workspaceId: string, visitorIds: string[]): Promise<{ conversationId: string; visitorId: string; position: number }[]> {
      if (!visitorIds.length) return [];
      const rows = await db.execute(sql`
        select conversation_id, visitor_id, position from (
          select r.conversation_id, c.visitor_id,
            row_number() over (partition by r.queue_id order by r.waiting_since, r.conversation_id) as position
          from ${routing} r join ${conversations} c on c.id = r.conversation_id
          where r.workspace_id = ${workspaceId} and r.state in ${UNOWNED}
        ) x where visitor_id in ${ids(visitorIds)}`);
      return rowsOf<Record<string, unknown>>(rows).map((r) => ({
        conversationId: r.conversation_id as string,
        visitorId: r.visitor_id as string,
        position: Number(r.position),
      }));
    },
  };
}

/** The routing repository's interface. */
export type RoutingRepository = ReturnType<typeof createRoutingRepository>;
