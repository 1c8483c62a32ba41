import { RoutingSnapshotSchema } from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentStatus, routing } from '../src/db/schema/index.ts';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import { addAgent, api, demoAgent, demoQueue, queueNamed, type TestAgent, visitorChat } from './support/routing.ts';

// Routing wired into a gateway on a real port: the seed, queueing of new conversations, the
// console's status, offers on sockets, queue counts and places, and the HTTP API's answers to
// good and bad input.

let gw: TestGateway;
let admin: TestAgent;

beforeAll(async () => {
  gw = await startGateway();
  admin = await demoAgent(gw);
});
afterAll(() => gw.close());

const freshQueue = (body: Record<string, unknown>, members: TestAgent[]) => demoQueue(gw, admin, body, members);

const goOnline = (agent: TestAgent) => api(gw, agent.cookie, 'PUT', '/api/agent/status', { status: 'online' });

describe('routing in the gateway', () => {
  it('seeds the queue Support with the demo agent and the wrap-up reasons, and answers the console a snapshot', async () => {
    const snapshot = await api(gw, admin.cookie, 'GET', '/api/agent/routing');
    expect(snapshot.status).toBe(200);
    expect(v.is(RoutingSnapshotSchema, snapshot.body)).toBe(true);
    const support = snapshot.body.queues.find((q: { name: string }) => q.name === 'Support');
    expect(support).toMatchObject({ mode: 'offer', agentIds: [admin.id], waiting: 0 });
    expect(snapshot.body.wrapUpReasons.map((r: { label: string }) => r.label).sort()).toEqual(['Needs follow-up', 'Solved', 'Spam']);
    expect(snapshot.body.me).toMatchObject({ id: admin.id, role: 'admin', status: 'offline', connected: true, queueIds: [support.id] });
    // How long a resolved chat stays in Closed, for the resolve dialog to say (PARLEY_ARCHIVE_AFTER_DAYS, 7 by default).
    expect(snapshot.body.archiveAfterDays).toBe(7);
  });

  it('queues a new visitor conversation in the app queue, tells the visitor their place, and offers it once the agent is Online', async () => {
    const support = await queueNamed(gw, 'Support');
    const first = await visitorChat(gw, 'First in line');
    const second = await visitorChat(gw, 'Second in line');
    // The write itself queued them: the rows are there as soon as the message is acknowledged.
    const rows = await gw.database.db.select().from(routing).where(sql`${routing.conversationId} in (${first.conversationId}, ${second.conversationId})`);
    expect(rows.map((r) => [r.queueId, r.state])).toEqual([
      [support.id, 'waiting'],
      [support.id, 'waiting'],
    ]);
    expect(await first.socket.next('queue.position')).toEqual({ type: 'queue.position', conversationId: first.conversationId, position: 1 });
    expect(await second.socket.next('queue.position')).toEqual({ type: 'queue.position', conversationId: second.conversationId, position: 2 });
    const list = await api(gw, admin.cookie, 'GET', '/api/agent/conversations');
    expect(list.body.conversations.find((c: { id: string }) => c.id === first.conversationId).routing).toEqual({
      state: 'waiting', queueId: support.id, ownerAgentId: null, ownerName: null, guests: [], wrapUp: null,
    });

    const from = admin.socket.frames.length;
    const online = await goOnline(admin);
    expect(online).toMatchObject({ status: 200, body: { agent: { id: admin.id, status: 'online', connected: true } } });
    const offer = (await admin.socket.next('routing.offer', (f) => f.offer.conversationId === first.conversationId, { from })).offer;
    expect(offer).toMatchObject({ kind: 'chat', queueId: support.id, queueName: 'Support', preview: 'First in line', customerName: null, expiresAt: expect.any(String) });
    await admin.socket.next('routing.offer', (f) => f.offer.conversationId === second.conversationId, { from });

    const accepted = await api(gw, admin.cookie, 'POST', `/api/agent/offers/${offer.id}/accept`);
    expect(accepted).toMatchObject({ status: 200, body: { conversation: { id: first.conversationId, routing: { state: 'owned', ownerAgentId: admin.id, ownerName: 'Demo Agent' } } } });
    expect(await admin.socket.next('routing.offer.closed', (f) => f.offerId === offer.id)).toMatchObject({ outcome: 'accepted' });
    expect(await admin.socket.next('routing.conversation', (f) => f.conversationId === first.conversationId && f.routing.state === 'owned')).toBeTruthy();
    expect(await first.socket.next('queue.position', (f) => f.position === 0)).toEqual({ type: 'queue.position', conversationId: first.conversationId, position: 0 });
    expect(await second.socket.next('queue.position', (f) => f.position === 1)).toMatchObject({ conversationId: second.conversationId });
    // A second answer to the same offer finds it gone.
    expect(await api(gw, admin.cookie, 'POST', `/api/agent/offers/${offer.id}/accept`)).toMatchObject({ status: 409, body: { error: { code: 'OFFER_GONE' } } });
    expect((await api(gw, admin.cookie, 'PUT', '/api/agent/status', { status: 'offline' })).status).toBe(200);
    first.socket.close();
    second.socket.close();
  });

  it('hands out a queued chat whose dispatch never ran (a node that died after the write): the sweep finds it', async () => {
    const ana = await addAgent(gw, 'Ana');
    await freshQueue({ mode: 'offer' }, [ana]);
    const chat = await visitorChat(gw, 'Anyone there?');
    expect((await gw.app.parley.routing.routingOf(chat.conversationId))?.state).toBe('waiting');
    // Ana becomes Online behind routing's back: nothing dispatches the queue but the sweep.
    await gw.database.db.update(agentStatus).set({ status: 'online', lastSeenAt: new Date() }).where(eq(agentStatus.agentId, ana.id));
    const offer = await ana.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId, { timeoutMs: 15_000 });
    expect(offer.offer.preview).toBe('Anyone there?');
    ana.socket.close();
    chat.socket.close();
  });

  it('keeps the console told: agents see status changes, queue agents and admins see live queue counts', async () => {
    const ben = await addAgent(gw, 'Ben');
    const cara = await addAgent(gw, 'Cara');
    const queue = await freshQueue({ mode: 'round_robin' }, [ben]);
    const from = { cara: cara.socket.frames.length, admin: admin.socket.frames.length, ben: ben.socket.frames.length };
    expect((await goOnline(ben)).status).toBe(200);
    // Everyone in the workspace sees Ben's new status (the transfer picker lists it live).
    expect(await cara.socket.next('routing.agent', (f) => f.agent.id === ben.id && f.agent.status === 'online', { from: from.cara })).toBeTruthy();
    const counts = (f: { queues: { id: string; online: number }[] }) => f.queues.some((q) => q.id === queue.id && q.online === 1);
    expect(await ben.socket.next('routing.queues', counts, { from: from.ben })).toBeTruthy();
    expect(await admin.socket.next('routing.queues', counts, { from: from.admin })).toBeTruthy();
    // Cara works no queue: her routing.queues list never names Ben's queue.
    const chat = await visitorChat(gw, 'Round robin please');
    await ben.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.state === 'owned');
    expect(cara.socket.frames.filter((f) => f.type === 'routing.queues').flatMap((f) => f.queues.map((q) => q.id))).not.toContain(queue.id);
    // Round robin assigns without an offer; the load shows.
    expect(await admin.socket.next('routing.agent', (f) => f.agent.id === ben.id && f.agent.load === 1)).toBeTruthy();
    for (const s of [ben.socket, cara.socket, chat.socket]) s.close();
  });
});

