import { ServerFrameSchema } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, apps, conversationGuests, conversations, messages, offers, queueAgents, queues, savedViews, workspaces } from '../src/db/schema/index.ts';
import { hashPassword } from '../src/domain/identity/secrets.ts';
import { archiveConversation } from '../src/domain/views/view-repository.ts';
import { agentRequest, cid, startGateway, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';
import { minutesAgo, seedConversation } from './support/workspace.ts';

type Json = Record<string, any>;

let gw: TestGateway;
let admin: string;
let sam: string;
let samId: string;
let kimId: string;
let queueId: string;
let otherQueueId: string;

const PASSWORD = 'views test password';
// Every conversation of this file lives in its own workspace, so other files' rows never show.
const WS = 'views';

const api = (cookie: string, method: string, path: string, body?: unknown) => agentRequest(gw, cookie, method, path, body);

const view = (cookie: string, name: string, query = '') => api(cookie, 'GET', `/api/agent/views/${name}${query}`);
const ids = (page: { json: Json }) => page.json.conversations.map((c: Json) => c.id);

/** Every id of a view, page by page, following nextCursor. */
async function walk(cookie: string, path: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(cookie, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    seen.push(...ids(page));
    cursor = page.json.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('the cursor never ended');
}

const seed = (s: Parameters<typeof seedConversation>[1] = {}) => seedConversation(gw.database, { workspaceId: WS, appId: 'views-app', ...s });

beforeAll(async () => {
  gw = await startGateway();
  const { db } = gw.database;
  const hash = await hashPassword(PASSWORD);
  await db.insert(workspaces).values({ id: WS, name: 'Views' });
  await db.insert(apps).values([
    { id: 'views-app', workspaceId: WS, name: 'Shop', identitySecret: 'views-secret-0123456789abcdef' },
    { id: 'views-app-2', workspaceId: WS, name: 'Bank', identitySecret: 'views-secret-0123456789abcdef' },
  ]);
  const [a, s, k] = await db
    .insert(agents)
    .values([
      { workspaceId: WS, email: 'ada@views.example', name: 'Ada', role: 'admin', passwordHash: hash },
      { workspaceId: WS, email: 'sam@views.example', name: 'Sam', role: 'agent', passwordHash: hash },
      { workspaceId: WS, email: 'kim@views.example', name: 'Kim', role: 'agent', passwordHash: hash },
    ])
    .returning();
  samId = s!.id;
  kimId = k!.id;
  const [q1, q2] = await db.insert(queues).values([{ workspaceId: WS, name: 'Sales' }, { workspaceId: WS, name: 'Billing' }]).returning();
  queueId = q1!.id;
  otherQueueId = q2!.id;
  admin = await gw.login(a!.email, PASSWORD);
  sam = await gw.login(s!.email, PASSWORD);
});
afterAll(async () => {
  await gw?.close();
});

describe('the inbox views', () => {
  let c: Record<string, string>;

  beforeAll(async () => {
    c = {
      // Open, the customer wrote last: open and unanswered. An internal note after the customer's message keeps it unanswered.
      waiting: (await seed({ lastMessageAt: minutesAgo(5), messages: [{ kind: 'visitor' }] })).id,
      noted: (await seed({ lastMessageAt: minutesAgo(3), messages: [{ kind: 'visitor' }, { kind: 'agent', internal: true }] })).id,
      // Open, an agent answered last: open, not unanswered.
      answered: (await seed({ lastMessageAt: minutesAgo(1), messages: [{ kind: 'visitor' }, { kind: 'agent' }] })).id,
      closed: (await seed({ status: 'closed', lastMessageAt: minutesAgo(2), messages: [{ kind: 'visitor' }, { kind: 'system' }] })).id,
      archived: (await seed({ status: 'closed', lastMessageAt: minutesAgo(4), archivedAt: minutesAgo(0) })).id,
      archivedOpen: (await seed({ status: 'open', lastMessageAt: minutesAgo(6), archivedAt: minutesAgo(0) })).id,
    };
  });

  it('lists open conversations most recently active first, leaving closed and archived ones out', async () => {
    const page = await view(admin, 'open');
    expect(page.status).toBe(200);
    expect(ids(page)).toEqual([c.answered, c.noted, c.waiting]);
    expect(page.json.nextCursor).toBeNull();
    expect(page.json.conversations[0]).toMatchObject({ id: c.answered, status: 'open', channel: 'chat', archivedAt: null, ticketNumber: null, visitor: { name: 'Seeded visitor' } });
  });

  it('lists as unanswered the open conversations whose last public message is the customer’s', async () => {
    expect(ids(await view(admin, 'unanswered'))).toEqual([c.noted, c.waiting]);
  });

  it('lists closed conversations that are not archived', async () => {
    expect(ids(await view(admin, 'closed'))).toEqual([c.closed]);
  });

  it('lists archived conversations in the archive, most recently archived first, with when', async () => {
    const page = await view(admin, 'archive');
    expect(ids(page)).toEqual(expect.arrayContaining([c.archived, c.archivedOpen]));
    expect(page.json.conversations.find((x: Json) => x.id === c.archived).archivedAt).toBe(minutesAgo(0).toISOString());
  });
});

describe("an agent's own views", () => {
  let c: Record<string, string>;

  beforeAll(async () => {
    const mine = (minutes: number, extra: Parameters<typeof seed>[0]) => seed({ lastMessageAt: minutesAgo(minutes), routing: { queueId, owner: samId }, ...extra });
    c = {
      replied: (await mine(10, { messages: [{ kind: 'agent' }, { kind: 'visitor' }] })).id,
      internal: (await mine(11, { messages: [{ kind: 'visitor' }, { kind: 'agent', internal: true }] })).id,
      answered: (await mine(12, { messages: [{ kind: 'visitor' }, { kind: 'agent' }] })).id,
      // The customer left; Sam has not resolved it yet.
      left: (await mine(13, { status: 'closed', messages: [{ kind: 'visitor' }, { kind: 'system' }] })).id,
      resolved: (await mine(14, { status: 'closed', archivedAt: minutesAgo(0), routing: { queueId, owner: samId, state: 'resolved', wrapUp: 'Solved' } })).id,
      kims: (await seed({ lastMessageAt: minutesAgo(9), messages: [{ kind: 'visitor' }], routing: { queueId, owner: kimId } })).id,
    };
  });

  it('lists the customer replies: mine, and the customer wrote the last public message', async () => {
    const page = await view(sam, 'mine.replies');
    expect(ids(page)).toEqual([c.replied, c.internal]);
  });

  it('lists the conversations whose latest message is an internal note', async () => {
    expect(ids(await view(sam, 'mine.internal'))).toEqual([c.internal]);
  });

  it('lists all my closed conversations, the archived ones included', async () => {
    expect(ids(await view(sam, 'mine.closed'))).toEqual([c.resolved]);
  });

  it('keeps a chat whose customer left in Open until its owner resolves it, and out of Closed', async () => {
    expect(ids(await view(sam, 'open'))).toContain(c.left);
    expect(ids(await view(sam, 'closed'))).not.toContain(c.left);
    expect(ids(await view(sam, 'mine.closed'))).not.toContain(c.left);
  });

  it("never lists another agent's conversation, in any view, but an admin sees every one", async () => {
    for (const name of ['open', 'unanswered', 'closed', 'mine.replies', 'mine.internal', 'mine.closed', 'archive']) {
      expect(ids(await view(sam, name)), name).not.toContain(c.kims);
    }
    expect(ids(await view(admin, 'open'))).toContain(c.kims);
    expect(ids(await view(admin, 'mine.replies'))).not.toContain(c.kims);
  });

  it('shows an agent exactly the conversations the conversation routes let them open', async () => {
    const { db } = gw.database;
    const [mine] = await db.insert(queues).values({ workspaceId: WS, name: 'Visibility' }).returning();
    await db.insert(queueAgents).values({ queueId: mine!.id, agentId: samId });
    const at = minutesAgo(-30);
    const cases = {
      unrouted: [await seed({ lastMessageAt: at }), true],
      own: [await seed({ lastMessageAt: at, routing: { queueId: otherQueueId, owner: samId } }), true],
      waitingInMyQueue: [await seed({ lastMessageAt: at, routing: { queueId: mine!.id } }), true],
      waitingElsewhere: [await seed({ lastMessageAt: at, routing: { queueId: otherQueueId } }), false],
      takenInMyQueue: [await seed({ lastMessageAt: at, routing: { queueId: mine!.id, owner: kimId } }), false],
      guest: [await seed({ lastMessageAt: at, routing: { queueId: otherQueueId, owner: kimId } }), true],
      offered: [await seed({ lastMessageAt: at, routing: { queueId: otherQueueId, owner: kimId } }), true],
      offerExpired: [await seed({ lastMessageAt: at, routing: { queueId: otherQueueId, owner: kimId } }), false],
    } as const;
    await db.insert(conversationGuests).values({ conversationId: cases.guest[0].id, agentId: samId });
    const expires = new Date(Date.now() + 60_000);
    await db.insert(offers).values([
      { conversationId: cases.offered[0].id, agentId: samId, kind: 'transfer', fromAgentId: kimId, expiresAt: expires },
      { conversationId: cases.offerExpired[0].id, agentId: samId, state: 'expired', expiresAt: expires },
    ]);
    const listed = ids(await view(sam, 'open', '?limit=200'));
    for (const [name, [conversation, visible]] of Object.entries(cases)) {
      const opened = await api(sam, 'GET', `/api/agent/conversations/${conversation.id}`);
      expect(opened.status === 200, `${name}: the conversation route`).toBe(visible);
      expect(listed.includes(conversation.id), `${name}: the open view`).toBe(visible);
    }
  });

  it('carries the routing (owner, queue) of each conversation', async () => {
    const page = await view(sam, 'mine.replies');
    expect(page.json.conversations.find((x: Json) => x.id === c.replied).routing).toMatchObject({ state: 'owned', ownerAgentId: samId, ownerName: 'Sam', queueId });
  });
});

describe('paging with a cursor', () => {
  it('returns every conversation exactly once, in order, also when many share one activity time', async () => {
    const at = minutesAgo(60 * 24 * 400);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await seed({ status: 'closed', channel: 'web_form', lastMessageAt: at, createdAt: at })).id);
    const all = await walk(admin, '/api/agent/views/closed?channel=web_form', 3);
    expect(all).toEqual([...made].sort().reverse());
  });

  it('refuses a cursor of another view, or of the same view with another filter, with INVALID_REQUEST', async () => {
    const first = await view(admin, 'closed', '?channel=web_form&limit=2');
    const cursor = encodeURIComponent(first.json.nextCursor);
    for (const other of [`open?channel=web_form&cursor=${cursor}`, `closed?cursor=${cursor}`, `closed?channel=chat&cursor=${cursor}`]) {
      const page = await api(admin, 'GET', `/api/agent/views/${other}`);
      expect(page.status, other).toBe(400);
      expect(page.json.error.code).toBe('INVALID_REQUEST');
      expect(page.json.error.message).toMatch(/start again without a cursor/);
    }
  });
});

