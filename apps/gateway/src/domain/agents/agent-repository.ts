import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { agentSessions, agents, type AgentRow } from '../../db/schema/index.ts';
import type { Tx } from '../routing/routing-repository.ts';

/** Adding and removing a workspace's agents. Only this module writes who is on the team. */
export function createAgentRepository(db: Database) {
  return {
    /**
     * Adds an agent with a one-time password. An e-mail of an agent removed from the same
     * workspace brings that agent back (same id, so their history is theirs again) with the new
     * name, role and password. Undefined when the e-mail belongs to anyone else.
     */
    async add(values: { workspaceId: string; name: string; email: string; role: AgentRow['role']; passwordHash: string }): Promise<AgentRow | undefined> {
      try {
        const [row] = await db
          .insert(agents)
          .values({ ...values, mustChangePassword: true })
          .onConflictDoUpdate({
            target: agents.email,
            set: { name: values.name, role: values.role, passwordHash: values.passwordHash, mustChangePassword: true, deactivatedAt: null },
            setWhere: sql`${agents.deactivatedAt} is not null and ${agents.workspaceId} = ${values.workspaceId}`,
          })
          .returning();
        return row;
      } catch (error) {
        // Another request added the same e-mail in the same instant.
        if (isUniqueViolation(error)) return undefined;
        throw error;
      }
    },

    /** An agent of the workspace who was not removed. */
    async findActive(tx: Tx | Database, workspaceId: string, agentId: string): Promise<AgentRow | undefined> {
      const [row] = await tx
        .select()
        .from(agents)
        .where(and(eq(agents.id, agentId), eq(agents.workspaceId, workspaceId), isNull(agents.deactivatedAt)));
      return row;
    },

    /**
     * Locks the workspace's admins who were not removed, in id order: removals (and anything that
     * would leave the workspace without an admin) take turns. NO KEY UPDATE leaves the key-share
     * lock of a foreign key free, which routing takes inserting an offer for an agent.
     */
    async lockAdmins(tx: Tx, workspaceId: string): Promise<string[]> {
      const rows = await tx
        .select({ id: agents.id })
        .from(agents)
        .where(and(eq(agents.workspaceId, workspaceId), eq(agents.role, 'admin'), isNull(agents.deactivatedAt)))
        .orderBy(asc(agents.id))
        .for('no key update');
      return rows.map((r) => r.id);
    },

    /** Marks the agent removed and ends every session of theirs; undefined when they were removed already. */
    async deactivate(tx: Tx, workspaceId: string, agentId: string, at: Date): Promise<AgentRow | undefined> {
      const [row] = await tx
        .update(agents)
        .set({ deactivatedAt: at })
        .where(and(eq(agents.id, agentId), eq(agents.workspaceId, workspaceId), isNull(agents.deactivatedAt)))
        .returning();
      if (row) await tx.delete(agentSessions).where(eq(agentSessions.agentId, agentId));
      return row;
    },
  };
}

/** The agent repository's interface. */
export type AgentRepository = ReturnType<typeof createAgentRepository>;
