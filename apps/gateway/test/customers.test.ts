import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, apps, contactDecisions, contacts, conversations, queues, tickets, visitors, workspaces } from '../src/db/schema/index.ts';
import { hashPassword } from '../src/domain/identity/secrets.ts';
import { agentRequest, cid, startGateway, type TestGateway } from './support/gateway.ts';
import { minutesAgo, seedConversation } from './support/workspace.ts';

type Json = Record<string, any>;

let gw: TestGateway;
let admin: string;
let sam: string;
let samId: string;
let kimId: string;
let queueId: string;

const PASSWORD = 'customer test password';
const WS = 'crm';

const api = (cookie: string, method: string, path: string, body?: unknown) => agentRequest(gw, cookie, method, path, body);

const panel = (cookie: string, id: string) => api(cookie, 'GET', `/api/agent/conversations/${id}/customer`);
const seed = (s: Parameters<typeof seedConversation>[1] = {}) => seedConversation(gw.database, { workspaceId: WS, appId: 'crm-app', ...s });

async function visitor(values: Partial<typeof visitors.$inferInsert> = {}) {
  const [row] = await gw.database.db.insert(visitors).values({ appId: 'crm-app', ...values }).returning();
  return row!;
}

const setRoles = (roles: unknown, cookie = admin) => api(cookie, 'PATCH', '/api/admin/workspace/customer-panel', { contactDetailsRoles: roles });

beforeAll(async () => {
  gw = await startGateway();
  const { db } = gw.database;
  const hash = await hashPassword(PASSWORD);
  await db.insert(workspaces).values({ id: WS, name: 'CRM' });
  await db.insert(apps).values({ id: 'crm-app', workspaceId: WS, name: 'Store', identitySecret: 'crm-secret-0123456789abcdef' });
  const [a, s, k] = await db
    .insert(agents)
    .values([
      { workspaceId: WS, email: 'ada@crm.example', name: 'Ada', role: 'admin', passwordHash: hash },
      { workspaceId: WS, email: 'sam@crm.example', name: 'Sam', role: 'agent', passwordHash: hash },
      { workspaceId: WS, email: 'kim@crm.example', name: 'Kim', role: 'agent', passwordHash: hash },
    ])
    .returning();
  samId = s!.id;
  kimId = k!.id;
  queueId = (await db.insert(queues).values({ workspaceId: WS, name: 'Support' }).returning())[0]!.id;
  admin = await gw.login(a!.email, PASSWORD);
  sam = await gw.login(s!.email, PASSWORD);
});
afterAll(async () => {
  await gw?.close();
});

