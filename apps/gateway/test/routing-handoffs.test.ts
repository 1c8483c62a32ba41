import type { ServerFrame } from '@parley/protocol';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, jobs, offers, queues, routing } from '../src/db/schema/index.ts';
import { ARCHIVE_RESOLVED } from '../src/domain/routing/routing-service.ts';
import { CHAT_ENDED } from '../src/domain/routing/system-messages.ts';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import { addAgent, api, call, demoAgent, demoQueue, type TestAgent, visitorChat } from './support/routing.ts';

// Transfer, conference and resolve on real sockets: each step is one transaction, the frames
// reach sender and target, the visitor reads what they should, and nobody keeps what they lost.

let gw: TestGateway;
let admin: TestAgent;

beforeAll(async () => {
  gw = await startGateway();
  admin = await demoAgent(gw);
});
afterAll(() => gw.close());

const queueFor = (mode: string, members: TestAgent[], extra: Record<string, unknown> = {}) => demoQueue(gw, admin, { mode, ...extra }, members);

const goOnline = (agent: TestAgent) => api(gw, agent.cookie, 'PUT', '/api/agent/status', { status: 'online' });

/** An agent who owns a fresh chat from a round-robin queue of their own (`extra`: the queue's settings). */
async function ownedChat(name: string, body = 'I need a hand', extra: Record<string, unknown> = {}) {
  const owner = await addAgent(gw, name);
  await queueFor('round_robin', [owner], extra);
  await goOnline(owner);
  const chat = await visitorChat(gw, body);
  await owner.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.ownerAgentId === owner.id);
  return { owner, chat };
}

/** The ids of a list or view, as the agent reads it. */
async function listed(agent: TestAgent, path: string): Promise<string[]> {
  const answer = await api(gw, agent.cookie, 'GET', path);
  expect(answer.status, path).toBe(200);
  return answer.body.conversations.map((c: { id: string }) => c.id);
}

