import type { ServerFrame } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { agentPresence, agents, apps, queueAgents, queues, workspaces } from '../src/db/schema/index.ts';
import { PRESENCE_REFRESH_MS } from '../src/domain/availability.ts';
import { CUSTOMER_LEFT } from '../src/domain/conversations/messenger-service.ts';
import { hashPassword } from '../src/domain/identity/secrets.ts';
import { TEST_DB } from './support/database.ts';
import { cid, startGateway, startSecondNode, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';

let gw: TestGateway;
let cookie: string;
const open: TestSocket[] = [];

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
});
afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});
afterAll(() => gw.close());

const track = (socket: TestSocket) => (open.push(socket), socket);
const bearer = (token: string) => ({ authorization: `Bearer ${token}`, origin: gw.origin });

async function visitor() {
  const session = await gw.visitor();
  const socket = track(await gw.connectVisitor(session.token));
  await socket.next('hello');
  return { ...session, socket };
}

async function agent() {
  const socket = track(await gw.connectAgent(cookie));
  await socket.next('hello');
  return socket;
}

/** A visitor with a conversation holding one message of theirs. */
async function conversation(body = 'Hello there') {
  const v = await visitor();
  v.socket.send({ type: 'message.send', ref: 'first', clientConversationId: cid(), clientMessageId: cid(), body });
  const ack = await v.socket.next('message.ack', (f) => f.ref === 'first');
  return { ...v, conversationId: ack.conversationId };
}

/** Sends a frame with a ref and waits for its `ok` or `error`. */
async function call(socket: TestSocket, frame: Record<string, unknown>) {
  const ref = cid();
  socket.send({ ...frame, ref });
  const answer = await Promise.race([socket.next('ok', (f) => f.ref === ref), socket.next('error', (f) => f.ref === ref)]);
  return answer;
}