describe('the customer panel', () => {
  let customer: Awaited<ReturnType<typeof visitor>>;
  let c: { current: string; kims: string; old: string };

  beforeAll(async () => {
    customer = await visitor({ name: 'Melissa Jones', email: 'melissa@gmail.com', attributes: { plan: 'Gold', phone: '+447966197542', orders: 3, vip: true } });
    const visitorId = customer.id;
    c = {
      current: (await seed({ visitorId, createdAt: minutesAgo(30), lastMessageAt: minutesAgo(1), routing: { queueId, owner: samId }, messages: [{ kind: 'visitor', body: 'My order is late' }] })).id,
      kims: (await seed({ visitorId, status: 'closed', createdAt: minutesAgo(600), lastMessageAt: minutesAgo(500), archivedAt: minutesAgo(499), routing: { queueId, owner: kimId, state: 'resolved', wrapUp: 'Solved' }, messages: [{ kind: 'visitor', body: 'Secret of Kim' }] })).id,
      old: (await seed({ visitorId, status: 'closed', createdAt: minutesAgo(900), lastMessageAt: minutesAgo(800), messages: [{ kind: 'visitor', body: 'Hello from before routing' }] })).id,
    };
  });

  it('shows who the customer is, where and when the conversation started, and their attributes', async () => {
    const { status, json } = await panel(sam, c.current);
    expect(status).toBe(200);
    expect(json.customer).toMatchObject({
      visitorId: customer.id,
      name: 'Melissa Jones',
      email: 'melissa@gmail.com',
      phone: '+447966197542',
      contactDetailsHidden: false,
      verified: false,
      unknown: true,
      decision: null,
      app: { id: 'crm-app', name: 'Store' },
      channel: 'chat',
      startedAt: minutesAgo(30).toISOString(),
      attributes: { plan: 'Gold', phone: '+447966197542', orders: 3, vip: true },
      ticket: null,
      blocked: false,
    });
  });

  it("lists the customer's conversations with every agent, newest first; another agent's without its preview", async () => {
    const { json } = await panel(sam, c.current);
    expect(json.customer.history).toEqual([
      expect.objectContaining({ id: c.current, status: 'open', owner: { id: samId, name: 'Sam' }, preview: 'My order is late', readable: true, archivedAt: null }),
      expect.objectContaining({ id: c.kims, status: 'closed', owner: { id: kimId, name: 'Kim' }, preview: null, readable: false, archivedAt: minutesAgo(499).toISOString() }),
      expect.objectContaining({ id: c.old, owner: null, preview: 'Hello from before routing', readable: true }),
    ]);
    expect(JSON.stringify(json)).not.toContain('Secret of Kim');
    const forAdmin = await panel(admin, c.current);
    expect(forAdmin.json.customer.history[1]).toMatchObject({ preview: 'Secret of Kim', readable: true });
  });

  it('answers NOT_FOUND for a conversation the agent may not see, exactly as for one that does not exist', async () => {
    const theirs = await panel(sam, c.kims);
    const missing = await panel(sam, '00000000-0000-4000-8000-000000000000');
    expect(theirs).toEqual(missing);
    expect(theirs.status).toBe(404);
    expect((await panel(sam, 'not-a-uuid')).status).toBe(404);
    const elsewhere = await seedConversation(gw.database, {});
    expect((await panel(admin, elsewhere.id)).status).toBe(404);
  });

  it('hides e-mail and phone from the roles the workspace does not show them to; admins always see them', async () => {
    const restricted = await setRoles(['admin']);
    expect(restricted).toEqual({ status: 200, json: { settings: { contactDetailsRoles: ['admin'] } } });
    try {
      const { json } = await panel(sam, c.current);
      expect(json.customer).toMatchObject({ email: null, phone: null, contactDetailsHidden: true, name: 'Melissa Jones' });
      expect(json.customer.attributes).toEqual({ plan: 'Gold', orders: 3, vip: true });
      expect(JSON.stringify(json)).not.toContain('melissa@gmail.com');
      expect(JSON.stringify(json)).not.toContain('7966197542');
      expect((await panel(admin, c.current)).json.customer).toMatchObject({ email: 'melissa@gmail.com', phone: '+447966197542', contactDetailsHidden: false });
    } finally {
      expect((await setRoles(['admin', 'agent'])).json.settings.contactDetailsRoles).toEqual(['agent', 'admin']);
    }
    expect((await panel(sam, c.current)).json.customer.email).toBe('melissa@gmail.com');
  });

  it('masks names, attributes and previews when the workspace masks personal data, but not the contact details a role may see', async () => {
    await seed({ visitorId: customer.id, lastMessageAt: minutesAgo(0), routing: { queueId, owner: samId }, messages: [{ kind: 'visitor', body: 'My card is 4111 1111 1111 1111' }] });
    await api(admin, 'PATCH', '/api/admin/workspace', { maskPersonalData: true });
    await gw.database.db.update(visitors).set({ attributes: { backup: 'mel@example.com' } }).where(eq(visitors.id, customer.id));
    try {
      const { json } = await panel(sam, c.current);
      expect(json.customer.attributes).toEqual({ backup: 'm**@example.com' });
      expect(json.customer.history[0].preview).not.toContain('4111 1111 1111 1111');
      expect(json.customer.email).toBe('melissa@gmail.com');
    } finally {
      await api(admin, 'PATCH', '/api/admin/workspace', { maskPersonalData: false });
      await gw.database.db.update(visitors).set({ attributes: customer.attributes }).where(eq(visitors.id, customer.id));
    }
  });
});

