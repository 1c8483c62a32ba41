import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { agentStatus, jobs, offers, queueAgents, queues, routing, wrapUpReasons } from '../../db/schema/index.ts';

/** A transaction handle (or the database itself, for single statements). */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** An agent who may get chats from a queue now, with what they already carry. */
export interface Candidate {
  agentId: string;
  maxChats: number;
  load: number;
  lastAssignedAt: Date | null;
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

    async presence(agentId: string) {
      const [row] = await db.select().from(agentStatus).where(eq(agentStatus.agentId, agentId));
      return row;
    },

    async createQueue(values: typeof queues.$inferInsert) {
      const [row] = await db.insert(queues).values(values).returning();
      return row!;
    },

    async findQueue(id: string) {
      const [row] = await db.select().from(queues).where(eq(queues.id, id));
      return row;
    },

    async addQueueAgent(queueId: string, agentId: string) {
      await db.insert(queueAgents).values({ queueId, agentId }).onConflictDoNothing();
    },

    async queuesOf(agentId: string): Promise<string[]> {
      const rows = await db.select({ id: queueAgents.queueId }).from(queueAgents).where(eq(queueAgents.agentId, agentId));
      return rows.map((r) => r.id);
    },

    async insertRouting(values: typeof routing.$inferInsert) {
      const [row] = await db.insert(routing).values(values).onConflictDoNothing().returning();
      return row;
    },

    /** Locks the queue: one dispatch per queue at a time, across nodes. */
    async lockQueue(tx: Tx, queueId: string) {
      const [row] = await tx.select().from(queues).where(eq(queues.id, queueId)).for('update');
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
     * pending offers.
     */
    async lockCandidates(tx: Tx, queueId: string, freshAfter: Date, only?: string): Promise<Candidate[]> {
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
          ),
        )
        .orderBy(asc(agentStatus.agentId))
        .for('update', { of: agentStatus });
      if (!rows.length) return [];
      const loads = await this.loads(tx, rows.map((r) => r.agentId));
      return rows.map((r) => ({ ...r, load: loads.get(r.agentId) ?? 0 }));
    },

    /** Owned chats plus pending offers, per agent. */
    async loads(tx: Tx | Database, agentIds: string[]): Promise<Map<string, number>> {
      if (!agentIds.length) return new Map();
      const rows = await tx.execute(sql`
        select agent_id, count(*)::int as n from (
          select owner_agent_id as agent_id from ${routing} where state = 'owned' and owner_agent_id in (select value::uuid from json_array_elements_text(${JSON.stringify(agentIds)}::json))
          union all
          select agent_id from ${offers} where state = 'pending' and agent_id in (select value::uuid from json_array_elements_text(${JSON.stringify(agentIds)}::json))
        ) x group by agent_id`);
      const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { agent_id: string; n: number }[];
      return new Map(list.map((r) => [r.agent_id, Number(r.n)]));
    },

    async lockRouting(tx: Tx, conversationId: string) {
      const [row] = await tx.select().from(routing).where(eq(routing.conversationId, conversationId)).for('update');
      return row;
    },

    async updateRouting(tx: Tx, conversationId: string, values: Partial<typeof routing.$inferInsert>) {
      await tx.update(routing).set(values).where(eq(routing.conversationId, conversationId));
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

    async setOfferState(tx: Tx, offerId: string, state: 'accepted' | 'expired' | 'cancelled') {
      await tx.update(offers).set({ state }).where(eq(offers.id, offerId));
    },

    /** Cancels the chat's other pending offers; returns them. */
    async cancelOffers(tx: Tx, conversationId: string, except?: string) {
      const pending = await tx
        .select()
        .from(offers)
        .where(and(eq(offers.conversationId, conversationId), eq(offers.state, 'pending')));
      const cancel = pending.filter((o) => o.id !== except);
      if (cancel.length) {
        await tx.update(offers).set({ state: 'cancelled' }).where(inArray(offers.id, cancel.map((o) => o.id)));
      }
      return cancel;
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

    async wrapUpLabels(workspaceId: string): Promise<string[]> {
      const rows = await db.select({ label: wrapUpReasons.label }).from(wrapUpReasons).where(eq(wrapUpReasons.workspaceId, workspaceId));
      return rows.map((r) => r.label);
    },

    async addWrapUpReason(workspaceId: string, label: string) {
      await db.insert(wrapUpReasons).values({ workspaceId, label }).onConflictDoNothing();
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

    async routingOf(conversationId: string) {
      const [row] = await db.select().from(routing).where(eq(routing.conversationId, conversationId));
      return row;
    },

    async queueStats(queueId: string, freshAfter: Date) {
      const rows = await db.execute(sql`
        select
          (select count(*)::int from ${routing} where queue_id = ${queueId} and state in ('waiting', 'offered', 'broadcast')) as waiting,
          (select count(*)::int from ${queueAgents} qa join ${agentStatus} p on p.agent_id = qa.agent_id
            where qa.queue_id = ${queueId} and p.status = 'online' and p.last_seen_at > ${freshAfter.toISOString()}::timestamptz) as online`);
      const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { waiting: number; online: number }[];
      return { waiting: Number(list[0]!.waiting), online: Number(list[0]!.online) };
    },
  };
}

/** The routing repository's interface. */
export type RoutingRepository = ReturnType<typeof createRoutingRepository>;