/** The job that will move a resolved chat to the archive. */
async function archiveJobOf(conversationId: string) {
  const rows = await gw.database.db.select().from(jobs).where(and(eq(jobs.kind, ARCHIVE_RESOLVED), sql`${jobs.payload} ->> 'conversationId' = ${conversationId}`));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** Waits until `done` holds (the job runner works on its own schedule). */
async function until(done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The one agent of `among` with a pending offer for the chat. */
async function offeredTo(conversationId: string, among: TestAgent[]): Promise<TestAgent> {
  const rows = await gw.database.db.select().from(offers).where(and(eq(offers.conversationId, conversationId), eq(offers.state, 'pending')));
  expect(rows).toHaveLength(1);
  return among.find((a) => a.id === rows[0]!.agentId)!;
}

/** Every agent ever offered the chat, sorted. */
async function offerAgents(conversationId: string): Promise<string[]> {
  const rows = await gw.database.db.select({ agentId: offers.agentId }).from(offers).where(eq(offers.conversationId, conversationId));
  return rows.map((r) => r.agentId).sort();
}

describe('transfer', () => {
  it('to an agent who refuses: the chat stays the sender’s, who is told, and the target never had it', async () => {
    const { owner, chat } = await ownedChat('Kai');
    const lee = await addAgent(gw, 'Lee');
    expect((await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { agentId: lee.id })).status).toBe(202);
    // A second transfer while one waits is refused.
    expect(await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { agentId: admin.id })).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    const { offer } = await lee.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect((await api(gw, lee.cookie, 'POST', `/api/agent/offers/${offer.id}/decline`)).status).toBe(200);
    expect(await lee.socket.next('routing.offer.closed', (f) => f.offerId === offer.id)).toMatchObject({ outcome: 'declined' });
    expect(await owner.socket.next('routing.transfer.result', (f) => f.conversationId === chat.conversationId)).toEqual({
      type: 'routing.transfer.result', conversationId: chat.conversationId, accepted: false, to: { kind: 'agent', id: lee.id, name: 'Lee' },
    });
    expect((await gw.app.parley.routing.routingOf(chat.conversationId))).toMatchObject({ state: 'owned', ownerAgentId: owner.id });
    expect(await call(lee.socket, { type: 'conversation.history', conversationId: chat.conversationId })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await call(owner.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Still with you' })).type).toBe('message.ack');
    // Refusing again finds the offer gone.
    expect(await api(gw, lee.cookie, 'POST', `/api/agent/offers/${offer.id}/decline`)).toMatchObject({ status: 409, body: { error: { code: 'OFFER_GONE' } } });
    for (const s of [owner.socket, lee.socket, chat.socket]) s.close();
  });

  it('to a queue: its available agent gets the offer; when it runs out the sender is told and keeps the chat', async () => {
    const { owner, chat } = await ownedChat('Max');
    const nia = await addAgent(gw, 'Nia');
    const target = await queueFor('offer', [nia], { offerTimeoutMs: 1000 });
    await goOnline(nia);
    expect((await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { queueId: target.id })).body).toEqual({ pending: true });
    const { offer } = await nia.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect(offer).toMatchObject({ kind: 'transfer', queueId: target.id, queueName: target.name, from: { id: owner.id, name: 'Max' } });
    expect(await nia.socket.next('routing.offer.closed', (f) => f.offerId === offer.id, { timeoutMs: 15_000 })).toMatchObject({ outcome: 'expired' });
    expect(await owner.socket.next('routing.transfer.result')).toMatchObject({ accepted: false, to: { kind: 'queue', id: target.id, name: target.name } });
    // A transfer that runs out is not a missed chat: Nia stays Online.
    expect((await api(gw, nia.cookie, 'GET', '/api/agent/routing')).body.me.status).toBe('online');
    expect((await gw.app.parley.routing.routingOf(chat.conversationId))?.ownerAgentId).toBe(owner.id);
    for (const s of [owner.socket, nia.socket, chat.socket]) s.close();
  });

  it('to an offer-mode queue: a refusal, then a timeout, move the chat on to the queue’s next available agent, as for a new chat', async () => {
    const { owner, chat } = await ownedChat('Ari');
    const team = [await addAgent(gw, 'Bo'), await addAgent(gw, 'Cy'), await addAgent(gw, 'Di')];
    const target = await queueFor('offer', team, { offerTimeoutMs: 1000 });
    for (const agent of team) await goOnline(agent);
    expect((await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { queueId: target.id })).body).toEqual({ pending: true });

    // One agent at a time, as the queue's mode says.
    const first = await offeredTo(chat.conversationId, team);
    const { offer: one } = await first.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect((await api(gw, first.cookie, 'POST', `/api/agent/offers/${one.id}/decline`)).status).toBe(200);

    const second = await offeredTo(chat.conversationId, team);
    expect(second.id).not.toBe(first.id);
    const { offer: two } = await second.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect(two).toMatchObject({ kind: 'transfer', queueId: target.id, from: { id: owner.id, name: 'Ari' } });
    expect(await second.socket.next('routing.offer.closed', (f) => f.offerId === two.id, { timeoutMs: 15_000 })).toMatchObject({ outcome: 'expired' });

    const third = await offeredTo(chat.conversationId, team);
    expect([first.id, second.id]).not.toContain(third.id);
    const { offer: three } = await third.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect((await api(gw, third.cookie, 'POST', `/api/agent/offers/${three.id}/accept`)).status).toBe(200);
    expect(await owner.socket.next('routing.transfer.result', (f) => f.conversationId === chat.conversationId)).toMatchObject({ accepted: true, to: { kind: 'queue', id: target.id } });
    expect(await gw.app.parley.routing.routingOf(chat.conversationId)).toMatchObject({ state: 'owned', ownerAgentId: third.id, queueId: target.id });
    // The sender heard one answer, the last; nobody was asked twice.
    expect(owner.socket.frames.filter((f) => f.type === 'routing.transfer.result' && f.conversationId === chat.conversationId)).toHaveLength(1);
    expect(await offerAgents(chat.conversationId)).toEqual([first.id, second.id, third.id].sort());
    for (const s of [owner.socket, chat.socket, ...team.map((a) => a.socket)]) s.close();
  });

  it('to a queue whose available agents all refuse: the chat comes back to the sender, who is told once', async () => {
    const { owner, chat } = await ownedChat('Eli');
    const team = [await addAgent(gw, 'Fe'), await addAgent(gw, 'Gil')];
    const target = await queueFor('offer', team);
    for (const agent of team) await goOnline(agent);
    await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { queueId: target.id });
    for (let i = 0; i < team.length; i++) {
      const agent = await offeredTo(chat.conversationId, team);
      const { offer } = await agent.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
      expect((await api(gw, agent.cookie, 'POST', `/api/agent/offers/${offer.id}/decline`)).status).toBe(200);
    }
    expect(await owner.socket.next('routing.transfer.result', (f) => f.conversationId === chat.conversationId)).toMatchObject({ accepted: false, to: { kind: 'queue', id: target.id } });
    expect(owner.socket.frames.filter((f) => f.type === 'routing.transfer.result' && f.conversationId === chat.conversationId)).toHaveLength(1);
    expect(await gw.app.parley.routing.routingOf(chat.conversationId)).toMatchObject({ state: 'owned', ownerAgentId: owner.id });
    expect(await offerAgents(chat.conversationId)).toEqual(team.map((a) => a.id).sort());
    // A new transfer is a new round: the same agents are asked again.
    expect((await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { queueId: target.id })).body).toEqual({ pending: true });
    expect(team.map((a) => a.id)).toContain((await offeredTo(chat.conversationId, team)).id);
    for (const s of [owner.socket, chat.socket, ...team.map((a) => a.socket)]) s.close();
  });

  it('to a queue with nobody available: refused at once', async () => {
    const { owner, chat } = await ownedChat('Oli');
    const empty = await queueFor('offer', []);
    expect((await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { queueId: empty.id })).body).toEqual({ pending: false });
    expect(await owner.socket.next('routing.transfer.result')).toMatchObject({ accepted: false, to: { kind: 'queue', id: empty.id } });
    for (const s of [owner.socket, chat.socket]) s.close();
  });

  it('is for the owner only: others who see the chat are refused, the rest get a missing chat', async () => {
    const { owner, chat } = await ownedChat('Pia');
    const stranger = await addAgent(gw, 'Quin');
    expect(await api(gw, admin.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { agentId: stranger.id })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await api(gw, stranger.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { agentId: admin.id })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { agentId: cid() })).toMatchObject({ status: 404, body: { error: { message: 'No such agent.' } } });
    expect(await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { agentId: owner.id })).toMatchObject({ status: 409 });
    for (const s of [owner.socket, stranger.socket, chat.socket]) s.close();
  });
});

