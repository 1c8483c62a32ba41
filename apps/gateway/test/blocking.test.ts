import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, apps, attachments, blocks, conversations, visitorAddresses, visitors, workspaces } from '../src/db/schema/index.ts';
import { hashPassword } from '../src/domain/identity/secrets.ts';
import { TEST_DB } from './support/database.ts';
import { agentRequest, cid, startGateway, startSecondNode, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';
import { seedConversation } from './support/workspace.ts';

type Json = Record<string, any>;

let gw: TestGateway;
let admin: string;
let sam: string;
let kimId: string;

const PASSWORD = 'blocking test password';
// Blocking an address blocks it in one workspace. Every test client connects from 127.0.0.1, so
// this file blocks in workspaces of its own and the demo workspace stays open.
const WS = 'blk';

const api = (cookie: string, method: string, path: string, body?: unknown, base = gw) => agentRequest(base, cookie, method, path, body);

/** A new visitor session of an app, as the widget makes it. */
async function session(appId: string, base = gw) {
  const res = await fetch(`${base.url}/api/visitor/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base.origin }, body: JSON.stringify({ appId }) });
  return { status: res.status, json: (await res.json()) as Json };
}

/** A visitor of an app with a socket, who started a conversation. */
async function chatting(appId: string, base = gw) {
  const { json } = await session(appId, base);
  const socket = await base.connectVisitor(json.token);
  await socket.next('hello');
  socket.send({ type: 'message.send', ref: 'first', clientConversationId: cid(), clientMessageId: cid(), body: 'Spam spam spam' });
  const { conversationId } = await socket.next('message.ack', (f) => f.ref === 'first');
  return { token: json.token as string, visitorId: json.visitorId as string, socket, conversationId };
}

/** The visitor's HTTP routes the widget, the portal and the web form call with a session token. */
function visitorRequests(appId: string, conversationId: string) {
  return [
    ['GET', '/api/visitor/conversations'],
    ['GET', `/api/visitor/conversations/${conversationId}/messages`],
    ['GET', '/api/visitor/me'],
    ['PATCH', '/api/visitor/me', { name: 'Someone else' }],
    ['GET', '/api/visitor/app'],
    ['GET', '/api/visitor/tickets'],
    ['POST', '/api/visitor/tickets', { name: 'Spammer', email: 'spam@example.com', subject: 'Hi', description: 'Spam spam spam' }],
    ['POST', '/api/visitor/attachments?name=note.txt', 'plain text'],
    ['DELETE', '/api/visitor/sessions/current'],
  ] as [string, string, unknown?][];
}

/** A visitor's request with their session token, as the widget sends it. */
async function asVisitor(token: string, method: string, path: string, body?: unknown) {
  const upload = path.startsWith('/api/visitor/attachments');
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, origin: gw.origin, ...(body !== undefined && { 'content-type': upload ? 'application/octet-stream' : 'application/json' }) },
    ...(body !== undefined && { body: upload ? String(body) : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
}

/** Expects every visitor route to refuse the session with 403 BLOCKED, saying why. */
async function expectRoutesBlocked(token: string, appId: string, conversationId: string) {
  for (const [method, path, body] of visitorRequests(appId, conversationId)) {
    const answer = await asVisitor(token, method, path, body);
    expect(answer.status, `${method} ${path}`).toBe(403);
    expect(answer.json.error, `${method} ${path}`).toEqual({ code: 'BLOCKED', message: expect.stringMatching(/cannot chat here/) });
  }
}

/** Expects the socket to be told it is blocked and closed with 4012. */
async function expectBlocked(socket: TestSocket) {
  const error = await socket.next('error', (f) => f.code === 'BLOCKED');
  expect(error.message).toMatch(/cannot chat here/);
  expect((await socket.closed).code).toBe(4012);
}

async function addWorkspace(id: string, base = gw) {
  const { db } = base.database;
  await db.insert(workspaces).values({ id, name: id });
  await db.insert(apps).values({ id: `${id}-app`, workspaceId: id, name: id, identitySecret: 'blocking-secret-0123456789', allowedOrigins: [base.origin] });
}

beforeAll(async () => {
  gw = await startGateway();
  const { db } = gw.database;
  const hash = await hashPassword(PASSWORD);
  await addWorkspace(WS);
  const [a, s, k] = await db
    .insert(agents)
    .values([
      { workspaceId: WS, email: 'ada@blk.example', name: 'Ada', role: 'admin', passwordHash: hash },
      { workspaceId: WS, email: 'sam@blk.example', name: 'Sam', role: 'agent', passwordHash: hash },
      { workspaceId: WS, email: 'kim@blk.example', name: 'Kim', role: 'agent', passwordHash: hash },
    ])
    .returning();
  kimId = k!.id;
  admin = await gw.login(a!.email, PASSWORD);
  sam = await gw.login(s!.email, PASSWORD);
});
afterAll(async () => {
  await gw?.close();
});

describe('blocking a visitor', () => {
  it("ends the visitor's sessions at once and refuses their reconnect with BLOCKED", async () => {
    const chat = await chatting(`${WS}-app`);
    const secondTab = await gw.connectVisitor(chat.token);
    await secondTab.next('hello');

    const blocked = await api(sam, 'POST', `/api/agent/conversations/${chat.conversationId}/block`, { reason: 'Abusive' });
    expect(blocked.status).toBe(201);
    expect(blocked.json.block).toMatchObject({ visitor: { id: chat.visitorId }, byIp: false, conversationId: chat.conversationId, reason: 'Abusive', blockedBy: { name: 'Sam' } });
    await expectBlocked(chat.socket);
    await expectBlocked(secondTab);

    const again = await gw.connectVisitor(chat.token);
    await expectBlocked(again);
    expect(again.frames.some((f) => f.type === 'hello')).toBe(false);

    // Only the visitor is blocked, not the address: someone else there may chat.
    const other = await session(`${WS}-app`);
    expect(other.status).toBe(201);
    const otherSocket = await gw.connectVisitor(other.json.token);
    await otherSocket.next('hello');
    otherSocket.close();
    expect((await asVisitor(other.json.token, 'GET', '/api/visitor/conversations')).status).toBe(200);
  });

  it("ends the visitor's open chats: closed, with a note for the agents; their other chats and tickets stay as they were", async () => {
    const chat = await chatting(`${WS}-app`);
    chat.socket.send({ type: 'message.send', ref: 'second', clientConversationId: cid(), clientMessageId: cid(), body: 'More spam' });
    const { conversationId: second } = await chat.socket.next('message.ack', (f) => f.ref === 'second');
    const ticket = await seedConversation(gw.database, { workspaceId: WS, appId: `${WS}-app`, visitorId: chat.visitorId, channel: 'web_form' });
    const console_ = await gw.connectAgent(sam);
    await console_.next('hello');

    expect((await api(sam, 'POST', `/api/agent/conversations/${chat.conversationId}/block`, {})).status).toBe(201);
    const rows = await gw.database.db.select().from(conversations).where(eq(conversations.visitorId, chat.visitorId));
    const status = Object.fromEntries(rows.map((r) => [r.id, r.status]));
    expect(status).toEqual({ [chat.conversationId]: 'closed', [second]: 'closed', [ticket.id]: 'open' });
    const note = await console_.next('message.created', (f) => f.message.conversationId === chat.conversationId && f.message.author.kind === 'system');
    expect(note.message).toMatchObject({ body: 'The customer was blocked: the chat ended.', internal: true });
    // Blocking again ends nothing twice.
    expect((await api(sam, 'POST', `/api/agent/conversations/${chat.conversationId}/block`, {})).status).toBe(201);
    const history = await api(sam, 'GET', `/api/agent/conversations/${chat.conversationId}/messages`);
    expect(history.json.messages.filter((m: Json) => m.author.kind === 'system').map((m: Json) => m.body)).toEqual(['The customer was blocked: the chat ended.']);
    console_.close();
  });

  it("refuses the blocked visitor's HTTP requests with 403 BLOCKED, as their socket is refused", async () => {
    const chat = await chatting(`${WS}-app`);
    expect((await asVisitor(chat.token, 'GET', '/api/visitor/conversations')).status).toBe(200);
    expect((await api(sam, 'POST', `/api/agent/conversations/${chat.conversationId}/block`)).status).toBe(201);
    await expectBlocked(chat.socket);
    await expectRoutesBlocked(chat.token, `${WS}-app`, chat.conversationId);
    // Nothing got through: the name stayed, and no ticket or file was made.
    const [visitor] = await gw.database.db.select().from(visitors).where(eq(visitors.id, chat.visitorId));
    expect(visitor!.name).toBeNull();
    expect(await gw.database.db.select().from(conversations).where(eq(conversations.visitorId, chat.visitorId))).toHaveLength(1);
    expect(await gw.database.db.select().from(attachments).where(eq(attachments.workspaceId, WS))).toEqual([]);
  });

  it('blocks the IP address too when asked, keeping only a keyed hash of it; new sessions from it get 403 BLOCKED', async () => {
    await addWorkspace('blk-ip');
    const chat = await chatting('blk-ip-app');
    const neighbour = await chatting('blk-ip-app');
    const [ipAdmin] = await gw.database.db
      .insert(agents)
      .values({ workspaceId: 'blk-ip', email: 'ip@blk.example', name: 'Ida', role: 'admin', passwordHash: await hashPassword(PASSWORD) })
      .returning();
    const cookie = await gw.login(ipAdmin!.email, PASSWORD);

    const blocked = await api(cookie, 'POST', `/api/agent/conversations/${chat.conversationId}/block`, { byIp: true });
    expect(blocked.json.block.byIp).toBe(true);
    await expectBlocked(chat.socket);

    const refused = await session('blk-ip-app');
    expect(refused.status).toBe(403);
    expect(refused.json.error).toEqual({ code: 'BLOCKED', message: expect.stringMatching(/cannot chat here/) });
    // A session from that address made before the block is refused on every visitor route too.
    await expectRoutesBlocked(neighbour.token, 'blk-ip-app', neighbour.conversationId);
    // Another workspace's app is not affected.
    expect((await session(`${WS}-app`)).status).toBe(201);

    const [row] = await gw.database.db.select().from(blocks).where(eq(blocks.id, blocked.json.block.id));
    expect(row!.ipHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(row)).not.toContain('127.0.0.1');
    const [address] = await gw.database.db.select().from(visitorAddresses).where(eq(visitorAddresses.visitorId, chat.visitorId));
    expect(address!.ipHash).toBe(row!.ipHash);

    // Lifted: the address may start sessions again, and the visitor may reconnect.
    expect(await api(cookie, 'DELETE', `/api/admin/blocks/${row!.id}`)).toEqual({ status: 200, json: { ok: true } });
    expect((await session('blk-ip-app')).status).toBe(201);
    const back = await gw.connectVisitor(chat.token);
    await back.next('hello');
    back.close();
    expect((await asVisitor(neighbour.token, 'GET', '/api/visitor/conversations')).status).toBe(200);
    neighbour.socket.close();
  });

  it('blocks only the visitor when their address is not known (they never connected), and says so', async () => {
    const { id } = await seedConversation(gw.database, { workspaceId: WS, appId: `${WS}-app` });
    const blocked = await api(sam, 'POST', `/api/agent/conversations/${id}/block`, { byIp: true });
    expect(blocked.status).toBe(201);
    expect(blocked.json.block.byIp).toBe(false);
  });

  it('keeps one block per visitor: blocking again answers the same block', async () => {
    const chat = await chatting(`${WS}-app`);
    const first = await api(sam, 'POST', `/api/agent/conversations/${chat.conversationId}/block`);
    await expectBlocked(chat.socket);
    const second = await api(admin, 'POST', `/api/agent/conversations/${chat.conversationId}/block`, {});
    expect(second.json.block.id).toBe(first.json.block.id);
    expect(await gw.database.db.select().from(blocks).where(eq(blocks.visitorId, chat.visitorId))).toHaveLength(1);
  });

  it('answers NOT_FOUND for a conversation the agent may not see, and blocks nobody', async () => {
    const { id, visitorId } = await seedConversation(gw.database, { workspaceId: WS, appId: `${WS}-app`, routing: { owner: kimId } });
    const answer = await api(sam, 'POST', `/api/agent/conversations/${id}/block`, { byIp: true });
    expect(answer.status).toBe(404);
    expect(answer.json.error.code).toBe('NOT_FOUND');
    expect(await gw.database.db.select().from(blocks).where(eq(blocks.visitorId, visitorId))).toEqual([]);
  });

  it('refuses a bad body with INVALID_REQUEST, and blocks nobody', async () => {
    const chat = await chatting(`${WS}-app`);
    for (const [body, field] of [[{ byIp: 'yes' }, 'byIp'], [{ reason: 5 }, 'reason'], [{ reason: 'x'.repeat(201) }, 'reason'], [{ ip: '1.2.3.4' }, 'ip'], ['[]', '']] as const) {
      const answer = await api(sam, 'POST', `/api/agent/conversations/${chat.conversationId}/block`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.code).toBe('INVALID_REQUEST');
      expect(answer.json.error.message).toContain(field);
    }
    expect(await gw.database.db.select().from(blocks).where(eq(blocks.visitorId, chat.visitorId))).toEqual([]);
    chat.socket.send({ type: 'ping', ref: 'still here' });
    await chat.socket.next('pong');
    chat.socket.close();
  });
});

describe("the admins' list of blocks", () => {
  it('lists the workspace’s blocks newest first, page by page', async () => {
    await addWorkspace('blk-list');
    const [listAdmin] = await gw.database.db
      .insert(agents)
      .values({ workspaceId: 'blk-list', email: 'lis@blk.example', name: 'Lis', role: 'admin', passwordHash: await hashPassword(PASSWORD) })
      .returning();
    const cookie = await gw.login(listAdmin!.email, PASSWORD);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { id } = await seedConversation(gw.database, { workspaceId: 'blk-list', appId: 'blk-list-app', visitorName: `Visitor ${i}` });
      made.push((await api(cookie, 'POST', `/api/agent/conversations/${id}/block`)).json.block.id);
    }
    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const page = await api(cookie, 'GET', `/api/admin/blocks?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.json.blocks);
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen.map((b) => b.id)).toEqual([...made].reverse());
    expect(seen[0]).toMatchObject({ visitor: { name: 'Visitor 4' }, byIp: false, blockedBy: { id: listAdmin!.id, name: 'Lis' } });
  });

  it('is for admins only: agents get FORBIDDEN for the list and for lifting, and the block stays', async () => {
    const chat = await chatting(`${WS}-app`);
    const { json } = await api(sam, 'POST', `/api/agent/conversations/${chat.conversationId}/block`);
    for (const [method, path] of [['GET', '/api/admin/blocks'], ['DELETE', `/api/admin/blocks/${json.block.id}`]] as const) {
      const answer = await api(sam, method, path);
      expect(answer.status, path).toBe(403);
      expect(answer.json.error.code).toBe('FORBIDDEN');
    }
    expect(await gw.database.db.select().from(blocks).where(eq(blocks.id, json.block.id))).toHaveLength(1);
  });

  it("answers NOT_FOUND for lifting a block that does not exist or is another workspace's", async () => {
    const chat = await chatting(`${WS}-app`);
    const { json } = await api(sam, 'POST', `/api/agent/conversations/${chat.conversationId}/block`);
    const demoAdmin = await gw.login();
    for (const [cookie, id] of [[demoAdmin, json.block.id], [admin, '00000000-0000-4000-8000-000000000000'], [admin, 'nope']] as const) {
      const answer = await api(cookie, 'DELETE', `/api/admin/blocks/${id}`);
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe('NOT_FOUND');
    }
    expect((await api(admin, 'GET', '/api/admin/blocks?cursor=bad')).json.error.code).toBe('INVALID_REQUEST');
    expect((await api(admin, 'GET', '/api/admin/blocks?limit=0')).json.error.code).toBe('INVALID_REQUEST');
  });
});

// A visitor on one node, the agent on another: the block reaches the visitor's node through the relay.
describe.runIf(TEST_DB === 'postgres')('blocking across gateway nodes', () => {
  let b: TestGateway;

  beforeAll(async () => {
    b = await startSecondNode(gw);
    await gw.database.db.update(apps).set({ allowedOrigins: [gw.origin, b.origin] }).where(eq(apps.id, `${WS}-app`));
  });
  afterAll(async () => {
    await b?.close();
  });

  it("closes the visitor's socket on the other node with BLOCKED", async () => {
    const chat = await chatting(`${WS}-app`, b);
    expect((await api(sam, 'POST', `/api/agent/conversations/${chat.conversationId}/block`)).status).toBe(201);
    await expectBlocked(chat.socket);
    await expectBlocked(await b.connectVisitor(chat.token));
  });
});
