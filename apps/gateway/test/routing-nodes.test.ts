import { PROTOCOL_VERSION, TOKEN_SUBPROTOCOL_PREFIX } from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../src/db/database.ts';
import { agents, jobs, offers } from '../src/db/schema/index.ts';
import { hashPassword } from '../src/domain/identity/secrets.ts';
import { openTestDatabase, TEST_DB } from './support/database.ts';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import { baseUrlOf, spawnGateway, type GatewayProcess } from './support/process.ts';
import { addAgent, api, call, demoAgent, visitorChat, type TestAgent } from './support/routing.ts';
import { openSocket } from './support/socket.ts';

// Several gateway nodes on one PostgreSQL database: routing's frames reach the right sockets on
// every node, an offer made on one node is accepted on another, and an offer's timeout is a row
// that outlives the process that made it and fires once.

describe.runIf(TEST_DB === 'postgres')('routing across gateway nodes', () => {
  let a: TestGateway;
  let b: TestGateway;
  let second: OpenDatabase;
  let adminOnA: TestAgent;

  beforeAll(async () => {
    a = await startGateway();
    second = await openDatabase({ kind: 'postgres', url: (a.database as OpenDatabase & { url: string }).url });
    b = await startGateway({}, second);
    adminOnA = await demoAgent(a);
  });
  afterAll(async () => {
    await b?.close();
    await second?.close();
    await a?.close();
  });

  async function queueFor(mode: string, members: TestAgent[], extra: Record<string, unknown> = {}) {
    const made = await api(a, adminOnA.cookie, 'POST', '/api/admin/queues', { name: `Q ${cid().slice(0, 8)}`, mode, ...extra });
    await api(a, adminOnA.cookie, 'PUT', `/api/admin/queues/${made.body.queue.id}/agents`, { agentIds: members.map((m) => m.id) });
    await a.app.parley.routing.setAppQueue('demo', made.body.queue.id);
    return made.body.queue as { id: string; name: string };
  }

  it('offers a chat written on one node to an agent on the other, who accepts it there; every node hears of it', async () => {
    const bea = await addAgent(b, 'Bea');
    const watcherOnA = await addAgent(a, 'Watcher');
    const queue = await queueFor('offer', [bea, watcherOnA]);
    // Bea's status change on node b reaches the agents on node a.
    expect((await api(b, bea.cookie, 'PUT', '/api/agent/status', { status: 'online' })).status).toBe(200);
    expect(await watcherOnA.socket.next('routing.agent', (f) => f.agent.id === bea.id && f.agent.status === 'online')).toBeTruthy();

    const chat = await visitorChat(a, 'Written on node a');
    expect(await chat.socket.next('queue.position')).toMatchObject({ position: 1 });
    const { offer } = await bea.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect(offer).toMatchObject({ kind: 'chat', queueId: queue.id, preview: 'Written on node a' });
    // The watcher works the queue too: they see the chat on node a while it waits.
    await watcherOnA.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.state === 'offered');

    expect((await api(b, bea.cookie, 'POST', `/api/agent/offers/${offer.id}/accept`)).status).toBe(200);
    expect(await chat.socket.next('queue.position', (f) => f.position === 0)).toBeTruthy();
    expect(await adminOnA.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.ownerAgentId === bea.id)).toBeTruthy();
    expect(await watcherOnA.socket.next('routing.access.lost', (f) => f.conversationId === chat.conversationId)).toMatchObject({ reason: 'taken' });
    expect(await adminOnA.socket.next('routing.queues', (f) => f.queues.some((q) => q.id === queue.id && q.waiting === 0))).toBeTruthy();

    // The visitor on node a and Bea on node b talk; the watcher on node a hears none of it.
    await call(chat.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'for Bea only' });
    await bea.socket.next('message.created', (f) => f.message.body === 'for Bea only');
    expect(await call(bea.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Bea on node b' })).toMatchObject({ type: 'message.ack' });
    await chat.socket.next('message.created', (f) => f.message.body === 'Bea on node b');
    expect(await call(watcherOnA.socket, { type: 'conversation.history', conversationId: chat.conversationId })).toMatchObject({ code: 'NOT_FOUND' });
    expect(watcherOnA.socket.frames.some((f) => f.type === 'message.created' && f.message.body === 'for Bea only')).toBe(false);
    for (const s of [bea.socket, watcherOnA.socket, chat.socket]) s.close();
  });

  it('transfers between agents on two nodes: the sender on one node loses the chat, the receiver on the other owns it', async () => {
    const sid = await addAgent(a, 'Sid');
    const ria = await addAgent(b, 'Ria');
    await queueFor('round_robin', [sid]);
    await api(a, sid.cookie, 'PUT', '/api/agent/status', { status: 'online' });
    const chat = await visitorChat(b, 'Transfer me across');
    await sid.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.ownerAgentId === sid.id);
    await api(a, sid.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { agentId: ria.id });
    const { offer } = await ria.socket.next('routing.offer', (f) => f.offer.kind === 'transfer');
    await api(b, ria.cookie, 'POST', `/api/agent/offers/${offer.id}/accept`);
    expect(await sid.socket.next('routing.transfer.result')).toMatchObject({ conversationId: chat.conversationId, accepted: true, to: { kind: 'agent', id: ria.id } });
    expect(await sid.socket.next('routing.access.lost')).toMatchObject({ conversationId: chat.conversationId, reason: 'transferred' });
    expect(await call(sid.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'too late' })).toMatchObject({ code: 'NOT_FOUND' });
    for (const s of [sid.socket, ria.socket, chat.socket]) s.close();
  });
});

