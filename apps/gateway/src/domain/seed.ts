import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { agents, apps, workspaces } from '../db/schema/index.ts';
import { hashPassword, newPassword } from './identity/secrets.ts';
import { seedDemoRouting } from './routing/seed-routing.ts';
import { seedDemoTemplates } from './templates/seed-templates.ts';

/** What the first start made up, to print once. */
export interface SeedResult {
  appId: string;
  agentEmail: string;
  /** Set when the password was generated now or applied from PARLEY_DEMO_PASSWORD. */
  agentPassword?: string;
  /** Set when the identity secret was generated now. */
  appSecret?: string;
}

export const DEMO_AGENT_EMAIL = 'agent@example.com';

/**
 * Seeds the demo workspace, app `demo` and agent on first start. On later starts it adds this
 * port's origins to the app and applies PARLEY_DEMO_PASSWORD when set; nothing else changes.
 */
export async function seedDemo(
  db: Database,
  { port, appSecret, password }: { port: number; appSecret?: string | undefined; password?: string | undefined },
): Promise<SeedResult> {
  // Several nodes may start at once on one PostgreSQL server: they seed one at a time.
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(727271)`);
    return seedLocked(tx as unknown as Database, { port, appSecret, password });
  });
}

async function seedLocked(
  db: Database,
  { port, appSecret, password }: { port: number; appSecret?: string | undefined; password?: string | undefined },
): Promise<SeedResult> {
  const result: SeedResult = { appId: 'demo', agentEmail: DEMO_AGENT_EMAIL };
  const created = await db.insert(workspaces).values({ id: 'demo', name: 'Demo workspace' }).onConflictDoNothing().returning({ id: workspaces.id });
  // Only with a new workspace: templates an admin deleted stay deleted.
  if (created.length) await seedDemoTemplates(db, 'demo');

  const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const [app] = await db.select().from(apps).where(eq(apps.id, 'demo'));
  if (!app) {
    const secret = appSecret ?? randomBytes(24).toString('base64url');
    await db.insert(apps).values({ id: 'demo', workspaceId: 'demo', name: 'Demo site', allowedOrigins: origins, identitySecret: secret });
    if (!appSecret) result.appSecret = secret;
  } else {
    const merged = [...new Set([...app.allowedOrigins, ...origins])];
    await db
      .update(apps)
      .set({ allowedOrigins: merged, ...(appSecret && { identitySecret: appSecret }) })
      .where(eq(apps.id, 'demo'));
  }

  const [agent] = await db.select({ id: agents.id }).from(agents).where(eq(agents.email, DEMO_AGENT_EMAIL));
  if (!agent) {
    const chosen = password ?? newPassword();
    await db.insert(agents).values({
      workspaceId: 'demo',
      email: DEMO_AGENT_EMAIL,
      name: 'Demo Agent',
      role: 'admin',
      passwordHash: await hashPassword(chosen),
    });
    result.agentPassword = chosen;
  } else if (password) {
    await db.update(agents).set({ passwordHash: await hashPassword(password) }).where(eq(agents.id, agent.id));
    result.agentPassword = password;
  }
  await seedDemoRouting(db, { workspaceId: 'demo', agentEmail: DEMO_AGENT_EMAIL });
  return result;
}
