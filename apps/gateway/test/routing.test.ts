import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../src/db/database.ts';
import { agents, apps, conversations, jobs, offers, routing, visitors, workspaces } from '../src/db/schema/index.ts';
import { createJobRunner } from '../src/domain/routing/job-runner.ts';
import { openTestDatabase, TEST_DB } from './support/database.ts';
import { routingService } from './support/routing.ts';
import type { RoutingService } from '../src/domain/routing/routing-service.ts';

let database: OpenDatabase & { url?: string };
let second: OpenDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
  // A second connection pool on the same database: another gateway node.
  second = TEST_DB === 'postgres' ? await openDatabase({ kind: 'postgres', url: database.url! }) : database;
});
afterAll(async () => {
  if (second !== database) await second.close();
  await database.close();
});

/** A fresh workspace with `n` agents and an app, so tests do not see each other's rows. */
async function workspaceWith(n: number) {
  const ws = `ws_${randomUUID().slice(0, 8)}`;
  await database.db.insert(workspaces).values({ id: ws, name: ws });
  await database.db.insert(apps).values({ id: ws, workspaceId: ws, name: ws, identitySecret: 'x'.repeat(32) });
  const rows = await database.db
    .insert(agents)
    .values(Array.from({ length: n }, (_, i) => ({ workspaceId: ws, email: `a${i}@${ws}.example`, name: `Agent ${i}`, passwordHash: 'x' })))
    .returning({ id: agents.id });
  return { ws, agentIds: rows.map((r) => r.id) };
}

async function newChats(ws: string, n: number): Promise<string[]> {
  const vs = await database.db.insert(visitors).values(Array.from({ length: n }, () => ({ appId: ws }))).returning({ id: visitors.id });
  const cs = await database.db
    .insert(conversations)
    .values(vs.map((v) => ({ workspaceId: ws, appId: ws, visitorId: v.id })))
    .returning({ id: conversations.id });
  return cs.map((c) => c.id);
}

/** Puts the agents in the queue, Online. */
async function joinOnline(service: RoutingService, queueId: string, agentIds: string[]) {
  for (const id of agentIds) {
    await service.addAgent(queueId, id);
    await service.setStatus(id, 'online');
  }
}

async function owners(ws: string) {
  return database.db.select().from(routing).where(sql`${routing.workspaceId} = ${ws}`);
}