describe('the archive filters', () => {
  let c: Record<string, string>;

  beforeAll(async () => {
    const archived = (day: string, extra: Parameters<typeof seed>[0]) =>
      seed({ status: 'closed', lastMessageAt: new Date(`${day}T09:00:00Z`), archivedAt: new Date(`${day}T10:00:00Z`), ...extra });
    c = {
      shopSales: (await archived('2025-01-10', { routing: { queueId, owner: samId, state: 'resolved', wrapUp: 'Refund' } })).id,
      bankSales: (await archived('2025-01-20', { appId: 'views-app-2', routing: { queueId, owner: kimId, state: 'resolved', wrapUp: 'Question' } })).id,
      shopBilling: (await archived('2025-01-31', { routing: { queueId: otherQueueId, owner: samId, state: 'resolved', wrapUp: 'Question' } })).id,
      webForm: (await archived('2025-02-01', { channel: 'web_form' })).id,
    };
  });

  const archive = async (query: string) => {
    const page = await view(admin, 'archive', `?from=2025-01-01&to=2025-02-28&${query}`);
    expect(page.status, query).toBe(200);
    return ids(page);
  };

  it('narrows by app, channel, queue, agent and wrap-up reason', async () => {
    expect(await archive('app=views-app-2')).toEqual([c.bankSales]);
    expect(await archive('channel=web_form')).toEqual([c.webForm]);
    expect(await archive(`queue=${queueId}`)).toEqual([c.bankSales, c.shopSales]);
    expect(await archive(`agent=${samId}`)).toEqual([c.shopBilling, c.shopSales]);
    expect(await archive('wrapUp=Question')).toEqual([c.shopBilling, c.bankSales]);
    expect(await archive(`agent=${samId}&wrapUp=Question&queue=${otherQueueId}&app=views-app`)).toEqual([c.shopBilling]);
  });

  it('narrows by date: `from` inclusive, a `to` date includes its whole day, a date and time is exact', async () => {
    const page = (q: string) => view(admin, 'archive', `?${q}`).then(ids);
    expect(await page('from=2025-01-20&to=2025-01-31')).toEqual([c.shopBilling, c.bankSales]);
    expect(await page('from=2025-01-20T10:00:00Z&to=2025-01-31T10:00:00Z')).toEqual([c.bankSales]);
    expect(await page('from=2025-02-01&to=2025-02-01')).toEqual([c.webForm]);
  });

  it("shows an agent only the archived conversations routing lets them see: their own, and those never routed (the web form's)", async () => {
    const page = await view(sam, 'archive', '?from=2025-01-01&to=2025-02-28');
    expect(ids(page)).toEqual([c.webForm, c.shopBilling, c.shopSales]);
  });
});

