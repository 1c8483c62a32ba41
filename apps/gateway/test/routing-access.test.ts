import type { ServerFrame } from '@parley/protocol';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import { png } from './support/files.ts';
import { addAgent, api, call, demoAgent, demoQueue, type TestAgent, visitorChat } from './support/routing.ts';
import type { TestSocket } from './support/socket.ts';

// Ownership and visibility: an agent sees a conversation when they own it, are a guest, it waits
// in a queue they work, they hold an offer for it, or they are an admin. Everyone else gets
// exactly the answer of a conversation that does not exist, on every path, and none of its frames.

let gw: TestGateway;
let admin: TestAgent;

beforeAll(async () => {
  gw = await startGateway();
  admin = await demoAgent(gw);
});
afterAll(() => gw.close());

const queueFor = (mode: string, members: TestAgent[]) => demoQueue(gw, admin, { mode }, members);

const goOnline = (agent: TestAgent) => api(gw, agent.cookie, 'PUT', '/api/agent/status', { status: 'online' });
const messageCount = async () => {
  const result = await gw.database.db.execute(sql`select count(*)::int as n from messages`);
  return Number(((Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number }[])[0]!.n);
};
const withoutRef = (f: ServerFrame) => ({ ...f, ref: undefined });

/**
 * Checks every path an agent could use to read or write a conversation, and that each answers
 * exactly as for a conversation that does not exist.
 */
async function expectNoAccess(agent: TestAgent, conversationId: string, fileId: string) {
  const missing = '00000000-0000-4000-8000-000000000000';
  const ask = async (id: string) => ({
    history: withoutRef(await call(agent.socket, { type: 'conversation.history', conversationId: id })),
    send: withoutRef(await call(agent.socket, { type: 'message.send', conversationId: id, clientMessageId: cid(), body: 'Let me answer' })),
    typing: withoutRef(await call(agent.socket, { type: 'typing', conversationId: id, state: 'start' })),
    read: withoutRef(await call(agent.socket, { type: 'conversation.read', conversationId: id, seq: 1 })),
    get: await api(gw, agent.cookie, 'GET', `/api/agent/conversations/${id}`),
    messages: await api(gw, agent.cookie, 'GET', `/api/agent/conversations/${id}/messages`),
    post: await api(gw, agent.cookie, 'POST', `/api/agent/conversations/${id}/messages`, { clientMessageId: cid(), body: 'Over REST' }),
    take: await api(gw, agent.cookie, 'POST', `/api/agent/conversations/${id}/take`),
    resolve: await api(gw, agent.cookie, 'POST', `/api/agent/conversations/${id}/resolve`, { wrapUp: 'Solved' }),
  });
  const stored = await messageCount();
  const theirs = await ask(conversationId);
  const nothing = await ask(missing);
  expect(theirs).toEqual(nothing);
  expect(theirs.history).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  expect(theirs.send).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  expect(theirs.get.status).toBe(404);
  expect(await messageCount()).toBe(stored);
  // Resume names the conversation in its error, the same for both.
  agent.socket.send({ type: 'resume', cursors: [{ conversationId, seq: 0 }, { conversationId: missing, seq: 0 }] });
  await agent.socket.next('resume.done', undefined, { from: agent.socket.frames.length - 1 });
  const errors = agent.socket.frames.filter((f) => f.type === 'error' && f.frameType === 'resume').slice(-2);
  expect(errors.map((e) => ({ ...e, conversationId: undefined }))).toEqual([{ ...errors[1], conversationId: undefined }, { ...errors[1], conversationId: undefined }]);
  // The list leaves it out, and the file sent in it answers like a missing file.
  const list = await call(agent.socket, { type: 'conversation.list' });
  expect(list.type === 'conversation.list.result' && list.conversations.map((c) => c.id)).not.toContain(conversationId);
  const rest = await api(gw, agent.cookie, 'GET', '/api/agent/conversations');
  expect(rest.body.conversations.map((c: { id: string }) => c.id)).not.toContain(conversationId);
  const file = await fetch(`${gw.url}/api/attachments/${fileId}`, { headers: { cookie: agent.cookie } });
  const noFile = await fetch(`${gw.url}/api/attachments/${cid()}`, { headers: { cookie: agent.cookie } });
  expect([file.status, await file.json()]).toEqual([noFile.status, await noFile.json()]);
}