describe('who sees contact details (the setting)', () => {
  it('is for admins only to read and change: FORBIDDEN for agents, and nothing changes', async () => {
    expect((await api(sam, 'GET', '/api/admin/workspace/customer-panel')).json.error.code).toBe('FORBIDDEN');
    const answer = await setRoles(['admin'], sam);
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe('FORBIDDEN');
    expect((await api(admin, 'GET', '/api/admin/workspace/customer-panel')).json.settings.contactDetailsRoles).toEqual(['agent', 'admin']);
  });

  it.each([
    [['agent'], 'admin'],
    [[], 'admin'],
    [['owner', 'admin'], 'contactDetailsRoles'],
    ['admin', 'contactDetailsRoles'],
    [['admin', 'agent', 'admin'], 'contactDetailsRoles'],
  ])('refuses %j with INVALID_REQUEST, and keeps the setting', async (roles, words) => {
    const answer = await setRoles(roles);
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('INVALID_REQUEST');
    expect(answer.json.error.message).toContain(words);
    expect((await api(admin, 'GET', '/api/admin/workspace/customer-panel')).json.settings.contactDetailsRoles).toEqual(['agent', 'admin']);
  });

  it('refuses a body with other keys, or none', async () => {
    for (const body of [{}, { contactDetailsRoles: ['admin'], maskPersonalData: true }, 'roles']) {
      expect((await api(admin, 'PATCH', '/api/admin/workspace/customer-panel', body)).json.error.code).toBe('INVALID_REQUEST');
    }
  });
});