describe('routing HTTP API', () => {
  let agentOnly: TestAgent;
  beforeAll(async () => {
    agentOnly = await addAgent(gw, 'Dee');
  });

  it('lets admins manage queues, their agents, wrap-up reasons and chat limits', async () => {
    const made = await api(gw, admin.cookie, 'POST', '/api/admin/queues', { name: 'Billing', mode: 'top_n', topN: 2, offerTimeoutMs: 20_000 });
    expect(made).toMatchObject({ status: 201, body: { queue: { name: 'Billing', mode: 'top_n', topN: 2, offerTimeoutMs: 20_000, waiting: 0, online: 0, agentIds: [] } } });
    const id = made.body.queue.id as string;
    expect(await api(gw, admin.cookie, 'POST', '/api/admin/queues', { name: 'Billing', mode: 'offer' })).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect(await api(gw, admin.cookie, 'PATCH', `/api/admin/queues/${id}`, { name: 'Billing & refunds', mode: 'broadcast' })).toMatchObject({
      status: 200,
      body: { queue: { id, name: 'Billing & refunds', mode: 'broadcast', topN: 2 } },
    });
    expect(await api(gw, admin.cookie, 'PATCH', `/api/admin/queues/${id}`, { name: 'Support' })).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect(await api(gw, admin.cookie, 'PUT', `/api/admin/queues/${id}/agents`, { agentIds: [agentOnly.id, admin.id] })).toMatchObject({
      status: 200,
      body: { queue: { agentIds: [agentOnly.id, admin.id].sort() } },
    });
    expect((await api(gw, admin.cookie, 'GET', '/api/admin/queues')).body.queues.map((q: { name: string }) => q.name)).toContain('Billing & refunds');

    const reason = await api(gw, admin.cookie, 'POST', '/api/admin/wrap-up-reasons', { label: '  Refunded  ' });
    expect(reason).toMatchObject({ status: 201, body: { wrapUpReason: { label: 'Refunded' } } });
    expect(await api(gw, admin.cookie, 'POST', '/api/admin/wrap-up-reasons', { label: 'Refunded' })).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect((await api(gw, admin.cookie, 'GET', '/api/admin/wrap-up-reasons')).body.wrapUpReasons.map((r: { label: string }) => r.label)).toContain('Refunded');
    expect((await api(gw, admin.cookie, 'DELETE', `/api/admin/wrap-up-reasons/${reason.body.wrapUpReason.id}`)).status).toBe(204);
    expect(await api(gw, admin.cookie, 'DELETE', `/api/admin/wrap-up-reasons/${reason.body.wrapUpReason.id}`)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });

    expect(await api(gw, admin.cookie, 'PATCH', `/api/admin/agents/${agentOnly.id}`, { maxChats: 5 })).toMatchObject({ status: 200, body: { agent: { id: agentOnly.id, maxChats: 5 } } });
    const seen = await api(gw, agentOnly.cookie, 'GET', '/api/agent/routing');
    expect(seen.body.me).toMatchObject({ maxChats: 5, queueIds: [id] });
  });

  it('refuses admin routes to agents who are not admins, changing nothing', async () => {
    const before = await api(gw, admin.cookie, 'GET', '/api/admin/queues');
    const [queue] = before.body.queues as { id: string; name: string }[];
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/admin/queues'],
      ['POST', '/api/admin/queues', { name: 'Sneaky', mode: 'offer' }],
      ['PATCH', `/api/admin/queues/${queue!.id}`, { name: 'Renamed' }],
      ['PUT', `/api/admin/queues/${queue!.id}/agents`, { agentIds: [] }],
      ['GET', '/api/admin/wrap-up-reasons'],
      ['POST', '/api/admin/wrap-up-reasons', { label: 'Sneaky' }],
      ['DELETE', `/api/admin/wrap-up-reasons/${cid()}`],
      ['PATCH', `/api/admin/agents/${agentOnly.id}`, { maxChats: 50 }],
    ];
    for (const [method, path, body] of calls) {
      expect(await api(gw, agentOnly.cookie, method, path, body), `${method} ${path}`).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    }
    expect(await api(gw, admin.cookie, 'GET', '/api/admin/queues')).toEqual(before);
  });

  it('answers bad input on every route with a stable code and field errors, and changes nothing', async () => {
    const queues = (await api(gw, admin.cookie, 'GET', '/api/admin/queues')).body.queues as { id: string }[];
    const queueId = queues[0]!.id;
    await freshQueue({ mode: 'offer' }, []);
    const chat = await visitorChat(gw, 'Bad input probe');
    const id = chat.conversationId;
    const bad: [string, string, unknown, string?][] = [
      ['PUT', '/api/agent/status', { status: 'rona' }, 'status'],
      ['PUT', '/api/agent/status', { status: 'online', extra: 1 }, 'extra'],
      ['PUT', '/api/agent/status', {}, 'status'],
      ['PUT', '/api/agent/status', 'not json'],
      ['POST', `/api/agent/conversations/${id}/transfer`, { agentId: admin.id, queueId }],
      ['POST', `/api/agent/conversations/${id}/transfer`, {}],
      ['POST', `/api/agent/conversations/${id}/transfer`, { agentId: 'has spaces' }, 'agentId'],
      ['POST', `/api/agent/conversations/${id}/invite`, { agentId: 7 }, 'agentId'],
      ['POST', `/api/agent/conversations/${id}/resolve`, { wrapUp: '   ' }, 'wrapUp'],
      ['POST', `/api/agent/conversations/${id}/resolve`, { wrapUp: 'x'.repeat(121) }, 'wrapUp'],
      ['POST', `/api/agent/conversations/${id}/resolve`, {}, 'wrapUp'],
      ['POST', '/api/admin/queues', { name: '', mode: 'offer' }, 'name'],
      ['POST', '/api/admin/queues', { name: 'X', mode: 'lottery' }, 'mode'],
      ['POST', '/api/admin/queues', { name: 'X', mode: 'top_n', topN: 0 }, 'topN'],
      ['POST', '/api/admin/queues', { name: 'X', mode: 'offer', offerTimeoutMs: 10 }, 'offerTimeoutMs'],
      ['POST', '/api/admin/queues', { name: 'X', mode: 'offer', colour: 'red' }, 'colour'],
      ['PATCH', `/api/admin/queues/${queueId}`, { topN: 1.5 }, 'topN'],
      ['PUT', `/api/admin/queues/${queueId}/agents`, { agentIds: 'everyone' }, 'agentIds'],
      ['PUT', `/api/admin/queues/${queueId}/agents`, { agentIds: Array.from({ length: 501 }, () => cid()) }, 'agentIds'],
      ['POST', '/api/admin/wrap-up-reasons', { label: 42 }, 'label'],
      ['PATCH', `/api/admin/agents/${admin.id}`, { maxChats: 0 }, 'maxChats'],
      ['PATCH', `/api/admin/agents/${admin.id}`, { maxChats: '3' }, 'maxChats'],
    ];
    for (const [method, path, body, field] of bad) {
      const res = await api(gw, admin.cookie, method, path, body);
      expect(res, `${method} ${path} ${JSON.stringify(body)}`).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
      if (field) expect(res.body.error.fields.map((f: { field: string }) => f.field), `${method} ${path}`).toContain(field);
    }
    // Ids of the wrong shape are bad requests; well-formed ids of nothing are missing.
    expect(await api(gw, admin.cookie, 'POST', '/api/agent/offers/not%20an%20id/accept')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    const missing: [string, string, unknown?][] = [
      ['POST', `/api/agent/offers/${cid()}/accept`],
      ['POST', `/api/agent/offers/not-a-uuid/decline`],
      ['POST', `/api/agent/conversations/${cid()}/take`],
      ['POST', `/api/agent/conversations/${cid()}/transfer`, { agentId: admin.id }],
      ['POST', `/api/agent/conversations/${cid()}/invite`, { agentId: admin.id }],
      ['POST', `/api/agent/conversations/${cid()}/leave`],
      ['POST', `/api/agent/conversations/${cid()}/conference/end`],
      ['POST', `/api/agent/conversations/${cid()}/resolve`, { wrapUp: 'Solved' }],
      ['PATCH', `/api/admin/queues/${cid()}`, { name: 'Nope' }],
      ['PUT', `/api/admin/queues/${cid()}/agents`, { agentIds: [] }],
      ['PUT', `/api/admin/queues/${queueId}/agents`, { agentIds: [cid()] }],
      ['PATCH', `/api/admin/agents/${cid()}`, { maxChats: 2 }],
    ];
    for (const [method, path, body] of missing) {
      expect(await api(gw, admin.cookie, method, path, body), `${method} ${path}`).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    }
    // Without a session, and from a foreign page.
    expect(await api(gw, '', 'GET', '/api/agent/routing')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(await api(gw, admin.cookie, 'PUT', '/api/agent/status', { status: 'online' }, 'https://evil.example')).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN_ORIGIN' } },
    });
    // Nothing changed: the chat still waits, the admin is still not Online.
    expect((await gw.app.parley.routing.routingOf(id))?.state).toBe('waiting');
    expect((await api(gw, admin.cookie, 'GET', '/api/agent/routing')).body.me.status).not.toBe('online');
    chat.socket.close();
  });

  it("masks the customer's personal data in an offer's preview when the workspace masks it", async () => {
    const fay = await addAgent(gw, 'Fay');
    await freshQueue({ mode: 'offer' }, [fay]);
    await goOnline(fay);
    expect((await api(gw, admin.cookie, 'PATCH', '/api/admin/workspace', { maskPersonalData: true })).status).toBe(200);
    try {
      const chat = await visitorChat(gw, 'Call me on +447966197542');
      const { offer } = await fay.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
      expect(offer.preview).toBe('Call me on *********7542');
      const snapshot = await api(gw, fay.cookie, 'GET', '/api/agent/routing');
      expect(JSON.stringify(snapshot.body)).not.toContain('447966197542');
      chat.socket.close();
    } finally {
      await api(gw, admin.cookie, 'PATCH', '/api/admin/workspace', { maskPersonalData: false });
      fay.socket.close();
    }
  });

    it('refuses to decline a chat from a queue, and to resolve without one of the wrap-up reasons', async () => {
    const eve = await addAgent(gw, 'Eve');
    await freshQueue({ mode: 'offer' }, [eve]);
    await goOnline(eve);
    const chat = await visitorChat(gw, 'Decline me?');
    const { offer } = await eve.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect(await api(gw, eve.cookie, 'POST', `/api/agent/offers/${offer.id}/decline`)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    // Someone else's offer answers like a missing one.
    expect(await api(gw, agentOnly.cookie, 'POST', `/api/agent/offers/${offer.id}/accept`)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await api(gw, eve.cookie, 'POST', `/api/agent/offers/${offer.id}/accept`)).status).toBe(200);
    expect(await api(gw, eve.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/resolve`, { wrapUp: 'Because' })).toMatchObject({
      status: 400,
      body: { error: { code: 'WRAP_UP_REQUIRED', message: expect.stringContaining('Solved') } },
    });
    expect((await gw.app.parley.routing.routingOf(chat.conversationId))?.state).toBe('owned');
    eve.socket.close();
    chat.socket.close();
  });
});

describe('an agent whose console has gone', () => {
  let quick: TestGateway;
  beforeAll(async () => {
    quick = await startGateway({ PARLEY_AGENT_STALE_MS: '1000' });
  });
  afterAll(() => quick.close());

  it('gets no new chats once PARLEY_AGENT_STALE_MS passed without a sign of the console, and gets them again when it is back', async () => {
    const boss = await demoAgent(quick);
    const gus = await addAgent(quick, 'Gus');
    const made = await api(quick, boss.cookie, 'POST', '/api/admin/queues', { name: 'Stale', mode: 'offer' });
    await api(quick, boss.cookie, 'PUT', `/api/admin/queues/${made.body.queue.id}/agents`, { agentIds: [gus.id] });
    await quick.app.parley.routing.setAppQueue('demo', made.body.queue.id);
    await api(quick, gus.cookie, 'PUT', '/api/agent/status', { status: 'online' });
    // While the console is open, the heartbeat keeps Gus present past the window.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api(quick, boss.cookie, 'GET', '/api/agent/routing')).body.agents.find((a: { id: string }) => a.id === gus.id)).toMatchObject({ connected: true });
    gus.socket.close();
    const gone = async () => (await api(quick, boss.cookie, 'GET', '/api/agent/routing')).body.agents.find((a: { id: string }) => a.id === gus.id).connected === false;
    while (!(await gone())) await new Promise((r) => setTimeout(r, 200));
    const chat = await visitorChat(quick, 'Is anyone there?');
    // Handing out the queue now gives nobody anything.
    expect(await quick.app.parley.routing.dispatch(made.body.queue.id)).toEqual([]);
    expect((await quick.app.parley.routing.routingOf(chat.conversationId))?.state).toBe('waiting');
    // Still Online, but away from the console: no offer until Gus is back.
    const socket = await quick.connectAgent(gus.cookie);
    const offer = await socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect(offer.offer.preview).toBe('Is anyone there?');
    for (const s of [socket, boss.socket, chat.socket]) s.close();
  });
});