/** The visitor sends a message with a file; resolves with the file's id. */
async function sendFile(chat: { token: string; socket: TestSocket; conversationId: string }) {
  const res = await fetch(`${gw.url}/api/visitor/attachments?name=receipt.png`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chat.token}`, origin: gw.origin, 'content-type': 'application/octet-stream' },
    body: Buffer.from(png()),
  });
  const file = (await res.json()) as { id: string };
  const ack = await call(chat.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'my receipt', attachments: [file.id] });
  expect(ack.type).toBe('message.ack');
  return file.id;
}

/**
 * Proves a socket got no frame about a conversation: waits for a later message in another
 * conversation it does see (fan-out keeps commit order), then looks at everything before it.
 */
async function expectNoFramesAbout(agent: TestAgent, conversationId: string, from: number, barrier: { socket: TestSocket; conversationId: string }) {
  const body = `barrier ${cid()}`;
  await call(barrier.socket, { type: 'message.send', conversationId: barrier.conversationId, clientMessageId: cid(), body });
  await agent.socket.next('message.created', (f) => f.message.body === body, { from });
  const about = agent.socket.frames.slice(from).filter((f) => JSON.stringify(f).includes(conversationId) && f.type !== 'error' && f.type !== 'conversation.history.result');
  expect(about.filter((f) => f.type !== 'routing.access.lost' && f.type !== 'routing.transfer.result' && f.type !== 'routing.offer.closed')).toEqual([]);
}

describe('who sees a conversation', () => {
  it("keeps a chat waiting in a queue from an agent who does not work that queue, on every path, and sends them none of its frames", async () => {
    const mia = await addAgent(gw, 'Mia');
    const olly = await addAgent(gw, 'Olly');
    await queueFor('offer', [mia]);
    const chat = await visitorChat(gw, 'For the queue only');
    const fileId = await sendFile(chat);
    // Mia works the queue: she sees it (and the file); Olly does not.
    expect((await api(gw, mia.cookie, 'GET', `/api/agent/conversations/${chat.conversationId}/messages`)).body.messages).toHaveLength(2);
    expect((await fetch(`${gw.url}/api/attachments/${fileId}`, { headers: { cookie: mia.cookie } })).status).toBe(200);
    await expectNoAccess(olly, chat.conversationId, fileId);

    // Olly's own queue holds another chat: the barrier for "no frames".
    await queueFor('offer', [olly]);
    const barrier = await visitorChat(gw, 'Olly can see this one');
    await olly.socket.next('message.created', (f) => f.message.conversationId === barrier.conversationId);
    const from = olly.socket.frames.length;
    await call(chat.socket, { type: 'typing', conversationId: chat.conversationId, state: 'start' });
    await call(chat.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'a secret for the queue' });
    await mia.socket.next('message.created', (f) => f.message.body === 'a secret for the queue');
    await expectNoFramesAbout(olly, chat.conversationId, from, barrier);
    // The admin sees both.
    const list = (await api(gw, admin.cookie, 'GET', '/api/agent/conversations')).body.conversations.map((c: { id: string }) => c.id);
    expect(list).toEqual(expect.arrayContaining([chat.conversationId, barrier.conversationId]));
    for (const s of [mia.socket, olly.socket, chat.socket, barrier.socket]) s.close();
  });

  it('takes a chat away from an agent who transferred it: access lost, then the answer of a missing chat and no more frames', async () => {
    const tom = await addAgent(gw, 'Tom');
    const uma = await addAgent(gw, 'Uma');
    await queueFor('round_robin', [tom]);
    await goOnline(tom);
    const chat = await visitorChat(gw, 'Please transfer me');
    const fileId = await sendFile(chat);
    await tom.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.ownerAgentId === tom.id);
    // Tom's second chat is the barrier.
    const barrier = await visitorChat(gw, 'Tom keeps this one');
    await tom.socket.next('routing.conversation', (f) => f.conversationId === barrier.conversationId && f.routing.ownerAgentId === tom.id);

    expect(await api(gw, tom.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { agentId: uma.id })).toMatchObject({ status: 202, body: { pending: true } });
    const { offer } = await uma.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect(offer).toMatchObject({ kind: 'transfer', from: { id: tom.id, name: 'Tom' }, preview: 'my receipt' });
    // Until Uma answers, the chat is Tom's, and Uma may read it for the pop-over.
    expect((await api(gw, uma.cookie, 'GET', `/api/agent/conversations/${chat.conversationId}/messages`)).status).toBe(200);
    expect((await call(tom.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Still mine' })).type).toBe('message.ack');

    const from = tom.socket.frames.length;
    expect((await api(gw, uma.cookie, 'POST', `/api/agent/offers/${offer.id}/accept`)).body.conversation.routing).toMatchObject({ ownerAgentId: uma.id });
    expect(await tom.socket.next('routing.access.lost', (f) => f.conversationId === chat.conversationId, { from })).toMatchObject({ reason: 'transferred' });
    expect(await tom.socket.next('routing.transfer.result', (f) => f.conversationId === chat.conversationId, { from })).toEqual({
      type: 'routing.transfer.result', conversationId: chat.conversationId, accepted: true, to: { kind: 'agent', id: uma.id, name: 'Uma' },
    });
    await expectNoAccess(tom, chat.conversationId, fileId);
    const after = tom.socket.frames.length;
    await call(chat.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'now for Uma' });
    await uma.socket.next('message.created', (f) => f.message.body === 'now for Uma');
    await expectNoFramesAbout(tom, chat.conversationId, after, barrier);
    // Uma answers it; the visitor's next message goes to her.
    expect((await call(uma.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Uma here' })).type).toBe('message.ack');
    for (const s of [tom.socket, uma.socket, chat.socket, barrier.socket]) s.close();
  });

  it('shows a top-N chat to the agents it is offered to; the first to accept owns it and the other loses it', async () => {
    const [vic, wes] = [await addAgent(gw, 'Vic'), await addAgent(gw, 'Wes')];
    await queueFor('top_n', [vic, wes]);
    await goOnline(vic);
    await goOnline(wes);
    const chat = await visitorChat(gw, 'Two of you?');
    const offers = await Promise.all([vic, wes].map((a) => a.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId)));
    const answers = await Promise.all([vic, wes].map((a, i) => api(gw, a.cookie, 'POST', `/api/agent/offers/${offers[i]!.offer.id}/accept`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('OFFER_GONE');
    const loser = answers[0]!.status === 409 ? vic : wes;
    expect(await loser.socket.next('routing.access.lost', (f) => f.conversationId === chat.conversationId)).toMatchObject({ reason: 'taken' });
    expect((await call(loser.socket, { type: 'conversation.history', conversationId: chat.conversationId })).type).toBe('error');
    for (const s of [vic.socket, wes.socket, chat.socket]) s.close();
  });

  it('gives a broadcast chat to the first agent who replies; the others lose it and cannot answer', async () => {
    const [xia, yan] = [await addAgent(gw, 'Xia'), await addAgent(gw, 'Yan')];
    await queueFor('broadcast', [xia, yan]);
    const chat = await visitorChat(gw, 'Anyone?');
    for (const a of [xia, yan]) {
      expect(await a.socket.next('message.created', (f) => f.message.conversationId === chat.conversationId)).toBeTruthy();
      await a.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.state === 'broadcast');
    }
    // Replying takes the chat: not while the agent is not Online (nothing is stored).
    const stored = await messageCount();
    expect(await call(xia.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Too early' })).toMatchObject({ code: 'AT_CHAT_LIMIT' });
    expect(await messageCount()).toBe(stored);
    // An internal note does not take it.
    expect((await call(yan.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'I can take it', internal: true })).type).toBe('message.ack');
    await goOnline(xia);
    await goOnline(yan);
    // Both reply at once: one reply takes the chat, the other is refused as if the chat did not exist.
    const replies = await Promise.all([
      call(xia.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Xia here' }),
      call(yan.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Yan here' }),
    ]);
    expect(replies.map((r) => r.type).sort()).toEqual(['error', 'message.ack']);
    expect(replies.find((r) => r.type === 'error')).toMatchObject({ code: 'NOT_FOUND' });
    const [winner, loser] = replies[0]!.type === 'message.ack' ? [xia, yan] : [yan, xia];
    expect((await gw.app.parley.routing.routingOf(chat.conversationId))).toMatchObject({ state: 'owned', ownerAgentId: winner.id });
    expect(await loser.socket.next('routing.access.lost', (f) => f.conversationId === chat.conversationId)).toMatchObject({ reason: 'taken' });
    expect(await call(loser.socket, { type: 'message.send', conversationId: chat.conversationId, clientMessageId: cid(), body: 'Me too' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await api(gw, loser.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/take`)).toMatchObject({ status: 404 });
    expect(await chat.socket.next('message.created', (f) => f.message.body === `${winner.name} here`)).toBeTruthy();
    expect(chat.socket.frames.some((f) => f.type === 'message.created' && f.message.body === `${loser.name} here`)).toBe(false);
    for (const s of [xia.socket, yan.socket, chat.socket]) s.close();
  });

  it('lets an agent take a broadcast chat with "Take", first wins, within their chat limit and only when Online', async () => {
    const [zed, amy] = [await addAgent(gw, 'Zed'), await addAgent(gw, 'Amy')];
    await queueFor('broadcast', [zed, amy]);
    const chat = await visitorChat(gw, 'Take me');
    await zed.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.state === 'broadcast');
    // Not Online yet: no room for a chat.
    expect(await api(gw, zed.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/take`)).toMatchObject({ status: 409, body: { error: { code: 'AT_CHAT_LIMIT' } } });
    await goOnline(zed);
    await goOnline(amy);
    const takes = await Promise.all([zed, amy].map((a) => api(gw, a.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/take`)));
    expect(takes.map((t) => t.status).sort()).toEqual([200, 404]);
    const owner = takes[0]!.status === 200 ? zed : amy;
    expect((await gw.app.parley.routing.routingOf(chat.conversationId))?.ownerAgentId).toBe(owner.id);
    for (const s of [zed.socket, amy.socket, chat.socket]) s.close();
  });
});