describe('an unknown customer', () => {
  it('can be added as a contact with the name and e-mail the agent typed, and corrected later', async () => {
    const anonymous = await visitor();
    const { id } = await seed({ visitorId: anonymous.id, routing: { queueId, owner: samId } });
    expect((await panel(sam, id)).json.customer).toMatchObject({ name: null, email: null, unknown: true, verified: false });

    const added = await api(sam, 'POST', `/api/agent/conversations/${id}/customer/contact`, { name: ' Rob Stone ', email: 'rob@example.com', phone: '+31 6 1234 5678' });
    expect(added.status).toBe(200);
    expect(added.json.customer).toMatchObject({
      name: 'Rob Stone',
      email: 'rob@example.com',
      phone: '+31 6 1234 5678',
      unknown: false,
      verified: false,
      decision: { kind: 'added', by: { id: samId, name: 'Sam' }, at: expect.any(String) },
    });
    const fixed = await api(sam, 'POST', `/api/agent/conversations/${id}/customer/contact`, { name: 'Rob Stone', email: 'rob.stone@example.com' });
    expect(fixed.json.customer).toMatchObject({ email: 'rob.stone@example.com', phone: null });
    // Adding never makes the visitor a verified contact: only the website's signature does.
    const [row] = await gw.database.db.select().from(visitors).where(eq(visitors.id, anonymous.id));
    expect(row!.contactId).toBeNull();

    const ignore = await api(sam, 'POST', `/api/agent/conversations/${id}/customer/ignore`);
    expect(ignore.status).toBe(409);
    expect(ignore.json.error.code).toBe('CONFLICT');
  });

  it('shows what the agent typed over what the visitor typed, and the visitor’s details the agent left out', async () => {
    const typed = await visitor({ name: 'mel', email: 'mel@home.example', attributes: { phone: '+44 7700 900123' } });
    const { id } = await seed({ visitorId: typed.id, routing: { queueId, owner: samId } });
    const added = await api(sam, 'POST', `/api/agent/conversations/${id}/customer/contact`, { name: 'Melanie Brown', phone: '+31 6 1234 5678' });
    expect(added.json.customer).toMatchObject({ name: 'Melanie Brown', email: 'mel@home.example', phone: '+31 6 1234 5678', verified: false, unknown: false });
    expect((await panel(sam, id)).json.customer).toMatchObject({ name: 'Melanie Brown', email: 'mel@home.example', phone: '+31 6 1234 5678' });
  });

  it('is named by the contact’s name in lists, in its header and live, and a name the visitor types does not replace it', async () => {
    const { token } = await gw.visitor();
    const me = (body: unknown) =>
      fetch(`${gw.url}/api/visitor/me`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, origin: gw.origin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const socket = await gw.connectVisitor(token);
    await socket.next('hello');
    socket.send({ type: 'message.send', ref: 'a', clientConversationId: cid(), clientMessageId: cid(), body: 'Where is my order?' });
    const { conversationId: id } = await socket.next('message.ack', (f) => f.ref === 'a');
    const demoAdmin = await gw.login();
    const agent = await gw.connectAgent(demoAdmin);
    await agent.next('hello');

    expect((await api(demoAdmin, 'POST', `/api/agent/conversations/${id}/customer/contact`, { name: 'Melissa Jones' })).status).toBe(200);
    const live = await agent.next('conversation.updated', (f) => f.conversation.id === id);
    expect(live.conversation.visitor?.name).toBe('Melissa Jones');
    const named = (c: Json) => c.id === id && c.visitor.name === 'Melissa Jones';
    expect((await api(demoAdmin, 'GET', '/api/agent/views/open?limit=200')).json.conversations.filter(named)).toHaveLength(1);
    expect((await api(demoAdmin, 'GET', '/api/agent/conversations?limit=200')).json.conversations.filter(named)).toHaveLength(1);
    expect((await api(demoAdmin, 'GET', `/api/agent/conversations/${id}`)).json.conversation.visitor.name).toBe('Melissa Jones');

    // The visitor gives a name of their own and writes: agents still see the contact's.
    expect((await me({ name: 'mel' })).status).toBe(200);
    socket.send({ type: 'message.send', ref: 'b', conversationId: id, clientMessageId: cid(), body: 'Any news?' });
    await socket.next('message.ack', (f) => f.ref === 'b');
    const after = await agent.next('conversation.updated', (f) => f.conversation.id === id && f.conversation.preview === 'Any news?');
    expect(after.conversation.visitor?.name).toBe('Melissa Jones');
    agent.close();
    socket.close();
  });

  it('can be ignored, which is recorded with who and when; ignoring again changes nothing', async () => {
    const { id, visitorId } = await seed({ visitorId: (await visitor()).id, routing: { queueId, owner: samId } });
    const ignored = await api(sam, 'POST', `/api/agent/conversations/${id}/customer/ignore`, {});
    expect(ignored.status).toBe(200);
    expect(ignored.json.customer).toMatchObject({ unknown: false, decision: { kind: 'ignored', by: { id: samId, name: 'Sam' } } });
    const again = await api(sam, 'POST', `/api/agent/conversations/${id}/customer/ignore`);
    expect(again.json.customer.decision).toEqual(ignored.json.customer.decision);
    const [row] = await gw.database.db.select().from(contactDecisions).where(eq(contactDecisions.visitorId, visitorId));
    expect(row).toMatchObject({ decision: 'ignored', decidedBy: samId, workspaceId: WS });
    // Changing one's mind: an ignored customer can still be added.
    expect((await api(sam, 'POST', `/api/agent/conversations/${id}/customer/contact`, { name: 'Found them' })).json.customer.decision.kind).toBe('added');
  });

  it('is a verified contact once the website signed them: CONFLICT for adding or ignoring, and nothing is recorded', async () => {
    const [contact] = await gw.database.db.insert(contacts).values({ appId: 'crm-app', userId: 'u-42', name: 'Vera Verified', email: 'vera@example.com' }).returning();
    const verified = await visitor({ contactId: contact!.id, name: 'vera typed this' });
    const { id } = await seed({ visitorId: verified.id, routing: { queueId, owner: samId } });
    expect((await panel(sam, id)).json.customer).toMatchObject({ name: 'Vera Verified', email: 'vera@example.com', verified: true, unknown: false });
    for (const [path, body] of [['contact', { name: 'Someone else' }], ['ignore', undefined]] as const) {
      const answer = await api(sam, 'POST', `/api/agent/conversations/${id}/customer/${path}`, body);
      expect(answer.status).toBe(409);
      expect(answer.json.error.code).toBe('CONFLICT');
    }
    expect(await gw.database.db.select().from(contactDecisions).where(eq(contactDecisions.visitorId, verified.id))).toEqual([]);
  });

  it('refuses bad contact details with INVALID_REQUEST naming the field, and records nothing', async () => {
    const { id, visitorId } = await seed({ visitorId: (await visitor()).id, routing: { queueId, owner: samId } });
    const bad: [unknown, string][] = [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(121) }, 'name'],
      [{ name: 'A', email: 'not an address' }, 'email'],
      [{ name: 'A', phone: 'call me maybe' }, 'phone'],
      [{ name: 'A', role: 'admin' }, 'role'],
      [{ name: ['A'] }, 'name'],
    ];
    for (const [body, field] of bad) {
      const answer = await api(sam, 'POST', `/api/agent/conversations/${id}/customer/contact`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.code).toBe('INVALID_REQUEST');
      expect(answer.json.error.message).toContain(field);
    }
    expect((await api(sam, 'POST', `/api/agent/conversations/${id}/customer/ignore`, { because: 'spam' })).json.error.code).toBe('INVALID_REQUEST');
    expect(await gw.database.db.select().from(contactDecisions).where(eq(contactDecisions.visitorId, visitorId))).toEqual([]);
  });
});