describe('routing', () => {
  it('never gives a chat to two agents or an agent more than their limit, with two nodes and 200 chats at once', async () => {
    const { ws, agentIds } = await workspaceWith(10);
    const nodeA = routingService(database.db);
    const nodeB = routingService(second.db);
    const queue = await nodeA.createQueue(ws, { name: 'Sales', mode: 'round_robin' });
    for (const id of agentIds) {
      await nodeA.addAgent(queue.id, id);
      await nodeA.setMaxChats(id, 3);
      await nodeA.setStatus(id, 'online');
    }
    const chats = await newChats(ws, 200);
    await Promise.all(chats.map((id, i) => (i % 2 ? nodeA : nodeB).enqueue(id, ws, queue.id)));

    const rows = await owners(ws);
    expect(rows).toHaveLength(200);
    const owned = rows.filter((r) => r.state === 'owned');
    expect(owned).toHaveLength(30);
    expect(rows.filter((r) => r.state === 'waiting')).toHaveLength(170);
    const perAgent = new Map<string, number>();
    for (const r of owned) perAgent.set(r.ownerAgentId!, (perAgent.get(r.ownerAgentId!) ?? 0) + 1);
    expect([...perAgent.values()].every((n) => n <= 3)).toBe(true);
    expect(perAgent.size).toBe(10);
  });

  it('offers to one agent at a time; an offer not accepted in time sets RONA and goes to the next agent', async () => {
    const { ws, agentIds } = await workspaceWith(2);
    let now = new Date('2026-01-01T10:00:00Z');
    const clock = () => now;
    const service = routingService(database.db, { clock });
    const queue = await service.createQueue(ws, { name: 'Support', mode: 'offer', offerTimeoutMs: 30_000 });
    await joinOnline(service, queue.id, agentIds);
    const [chat] = await newChats(ws, 1);
    const events = await service.enqueue(chat!, ws, queue.id);
    const first = events.find((e) => e.type === 'offered')!;
    expect(events.filter((e) => e.type === 'offered')).toHaveLength(1);

    const runner = createJobRunner({ routing: service, clock });
    expect(await runner.runDue()).toBe(0);
    now = new Date(now.getTime() + 31_000);
    const seen: string[] = [];
    const runnerWithEvents = createJobRunner({ routing: service, clock, onEvents: (e) => seen.push(...e.map((x) => x.type)) });
    expect(await runnerWithEvents.runDue()).toBe(1);
    expect((await service.presence(first.agentId)).status).toBe('rona');
    expect(seen).toContain('offered');

    const [second] = await database.db.select().from(offers).where(sql`${offers.conversationId} = ${chat} and ${offers.state} = 'pending'`);
    expect(second!.agentId).not.toBe(first.agentId);
    await service.accept(second!.agentId, second!.id);
    expect((await service.routingOf(chat!))).toMatchObject({ state: 'owned', ownerAgentId: second!.agentId });

    // RONA stays until the agent chooses Online again.
    await service.seen(first.agentId);
    expect((await service.presence(first.agentId)).status).toBe('rona');
    await service.setStatus(first.agentId, 'online');
    expect((await service.presence(first.agentId)).status).toBe('online');
  });

  it('hands back the chat offered to an agent who leaves Online: it goes to the next agent at once, and cannot be accepted', async () => {
    const { ws, agentIds } = await workspaceWith(2);
    const service = routingService(database.db);
    const queue = await service.createQueue(ws, { name: 'Away', mode: 'offer', offerTimeoutMs: 30_000 });
    await joinOnline(service, queue.id, agentIds);
    const [chat] = await newChats(ws, 1);
    const first = (await service.enqueue(chat!, ws, queue.id)).find((e) => e.type === 'offered')!;
    const events = await service.setStatus(first.agentId, 'break');
    expect(events.find((e) => e.type === 'offer.closed')).toMatchObject({ agentId: first.agentId, offerId: first.offerId, outcome: 'withdrawn' });
    const next = events.find((e) => e.type === 'offered');
    expect(next?.agentId).toBe(agentIds.find((id) => id !== first.agentId));
    await expect(service.accept(first.agentId, first.offerId)).rejects.toMatchObject({ code: 'OFFER_GONE' });
    // Not RONA: the agent chose a break, and stays on it.
    expect((await service.presence(first.agentId)).status).toBe('break');
    await service.accept(next!.agentId, next!.offerId);
    expect(await service.routingOf(chat!)).toMatchObject({ state: 'owned', ownerAgentId: next!.agentId });
  });

  it('fires an open offer timeout once after a restart, even with two runners', async () => {
    const { ws, agentIds } = await workspaceWith(2);
    let now = new Date('2026-02-01T10:00:00Z');
    const clock = () => now;
    const before = routingService(database.db, { clock });
    const queue = await before.createQueue(ws, { name: 'Restart', mode: 'offer', offerTimeoutMs: 10_000 });
    await joinOnline(before, queue.id, agentIds);
    const [chat] = await newChats(ws, 1);
    const offered = (await before.enqueue(chat!, ws, queue.id)).find((e) => e.type === 'offered')!;
    // The node that made the offer is gone; two nodes come up after the deadline.
    now = new Date(now.getTime() + 60_000);
    const a = createJobRunner({ routing: routingService(database.db, { clock }), clock });
    const b = createJobRunner({ routing: routingService(second.db, { clock }), clock });
    await Promise.all([a.runDue(), b.runDue()]);
    const expired = await database.db.select().from(offers).where(sql`${offers.id} = ${offered.offerId}`);
    expect(expired[0]!.state).toBe('expired');
    const [job] = await database.db.select().from(jobs).where(sql`${jobs.payload} ->> 'offerId' = ${offered.offerId}`);
    expect(job).toMatchObject({ attempts: 1 });
    expect(job!.doneAt).not.toBeNull();
    await a.runDue();
    const [again] = await database.db.select().from(jobs).where(sql`${jobs.payload} ->> 'offerId' = ${offered.offerId}`);
    expect(again!.attempts).toBe(1);
  });

  it("runs other capabilities' jobs through their handlers, and a failing one neither keeps its work nor holds up an offer's timeout", async () => {
    const { ws, agentIds } = await workspaceWith(1);
    let now = new Date('2026-03-01T10:00:00Z');
    const clock = () => now;
    const service = routingService(database.db, { clock });
    const queue = await service.createQueue(ws, { name: 'Handlers', mode: 'offer', offerTimeoutMs: 10_000 });
    await joinOnline(service, queue.id, agentIds);
    const [chat] = await newChats(ws, 1);
    const offered = (await service.enqueue(chat!, ws, queue.id)).find((e) => e.type === 'offered')!;
    const kind = `test.${randomUUID()}`;
    // Due before the offer's timeout, so it is claimed first.
    await database.db.insert(jobs).values([
      { kind: `${kind}.fails`, runAt: new Date(now.getTime() - 1_000), payload: {} },
      { kind: `${kind}.works`, runAt: new Date(now.getTime() - 1_000), payload: {} },
    ]);
    const errors: unknown[] = [];
    const afterCommit: string[] = [];
    const runner = createJobRunner({
      routing: service,
      clock,
      sweepMs: 0,
      onError: (error) => errors.push(error),
      handlers: {
        [`${kind}.fails`]: async (tx) => {
          await tx.insert(jobs).values({ kind: `${kind}.left-behind`, runAt: now, payload: {} });
          throw new Error('handler failed');
        },
        [`${kind}.works`]: async () => ({ after: async () => void afterCommit.push('sent') }),
      },
    });
    now = new Date(now.getTime() + 11_000);
    await runner.runDue();
    await runner.stop();

    expect((await database.db.select().from(offers).where(sql`${offers.id} = ${offered.offerId}`))[0]!.state).toBe('expired');
    expect(errors).toEqual([expect.objectContaining({ message: 'handler failed' })]);
    expect(afterCommit).toEqual(['sent']);
    const rows = await database.db.select().from(jobs).where(sql`${jobs.kind} like ${`${kind}%`}`);
    expect(rows.find((r) => r.kind.endsWith('.left-behind'))).toBeUndefined();
    expect(rows.find((r) => r.kind.endsWith('.works'))!.doneAt).not.toBeNull();
    // The failed one waits to be tried again later.
    const failed = rows.find((r) => r.kind.endsWith('.fails'))!;
    expect(failed).toMatchObject({ doneAt: null, attempts: 1 });
    expect(failed.runAt.getTime()).toBeGreaterThan(now.getTime());
  });

  it('offers a top-N chat to N agents; the first to accept owns it, the other offer is withdrawn', async () => {
    const { ws, agentIds } = await workspaceWith(3);
    const service = routingService(database.db);
    const queue = await service.createQueue(ws, { name: 'TopN', mode: 'top_n', topN: 2 });
    await joinOnline(service, queue.id, agentIds);
    const [chat] = await newChats(ws, 1);
    const offered = (await service.enqueue(chat!, ws, queue.id)).filter((e) => e.type === 'offered');
    expect(offered).toHaveLength(2);
    const results = await Promise.allSettled(offered.map((o) => service.accept(o.agentId, o.offerId)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ type: string; agentId?: string }[]>).value;
    expect(winner.find((e) => e.type === 'offer.closed' && (e as { outcome?: string }).outcome === 'withdrawn')).toBeDefined();
    expect((await service.routingOf(chat!))!.state).toBe('owned');
  });

  it('shows a broadcast chat to the whole queue; the first to take it owns it', async () => {
    const { ws, agentIds } = await workspaceWith(3);
    const service = routingService(database.db);
    const queue = await service.createQueue(ws, { name: 'All', mode: 'broadcast' });
    await joinOnline(service, queue.id, agentIds);
    const [chat] = await newChats(ws, 1);
    expect((await service.enqueue(chat!, ws, queue.id)).map((e) => e.type)).toEqual(['broadcast']);
    const results = await Promise.allSettled(agentIds.map((id) => service.take({ agentId: id, workspaceId: ws, role: 'agent' }, chat!)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const other = await workspaceWith(1);
    await expect(service.take({ agentId: other.agentIds[0]!, workspaceId: other.ws, role: 'agent' }, chat!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('requires a wrap-up reason to resolve, then gives the agent the next waiting chat', async () => {
    const { ws, agentIds } = await workspaceWith(1);
    const [agent] = agentIds;
    const actor = { agentId: agent!, workspaceId: ws, role: 'agent' as const };
    const service = routingService(database.db);
    await service.addWrapUpReason(ws, 'Question answered');
    const queue = await service.createQueue(ws, { name: 'Solo', mode: 'least_busy' });
    await service.addAgent(queue.id, agent!);
    await service.setMaxChats(agent!, 1);
    await service.setStatus(agent!, 'online');
    const [one, two] = await newChats(ws, 2);
    await service.enqueue(one!, ws, queue.id);
    await service.enqueue(two!, ws, queue.id);
    expect((await service.routingOf(two!))!.state).toBe('waiting');
    await expect(service.resolve(actor, one!, '  ')).rejects.toMatchObject({ code: 'WRAP_UP_REQUIRED' });
    await expect(service.resolve(actor, one!, 'Something else')).rejects.toMatchObject({ code: 'WRAP_UP_REQUIRED' });
    const events = await service.resolve(actor, one!, 'Question answered');
    expect(events.map((e) => e.type)).toEqual(['resolved', 'assigned']);
    expect(await service.routingOf(one!)).toMatchObject({ state: 'resolved', wrapUp: 'Question answered' });
    expect(await service.routingOf(two!)).toMatchObject({ state: 'owned', ownerAgentId: agent });
  });

  it('gives no new chats to agents who are not Online or whose console has gone', async () => {
    const { ws, agentIds } = await workspaceWith(3);
    let now = new Date('2026-03-01T10:00:00Z');
    const service = routingService(database.db, { clock: () => now, staleAfterMs: 60_000 });
    const queue = await service.createQueue(ws, { name: 'Status', mode: 'round_robin' });
    for (const id of agentIds) await service.addAgent(queue.id, id);
    await service.setStatus(agentIds[0]!, 'break');
    await service.setStatus(agentIds[1]!, 'invisible');
    await service.setStatus(agentIds[2]!, 'online');
    now = new Date(now.getTime() + 120_000); // agent 2's console went quiet
    const [chat] = await newChats(ws, 1);
    expect(await service.enqueue(chat!, ws, queue.id)).toEqual([]);
    expect(await service.stats(queue.id)).toEqual({ waiting: 1, online: 0 });
    await service.seen(agentIds[2]!);
    const assigned = await service.dispatch(queue.id);
    expect(assigned).toEqual([{ type: 'assigned', workspaceId: ws, conversationId: chat, agentId: agentIds[2], queueId: queue.id }]);
  });
});
