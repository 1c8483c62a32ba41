import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import { openSocket } from './support/socket.ts';

let gw: TestGateway;
let cookie: string;

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
});
afterAll(() => gw.close());

async function startConversation(body = 'hi') {
  const session = await gw.visitor();
  const socket = await gw.connectVisitor(session.token);
  await socket.next('hello');
  socket.send({ type: 'message.send', ref: 'x', clientConversationId: cid(), clientMessageId: cid(), body });
  const ack = await socket.next('message.ack', (f) => f.ref === 'x');
  return { session, socket, conversationId: ack.conversationId };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, origin: gw.origin });

describe('authorization', () => {
  it('answers another visitor\'s conversation exactly as one that does not exist', async () => {
    const alice = await startConversation('alice private');
    const mallory = await gw.visitor();
    const socket = await gw.connectVisitor(mallory.token);
    await socket.next('hello');
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [ref, conversationId] of [['theirs', alice.conversationId], ['missing', missing], ['junk', 'not-a-uuid']] as const) {
      socket.send({ type: 'conversation.history', ref, conversationId });
      socket.send({ type: 'message.send', ref: `${ref}-send`, conversationId, clientMessageId: cid(), body: 'let me in' });
      socket.send({ type: 'resume', ref: `${ref}-resume`, cursors: [{ conversationId, seq: 0 }] });
    }
    const answers = await Promise.all(
      ['theirs', 'missing', 'junk'].map(async (ref) => [
        await socket.next('error', (f) => f.ref === ref),
        await socket.next('error', (f) => f.ref === `${ref}-send`),
        await socket.next('error', (f) => f.frameType === 'resume' && f.conversationId === (ref === 'theirs' ? alice.conversationId : ref === 'missing' ? missing : 'not-a-uuid')),
      ]),
    );
    const strip = (f: { code: string; message: string }) => ({ code: f.code, message: f.message });
    expect(answers[0]!.map(strip)).toEqual(answers[1]!.map(strip));
    expect(answers[0]!.map(strip)).toEqual(answers[2]!.map(strip));
    expect(answers[0]![0]!.code).toBe('NOT_FOUND');

    const rest = await Promise.all(
      [alice.conversationId, missing].map((id) => fetch(`${gw.url}/api/visitor/conversations/${id}/messages`, { headers: bearer(mallory.token) })),
    );
    expect(rest.map((r) => r.status)).toEqual([404, 404]);
    expect(await rest[0]!.json()).toEqual(await rest[1]!.json());
    const list = await fetch(`${gw.url}/api/visitor/conversations`, { headers: bearer(mallory.token) }).then((r) => r.json());
    expect(list.conversations).toEqual([]);
    expect(JSON.stringify(socket.frames)).not.toContain('alice private');
    socket.close();
    alice.socket.close();
  });

  it('refuses a visitor socket from an origin the app does not allow, before any frame', async () => {
    const { token } = await gw.visitor();
    await expect(gw.connectVisitor(token, { origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 });
  });

  it('closes a visitor socket with 4001 when the session token is unknown', async () => {
    const socket = await gw.connectVisitor('A'.repeat(43));
    expect((await socket.closed).code).toBe(4001);
    expect(socket.frames).toEqual([]);
  });

  it('refuses the agent socket from a foreign origin even with a valid cookie (no cross-site hijacking)', async () => {
    await expect(gw.connectAgent(cookie, { origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 });
    await expect(openSocket(`${gw.wsUrl}/ws/agent?v=1`, { headers: { cookie } })).rejects.toMatchObject({ status: 403 });
  });

  it('closes the agent socket with 4001 without a valid session cookie', async () => {
    const socket = await gw.connectAgent('parley_session=forged');
    expect((await socket.closed).code).toBe(4001);
  });

  it('refuses console mutations from a foreign origin (CSRF)', async () => {
    const { conversationId, socket } = await startConversation();
    const res = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: cid(), body: 'forged' }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('FORBIDDEN_ORIGIN');
    socket.close();
  });

  it('gives visitors a server-made session token of at least 128 bits and stores only its hash', async () => {
    const { token, visitorId } = await gw.visitor();
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    const rows = await gw.database.db.query.visitorSessions.findMany({ where: (s, { eq }) => eq(s.visitorId, visitorId) });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(token);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs an agent in with an httpOnly cookie, and signing out closes the socket', async () => {
    const res = await fetch(`${gw.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gw.origin },
      body: JSON.stringify({ email: 'agent@example.com', password: 'correct horse battery staple' }),
    });
    const setCookie = res.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const session = setCookie.split(';')[0]!;
    const socket = await gw.connectAgent(session);
    await socket.next('hello');
    const out = await fetch(`${gw.url}/api/agent/logout`, { method: 'POST', headers: { cookie: session, origin: gw.origin } });
    expect(out.status).toBe(200);
    expect((await socket.closed).code).toBe(4010);
    const me = await fetch(`${gw.url}/api/agent/me`, { headers: { cookie: session } });
    expect(me.status).toBe(401);
  });

  it('refuses a wrong password with INVALID_CREDENTIALS', async () => {
    const res = await fetch(`${gw.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gw.origin },
      body: JSON.stringify({ email: 'agent@example.com', password: 'wrong' }),
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('internal notes', () => {
  it('never reach a visitor by socket, replay, history or list (canary)', async () => {
    const canary = `CANARY-${cid()}`;
    const { session, socket, conversationId } = await startConversation('need help');
    const second = await gw.connectVisitor(session.token);
    await second.next('hello');
    const agent = await gw.connectAgent(cookie);
    await agent.next('hello');
    agent.send({ type: 'message.send', ref: 'note', conversationId, clientMessageId: cid(), body: canary, internal: true });
    await agent.next('message.ack', (f) => f.ref === 'note');
    const rest = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { cookie, origin: gw.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: cid(), body: `${canary} via rest`, internal: true }),
    });
    expect(rest.status).toBe(201);
    agent.send({ type: 'message.send', ref: 'reply', conversationId, clientMessageId: cid(), body: 'public reply' });
    await agent.next('message.ack', (f) => f.ref === 'reply');
    // The agents see the note; the visitor's sockets get the reply, numbered without a gap.
    expect(JSON.stringify(agent.frames)).toContain(canary);
    const reply = await socket.next('message.created', (f) => f.message.body === 'public reply');
    expect(reply.message.seq).toBe(2);

    socket.send({ type: 'resume', ref: 'r', cursors: [{ conversationId, seq: 0 }] });
    await socket.next('resume.done', (f) => f.ref === 'r');
    socket.send({ type: 'conversation.history', ref: 'h', conversationId });
    await socket.next('conversation.history.result', (f) => f.ref === 'h');
    socket.send({ type: 'conversation.list', ref: 'l' });
    const list = await socket.next('conversation.list.result', (f) => f.ref === 'l');
    expect(list.conversations[0]!.preview).toBe('public reply');

    const readable = [
      JSON.stringify(socket.frames),
      JSON.stringify(second.frames),
      await fetch(`${gw.url}/api/visitor/conversations`, { headers: bearer(session.token) }).then((r) => r.text()),
      await fetch(`${gw.url}/api/visitor/conversations/${conversationId}/messages`, { headers: bearer(session.token) }).then((r) => r.text()),
    ];
    for (const text of readable) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain('"internal"');
    }
    expect(readable[3]).toContain('public reply');
    socket.close();
    second.close();
    agent.close();
  });

  it('do not move the visitor\'s list nor change the time it shows', async () => {
    const { session, socket, conversationId: older } = await startConversation('first question');
    socket.send({ type: 'message.send', ref: 'y', clientConversationId: cid(), clientMessageId: cid(), body: 'second question' });
    const newer = (await socket.next('message.ack', (f) => f.ref === 'y')).conversationId;
    const list = async () =>
      ((await fetch(`${gw.url}/api/visitor/conversations`, { headers: bearer(session.token) }).then((r) => r.json())) as { conversations: { id: string; lastMessageAt: string | null }[] }).conversations;
    const before = await list();
    expect(before.map((c) => c.id)).toEqual([newer, older]);

    // An agent writes a note in the older conversation: it must leave no trace a visitor can see.
    const agent = await gw.connectAgent(cookie);
    await agent.next('hello');
    agent.send({ type: 'message.send', ref: 'note', conversationId: older, clientMessageId: cid(), body: 'note', internal: true });
    await agent.next('message.ack', (f) => f.ref === 'note');
    expect(await list()).toEqual(before);
    socket.send({ type: 'conversation.list', ref: 'l' });
    const frame = await socket.next('conversation.list.result', (f) => f.ref === 'l');
    expect(frame.conversations.map((c) => [c.id, c.lastMessageAt])).toEqual(before.map((c) => [c.id, c.lastMessageAt]));
    socket.close();
    agent.close();
  });

  it('cannot be posted by a visitor', async () => {
    const { socket, conversationId } = await startConversation();
    socket.send({ type: 'message.send', ref: 'n', conversationId, clientMessageId: cid(), body: 'sneaky', internal: true });
    expect(await socket.next('error', (f) => f.ref === 'n')).toMatchObject({ code: 'FORBIDDEN' });
    socket.close();
  });
});

describe('caching', () => {
  it('lets no browser or proxy keep what the API answers a visitor or an agent, errors included; only public answers may be kept', async () => {
    const { session, conversationId } = await startConversation('kept nowhere');
    const answers = [
      await fetch(`${gw.url}/api/visitor/conversations`, { headers: bearer(session.token) }),
      await fetch(`${gw.url}/api/visitor/conversations/00000000-0000-4000-8000-000000000000/messages`, { headers: bearer(session.token) }),
      await fetch(`${gw.url}/api/agent/conversations`, { headers: { cookie, origin: gw.origin } }),
      await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages`, { headers: { cookie, origin: gw.origin } }),
      await fetch(`${gw.url}/api/agent/conversations`, { headers: { origin: gw.origin } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 200, 200, 401]);
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
    const policy = await fetch(`${gw.url}/api/attachments/policy`);
    expect(policy.headers.get('cache-control')).toBe('public, max-age=300');
  });
});
