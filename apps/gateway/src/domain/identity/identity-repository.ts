import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { agentSessions, agents, apps, visitorSessions, visitors, type AgentRow, type AppRow } from '../../db/schema/index.ts';

/** Reads and writes apps, agents, visitors and their sessions. */
export function createIdentityRepository(db: Database) {
  return {
    async findApp(appId: string): Promise<AppRow | undefined> {
      const [row] = await db.select().from(apps).where(eq(apps.id, appId));
      return row;
    },

    async createVisitorWithSession(appId: string, tokenHash: string, locale?: string): Promise<{ visitorId: string }> {
      return db.transaction(async (tx) => {
        const [visitor] = await tx.insert(visitors).values({ appId, locale: locale ?? null }).returning({ id: visitors.id });
        await tx.insert(visitorSessions).values({ tokenHash, visitorId: visitor!.id });
        return { visitorId: visitor!.id };
      });
    },

    async findVisitorSession(tokenHash: string) {
      const [row] = await db
        .select({ visitor: visitors, app: apps })
        .from(visitorSessions)
        .innerJoin(visitors, eq(visitors.id, visitorSessions.visitorId))
        .innerJoin(apps, eq(apps.id, visitors.appId))
        .where(and(eq(visitorSessions.tokenHash, tokenHash), isNull(visitorSessions.revokedAt)));
      return row;
    },

    async revokeVisitorSession(tokenHash: string): Promise<void> {
      await db.update(visitorSessions).set({ revokedAt: new Date() }).where(eq(visitorSessions.tokenHash, tokenHash));
    },

    /** An agent who may sign in (not removed), by e-mail. */
    async findAgentByEmail(email: string): Promise<AgentRow | undefined> {
      const [row] = await db
        .select()
        .from(agents)
        .where(and(eq(agents.email, email.toLowerCase()), isNull(agents.deactivatedAt)));
      return row;
    },

    /** An agent who may sign in, by id (with their password hash). */
    async findAgent(agentId: string): Promise<AgentRow | undefined> {
      const [row] = await db
        .select()
        .from(agents)
        .where(and(eq(agents.id, agentId), isNull(agents.deactivatedAt)));
      return row;
    },

    /**
     * Sets an agent's own password (no longer one an admin was shown) and ends their other
     * sessions, in one transaction; `keep` is the session that asked.
     */
    async setOwnPassword(agentId: string, passwordHash: string, keep: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(agents).set({ passwordHash, mustChangePassword: false }).where(eq(agents.id, agentId));
        await tx.delete(agentSessions).where(and(eq(agentSessions.agentId, agentId), ne(agentSessions.tokenHash, keep)));
      });
    },

    async createAgentSession(tokenHash: string, agentId: string, expiresAt: Date): Promise<void> {
      await db.insert(agentSessions).values({ tokenHash, agentId, expiresAt });
    },

    async findAgentSession(tokenHash: string, now: Date): Promise<AgentRow | undefined> {
      const [row] = await db
        .select({ agent: agents })
        .from(agentSessions)
        .innerJoin(agents, eq(agents.id, agentSessions.agentId))
        // A removed agent's sessions are deleted with the removal; the check holds even so.
        .where(and(eq(agentSessions.tokenHash, tokenHash), gt(agentSessions.expiresAt, now), isNull(agents.deactivatedAt)));
      return row?.agent;
    },

    async deleteAgentSession(tokenHash: string): Promise<void> {
      await db.delete(agentSessions).where(eq(agentSessions.tokenHash, tokenHash));
    },
  };
}

/** The identity repository's interface. */
export type IdentityRepository = ReturnType<typeof createIdentityRepository>;