async function settings(body: unknown) {
  const res = await fetch(`${gw.url}/api/agent/apps/demo/settings`, {
    method: 'PATCH',
    headers: { cookie, origin: gw.origin, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Resolves once a frame matching arrives after `from`, or with undefined when it does not within `ms`. */
const maybe = <T extends ServerFrame['type']>(socket: TestSocket, type: T, from: number, ms = 300) =>
  socket.next(type, undefined, { from, timeoutMs: ms }).catch(() => undefined);

describe('typing', () => {
  it("relays a visitor's typing to the workspace's agents and an agent's to the visitor, with who is typing", async () => {
    const { socket, conversationId, visitorId } = await conversation();
    const dana = await agent();
    expect(await call(socket, { type: 'typing', conversationId, state: 'start' })).toMatchObject({ type: 'ok' });
    expect(await dana.next('typing')).toEqual({ type: 'typing', conversationId, state: 'start', author: { kind: 'visitor', id: visitorId } });

    expect(await call(dana, { type: 'typing', conversationId, state: 'start' })).toMatchObject({ type: 'ok' });
    const seen = await socket.next('typing');
    expect(seen).toMatchObject({ conversationId, state: 'start', author: { kind: 'agent', name: 'Demo Agent' } });
    expect(seen).not.toHaveProperty('internal');
    dana.send({ type: 'typing', conversationId, state: 'stop' });
    expect(await socket.next('typing', (f) => f.state === 'stop')).toMatchObject({ conversationId });
    // The agent's own socket does not get its own typing back.
    expect(dana.frames.filter((f) => f.type === 'typing' && f.author.kind === 'agent')).toEqual([]);
  });

  it("never lets an agent's internal-note typing reach the visitor, while other agents see it marked internal", async () => {
    const { socket, conversationId } = await conversation();
    const dana = await agent();
    // A second agent of the workspace.
    const password = 'second agent password';
    await gw.database.db
      .insert(agents)
      .values({ workspaceId: 'demo', email: 'sam@example.com', name: 'Sam', role: 'agent', passwordHash: await hashPassword(password) })
      .onConflictDoNothing();
    // Sam works the queue the conversation waits in, so it is Sam's to see.
    const [sam] = await gw.database.db.select({ id: agents.id }).from(agents).where(eq(agents.email, 'sam@example.com'));
    const [support] = await gw.database.db.select({ id: queues.id }).from(queues).where(eq(queues.name, 'Support'));
    await gw.database.db.insert(queueAgents).values({ queueId: support!.id, agentId: sam!.id }).onConflictDoNothing();
    const other = track(await gw.connectAgent(await gw.login('sam@example.com', password)));
    await other.next('hello');
    const from = socket.frames.length;
    expect(await call(dana, { type: 'typing', conversationId, state: 'start', internal: true })).toMatchObject({ type: 'ok' });
    expect(await call(dana, { type: 'typing', conversationId, state: 'stop', internal: true })).toMatchObject({ type: 'ok' });
    expect(await other.next('typing', (f) => f.state === 'stop')).toMatchObject({ internal: true, author: { kind: 'agent', name: 'Demo Agent' } });
    // Then a public reply's typing, which the visitor does get: nothing internal came before it.
    await call(dana, { type: 'typing', conversationId, state: 'start' });
    await socket.next('typing', undefined, { from });
    expect(socket.frames.slice(from).filter((f) => f.type === 'typing')).toEqual([
      { type: 'typing', conversationId, state: 'start', author: expect.objectContaining({ kind: 'agent' }) },
    ]);
  });

  it("answers typing in another visitor's conversation exactly like a missing one, and refuses a visitor's internal typing", async () => {
    const alice = await conversation();
    const mallory = await visitor();
    const theirs = await call(mallory.socket, { type: 'typing', conversationId: alice.conversationId, state: 'start' });
    const missing = await call(mallory.socket, { type: 'typing', conversationId: '00000000-0000-4000-8000-000000000000', state: 'start' });
    const strip = (f: ServerFrame) => ({ ...f, ref: undefined });
    expect(strip(theirs)).toEqual(strip(missing));
    expect(theirs).toMatchObject({ type: 'error', code: 'NOT_FOUND', frameType: 'typing' });
    expect(await call(alice.socket, { type: 'typing', conversationId: alice.conversationId, state: 'start', internal: true })).toMatchObject({
      type: 'error',
      code: 'FORBIDDEN',
    });
    expect(alice.socket.frames.some((f) => f.type === 'typing')).toBe(false);
  });

  it('rate-limits typing like any other frame', async () => {
    const slow = await startGateway({ PARLEY_RATE_LIMIT: '2' }, gw.database);
    try {
      const session = await slow.visitor();
      const socket = await slow.connectVisitor(session.token);
      await socket.next('hello');
      for (let i = 0; i < 30; i++) socket.send({ type: 'typing', conversationId: '00000000-0000-4000-8000-000000000000', state: 'start' });
      expect(await socket.next('error', (f) => f.code === 'RATE_LIMITED')).toMatchObject({ frameType: 'typing' });
      socket.close();
    } finally {
      await slow.close();
    }
  });
});

describe('read receipts', () => {
  it('tells each side how far the other has read, in its own numbering, and keeps unread counts', async () => {
    const { socket, conversationId, token } = await conversation('Where is my order?');
    const dana = await agent();
    dana.send({ type: 'message.send', ref: 'r', conversationId, clientMessageId: cid(), body: 'It ships today.' });
    await dana.next('message.ack', (f) => f.ref === 'r');
    dana.send({ type: 'message.send', ref: 'n', conversationId, clientMessageId: cid(), body: 'note: check stock', internal: true });
    const note = await dana.next('message.ack', (f) => f.ref === 'n');
    expect(note.seq).toBe(3);

    socket.send({ type: 'conversation.list', ref: 'l1' });
    const before = await socket.next('conversation.list.result', (f) => f.ref === 'l1');
    expect(before.conversations[0]).toMatchObject({ id: conversationId, lastSeq: 2, unread: 1, seenSeq: 0 });

    // The agent reads up to the visitor's message only: the visitor sees "seen" up to 1.
    expect(await call(dana, { type: 'conversation.read', conversationId, seq: 1 })).toMatchObject({ type: 'ok' });
    expect(await socket.next('conversation.read')).toMatchObject({ conversationId, reader: { kind: 'agent' }, seq: 1 });
    // Up to the internal note (agent seq 3): in the visitor's numbering that is public seq 2.
    await call(dana, { type: 'conversation.read', conversationId, seq: 3 });
    expect(await socket.next('conversation.read', (f) => f.seq === 2)).toMatchObject({ reader: { kind: 'agent' } });

    // The visitor reads the reply (public 2): agents get it as seq 2 in their numbering.
    expect(await call(socket, { type: 'conversation.read', conversationId, seq: 2 })).toMatchObject({ type: 'ok' });
    expect(await dana.next('conversation.read', (f) => f.reader.kind === 'visitor')).toMatchObject({ conversationId, seq: 2 });
    socket.send({ type: 'conversation.list', ref: 'l2' });
    expect((await socket.next('conversation.list.result', (f) => f.ref === 'l2')).conversations[0]).toMatchObject({ unread: 0, seenSeq: 2 });
    dana.send({ type: 'conversation.list', ref: 'al' });
    const agentList = await dana.next('conversation.list.result', (f) => f.ref === 'al');
    expect(agentList.conversations.find((c) => c.id === conversationId)).toMatchObject({ seenSeq: 2 });

    // The same list over HTTP carries no internal preview.
    const http = await fetch(`${gw.url}/api/visitor/conversations`, { headers: bearer(token) }).then((r) => r.json());
    expect(JSON.stringify(http)).not.toContain('check stock');
  });

  it('never moves backwards, clamps to the last message, and tells the visitor nothing when an agent reads only an internal note', async () => {
    const { socket, conversationId } = await conversation();
    const dana = await agent();
    await call(dana, { type: 'conversation.read', conversationId, seq: 1 });
    await socket.next('conversation.read');
    dana.send({ type: 'message.send', ref: 'n', conversationId, clientMessageId: cid(), body: 'internal only', internal: true });
    await dana.next('message.ack', (f) => f.ref === 'n');
    const from = socket.frames.length;
    await call(dana, { type: 'conversation.read', conversationId, seq: 999 });
    await call(dana, { type: 'conversation.read', conversationId, seq: 0 });
    // A later frame the visitor does get, so the absence above is not a matter of waiting.
    await call(dana, { type: 'typing', conversationId, state: 'start' });
    await socket.next('typing', undefined, { from });
    expect(socket.frames.slice(from).map((f) => f.type)).toEqual(['typing']);
    expect(JSON.stringify(socket.frames)).not.toContain('internal only');
  });

  it("answers a read receipt for another visitor's conversation like a missing one", async () => {
    const alice = await conversation();
    const mallory = await visitor();
    const answer = await call(mallory.socket, { type: 'conversation.read', conversationId: alice.conversationId, seq: 1 });
    expect(answer).toMatchObject({ type: 'error', code: 'NOT_FOUND', frameType: 'conversation.read' });
  });
});

describe('ending a conversation', () => {
  it('closes it, tells the agents the customer left, and tells the visitor it ended without the note', async () => {
    const { socket, conversationId, token } = await conversation('Thanks, bye');
    const dana = await agent();
    const from = dana.frames.length;
    expect(await call(socket, { type: 'conversation.end', conversationId })).toMatchObject({ type: 'ok' });

    const left = await dana.next('message.created', (f) => f.message.conversationId === conversationId, { from });
    expect(left.message).toMatchObject({ body: CUSTOMER_LEFT, internal: true, author: { kind: 'system' }, seq: 2 });
    expect(await dana.next('conversation.updated', (f) => f.conversation.id === conversationId && f.conversation.status === 'closed', { from })).toBeTruthy();
    expect(await socket.next('conversation.updated', (f) => f.conversation.status === 'closed')).toMatchObject({
      conversation: { id: conversationId, lastSeq: 1 },
    });

    // Ending again changes nothing.
    expect(await call(socket, { type: 'conversation.end', conversationId })).toMatchObject({ type: 'ok' });
    const history = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages`, { headers: { cookie } }).then((r) => r.json());
    expect(history.messages.filter((m: { body: string }) => m.body === CUSTOMER_LEFT)).toHaveLength(1);
    // The visitor never sees the note: not live, not in history, not in the list.
    const mine = await fetch(`${gw.url}/api/visitor/conversations/${conversationId}/messages`, { headers: bearer(token) }).then((r) => r.json());
    const list = await fetch(`${gw.url}/api/visitor/conversations`, { headers: bearer(token) }).then((r) => r.json());
    expect(JSON.stringify([socket.frames, mine, list])).not.toContain(CUSTOMER_LEFT);
    expect(list.conversations[0]).toMatchObject({ id: conversationId, status: 'closed' });

    // A new message starts a new conversation for the visitor.
    socket.send({ type: 'message.send', ref: 'again', clientConversationId: cid(), clientMessageId: cid(), body: 'One more thing' });
    expect((await socket.next('message.ack', (f) => f.ref === 'again')).conversationId).not.toBe(conversationId);
  });

  it("refuses an agent, and answers another visitor's conversation like a missing one", async () => {
    const alice = await conversation();
    const dana = await agent();
    expect(await call(dana, { type: 'conversation.end', conversationId: alice.conversationId })).toMatchObject({ code: 'FORBIDDEN' });
    const mallory = await visitor();
    const theirs = await call(mallory.socket, { type: 'conversation.end', conversationId: alice.conversationId });
    const missing = await call(mallory.socket, { type: 'conversation.end', conversationId: '00000000-0000-4000-8000-000000000000' });
    expect({ ...theirs, ref: '' }).toEqual({ ...missing, ref: '' });
    expect(theirs).toMatchObject({ code: 'NOT_FOUND' });
    const row = await fetch(`${gw.url}/api/agent/conversations/${alice.conversationId}`, { headers: { cookie } }).then((r) => r.json());
    expect(row.conversation).toMatchObject({ status: 'open' });
  });
});

describe('messenger settings and the bot', () => {
  afterEach(async () => {
    await settings({ preChat: { name: 'off', email: 'off' }, bot: { enabled: false, text: null } });
  });

  it('lists the workspace\'s apps for the console\'s product filter, and only them', async () => {
    await gw.database.db.insert(workspaces).values({ id: 'other-ws', name: 'Other' }).onConflictDoNothing();
    await gw.database.db.insert(apps).values({ id: 'other-app', workspaceId: 'other-ws', name: 'Other shop', identitySecret: 'x'.repeat(32) }).onConflictDoNothing();
    const res = await fetch(`${gw.url}/api/agent/apps`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ apps: [{ id: 'demo', name: 'Demo site' }] });
    expect((await fetch(`${gw.url}/api/agent/apps`)).status).toBe(401);
  });

  it('posts the bot auto-reply once when a visitor starts a conversation, as the app, and not when switched off', async () => {
    expect(await settings({ bot: { enabled: true, text: 'Thanks! We usually answer within an hour.' } })).toMatchObject({
      status: 200,
      body: { settings: { bot: { enabled: true, text: 'Thanks! We usually answer within an hour.' } } },
    });
    const dana = await agent();
    const { socket, conversationId } = await conversation('Hi, I need help');
    const bot = await socket.next('message.created', (f) => f.message.author.kind === 'system');
    expect(bot.message).toMatchObject({ conversationId, seq: 2, body: 'Thanks! We usually answer within an hour.', author: { kind: 'system', id: 'bot', name: 'Demo site' } });
    expect(await dana.next('message.created', (f) => f.message.conversationId === conversationId && f.message.author.kind === 'system')).toBeTruthy();
    socket.send({ type: 'message.send', ref: 'two', conversationId, clientMessageId: cid(), body: 'Second' });
    await socket.next('message.ack', (f) => f.ref === 'two');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(socket.frames.filter((f) => f.type === 'message.created' && f.message.author.kind === 'system')).toHaveLength(1);

    await settings({ bot: { enabled: false } });
    const quiet = await conversation('Hello again');
    const from = quiet.socket.frames.length;
    quiet.socket.send({ type: 'ping', ref: 'p' });
    await quiet.socket.next('pong');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(quiet.socket.frames.slice(from).some((f) => f.type === 'message.created')).toBe(false);
  });

  it("asks for a required e-mail before the first message, then takes it once the visitor gave it", async () => {
    await settings({ preChat: { email: 'required', name: 'optional' } });
    const v = await visitor();
    const app = await fetch(`${gw.url}/api/visitor/app`, { headers: bearer(v.token) }).then((r) => r.json());
    expect(app.preChat).toEqual({ name: 'optional', email: 'required' });
    expect(app.visitor).toEqual({ name: null, email: null });

    const ccid = cid();
    v.socket.send({ type: 'message.send', ref: 'a', clientConversationId: ccid, clientMessageId: cid(), body: 'Hello' });
    expect(await v.socket.next('error', (f) => f.ref === 'a')).toMatchObject({ code: 'PRECHAT_REQUIRED', frameType: 'message.send' });
    const patched = await fetch(`${gw.url}/api/visitor/me`, {
      method: 'PATCH',
      headers: { ...bearer(v.token), 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ayse@example.com' }),
    });
    expect(patched.status).toBe(200);
    v.socket.send({ type: 'message.send', ref: 'b', clientConversationId: ccid, clientMessageId: cid(), body: 'Hello' });
    expect(await v.socket.next('message.ack', (f) => f.ref === 'b')).toBeTruthy();
  });

  it('serves the widget its app: name, settings, limit, availability and the visitor’s own details', async () => {
    const v = await visitor();
    const res = await fetch(`${gw.url}/api/visitor/app`, { headers: bearer(v.token) });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(gw.origin);
    expect(await res.json()).toEqual({
      name: 'Demo site',
      preChat: { name: 'off', email: 'off' },
      bot: { enabled: false, text: null },
      maxMessageLength: 1000,
      availability: 'offline',
      visitor: { name: null, email: null },
    });
    expect((await fetch(`${gw.url}/api/visitor/app`)).status).toBe(401);
    expect((await fetch(`${gw.url}/api/visitor/app`, { headers: { ...bearer(v.token), origin: 'https://evil.example' } })).status).toBe(403);
  });

  it('refuses bad settings with clear codes', async () => {
    expect(await settings({ preChat: { email: 'sometimes' } })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    expect(await settings({ bot: { enabled: true, text: null } })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/bot\.text/) } } });
    expect(await settings({ bot: { text: 'x'.repeat(1001) } })).toMatchObject({ status: 400 });
    expect(await settings({ colour: 'red' })).toMatchObject({ status: 400 });
    const foreign = await fetch(`${gw.url}/api/agent/apps/demo/settings`, {
      method: 'PATCH',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ bot: { enabled: false } }),
    });
    expect(foreign.status).toBe(403);
    const missing = await fetch(`${gw.url}/api/agent/apps/nope/settings`, { headers: { cookie } });
    expect(missing.status).toBe(404);
    expect(await fetch(`${gw.url}/api/agent/apps/demo/settings`).then((r) => r.status)).toBe(401);
    expect(await fetch(`${gw.url}/api/agent/apps/demo/settings`, { headers: { cookie } }).then((r) => r.json())).toEqual({
      settings: { preChat: { name: 'off', email: 'off' }, bot: { enabled: false, text: null } },
    });
  });
});

describe('availability', () => {
  it('tells visitors after hello and on every change whether an agent is online, away or offline', async () => {
    // Earlier tests' agent sockets are closed; wait until the gateway has counted them out.
    const v = await visitor();
    const first = await v.socket.next('availability');
    expect(v.socket.frames.findIndex((f) => f.type === 'availability')).toBeGreaterThan(v.socket.frames.findIndex((f) => f.type === 'hello'));
    if (first.status !== 'offline') await v.socket.next('availability', (f) => f.status === 'offline');

    let from = v.socket.frames.length;
    const dana = await agent();
    // Connected but not Online: away.
    expect(await v.socket.next('availability', undefined, { from })).toEqual({ type: 'availability', status: 'away' });
    from = v.socket.frames.length;
    const online = await fetch(`${gw.url}/api/agent/status`, { method: 'PUT', headers: { cookie, origin: gw.origin, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'online' }) });
    expect(online.status).toBe(200);
    expect(await v.socket.next('availability', undefined, { from })).toEqual({ type: 'availability', status: 'online' });
    const app = await fetch(`${gw.url}/api/visitor/app`, { headers: bearer(v.token) }).then((r) => r.json());
    expect(app.availability).toBe('online');
    const late = await visitor();
    expect(await late.socket.next('availability')).toEqual({ type: 'availability', status: 'online' });

    const after = v.socket.frames.length;
    dana.close();
    expect(await v.socket.next('availability', undefined, { from: after })).toEqual({ type: 'availability', status: 'offline' });
    expect(await maybe(v.socket, 'availability', v.socket.frames.length)).toBeUndefined();
    await gw.app.parley.routing.setStatus(dana.frames.find((f) => f.type === 'hello')!.principal.id, 'offline');
  });
});

describe('availability across nodes', () => {
  it("counts another node's agents while it keeps confirming them, and stops counting a node that went quiet", async () => {
    const { availability } = gw.app.parley;
    expect(await availability.status('demo')).toBe('offline');
    await gw.database.db.insert(agentPresence).values({ nodeId: 'other-node', workspaceId: 'demo', sockets: 1, seenAt: new Date() });
    // Its agent's console is connected, but the agent is not Online: away, until they are.
    expect(await availability.status('demo')).toBe('away');
    const [demo] = await gw.database.db.select({ id: agents.id }).from(agents).where(eq(agents.email, 'agent@example.com'));
    await gw.app.parley.routing.setStatus(demo!.id, 'online');
    expect(await availability.status('demo')).toBe('online');
    await gw.database.db.update(agentPresence).set({ seenAt: new Date(Date.now() - 4 * PRESENCE_REFRESH_MS) });
    expect(await availability.status('demo')).toBe('offline');
    await gw.database.db.delete(agentPresence);
    await gw.app.parley.routing.setStatus(demo!.id, 'offline');
  });
});

describe('bad frames', () => {
  it('answers every malformed typing, read and end frame with INVALID_FRAME naming the frame', async () => {
    const { socket, conversationId } = await conversation();
    const bad = [
      { type: 'typing', conversationId },
      { type: 'typing', conversationId, state: 'maybe' },
      { type: 'typing', conversationId, state: 'start', internal: 'yes' },
      { type: 'typing', conversationId: 'no spaces allowed', state: 'start' },
      { type: 'typing', conversationId, state: 'start', body: 'extra' },
      { type: 'conversation.read', conversationId },
      { type: 'conversation.read', conversationId, seq: -1 },
      { type: 'conversation.read', conversationId, seq: 1.5 },
      { type: 'conversation.read', conversationId, seq: '2' },
      { type: 'conversation.end' },
      { type: 'conversation.end', conversationId, reason: 'bored' },
    ];
    for (const frame of bad) {
      const answer = await call(socket, frame);
      expect(answer, JSON.stringify(frame)).toMatchObject({ type: 'error', code: 'INVALID_FRAME', frameType: frame.type });
    }
    // The socket still works.
    expect(await call(socket, { type: 'typing', conversationId, state: 'stop' })).toMatchObject({ type: 'ok' });
  });
});

// Typing, read receipts, ends and availability reach sockets on every node (LISTEN/NOTIFY).
describe.runIf(TEST_DB === 'postgres')('across two gateway nodes', () => {
  let b: TestGateway;

  beforeAll(async () => {
    b = await startSecondNode(gw);
  });
  afterAll(async () => {
    await b?.close();
  });

  it('relays typing, reads, the end and availability between a visitor on one node and an agent on the other', async () => {
    const { socket, conversationId } = await conversation('Across nodes');
    const before = socket.frames.length;
    const cookieOnB = await b.login();
    const agentOnB = track(await b.connectAgent(cookieOnB));
    await agentOnB.next('hello');
    // Connected on node b, not yet Online: away; Online: online (node b's status change reaches node a).
    expect(await socket.next('availability', (f) => f.status === 'away', { from: before })).toBeTruthy();
    await fetch(`${b.url}/api/agent/status`, { method: 'PUT', headers: { cookie: cookieOnB, origin: b.origin, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'online' }) });
    expect(await socket.next('availability', (f) => f.status === 'online', { from: before })).toBeTruthy();

    await call(socket, { type: 'typing', conversationId, state: 'start' });
    expect(await agentOnB.next('typing')).toMatchObject({ conversationId, author: { kind: 'visitor' } });
    await call(agentOnB, { type: 'typing', conversationId, state: 'start', internal: true });
    await call(agentOnB, { type: 'typing', conversationId, state: 'stop' });
    expect(await socket.next('typing', (f) => f.state === 'stop')).toBeTruthy();
    expect(socket.frames.filter((f) => f.type === 'typing')).toHaveLength(1);

    await call(agentOnB, { type: 'conversation.read', conversationId, seq: 1 });
    expect(await socket.next('conversation.read')).toMatchObject({ reader: { kind: 'agent' }, seq: 1 });

    await call(socket, { type: 'conversation.end', conversationId });
    expect(await agentOnB.next('message.created', (f) => f.message.body === CUSTOMER_LEFT)).toBeTruthy();

    const after = socket.frames.length;
    agentOnB.close();
    expect(await socket.next('availability', (f) => f.status === 'offline', { from: after })).toBeTruthy();
  });
});