describe('conference', () => {
  it('invites an agent who joins (the visitor reads it), leaves (read again), and loses access', async () => {
    const { owner, chat } = await ownedChat('Ray');
    const sue = await addAgent(gw, 'Sue');
    expect((await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/invite`, { agentId: sue.id })).status).toBe(202);
    expect(await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/invite`, { agentId: sue.id })).toMatchObject({ status: 409 });
    const { offer } = await sue.socket.next('routing.offer', (f) => f.offer.kind === 'invite');
    expect(offer).toMatchObject({ conversationId: chat.conversationId, from: { id: owner.id, name: 'Ray' } });
    const joined = await api(gw, sue.cookie, 'POST', `/api/agent/offers/${offer.id}/accept`);
    expect(joined.body.conversation.routing).toMatchObject({ ownerAgentId: owner.id, guests: [{ id: sue.id, name: 'Sue' }] });
    expect(await chat.socket.next('message.created', (f) => f.message.body === 'Sue joined the conversation.')).toMatchObject({ message: { author: { kind: 'system' } } });
    expect(await owner.socket.next('routing.conversation', (f) => f.routing.guests.length === 1)).toBeTruthy();
    // Both answer; the visitor reads both.
    expect((await call(sue.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Sue here' })).type).toBe('message.ack');
    await chat.socket.next('message.created', (f) => f.message.body === 'Sue here');

    expect((await api(gw, sue.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/leave`)).status).toBe(200);
    expect(await chat.socket.next('message.created', (f) => f.message.body === 'Sue left the conversation.')).toBeTruthy();
    expect(await sue.socket.next('routing.access.lost')).toMatchObject({ conversationId: chat.conversationId, reason: 'left' });
    expect(await call(sue.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'back?' })).toMatchObject({ code: 'NOT_FOUND' });
    // Leaving twice: no longer theirs at all.
    expect(await api(gw, sue.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/leave`)).toMatchObject({ status: 404 });
    // The owner is no guest.
    expect(await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/leave`)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    for (const s of [owner.socket, sue.socket, chat.socket]) s.close();
  });

  it('tells the inviter when the invited agent refuses or lets the invitation run out, in a note the visitor never reads', async () => {
    const { owner, chat } = await ownedChat('Hal', 'Can someone else look?', { offerTimeoutMs: 1000 });
    const ivy = await addAgent(gw, 'Ivy');
    const note = (body: string) => owner.socket.next('message.created', (f) => f.message.conversationId === chat.conversationId && f.message.body === body, { timeoutMs: 15_000 });

    await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/invite`, { agentId: ivy.id });
    const first = await ivy.socket.next('routing.offer', (f) => f.offer.kind === 'invite');
    expect((await api(gw, ivy.cookie, 'POST', `/api/agent/offers/${first.offer.id}/decline`)).status).toBe(200);
    expect((await note('Ivy declined the invitation to join.')).message).toMatchObject({ author: { kind: 'system' }, internal: true });
    // The owner's list row says so too.
    expect(await owner.socket.next('conversation.updated', (f) => f.conversation.id === chat.conversationId && f.conversation.preview === 'Ivy declined the invitation to join.')).toBeTruthy();

    await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/invite`, { agentId: ivy.id });
    const second = await ivy.socket.next('routing.offer', (f) => f.offer.kind === 'invite' && f.offer.id !== first.offer.id);
    expect(await ivy.socket.next('routing.offer.closed', (f) => f.offerId === second.offer.id, { timeoutMs: 15_000 })).toMatchObject({ outcome: 'expired' });
    expect((await note('Ivy did not answer the invitation to join in time.')).message).toMatchObject({ author: { kind: 'system' }, internal: true });
    // Ivy never joined, and the chat is still the owner's.
    expect(await call(ivy.socket, { type: 'conversation.history', conversationId: chat.conversationId })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await gw.app.parley.routing.routingOf(chat.conversationId))?.ownerAgentId).toBe(owner.id);

    // The visitor reads the owner's next reply, and neither note before it.
    await call(owner.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Back to you' });
    await chat.socket.next('message.created', (f) => f.message.body === 'Back to you');
    expect(JSON.stringify(chat.socket.frames)).not.toContain('invitation');
    for (const s of [owner.socket, ivy.socket, chat.socket]) s.close();
  });

  it('ends: the owner removes every guest, withdraws open invitations, and the guests lose access', async () => {
    const { owner, chat } = await ownedChat('Tia');
    const [ugo, val] = [await addAgent(gw, 'Ugo'), await addAgent(gw, 'Val')];
    await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/invite`, { agentId: ugo.id });
    await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/invite`, { agentId: val.id });
    const toUgo = await ugo.socket.next('routing.offer');
    const toVal = await val.socket.next('routing.offer');
    await api(gw, ugo.cookie, 'POST', `/api/agent/offers/${toUgo.offer.id}/accept`);
    // A guest cannot end the conference.
    expect(await api(gw, ugo.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/conference/end`)).toMatchObject({ status: 403 });
    expect((await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/conference/end`)).status).toBe(200);
    expect(await ugo.socket.next('routing.access.lost')).toMatchObject({ conversationId: chat.conversationId, reason: 'ended' });
    expect(await val.socket.next('routing.offer.closed', (f) => f.offerId === toVal.offer.id)).toMatchObject({ outcome: 'withdrawn' });
    expect(await api(gw, val.cookie, 'POST', `/api/agent/offers/${toVal.offer.id}/accept`)).toMatchObject({ status: 409, body: { error: { code: 'OFFER_GONE' } } });
    expect(await chat.socket.next('message.created', (f) => f.message.body === 'Ugo left the conversation.')).toMatchObject({ message: { event: { type: 'left', name: 'Ugo' } } });
    expect(await call(ugo.socket, { type: 'conversation.history', conversationId: chat.conversationId })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await gw.app.parley.routing.routingOf(chat.conversationId))?.ownerAgentId).toBe(owner.id);
    for (const s of [owner.socket, ugo.socket, val.socket, chat.socket]) s.close();
  });
});

describe('resolve', () => {
  it('tells the visitor the chat ended, closes it, gives the agent the next waiting chat, and queues it again when the visitor writes', async () => {
    const wyn = await addAgent(gw, 'Wyn');
    await queueFor('least_busy', [wyn]);
    await api(gw, admin.cookie, 'PATCH', `/api/admin/agents/${wyn.id}`, { maxChats: 1 });
    await goOnline(wyn);
    const one = await visitorChat(gw, 'First');
    await wyn.socket.next('routing.conversation', (f) => f.conversationId === one.conversationId && f.routing.ownerAgentId === wyn.id);
    const two = await visitorChat(gw, 'Second');
    expect(await two.socket.next('queue.position')).toMatchObject({ position: 1 });
    expect((await gw.app.parley.routing.routingOf(two.conversationId))?.state).toBe('waiting');

    const resolved = await api(gw, wyn.cookie, 'POST', `/api/agent/conversations/${one.conversationId}/resolve`, { wrapUp: 'Solved' });
    expect(resolved.body.conversation).toMatchObject({ status: 'closed', routing: { state: 'resolved', wrapUp: 'Solved', ownerAgentId: wyn.id } });
    expect(await one.socket.next('message.created', (f) => f.message.body === CHAT_ENDED)).toMatchObject({ message: { author: { kind: 'system' }, event: { type: 'ended' } } });
    expect(await one.socket.next('conversation.updated', (f) => f.conversation.status === 'closed')).toBeTruthy();
    // The next waiting chat is Wyn's at once.
    expect(await wyn.socket.next('routing.conversation', (f) => f.conversationId === two.conversationId && f.routing.ownerAgentId === wyn.id)).toBeTruthy();
    expect(await two.socket.next('queue.position', (f) => f.position === 0)).toBeTruthy();
    expect(await api(gw, wyn.cookie, 'POST', `/api/agent/conversations/${one.conversationId}/resolve`, { wrapUp: 'Solved' })).toMatchObject({ status: 409 });
    // The resolved chat stays in Wyn's archive.
    expect((await api(gw, wyn.cookie, 'GET', '/api/agent/conversations?status=closed')).body.conversations.map((c: { id: string }) => c.id)).toContain(one.conversationId);

    // The visitor writes again: the conversation opens and waits in the queue for an agent with room.
    await call(one.socket, { type: 'message.send', conversationId: one.conversationId, clientMessageId: cid(), body: 'One more thing' });
    expect(await gw.app.parley.routing.routingOf(one.conversationId)).toMatchObject({ state: 'waiting', ownerAgentId: null, wrapUp: null });
    expect(await one.socket.next('queue.position', (f) => f.position === 1)).toBeTruthy();
    for (const s of [wyn.socket, one.socket, two.socket]) s.close();
  });

  it('keeps a resolved chat in the Closed view, and moves it to the archive when its 7 days there are up', async () => {
    const gus = await addAgent(gw, 'Gus');
    await queueFor('least_busy', [gus]);
    await goOnline(gus);
    const chat = await visitorChat(gw, 'Sort my refund');
    const id = chat.conversationId;
    await gus.socket.next('routing.conversation', (f) => f.conversationId === id && f.routing.ownerAgentId === gus.id);
    const resolved = await api(gw, gus.cookie, 'POST', `/api/agent/conversations/${id}/resolve`, { wrapUp: 'Solved' });
    expect(resolved.body.conversation).toMatchObject({ status: 'closed', routing: { state: 'resolved' } });
    expect(resolved.body.conversation.archivedAt).toBeUndefined();
    expect(await listed(gus, '/api/agent/views/closed')).toContain(id);
    expect(await listed(gus, '/api/agent/conversations?status=closed')).toContain(id);
    expect(await listed(gus, '/api/agent/views/archive')).not.toContain(id);

    // A durable job moves it, due 7 days after the resolve.
    const job = await archiveJobOf(id);
    const [row] = await gw.database.db.select().from(routing).where(eq(routing.conversationId, id));
    expect(job.runAt.getTime() - row!.resolvedAt!.getTime()).toBe(7 * 86_400_000);

    // Its time comes: the consoles hear that it left the main views.
    await gw.database.db.update(jobs).set({ runAt: new Date(Date.now() - 1000) }).where(eq(jobs.id, job.id));
    const update = await gus.socket.next('conversation.updated', (f) => f.conversation.id === id && f.conversation.archivedAt !== undefined, { timeoutMs: 15_000 });
    expect(update.conversation).toMatchObject({ status: 'closed', routing: { state: 'resolved', wrapUp: 'Solved' } });
    expect(await listed(gus, '/api/agent/views/archive')).toContain(id);
    expect(await listed(gus, '/api/agent/views/closed')).not.toContain(id);
    expect(await listed(gus, '/api/agent/conversations?status=closed')).not.toContain(id);
    expect(await listed(gus, '/api/agent/views/mine.closed')).toContain(id);
    for (const s of [gus.socket, chat.socket]) s.close();
  });

  it('leaves a chat reopened since its resolve in the main views when the resolve’s archiving comes due', async () => {
    const hap = await addAgent(gw, 'Hap');
    await queueFor('least_busy', [hap]);
    await goOnline(hap);
    const chat = await visitorChat(gw, 'One thing');
    const id = chat.conversationId;
    await hap.socket.next('routing.conversation', (f) => f.conversationId === id && f.routing.ownerAgentId === hap.id);
    await api(gw, hap.cookie, 'POST', `/api/agent/conversations/${id}/resolve`, { wrapUp: 'Solved' });
    const job = await archiveJobOf(id);
    await call(chat.socket, { type: 'message.send', conversationId: id, clientMessageId: cid(), body: 'And another' });
    await gw.database.db.update(jobs).set({ runAt: new Date(Date.now() - 1000) }).where(eq(jobs.id, job.id));
    await until(async () => (await gw.database.db.select().from(jobs).where(eq(jobs.id, job.id)))[0]!.doneAt !== null);
    const [conversation] = await gw.database.db.select().from(conversations).where(eq(conversations.id, id));
    expect(conversation).toMatchObject({ status: 'open', archivedAt: null });
    expect(await listed(hap, '/api/agent/views/open')).toContain(id);
    for (const s of [hap.socket, chat.socket]) s.close();
  });

  it('tells a visitor who ended the chat nothing more when an agent resolves it: no message, no new preview', async () => {
    const zia = await addAgent(gw, 'Zia');
    await queueFor('least_busy', [zia]);
    await goOnline(zia);
    const chat = await visitorChat(gw, 'Where is my parcel?');
    await zia.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.ownerAgentId === zia.id);
    expect(await call(chat.socket, { type: 'conversation.end', conversationId: chat.conversationId })).toMatchObject({ type: 'ok' });
    await chat.socket.next('conversation.updated', (f) => f.conversation.status === 'closed');
    expect((await api(gw, zia.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/resolve`, { wrapUp: 'Solved' })).status).toBe(200);
    // The agents keep the record of the end.
    expect(await zia.socket.next('message.created', (f) => f.message.body === CHAT_ENDED)).toMatchObject({ message: { internal: true } });
    const listed = (await call(chat.socket, { type: 'conversation.list' })) as Extract<ServerFrame, { type: 'conversation.list.result' }>;
    expect(listed.conversations.find((c: { id: string }) => c.id === chat.conversationId)).toMatchObject({ status: 'closed', preview: 'Where is my parcel?', unread: 0 });
    const history = (await call(chat.socket, { type: 'conversation.history', conversationId: chat.conversationId })) as Extract<ServerFrame, { type: 'conversation.history.result' }>;
    expect(history.messages.map((m: { body: string }) => m.body)).toEqual(['Where is my parcel?']);
    for (const s of [zia.socket, chat.socket]) s.close();
  });

  it('resolves a conversation that was never routed (a ticket, an older chat) for any agent who sees it', async () => {
    // Without a queue no routing row is written: everyone in the workspace sees the conversation.
    await gw.database.db.delete(queues).where(eq(queues.workspaceId, 'demo'));
    const chat = await visitorChat(gw, 'Old style');
    expect(await gw.app.parley.routing.routingOf(chat.conversationId)).toBeUndefined();
    const xan = await addAgent(gw, 'Xan');
    expect((await api(gw, xan.cookie, 'GET', `/api/agent/conversations/${chat.conversationId}`)).status).toBe(200);
    expect(await api(gw, xan.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/take`)).toMatchObject({ status: 403 });
    expect((await api(gw, xan.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/resolve`, { wrapUp: 'Solved' })).body.conversation).toMatchObject({
      status: 'closed',
      routing: { state: 'resolved', queueId: null, ownerAgentId: xan.id, wrapUp: 'Solved' },
    });
    expect(await chat.socket.next('message.created', (f) => f.message.body === CHAT_ENDED)).toBeTruthy();
    // Written to again with no queue to wait in: visible to everyone once more.
    await call(chat.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Hello again' });
    expect(await gw.app.parley.routing.routingOf(chat.conversationId)).toBeUndefined();
    const yvo = await addAgent(gw, 'Yvo');
    expect((await api(gw, yvo.cookie, 'GET', `/api/agent/conversations/${chat.conversationId}`)).status).toBe(200);
    for (const s of [xan.socket, yvo.socket, chat.socket]) s.close();
  });
});