describe('archive, unarchive and delete', () => {
  it('moves a conversation to the archive and back, on request of an agent who may see it', async () => {
    const { id } = await seed({ lastMessageAt: minutesAgo(-1), routing: { queueId, owner: samId } });
    const archived = await api(sam, 'POST', `/api/agent/conversations/${id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.json.conversation).toMatchObject({ id, archivedAt: expect.any(String) });
    expect(ids(await view(sam, 'open'))).not.toContain(id);
    expect(ids(await view(sam, 'archive'))).toContain(id);

    // Archiving again keeps the first time.
    const again = await api(sam, 'POST', `/api/agent/conversations/${id}/archive`, {});
    expect(again.json.conversation.archivedAt).toBe(archived.json.conversation.archivedAt);

    const back = await api(sam, 'POST', `/api/agent/conversations/${id}/unarchive`);
    expect(back.json.conversation).toMatchObject({ id, archivedAt: null });
    expect(ids(await view(sam, 'open'))).toContain(id);
  });

  it("answers NOT_FOUND for a conversation the agent may not see, and changes nothing", async () => {
    const { id } = await seed({ routing: { queueId, owner: kimId } });
    for (const action of ['archive', 'unarchive']) {
      const answer = await api(sam, 'POST', `/api/agent/conversations/${id}/${action}`);
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe('NOT_FOUND');
    }
    const [row] = await gw.database.db.select().from(conversations).where(eq(conversations.id, id));
    expect(row!.archivedAt).toBeNull();
  });

  it('leaves archived conversations out of the inbox list, over HTTP and on the socket, until they come back', async () => {
    const { id } = await seed({ status: 'closed', lastMessageAt: minutesAgo(-2), routing: { queueId, owner: samId, state: 'resolved', wrapUp: 'Solved' } });
    const socket = await gw.connectAgent(sam);
    await socket.next('hello');
    const inbox = async () => {
      const ref = cid();
      socket.send({ type: 'conversation.list', ref, status: 'closed' });
      const listed = await socket.next('conversation.list.result', (f) => f.ref === ref);
      const rest = await api(sam, 'GET', '/api/agent/conversations?status=closed');
      return { socket: listed.conversations.map((x) => x.id), rest: rest.json.conversations.map((x: Json) => x.id) };
    };
    expect(await inbox()).toEqual({ socket: expect.arrayContaining([id]), rest: expect.arrayContaining([id]) });

    expect((await api(sam, 'POST', `/api/agent/conversations/${id}/archive`)).status).toBe(200);
    const archived = await inbox();
    expect(archived.socket).not.toContain(id);
    expect(archived.rest).not.toContain(id);
    expect(ids(await view(sam, 'archive'))).toContain(id);

    expect((await api(sam, 'POST', `/api/agent/conversations/${id}/unarchive`)).status).toBe(200);
    expect(await inbox()).toEqual({ socket: expect.arrayContaining([id]), rest: expect.arrayContaining([id]) });
    socket.close();
  });

  it('tells every console of the workspace when a conversation is archived', async () => {
    const socket = await gw.connectAgent(admin);
    await socket.next('hello');
    const { id } = await seed({});
    await api(admin, 'POST', `/api/agent/conversations/${id}/archive`);
    const updated = await socket.next('conversation.updated', (f) => f.conversation.id === id);
    expect(updated.conversation.archivedAt).toEqual(expect.any(String));
    socket.close();
  });

  it('puts a resolved chat in the archive through archiveConversation, once', async () => {
    const { id } = await seed({});
    const first = new Date('2026-02-01T00:00:00Z');
    expect(await archiveConversation(gw.database.db, id, first)).toBe(true);
    expect(await archiveConversation(gw.database.db, id, new Date('2026-02-02T00:00:00Z'))).toBe(true);
    const [row] = await gw.database.db.select().from(conversations).where(eq(conversations.id, id));
    expect(row!.archivedAt).toEqual(first);
    expect(await archiveConversation(gw.database.db, '00000000-0000-4000-8000-000000000000')).toBe(false);
  });

  it('brings an archived conversation back to the main views when the customer writes again', async () => {
    const { token } = await gw.visitor();
    const socket = await gw.connectVisitor(token);
    await socket.next('hello');
    const clientConversationId = cid();
    socket.send({ type: 'message.send', ref: 'a', clientConversationId, clientMessageId: cid(), body: 'First question' });
    const { conversationId } = await socket.next('message.ack', (f) => f.ref === 'a');
    const demoAdmin = await gw.login();
    const agent = await gw.connectAgent(demoAdmin);
    await agent.next('hello');
    expect((await api(demoAdmin, 'POST', `/api/agent/conversations/${conversationId}/archive`)).status).toBe(200);
    expect(ids(await view(demoAdmin, 'open', '?limit=200'))).not.toContain(conversationId);
    await agent.next('conversation.updated', (f) => f.conversation.id === conversationId && !!f.conversation.archivedAt);

    socket.send({ type: 'message.send', ref: 'b', conversationId, clientMessageId: cid(), body: 'One more thing' });
    await socket.next('message.ack', (f) => f.ref === 'b');
    expect(ids(await view(demoAdmin, 'open', '?limit=200'))).toContain(conversationId);
    const [row] = await gw.database.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(row!.archivedAt).toBeNull();
    // The consoles are told live: the row that comes with the message is out of the archive.
    const live = await agent.next('conversation.updated', (f) => f.conversation.id === conversationId && f.conversation.preview === 'One more thing');
    expect(live.conversation.archivedAt).toBeUndefined();
    agent.close();
    socket.close();
  });

  it('deletes a conversation only for an admin who confirms its id, with its messages', async () => {
    const { id } = await seed({ messages: [{ kind: 'visitor' }, { kind: 'agent' }] });
    const del = (cookie: string, body?: unknown) => api(cookie, 'DELETE', `/api/admin/conversations/${id}`, body);

    const byAgent = await del(sam, { confirm: id });
    expect(byAgent.status).toBe(403);
    expect(byAgent.json.error.code).toBe('FORBIDDEN');
    for (const body of [undefined, {}, { confirm: 'yes' }, { confirm: id.toUpperCase() }]) {
      const answer = await del(admin, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.code, JSON.stringify(body)).toBe('CONFIRMATION_REQUIRED');
      expect(answer.json.error.message).toContain(`"confirm": "${id}"`);
    }
    for (const body of [{ confirm: 5 }, { confirm: id, also: true }]) {
      expect((await del(admin, body)).json.error.code).toBe('INVALID_REQUEST');
    }
    expect(await gw.database.db.select().from(messages).where(eq(messages.conversationId, id))).toHaveLength(2);

    expect(await del(admin, { confirm: id })).toEqual({ status: 200, json: { ok: true } });
    expect(await gw.database.db.select().from(conversations).where(eq(conversations.id, id))).toEqual([]);
    expect(await gw.database.db.select().from(messages).where(eq(messages.conversationId, id))).toEqual([]);
    expect((await del(admin, { confirm: id })).json.error.code).toBe('NOT_FOUND');
  });

  it('tells the consoles that may hold a deleted conversation that it was deleted, and no others', async () => {
    const { id } = await seed({ routing: { queueId, owner: samId } });
    const kim = await gw.login('kim@views.example', PASSWORD);
    const consoles = await Promise.all([sam, admin, kim].map((cookie) => gw.connectAgent(cookie)));
    await Promise.all(consoles.map((s) => s.next('hello')));
    const [samSocket, adminSocket, kimSocket] = consoles as [TestSocket, TestSocket, TestSocket];

    expect(await api(admin, 'DELETE', `/api/admin/conversations/${id}`, { confirm: id })).toEqual({ status: 200, json: { ok: true } });
    // The owner and the admin: the list drops it and an open view closes (what the console does on this frame).
    for (const socket of [samSocket, adminSocket]) {
      const lost = await socket.next('routing.access.lost', (f) => f.conversationId === id);
      expect(lost).toEqual({ type: 'routing.access.lost', conversationId: id, reason: 'deleted' });
      // As the console's client checks it, with the protocol's own schema.
      expect(v.parse(ServerFrameSchema, lost)).toEqual(lost);
    }
    // Kim never saw it, so Kim is told nothing: a later conversation change reaches Kim's console first.
    const { id: later } = await seed({});
    await api(admin, 'POST', `/api/agent/conversations/${later}/archive`);
    await kimSocket.next('conversation.updated', (f) => f.conversation.id === later);
    expect(kimSocket.frames.some((f) => 'conversationId' in f && f.conversationId === id)).toBe(false);
    for (const socket of consoles) socket.close();
  });

  it("answers NOT_FOUND to an admin deleting another workspace's conversation, and keeps it", async () => {
    const { id } = await seedConversation(gw.database, {});
    const answer = await api(admin, 'DELETE', `/api/admin/conversations/${id}`, { confirm: id });
    expect(answer.json.error.code).toBe('NOT_FOUND');
    expect(await gw.database.db.select().from(conversations).where(eq(conversations.id, id))).toHaveLength(1);
  });
});

describe('saved views', () => {
  it('lets an agent save, rename, run and delete a view of their own', async () => {
    const created = await api(sam, 'POST', '/api/agent/saved-views', { name: '  Sales queue ', filter: { queue: queueId, scope: 'archive' }, sort: 'started.asc', group: 'agent' });
    expect(created.status).toBe(201);
    const { view: saved } = created.json;
    expect(saved).toMatchObject({ name: 'Sales queue', filter: { queue: queueId, scope: 'archive' }, sort: 'started.asc', group: 'agent' });
    expect((await api(sam, 'GET', '/api/agent/saved-views')).json.views).toEqual([saved]);

    const renamed = await api(sam, 'PATCH', `/api/agent/saved-views/${saved.id}`, { name: 'Sales' });
    expect(renamed.json.view).toMatchObject({ name: 'Sales', sort: 'started.asc' });

    const run = await api(sam, 'GET', `/api/agent/saved-views/${saved.id}/conversations`);
    expect(run.status).toBe(200);
    expect(run.json.conversations.length).toBeGreaterThan(0);
    for (const c of run.json.conversations) {
      expect(c.archivedAt).toEqual(expect.any(String));
      expect(c.routing.queueId).toBe(queueId);
      expect(c.group).toEqual({ key: samId, label: 'Sam' });
    }

    expect(await api(sam, 'DELETE', `/api/agent/saved-views/${saved.id}`)).toEqual({ status: 200, json: { ok: true } });
    expect((await api(sam, 'GET', `/api/agent/saved-views/${saved.id}/conversations`)).json.error.code).toBe('NOT_FOUND');
  });

  it('groups conversations together, each group in the chosen order, across pages', async () => {
    const at = (m: number) => minutesAgo(60 * 24 * 800 + m);
    for (const [app, m] of [['views-app', 1], ['views-app-2', 2], ['views-app', 3], ['views-app-2', 4], ['views-app', 5]] as const) {
      await seed({ appId: app, status: 'closed', channel: 'web_form', lastMessageAt: at(m), createdAt: at(m), messages: [{ kind: 'visitor', body: `m${m}` }] });
    }
    const { json } = await api(admin, 'POST', '/api/agent/saved-views', { name: 'Old web forms by app', filter: { channel: 'web_form', status: 'closed', to: at(0).toISOString() }, group: 'app' });
    const pages = await walk(admin, `/api/agent/saved-views/${json.view.id}/conversations`, 2);
    const rows = await gw.database.db.select().from(conversations).where(eq(conversations.workspaceId, WS));
    const app = (id: string) => rows.find((r) => r.id === id)!.appId;
    const preview = (id: string) => rows.find((r) => r.id === id)!.preview;
    expect(pages.map(app)).toEqual(['views-app', 'views-app', 'views-app', 'views-app-2', 'views-app-2']);
    expect(pages.map(preview)).toEqual(['m1', 'm3', 'm5', 'm2', 'm4']);
    const first = await api(admin, 'GET', `/api/agent/saved-views/${json.view.id}/conversations?limit=1`);
    expect(first.json.conversations[0].group).toEqual({ key: 'views-app', label: 'Shop' });
  });

  it("answers NOT_FOUND for another agent's saved view, and leaves it alone", async () => {
    const { json } = await api(admin, 'POST', '/api/agent/saved-views', { name: 'Mine only' });
    for (const [method, path, body] of [
      ['GET', `/api/agent/saved-views/${json.view.id}/conversations`, undefined],
      ['PATCH', `/api/agent/saved-views/${json.view.id}`, { name: 'Taken' }],
      ['DELETE', `/api/agent/saved-views/${json.view.id}`, undefined],
    ] as const) {
      const answer = await api(sam, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.json.error.code).toBe('NOT_FOUND');
    }
    expect((await api(admin, 'GET', '/api/agent/saved-views')).json.views.map((v: Json) => v.name)).toContain('Mine only');
  });

  it('refuses a second view with the same name with CONFLICT', async () => {
    expect((await api(sam, 'POST', '/api/agent/saved-views', { name: 'Twice' })).status).toBe(201);
    const again = await api(sam, 'POST', '/api/agent/saved-views', { name: 'Twice', sort: 'activity.asc' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('CONFLICT');
  });

  it('refuses bad saved views with INVALID_REQUEST naming the field, and stores nothing', async () => {
    const count = async () => (await gw.database.db.select().from(savedViews)).length;
    const before = await count();
    const bad: [unknown, string][] = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(81) }, 'name'],
      [{ name: 5 }, 'name'],
      [{ name: 'A', sort: 'random' }, 'sort'],
      [{ name: 'A', group: 'visitor' }, 'group'],
      [{ name: 'A', filter: { scope: 'everything' } }, 'filter.scope'],
      [{ name: 'A', filter: { queue: 'not-a-uuid' } }, 'filter.queue'],
      [{ name: 'A', filter: { from: 'yesterday' } }, 'filter.from'],
      [{ name: 'A', filter: { to: '2025-13-45' } }, 'filter.to'],
      [{ name: 'A', filter: { sql: 'drop table' } }, 'filter.sql'],
      [{ name: 'A', extra: true }, 'extra'],
      ['not json', ''],
    ];
    for (const [body, field] of bad) {
      const answer = await api(sam, 'POST', '/api/agent/saved-views', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.code).toBe('INVALID_REQUEST');
      if (field) expect(answer.json.error.message, JSON.stringify(body)).toContain(field);
    }
    const { json } = await api(sam, 'POST', '/api/agent/saved-views', { name: 'Patch me' });
    for (const body of [{}, { name: '' }, { filter: { channel: 'fax' } }]) {
      expect((await api(sam, 'PATCH', `/api/agent/saved-views/${json.view.id}`, body)).json.error.code).toBe('INVALID_REQUEST');
    }
    expect(await count()).toBe(before + 1);
  });
});

describe('bad view queries', () => {
  it.each([
    ['an unknown view', '/api/agent/views/everything', 'view'],
    ['a limit of 0', '/api/agent/views/open?limit=0', 'limit'],
    ['a limit over 200', '/api/agent/views/open?limit=201', 'limit'],
    ['a limit that is no number', '/api/agent/views/open?limit=ten', 'limit'],
    ['an unknown filter', '/api/agent/views/archive?owner=x', 'owner'],
    ['a queue that is no id', '/api/agent/views/archive?queue=1%27%20or%201=1', 'queue'],
    ['an agent that is no id', '/api/agent/views/archive?agent=sam', 'agent'],
    ['an unknown channel', '/api/agent/views/archive?channel=fax', 'channel'],
    ['a date that is not one', '/api/agent/views/archive?from=2025-02-30T25:00:00Z', 'from'],
    ['a date without its offset', '/api/agent/views/archive?to=2025-02-01T10:00:00', 'to'],
    ['a filter given twice', '/api/agent/views/archive?app=a&app=b', 'app'],
    ['a cursor that is not one', '/api/agent/views/open?cursor=abc', 'cursor'],
  ])('answers 400 INVALID_REQUEST for %s', async (_what, path, field) => {
    const answer = await api(sam, 'GET', path);
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('INVALID_REQUEST');
    expect(answer.json.error.message).toContain(field);
  });

  it('answers 401 without a session and 403 for a change from another origin', async () => {
    expect((await fetch(`${gw.url}/api/agent/views/open`)).status).toBe(401);
    const res = await fetch(`${gw.url}/api/agent/saved-views`, { method: 'POST', headers: { cookie: sam, origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(res.status).toBe(403);
  });
});

describe('masking in views', () => {
  it('masks personal data in previews and names when the workspace masks it', async () => {
    const { id } = await seed({ visitorName: 'melissa@gmail.com', messages: [{ kind: 'visitor', body: 'Call me on +447966197542' }], lastMessageAt: minutesAgo(-10) });
    expect((await api(admin, 'PATCH', '/api/admin/workspace', { maskPersonalData: true })).status).toBe(200);
    try {
      const page = await view(admin, 'open');
      const row = page.json.conversations.find((c: Json) => c.id === id);
      expect(row.preview).toBe('Call me on *********7542');
      expect(row.visitor.name).toBe('m******@gmail.com');
      expect(JSON.stringify(page.json)).not.toContain('7966197542');
    } finally {
      await api(admin, 'PATCH', '/api/admin/workspace', { maskPersonalData: false });
    }
  });
});