describe.runIf(TEST_DB === 'postgres')('a gateway restart during an open offer', () => {
  let database: OpenDatabase & { url?: string };
  const processes: GatewayProcess[] = [];
  const PASSWORD = 'restart test password';

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await database?.close();
  });

  async function start() {
    const p = spawnGateway({ DATABASE_URL: database.url!, PARLEY_DEMO_PASSWORD: PASSWORD, PARLEY_RATE_LIMIT: '10000', PARLEY_AUTH_RATE_LIMIT: '10000' });
    processes.push(p);
    await p.ready;
    const url = baseUrlOf(p.output());
    const login = async (email: string) => {
      const res = await fetch(`${url}/api/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email, password: PASSWORD }) });
      expect(res.status).toBe(200);
      return res.headers.getSetCookie()[0]!.split(';')[0]!;
    };
    const openConsole = async (email: string) => {
      const cookie = await login(email);
      const socket = await openSocket(`${url.replace('http', 'ws')}/ws/agent?v=${PROTOCOL_VERSION}`, { origin: url, headers: { cookie } });
      await socket.next('hello');
      return { cookie, socket };
    };
    return { p, url, login, openConsole };
  }

  it('fires the timeout after the restart, once, with two processes running, and offers the chat to the next agent', async () => {
    const first = await start();
    const hash = await hashPassword(PASSWORD);
    const made = await database.db
      .insert(agents)
      .values(['one', 'two'].map((n) => ({ workspaceId: 'demo', email: `${n}@restart.example`, name: `Agent ${n}`, role: 'agent' as const, passwordHash: hash })))
      .returning({ id: agents.id, email: agents.email });
    const admin = await first.login('agent@example.com');
    const headers = { cookie: admin, origin: first.url, 'content-type': 'application/json' };
    const queue = await (await fetch(`${first.url}/api/admin/queues`, { method: 'POST', headers, body: JSON.stringify({ name: 'Restart', mode: 'offer', offerTimeoutMs: 4000 }) })).json();
    await fetch(`${first.url}/api/admin/queues/${queue.queue.id}/agents`, { method: 'PUT', headers, body: JSON.stringify({ agentIds: made.map((m) => m.id) }) });
    // Only agent one is Online now: the offer goes to them.
    const one = await first.openConsole('one@restart.example');
    await fetch(`${first.url}/api/agent/status`, { method: 'PUT', headers: { cookie: one.cookie, origin: first.url, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'online' }) });
    await database.db.execute(sql`insert into app_queues (app_id, queue_id) values ('demo', ${queue.queue.id}) on conflict (app_id) do update set queue_id = excluded.queue_id`);
    const session = await (await fetch(`${first.url}/api/visitor/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', origin: first.url }, body: JSON.stringify({ appId: 'demo' }) })).json();
    const visitor = await openSocket(`${first.url.replace('http', 'ws')}/ws/visitor?v=${PROTOCOL_VERSION}`, { origin: first.url, protocols: ['parley', TOKEN_SUBPROTOCOL_PREFIX + session.token] });
    await visitor.next('hello');
    visitor.send({ type: 'message.send', ref: 'm', clientConversationId: cid(), clientMessageId: cid(), body: 'Hello before the restart' });
    const { conversationId } = await visitor.next('message.ack');
    const { offer } = await one.socket.next('routing.offer', (f) => f.offer.conversationId === conversationId);
    visitor.close();

    // The process that made the offer stops before the offer runs out.
    expect(await first.p.stop()).toBe(0);
    const [stillPending] = await database.db.select().from(offers).where(eq(offers.id, offer.id));
    expect(stillPending!.state).toBe('pending');

    // Two processes come up; agent two is Online on one of them.
    const [x, y] = await Promise.all([start(), start()]);
    const two = await y.openConsole('two@restart.example');
    await fetch(`${y.url}/api/agent/status`, { method: 'PUT', headers: { cookie: two.cookie, origin: y.url, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'online' }) });
    const next = await two.socket.next('routing.offer', (f) => f.offer.conversationId === conversationId, { timeoutMs: 20_000 });
    expect(next.offer.id).not.toBe(offer.id);

    const [expired] = await database.db.select().from(offers).where(eq(offers.id, offer.id));
    expect(expired!.state).toBe('expired');
    const [job] = await database.db.select().from(jobs).where(sql`${jobs.payload} ->> 'offerId' = ${offer.id}`);
    expect(job).toMatchObject({ attempts: 1 });
    expect(job!.doneAt).not.toBeNull();
    const chatOffers = await database.db.select().from(offers).where(eq(offers.conversationId, conversationId));
    expect(chatOffers.map((o) => [o.agentId, o.state]).sort()).toEqual(
      [
        [made.find((m) => m.email === 'one@restart.example')!.id, 'expired'],
        [made.find((m) => m.email === 'two@restart.example')!.id, 'pending'],
      ].sort(),
    );
    // Agent one missed it: RONA until they choose Online again.
    const snapshot = await (await fetch(`${x.url}/api/agent/routing`, { headers: { cookie: await x.login('one@restart.example') } })).json();
    expect(snapshot.me.status).toBe('rona');
    two.socket.close();
  }, 120_000);
});
