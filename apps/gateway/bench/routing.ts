import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase, type OpenDatabase } from '../src/db/database.ts';
import { agents, apps, conversations, routing, visitors, workspaces } from '../src/db/schema/index.ts';
import { createMaskingSettings } from '../src/domain/masking/masking-settings.ts';
import { createRoutingService } from '../src/domain/routing/routing-service.ts';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Routing throughput: `chats` conversations enqueued at once through two gateway processes
 * (each a child process with its own connection pool) into one round-robin queue of `agents`
 * Online agents with room for all; the figure is chats assigned per second.
 */
export async function routingBench(database: OpenDatabase, url: string, { chats = 2000, agentCount = 10 } = {}) {
  const ws = `bench_routing_${randomBytes(3).toString('hex')}`;
  await database.db.insert(workspaces).values({ id: ws, name: ws });
  await database.db.insert(apps).values({ id: ws, workspaceId: ws, name: ws, identitySecret: randomBytes(16).toString('hex') });
  const agentRows = await database.db
    .insert(agents)
    .values(Array.from({ length: agentCount }, (_, i) => ({ workspaceId: ws, email: `r${i}@${ws}.example`, name: `R${i}`, passwordHash: 'x' })))
    .returning({ id: agents.id });
  // Each workspace's masking setting, read once (no periodic re-read in a bench).
  const masking = createMaskingSettings({ db: database.db, announce: () => {}, onError: (error) => console.error(error) });
  masking.stop();
  const service = createRoutingService({ db: database.db, masking: masking.maskerOf });
  const queue = await service.createQueue(ws, { name: 'Bench', mode: 'round_robin' });
  for (const { id } of agentRows) {
    await service.addAgent(queue.id, id);
    await service.setMaxChats(id, chats);
    await service.setStatus(id, 'online');
  }
  const vs = await database.db.insert(visitors).values(Array.from({ length: chats }, () => ({ appId: ws }))).returning({ id: visitors.id });
  const cs = await database.db
    .insert(conversations)
    .values(vs.map((v) => ({ workspaceId: ws, appId: ws, visitorId: v.id })))
    .returning({ id: conversations.id });
  const ids = cs.map((c) => c.id);
  const halves = [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)];

  const started = performance.now();
  await Promise.all(
    halves.map(
      (half) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(join(here, '..', 'node_modules', '.bin', 'tsx'), [join(here, 'routing-worker.ts'), url, ws, queue.id, JSON.stringify(half)], {
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`routing worker exited with ${code}`))));
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const [row] = await database.db
    .select({ owned: sql<number>`count(*) filter (where ${routing.state} = 'owned')::int`, owners: sql<number>`count(distinct ${routing.ownerAgentId})::int` })
    .from(routing)
    .where(sql`${routing.workspaceId} = ${ws}`);
  return { chats, seconds, perSecond: Number(row!.owned) / seconds, owned: Number(row!.owned), agents: Number(row!.owners) };
}