describe('chat → ticket', () => {
  const convert = (cookie: string, id: string, body: unknown) => api(cookie, 'POST', `/api/agent/conversations/${id}/ticket`, body);

  it("turns a chat into a ticket with the customer's e-mail; converting again answers the same ticket", async () => {
    const { id } = await seed({ visitorId: (await visitor({ name: 'Nora' })).id, routing: { queueId, owner: samId }, messages: [{ kind: 'visitor', body: 'The blender broke' }] });
    const first = await convert(sam, id, { email: ' nora@example.com ' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      duplicate: false,
      ticket: { number: 1001, subject: 'Chat with Nora', status: 'open', requester: { name: 'Nora', email: 'nora@example.com' }, conversationId: id, preview: 'The blender broke' },
    });
    const again = await convert(sam, id, { email: 'other@example.com', subject: 'Another' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, ticket: { number: 1001, requester: { email: 'nora@example.com' } } });

    // The console's button opens it: the panel and the views carry its number, and the ticket API serves it.
    expect((await panel(sam, id)).json.customer.ticket).toEqual({ number: 1001, status: 'open' });
    const mine = await api(sam, 'GET', '/api/agent/views/open?limit=200');
    expect(mine.json.conversations.find((c: Json) => c.id === id).ticketNumber).toBe(1001);
    const ticket = await api(sam, 'GET', '/api/agent/tickets/1001');
    expect(ticket.json.ticket).toMatchObject({ number: 1001, conversationId: id });
    // The chat stays a chat: its channel says where the customer came in.
    expect((await panel(sam, id)).json.customer.channel).toBe('chat');
  });

  it('makes one ticket when several agents convert the same chat at once', async () => {
    const { id } = await seed({ routing: { queueId, owner: null, state: 'resolved' } });
    const answers = await Promise.all(Array.from({ length: 6 }, () => convert(admin, id, { email: 'same@example.com', subject: 'Same' })));
    const numbers = new Set(answers.map((a) => a.json.ticket.number));
    expect(numbers.size).toBe(1);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(await gw.database.db.select().from(tickets).where(eq(tickets.conversationId, id))).toHaveLength(1);
  });

  it('answers NOT_FOUND for a chat the agent may not see, and makes no ticket', async () => {
    const { id } = await seed({ routing: { queueId, owner: kimId } });
    const answer = await convert(sam, id, { email: 'x@example.com' });
    expect(answer.status).toBe(404);
    expect(answer.json.error.code).toBe('NOT_FOUND');
    expect(await gw.database.db.select().from(tickets).where(eq(tickets.conversationId, id))).toEqual([]);
  });

  it('refuses a missing or bad e-mail with INVALID_REQUEST, and makes no ticket', async () => {
    const { id } = await seed({ routing: { queueId, owner: samId } });
    for (const body of [undefined, {}, { email: '' }, { email: 'nobody' }, { email: 5 }, { email: 'a@b.example', subject: '' }, { email: 'a@b.example', status: 'closed' }]) {
      const answer = await convert(sam, id, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.code).toBe('INVALID_REQUEST');
    }
    expect(await gw.database.db.select().from(tickets).where(eq(tickets.conversationId, id))).toEqual([]);
  });

  it("records the web form's tickets under their own channel", async () => {
    const { token } = await gw.visitor();
    const res = await fetch(`${gw.url}/api/visitor/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, origin: gw.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Wes', email: 'wes@example.com', subject: 'Invoice', description: 'Please resend it' }),
    });
    expect(res.status).toBe(201);
    const { ticket } = (await res.json()) as Json;
    const [row] = await gw.database.db.select().from(conversations).where(eq(conversations.id, ticket.conversationId));
    expect(row!.channel).toBe('web_form');
  });
});
