import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { agentPresence, agents, agentStatus } from '../db/schema/index.ts';

/** The agent presence queries. Only this module touches `agent_presence`. */
export function createAvailabilityRepository(db: Database) {
  return {
    /** Records how many agent sockets this node holds for a workspace (0 removes the row). */
    async setSockets(nodeId: string, workspaceId: string, sockets: number, now: Date): Promise<void> {
      if (sockets <= 0) {
        await db.delete(agentPresence).where(and(eq(agentPresence.nodeId, nodeId), eq(agentPresence.workspaceId, workspaceId)));
        return;
      }
      await db
        .insert(agentPresence)
        .values({ nodeId, workspaceId, sockets, seenAt: now })
        .onConflictDoUpdate({ target: [agentPresence.nodeId, agentPresence.workspaceId], set: { sockets, seenAt: now } });
    },

    /** Agent sockets of a workspace on every node that reported after `since`. */
    async sockets(workspaceId: string, since: Date): Promise<number> {
      const [row] = await db
        .select({ total: sql<number>`coalesce(sum(${agentPresence.sockets}), 0)` })
        .from(agentPresence)
        .where(and(eq(agentPresence.workspaceId, workspaceId), gt(agentPresence.seenAt, since)));
      return Number(row?.total ?? 0);
    },

    /** Agents of a workspace who are Online and whose console was heard from after `since`. */
    async onlineAgents(workspaceId: string, since: Date): Promise<number> {
      const [row] = await db
        .select({ total: sql<number>`count(*)::int` })
        .from(agentStatus)
        .innerJoin(agents, eq(agents.id, agentStatus.agentId))
        .where(and(eq(agents.workspaceId, workspaceId), eq(agentStatus.status, 'online'), gt(agentStatus.lastSeenAt, since)));
      return Number(row?.total ?? 0);
    },

    /** Marks every row of this node as current. */
    async refresh(nodeId: string, now: Date): Promise<void> {
      await db.update(agentPresence).set({ seenAt: now }).where(eq(agentPresence.nodeId, nodeId));
    },

    /** Removes this node's rows (at shutdown). */
    async clear(nodeId: string): Promise<void> {
      await db.delete(agentPresence).where(eq(agentPresence.nodeId, nodeId));
    },
  };
}

/** The availability repository's interface. */
export type AvailabilityRepository = ReturnType<typeof createAvailabilityRepository>;
