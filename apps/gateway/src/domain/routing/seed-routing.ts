import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { agents, queueAgents, queues, wrapUpReasons } from '../../db/schema/index.ts';

/** The wrap-up reasons a new workspace starts with. */
export const DEMO_WRAP_UP_REASONS = ['Solved', 'Needs follow-up', 'Spam'] as const;

/**
 * Seeds the demo workspace's routing once: the queue "Support" (mode `offer`) with the demo agent
 * in it, which new visitor conversations enter, and the starting wrap-up reasons. A workspace
 * that has queues or reasons already (an admin changed them) keeps its own.
 */
export async function seedDemoRouting(db: Database, { workspaceId, agentEmail }: { workspaceId: string; agentEmail: string }): Promise<void> {
  const [queue] = await db.select({ id: queues.id }).from(queues).where(eq(queues.workspaceId, workspaceId)).limit(1);
  if (!queue) {
    const [support] = await db.insert(queues).values({ workspaceId, name: 'Support', mode: 'offer' }).onConflictDoNothing().returning({ id: queues.id });
    const [agent] = await db.select({ id: agents.id }).from(agents).where(eq(agents.email, agentEmail));
    if (support && agent) await db.insert(queueAgents).values({ queueId: support.id, agentId: agent.id }).onConflictDoNothing();
  }
  const [reason] = await db.select({ id: wrapUpReasons.id }).from(wrapUpReasons).where(eq(wrapUpReasons.workspaceId, workspaceId)).limit(1);
  if (!reason) {
    await db
      .insert(wrapUpReasons)
      .values(DEMO_WRAP_UP_REASONS.map((label) => ({ workspaceId, label })))
      .onConflictDoNothing();
  }
}
