// Times the archive view over a seeded archive (seed-archive.ts): the first page and a deep
// page (90% down, by cursor), without and with each filter, as an admin (every conversation) and
// as an agent (only what routing lets them see), and prints what EXPLAIN ANALYZE says the
// database used. `pnpm --filter @parley/gateway bench:archive [--workspace archive-bench] [--runs 7]`,
// on the gateway's database settings (DATABASE_URL, else PGlite in PARLEY_DATA_DIR).
import { sql } from 'drizzle-orm';
import type { ViewQuery } from '@parley/protocol';
import type { AgentPrincipal } from '../src/domain/identity/principal.ts';
import { createMaskingSettings } from '../src/domain/masking/masking-settings.ts';
import { createRoutingService } from '../src/domain/routing/routing-service.ts';
import { encodeCursor } from '../src/domain/views/cursor.ts';
import { createViewRepository } from '../src/domain/views/view-repository.ts';
import { builtInSpec, createViewService } from '../src/domain/views/view-service.ts';
import { ARCHIVE_WORKSPACE, ensureFixtures, openGatewayDatabase, option, rowsOf } from './archive-data.ts';

const workspaceId = option('workspace', ARCHIVE_WORKSPACE);
const runs = Math.max(1, Number(option('runs', '7')));

const database = await openGatewayDatabase();
try {
  const fx = await ensureFixtures(database, workspaceId);
  const [{ archived }] = rowsOf<{ archived: string }>(
    await database.db.execute(sql`select count(*) as archived from conversations where workspace_id = ${workspaceId} and archived_at is not null`),
  ) as [{ archived: string }];
  if (Number(archived) === 0) throw new Error(`workspace ${workspaceId} has no archived conversations; run seed:archive first`);

  // Each workspace's masking setting, read once, as a gateway node masks the list for agents.
  const masking = createMaskingSettings({ db: database.db, announce: () => {}, onError: (error) => console.error(error) });
  masking.stop();
  const routing = createRoutingService({ db: database.db, masking: masking.maskerOf });
  const views = createViewService({ db: database.db, routingViews: routing.views, masking: masking.maskerOf, readable: async () => undefined, announce: () => {} });
  const repo = createViewRepository(database.db);
  const principal = (role: 'admin' | 'agent'): AgentPrincipal => ({
    kind: 'agent',
    sessionKey: 'timing',
    agentId: fx.agents[0]!,
    workspaceId,
    name: 'Agent 1',
    email: 'agent1@example.com',
    role,
  });
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const cases: [string, Partial<ViewQuery>][] = [
    ['no filter', {}],
    ['app', { app: fx.apps[0]! }],
    ['channel = web_form', { channel: 'web_form' }],
    ['queue', { queue: fx.queues[0]! }],
    ['agent', { agent: fx.agents[1]! }],
    ['wrap-up reason', { wrapUp: fx.reasons[0]! }],
    ['last 30 days', { from: day(30), to: day(0) }],
    ['app + queue + agent + reason', { app: fx.apps[0]!, queue: fx.queues[0]!, agent: fx.agents[1]!, wrapUp: fx.reasons[0]! }],
  ];

  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  async function time(fn: () => Promise<unknown>): Promise<number> {
    await fn();
    const took: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await fn();
      took.push(performance.now() - t0);
    }
    return median(took);
  }
  /** The indexes a plan used, and whether it read a whole table. */
  const used = (plan: string[]) => {
    const names = new Set(plan.flatMap((line) => [...line.matchAll(/(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1]!)));
    const seq = plan.flatMap((line) => [...line.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!));
    return [...names].join(', ') + (seq.length ? `; seq scan: ${[...new Set(seq)].join(', ')}` : '');
  };

  console.log(`archive of ${workspaceId}: ${archived} archived conversations on ${database.kind}; median of ${runs} runs, 50 a page\n`);
  console.log('| filter | viewer | matching | first page | deep page (90%) | indexes used (first page) |');
  console.log('| --- | --- | ---: | ---: | ---: | --- |');
  for (const role of ['admin', 'agent'] as const) {
    const agent = principal(role);
    const viewer = { workspaceId, agentId: agent.agentId, admin: role === 'admin' };
    for (const [label, query] of cases) {
      const spec = builtInSpec('archive', query);
      const matching = await repo.count(viewer, spec);
      const first = await time(() => views.list(agent, 'archive', { ...query, limit: 50 }));
      const deepAt = await repo.positionAt(viewer, spec, Math.floor(matching * 0.9));
      const cursor = deepAt && encodeCursor(deepAt);
      const deep = cursor ? await time(() => views.list(agent, 'archive', { ...query, cursor, limit: 50 })) : undefined;
      const plan = await repo.explain(viewer, spec, undefined, 51);
      if (option('plans', 'no') === 'yes') console.error(`\n${label} (${role}):\n${plan.join('\n')}`);
      console.log(`| ${label} | ${role} | ${matching} | ${first.toFixed(1)} ms | ${deep === undefined ? '—' : `${deep.toFixed(1)} ms`} | ${used(plan)} |`);
    }
  }

  // The main views leave archived conversations out: with a full archive they stay as fast as without.
  console.log('\n| main view | viewer | first page | indexes used |');
  console.log('| --- | --- | ---: | --- |');
  for (const role of ['admin', 'agent'] as const) {
    const agent = principal(role);
    const viewer = { workspaceId, agentId: agent.agentId, admin: role === 'admin' };
    for (const name of ['open', 'closed', 'mine.closed'] as const) {
      const took = await time(() => views.list(agent, name, { limit: 50 }));
      const plan = await repo.explain(viewer, builtInSpec(name, {}), undefined, 51);
      console.log(`| ${name} | ${role} | ${took.toFixed(1)} ms | ${used(plan)} |`);
    }
  }
} finally {
  await database.close();
}
