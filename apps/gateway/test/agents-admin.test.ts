import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSessions, agents, offers, queueAgents, routing, workspaces } from '../src/db/schema/index.ts';
import { hashPassword } from '../src/domain/identity/secrets.ts';
import { TEST_DB } from './support/database.ts';
import { cid, startGateway, startSecondNode, type TestGateway } from './support/gateway.ts';
import { api, call, demoAgent, demoQueue, type TestAgent, visitorChat } from './support/routing.ts';
import type { TestSocket } from './support/socket.ts';

// Admins add and remove the workspace's agents in a gateway on a real port, with real console
// sockets: the one-time password signs the new agent in, bad input stores nothing, and a removed
// agent's sessions, offers and chats end at once while their past messages keep their name.

let gw: TestGateway;
let admin: TestAgent;

beforeAll(async () => {
  gw = await startGateway();
  admin = await demoAgent(gw);
});
afterAll(() => gw.close());

/** The console's sign-in: status and body. */
async function signIn(email: string, password: string) {
  const res = await fetch(`${gw.url}/api/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: gw.origin }, body: JSON.stringify({ email, password }) });
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  return { status: res.status, body: (await res.json()) as Record<string, any>, cookie };
}

/** An admin adds an agent; the answer's agent and one-time password. */
async function added(name: string, role: 'agent' | 'admin' = 'agent', by = admin) {
  const answer = await api(gw, by.cookie, 'POST', '/api/admin/agents', { name, email: `${name.toLowerCase()}-${cid().slice(0, 8)}@example.com`, role });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as { agent: { id: string; name: string; email: string; role: string }; password: string };
}

/** An added agent, signed in with a console socket open (it says hello once the gateway took it). */
async function console(name: string, role: 'agent' | 'admin' = 'agent'): Promise<TestAgent & { password: string }> {
  const { agent, password } = await added(name, role);
  const cookie = await gw.login(agent.email, password);
  const socket = await gw.connectAgent(cookie);
  await socket.next('hello');
  return { id: agent.id, name, email: agent.email, cookie, socket, password };
}

const agentRows = () => gw.database.db.select({ id: agents.id, email: agents.email }).from(agents);
const remove = (id: string, by = admin) => api(gw, by.cookie, 'DELETE', `/api/admin/agents/${id}`);
const goOnline = (agent: TestAgent) => api(gw, agent.cookie, 'PUT', '/api/agent/status', { status: 'online' });

/** Resolves once the socket is closed, with its close code. */
const closeCode = async (socket: TestSocket) => (await socket.closed).code;

describe('adding an agent', () => {
  it('makes a one-time password, shown once, with which the new agent signs in and is asked to choose their own', async () => {
    const answer = await api(gw, admin.cookie, 'POST', '/api/admin/agents', { name: '  Kim Lee ', email: ' Kim.Lee@Example.COM ' });
    expect(answer.status).toBe(201);
    const { agent, password } = answer.body;
    expect(agent).toMatchObject({ name: 'Kim Lee', email: 'kim.lee@example.com', role: 'agent', status: 'offline', load: 0, queueIds: [] });
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // Only a hash of it is kept.
    const [row] = await gw.database.db.select().from(agents).where(eq(agents.id, agent.id));
    expect(row!.passwordHash).toMatch(/^scrypt\$/);
    expect(row!.passwordHash).not.toContain(password);

    const login = await signIn('KIM.LEE@example.com', password);
    expect(login).toMatchObject({ status: 200, body: { agent: { id: agent.id, name: 'Kim Lee', role: 'agent', workspaceId: 'demo', mustChangePassword: true } } });
    const socket = await gw.connectAgent(login.cookie!);
    expect((await socket.next('hello')).principal).toEqual({ kind: 'agent', id: agent.id });
    // The team lists them, for queues, transfers and invitations.
    const team = await api(gw, admin.cookie, 'GET', '/api/agent/routing');
    expect(team.body.agents.map((a: { id: string }) => a.id)).toContain(agent.id);
    expect((await api(gw, login.cookie!, 'GET', '/api/agent/me')).body.agent).toMatchObject({ id: agent.id, mustChangePassword: true });
    // An agent is no admin.
    expect(await api(gw, login.cookie!, 'GET', '/api/admin/queues')).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    socket.close();
  });

  it('adds an admin, who may manage the workspace', async () => {
    const { agent, password } = await added('Ola', 'admin');
    expect(agent.role).toBe('admin');
    const cookie = await gw.login(agent.email, password);
    expect((await api(gw, cookie, 'GET', '/api/admin/queues')).status).toBe(200);
  });

  it('refuses an e-mail that already signs in, in any case, with CONFLICT, and stores nothing', async () => {
    const before = await agentRows();
    const taken = await api(gw, admin.cookie, 'POST', '/api/admin/agents', { name: 'Another demo', email: 'AGENT@example.com', role: 'admin' });
    expect(taken).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', message: expect.stringContaining('agent@example.com') } } });
    // Also an agent of another workspace: e-mails are unique across the installation.
    await gw.database.db.insert(workspaces).values({ id: 'other', name: 'Other' });
    await gw.database.db.insert(agents).values({ workspaceId: 'other', email: 'sam@other.example', name: 'Sam', passwordHash: await hashPassword('irrelevant password') });
    const elsewhere = await api(gw, admin.cookie, 'POST', '/api/admin/agents', { name: 'Sam', email: 'sam@other.example' });
    expect(elsewhere).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect((await agentRows()).length).toBe(before.length + 1);
    const [demo] = await gw.database.db.select().from(agents).where(eq(agents.email, 'agent@example.com'));
    expect(demo).toMatchObject({ name: 'Demo Agent', role: 'admin', workspaceId: 'demo' });
  });

  it('refuses bad input with a code per field, and stores nothing', async () => {
    const before = await agentRows();
    const refused = async (body: unknown) => {
      const answer = await api(gw, admin.cookie, 'POST', '/api/admin/agents', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_REQUEST');
      return answer.body.error.fields as { field: string; code: string }[];
    };
    expect(await refused({ name: 'Kim', email: 'kim@example' })).toEqual([expect.objectContaining({ field: 'email', code: 'INVALID_EMAIL' })]);
    expect(await refused({ name: ' ', email: 'not an address', role: 'owner' })).toEqual([
      expect.objectContaining({ field: 'name', code: 'REQUIRED' }),
      expect.objectContaining({ field: 'email', code: 'INVALID_EMAIL' }),
      expect.objectContaining({ field: 'role', code: 'INVALID_VALUE' }),
    ]);
    expect(await refused({ name: 'x'.repeat(121), email: `${'a'.repeat(250)}@example.com` })).toEqual([
      expect.objectContaining({ field: 'name', code: 'TOO_LONG', max: 120 }),
      expect.objectContaining({ field: 'email', code: 'TOO_LONG', max: 254 }),
    ]);
    expect(await refused({ name: 'Kim', email: 'kim@example.com', password: 'chosen by the admin' })).toEqual([expect.objectContaining({ field: 'password', code: 'UNKNOWN_FIELD' })]);
    expect(await refused({ email: 'kim@example.com' })).toEqual([expect.objectContaining({ field: 'name', code: 'REQUIRED' })]);
    expect(await refused([{ name: 'Kim', email: 'kim@example.com' }])).toEqual([]);
    expect(await agentRows()).toEqual(before);
  });

  it('is for admins only: an agent gets 403 before anything is read, and nothing changes', async () => {
    const dee = await console('Dee');
    const before = await agentRows();
    expect(await api(gw, dee.cookie, 'POST', '/api/admin/agents', { name: 'Eve', email: 'eve@example.com' })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await api(gw, dee.cookie, 'POST', '/api/admin/agents', { nonsense: true })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await remove(admin.id, dee)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await agentRows()).toEqual(before);
    expect((await api(gw, admin.cookie, 'GET', '/api/agent/me')).status).toBe(200);
    // Without a session, or from another site, nobody gets as far.
    expect((await api(gw, 'parley_session=nothing', 'POST', '/api/admin/agents', { name: 'Eve', email: 'eve@example.com' })).status).toBe(401);
    expect(await api(gw, admin.cookie, 'POST', '/api/admin/agents', { name: 'Eve', email: 'eve@example.com' }, 'https://evil.example')).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN_ORIGIN' } } });
    expect(await agentRows()).toEqual(before);
    dee.socket.close();
  });
});

describe('changing one’s password', () => {
  it('needs the current password, then ends the agent’s other sessions and keeps this one', async () => {
    const max = await console('Max');
    const other = await gw.login(max.email, max.password);
    const otherSocket = await gw.connectAgent(other);
    await otherSocket.next('hello');
    const change = (body: unknown, cookie = max.cookie) => api(gw, cookie, 'POST', '/api/agent/password', body);

    expect(await change({ currentPassword: 'not it at all', newPassword: 'a new good password' })).toMatchObject({ status: 403, body: { error: { code: 'INVALID_CREDENTIALS' } } });
    expect(await change({ currentPassword: max.password, newPassword: 'short' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST', fields: [{ field: 'newPassword', code: 'INVALID_VALUE', message: 'newPassword: must be at least 8 characters' }] } },
    });
    expect(await change({ newPassword: 'a new good password' })).toMatchObject({ status: 400, body: { error: { fields: [{ field: 'currentPassword', code: 'REQUIRED' }] } } });
    // Nothing changed so far: the one-time password still signs in.
    expect((await signIn(max.email, max.password)).status).toBe(200);

    expect(await change({ currentPassword: max.password, newPassword: 'a new good password' })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await closeCode(otherSocket)).toBe(4010);
    expect((await api(gw, other, 'GET', '/api/agent/me')).status).toBe(401);
    // The session that changed it goes on, its socket too.
    expect((await api(gw, max.cookie, 'GET', '/api/agent/me')).body.agent).toMatchObject({ id: max.id, mustChangePassword: false });
    expect(await call(max.socket, { type: 'ping' })).toMatchObject({ type: 'pong' });
    expect(await signIn(max.email, max.password)).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
    expect(await signIn(max.email, 'a new good password')).toMatchObject({ status: 200, body: { agent: { mustChangePassword: false } } });
    max.socket.close();
  });
});

describe('removing an agent', () => {
  it('ends their sessions at once: sockets closed with 4010, the cookie refused, sign-in refused', async () => {
    const ned = await console('Ned');
    const secondTab = await gw.connectAgent(ned.cookie);
    await secondTab.next('hello');

    expect(await remove(ned.id)).toMatchObject({ status: 200, body: { ok: true } });
    expect(await closeCode(ned.socket)).toBe(4010);
    expect(await closeCode(secondTab)).toBe(4010);
    expect(await api(gw, ned.cookie, 'GET', '/api/agent/me')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(await api(gw, ned.cookie, 'PUT', '/api/agent/status', { status: 'online' })).toMatchObject({ status: 401 });
    expect((await gw.database.db.select().from(agentSessions).where(eq(agentSessions.agentId, ned.id))).length).toBe(0);
    // A new socket with the old cookie is refused as one without a session.
    const again = await gw.connectAgent(ned.cookie);
    expect(await closeCode(again)).toBe(4001);
    expect(await signIn(ned.email, ned.password)).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
    // The team no longer lists them; removing them again finds nobody.
    expect((await api(gw, admin.cookie, 'GET', '/api/agent/routing')).body.agents.map((a: { id: string }) => a.id)).not.toContain(ned.id);
    expect(await remove(ned.id)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    // Their e-mail stays theirs: adding it again brings the same agent back, with a new password.
    const back = await api(gw, admin.cookie, 'POST', '/api/admin/agents', { name: 'Ned Again', email: ned.email });
    expect(back).toMatchObject({ status: 201, body: { agent: { id: ned.id, name: 'Ned Again' } } });
    expect((await signIn(ned.email, back.body.password)).status).toBe(200);
    expect(await signIn(ned.email, ned.password)).toMatchObject({ status: 401 });
  });

  it('withdraws their offers and puts the chats they owned back in their queue, where the next agent gets them; their messages keep their name', async () => {
    const bob = await console('Bob');
    const cyd = await console('Cyd');
    const queue = await demoQueue(gw, admin, { name: `Removal ${cid().slice(0, 6)}`, mode: 'offer' }, [bob]);
    expect((await goOnline(bob)).status).toBe(200);
    // Bob owns one chat and has the next one offered.
    const owned = await visitorChat(gw, 'Bob has this one');
    const first = await bob.socket.next('routing.offer', (f) => f.offer.conversationId === owned.conversationId);
    expect((await api(gw, bob.cookie, 'POST', `/api/agent/offers/${first.offer.id}/accept`)).status).toBe(200);
    const reply = await call(bob.socket, { type: 'message.send', conversationId: owned.conversationId, clientMessageId: cid(), body: 'Hi, Bob here.' });
    expect(reply.type).toBe('message.ack');
    const offered = await visitorChat(gw, 'Still waiting for Bob');
    const pending = await bob.socket.next('routing.offer', (f) => f.offer.conversationId === offered.conversationId);
    // Cyd joins the queue, Online with room, once both are Bob's.
    expect((await api(gw, admin.cookie, 'PUT', `/api/admin/queues/${queue.id}/agents`, { agentIds: [bob.id, cyd.id] })).status).toBe(200);
    expect((await goOnline(cyd)).status).toBe(200);
    const from = cyd.socket.frames.length;

    expect((await remove(bob.id)).status).toBe(200);
    expect(await closeCode(bob.socket)).toBe(4010);
    const [chatOffer] = await gw.database.db.select().from(offers).where(eq(offers.id, pending.offer.id));
    expect(chatOffer!.state).toBe('cancelled');
    expect(await gw.database.db.select().from(offers).where(and(eq(offers.agentId, bob.id), eq(offers.state, 'pending')))).toEqual([]);
    // Both chats go to Cyd, the queue's next agent: the one Bob owned first, as it waited longest.
    const next = await cyd.socket.next('routing.offer', (f) => f.offer.conversationId === owned.conversationId, { from });
    expect(next.offer).toMatchObject({ kind: 'chat', queueId: queue.id, preview: 'Bob has this one' });
    const later = await cyd.socket.next('routing.offer', (f) => f.offer.conversationId === offered.conversationId, { from });
    expect(cyd.socket.frames.indexOf(next)).toBeLessThan(cyd.socket.frames.indexOf(later));
    const rows = await gw.database.db.select().from(routing).where(sql`${routing.conversationId} in (${owned.conversationId}, ${offered.conversationId})`);
    expect(rows.map((r) => [r.state, r.ownerAgentId, r.queueId])).toEqual([
      ['offered', null, queue.id],
      ['offered', null, queue.id],
    ]);
    expect(await gw.database.db.select().from(queueAgents).where(eq(queueAgents.agentId, bob.id))).toEqual([]);
    // The customer reads that Bob left, and sees their place in the queue again.
    const left = await owned.socket.next('message.created', (f) => f.message.author.kind === 'system');
    expect(left.message).toMatchObject({ body: 'Bob left the conversation.', event: { type: 'left', name: 'Bob' } });
    // What Bob wrote keeps his name, for the customer and for the agents.
    const history = await api(gw, admin.cookie, 'GET', `/api/agent/conversations/${owned.conversationId}/messages`);
    expect(history.body.messages.find((m: { body: string }) => m.body === 'Hi, Bob here.').author).toEqual({ kind: 'agent', id: bob.id, name: 'Bob' });
    const visitorHistory = await call(owned.socket, { type: 'conversation.history', conversationId: owned.conversationId });
    expect(visitorHistory.type === 'conversation.history.result' && visitorHistory.messages.find((m) => m.body === 'Hi, Bob here.')?.author).toEqual({ kind: 'agent', id: bob.id, name: 'Bob' });
    // Nobody can hand Bob a chat any more.
    const taken = await api(gw, cyd.cookie, 'POST', `/api/agent/offers/${next.offer.id}/accept`);
    expect(taken.status).toBe(200);
    expect(await api(gw, cyd.cookie, 'POST', `/api/agent/conversations/${owned.conversationId}/transfer`, { agentId: bob.id })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await api(gw, cyd.cookie, 'POST', `/api/agent/conversations/${owned.conversationId}/invite`, { agentId: bob.id })).toMatchObject({ status: 404 });
    expect(await api(gw, admin.cookie, 'PUT', `/api/admin/queues/${queue.id}/agents`, { agentIds: [bob.id] })).toMatchObject({ status: 404 });
    for (const s of [cyd.socket, owned.socket, offered.socket]) s.close();
  });

  it('takes them out of the conferences they joined, and a transfer waiting for them comes back to its sender', async () => {
    const owner = await console('Oz');
    const guest = await console('Gil');
    const target = await console('Tam');
    await demoQueue(gw, admin, { name: `Conference ${cid().slice(0, 6)}`, mode: 'round_robin' }, [owner]);
    await goOnline(owner);
    const chat = await visitorChat(gw, 'Can two of you look?');
    await owner.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.ownerAgentId === owner.id);
    expect((await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/invite`, { agentId: guest.id })).status).toBe(202);
    const invite = await guest.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    expect((await api(gw, guest.cookie, 'POST', `/api/agent/offers/${invite.offer.id}/accept`)).status).toBe(200);
    await goOnline(target);
    expect((await api(gw, owner.cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/transfer`, { agentId: target.id })).status).toBe(202);
    await target.socket.next('routing.offer', (f) => f.offer.conversationId === chat.conversationId);
    const from = owner.socket.frames.length;

    expect((await remove(guest.id)).status).toBe(200);
    expect(await owner.socket.next('routing.conversation', (f) => f.conversationId === chat.conversationId && f.routing.guests.length === 0, { from })).toBeTruthy();
    expect((await chat.socket.next('message.created', (f) => f.message.body === 'Gil left the conversation.')).message.event).toEqual({ type: 'left', name: 'Gil' });

    expect((await remove(target.id)).status).toBe(200);
    expect(await owner.socket.next('routing.transfer.result', (f) => f.conversationId === chat.conversationId, { from })).toEqual({
      type: 'routing.transfer.result', conversationId: chat.conversationId, accepted: false, to: { kind: 'agent', id: target.id, name: 'Tam' },
    });
    // The chat stays the owner's.
    expect((await gw.app.parley.routing.routingOf(chat.conversationId))).toMatchObject({ state: 'owned', ownerAgentId: owner.id });
    for (const s of [owner.socket, chat.socket]) s.close();
  });

  it('refuses to remove oneself', async () => {
    expect(await remove(admin.id)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN', message: expect.stringContaining('yourself') } } });
    expect((await api(gw, admin.cookie, 'GET', '/api/agent/me')).status).toBe(200);
  });

  it('never removes the workspace’s last admin, even for an admin removed a moment ago whose request was under way', async () => {
    const [ann, ben] = await adminPair('pair');
    // Ben's request got past sign-in just before Ann removed him.
    const benSignedIn = (await gw.app.parley.identity.authenticateAgent(ben.cookie.split('=')[1]!))!;
    expect((await api(gw, ann.cookie, 'DELETE', `/api/admin/agents/${ben.id}`)).status).toBe(200);
    await expect(gw.app.parley.agents.remove(benSignedIn, ann.id)).rejects.toMatchObject({ code: 'CONFLICT', status: 409, message: expect.stringContaining('last admin') });
    expect(await activeAdmins('pair')).toEqual([ann.id]);
    expect((await api(gw, ann.cookie, 'GET', '/api/agent/me')).status).toBe(200);
  });

  it('keeps one admin when two admins remove each other at the same moment', async () => {
    const [cal, dan] = await adminPair('duo');
    const answers = await Promise.all([api(gw, cal.cookie, 'DELETE', `/api/admin/agents/${dan.id}`), api(gw, dan.cookie, 'DELETE', `/api/admin/agents/${cal.id}`)]);
    const [done, refused] = [answers.filter((a) => a.status === 200), answers.filter((a) => a.status !== 200)];
    expect(done).toHaveLength(1);
    // The other was refused: the last admin (409), or no longer signed in (401).
    expect(refused.map((a) => a.status)).toEqual([expect.toBeOneOf([401, 409])]);
    expect(await activeAdmins('duo')).toHaveLength(1);
  });
});

// An agent signed in on another node: the end of their sessions reaches it through the relay.
describe.runIf(TEST_DB === 'postgres')('ending an agent’s sessions across gateway nodes', () => {
  let b: TestGateway;

  beforeAll(async () => {
    b = await startSecondNode(gw);
  });
  afterAll(async () => {
    await b?.close();
  });

  it('closes their sockets on the other node with 4010, after a password change and after a removal', async () => {
    const { agent, password } = await added('Remy');
    const onB = async (cookie: string) => {
      const socket = await b.connectAgent(cookie);
      await socket.next('hello');
      return socket;
    };
    const elsewhere = await onB(await b.login(agent.email, password));
    const here = await gw.login(agent.email, password);
    expect((await api(gw, here, 'POST', '/api/agent/password', { currentPassword: password, newPassword: 'Remy’s own password' })).status).toBe(200);
    expect(await closeCode(elsewhere)).toBe(4010);

    const again = await onB(await b.login(agent.email, 'Remy’s own password'));
    expect((await remove(agent.id)).status).toBe(200);
    expect(await closeCode(again)).toBe(4010);
  });
});

/** A workspace of its own with two admins, each signed in. */
async function adminPair(workspaceId: string) {
  await gw.database.db.insert(workspaces).values({ id: workspaceId, name: workspaceId });
  const hash = await hashPassword('pair password');
  const rows = await gw.database.db
    .insert(agents)
    .values(['one', 'two'].map((n) => ({ workspaceId, email: `${n}@${workspaceId}.example`, name: `${n} of ${workspaceId}`, role: 'admin' as const, passwordHash: hash })))
    .returning();
  const [one, two] = await Promise.all(rows.map(async (row) => ({ id: row.id, cookie: await gw.login(row.email, 'pair password') })));
  return [one!, two!] as const;
}

/** The ids of a workspace's admins who were not removed. */
async function activeAdmins(workspaceId: string) {
  const rows = await gw.database.db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.workspaceId, workspaceId), eq(agents.role, 'admin'), isNull(agents.deactivatedAt)));
  return rows.map((r) => r.id);
}