describe('resolve, with resolved chats archived at once (PARLEY_ARCHIVE_AFTER_DAYS=0)', () => {
  it('puts the chat in the archive in the resolving transaction; the consoles hear it with the chat-ended message', async () => {
    const at = await startGateway({ PARLEY_ARCHIVE_AFTER_DAYS: '0' });
    try {
      const boss = await demoAgent(at);
      expect((await api(at, boss.cookie, 'GET', '/api/agent/routing')).body.archiveAfterDays).toBe(0);
      const chat = await visitorChat(at, 'Quick question');
      const id = chat.conversationId;
      await boss.socket.next('conversation.updated', (f) => f.conversation.id === id);
      const resolved = await api(at, boss.cookie, 'POST', `/api/agent/conversations/${id}/resolve`, { wrapUp: 'Solved' });
      expect(resolved.body.conversation).toMatchObject({ status: 'closed', archivedAt: expect.any(String) });
      const ended = await boss.socket.next('conversation.updated', (f) => f.conversation.id === id && f.conversation.status === 'closed');
      expect(ended.conversation.archivedAt).toEqual(resolved.body.conversation.archivedAt);
      const ids = async (path: string) => (await api(at, boss.cookie, 'GET', path)).body.conversations.map((c: { id: string }) => c.id);
      expect(await ids('/api/agent/views/archive')).toContain(id);
      expect(await ids('/api/agent/views/closed')).not.toContain(id);
      expect(await at.database.db.select().from(jobs).where(eq(jobs.kind, ARCHIVE_RESOLVED))).toEqual([]);
      // The customer writes again: back in the main views.
      await call(chat.socket, { type: 'message.send', conversationId: id, clientMessageId: cid(), body: 'Actually, one more' });
      const [row] = await at.database.db.select().from(conversations).where(eq(conversations.id, id));
      expect(row).toMatchObject({ status: 'open', archivedAt: null });
      for (const s of [boss.socket, chat.socket]) s.close();
    } finally {
      await at.close();
    }
  });
});

describe('availability for visitors', () => {
  it('is online when an agent is Online and connected, away when agents are connected but none Online, offline with none', async () => {
    const v = await gw.visitor();
    const socket = await gw.connectVisitor(v.token);
    await socket.next('hello');
    const status = () => fetch(`${gw.url}/api/visitor/app`, { headers: { authorization: `Bearer ${v.token}`, origin: gw.origin } }).then((r) => r.json()).then((b) => b.availability);
    // Earlier tests left Online agents connected; every one goes on a break.
    for (const row of (await api(gw, admin.cookie, 'GET', '/api/agent/routing')).body.agents as { id: string; status: string }[]) {
      if (row.status === 'online' || row.status === 'rona') await gw.app.parley.routingFanout.publish(await gw.app.parley.routing.setStatus(row.id, 'break'));
    }
    expect(await status()).toBe('away');
    expect(await socket.next('availability', (f) => f.status === 'away')).toBeTruthy();
    let from = socket.frames.length;
    await goOnline(admin);
    expect(await socket.next('availability', (f) => f.status === 'online', { from })).toBeTruthy();
    expect(await status()).toBe('online');
    from = socket.frames.length;
    await api(gw, admin.cookie, 'PUT', '/api/agent/status', { status: 'invisible' });
    expect(await socket.next('availability', (f) => f.status === 'away', { from })).toBeTruthy();
    // The last console closes: nobody is there.
    from = socket.frames.length;
    admin.socket.close();
    expect(await socket.next('availability', (f) => f.status === 'offline', { from })).toBeTruthy();
    socket.close();
  });
});
