import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { apps } from '../src/db/schema/index.ts';
import { TEST_DB } from './support/database.ts';
import * as files from './support/files.ts';
import { cid, DEMO_SECRET, startGateway, startSecondNode, type TestGateway } from './support/gateway.ts';

let gw: TestGateway;
let cookie: string;

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
});
afterAll(() => gw?.close());

const form = (overrides: Record<string, unknown> = {}) => ({
  name: 'Ayşe Yılmaz',
  email: 'ayse@example.com',
  subject: 'My fern is turning brown',
  description: 'The leaves of the Boston fern I bought last week are going brown at the tips.',
  ...overrides,
});

/** Calls the visitor API with a session's bearer token from the demo site's origin. */
async function asVisitor(token: string, method: string, path: string, body?: unknown, origin = gw.origin) {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

/** Calls the agent API with the console's cookie and origin. */
async function asAgent(method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie, origin: gw.origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

async function newTicket(overrides: Record<string, unknown> = {}) {
  const session = await gw.visitor();
  const created = await asVisitor(session.token, 'POST', '/api/visitor/tickets', form(overrides));
  expect(created.status).toBe(201);
  return { session, ticket: created.body.ticket as { number: number; conversationId: string; status: string } };
}

const ticketCount = async () => (await asAgent('GET', '/api/agent/tickets?limit=200')).body.tickets.length as number;

describe('the web form', () => {
  it('creates a ticket with a number, the requester and the description as the first message of its conversation', async () => {
    const { token } = await gw.visitor();
    const res = await asVisitor(token, 'POST', '/api/visitor/tickets', form({ subject: '  My fern is turning brown  ' }));
    expect(res.status).toBe(201);
    const { ticket } = res.body;
    expect(ticket).toMatchObject({
      subject: 'My fern is turning brown',
      status: 'open',
      requester: { name: 'Ayşe Yılmaz', email: 'ayse@example.com' },
      preview: form().description,
    });
    expect(ticket.number).toBeGreaterThanOrEqual(1001);
    expect(Object.keys(ticket).sort()).toEqual(['conversationId', 'createdAt', 'lastMessageAt', 'number', 'preview', 'requester', 'status', 'subject', 'updatedAt']);

    const read = await asVisitor(token, 'GET', `/api/visitor/tickets/${ticket.number}`);
    expect(read.status).toBe(200);
    expect(read.body.ticket).toEqual(ticket);
    expect(read.body.messages).toHaveLength(1);
    expect(read.body.messages[0]).toMatchObject({ seq: 1, body: form().description, author: { kind: 'visitor', name: 'Ayşe Yılmaz' } });
    // The same conversation is in the visitor's conversation list and history.
    const history = await asVisitor(token, 'GET', `/api/visitor/conversations/${ticket.conversationId}/messages`);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual([form().description]);
  });

  it('numbers the first ticket of a workspace 1001', async () => {
    const { body } = await asAgent('GET', '/api/agent/tickets?limit=200');
    expect(Math.min(...body.tickets.map((t: { number: number }) => t.number))).toBe(1001);
  });

  it('refuses each invalid field with a field-level error and stores nothing', async () => {
    const { token } = await gw.visitor();
    const before = await ticketCount();
    const cases: [Record<string, unknown>, { field: string; code: string; max?: number }[]][] = [
      [form({ subject: undefined }), [{ field: 'subject', code: 'REQUIRED' }]],
      [form({ subject: '   ' }), [{ field: 'subject', code: 'REQUIRED' }]],
      [form({ email: 'ayse-at-example' }), [{ field: 'email', code: 'INVALID_EMAIL' }]],
      [form({ description: 'x'.repeat(10_001) }), [{ field: 'description', code: 'TOO_LONG', max: 10_000 }]],
      [form({ subject: 's'.repeat(201) }), [{ field: 'subject', code: 'TOO_LONG', max: 200 }]],
      [form({ name: 42 }), [{ field: 'name', code: 'INVALID_TYPE' }]],
      [form({ description: ['a', 'b'] }), [{ field: 'description', code: 'INVALID_TYPE' }]],
      [form({ email: null }), [{ field: 'email', code: 'INVALID_TYPE' }]],
      [form({ priority: 'urgent' }), [{ field: 'priority', code: 'UNKNOWN_FIELD' }]],
      [form({ clientTicketId: 'not valid!' }), [{ field: 'clientTicketId', code: 'INVALID_VALUE' }]],
      [
        { name: '', email: 'nope', description: 'd'.repeat(10_001) },
        [
          { field: 'name', code: 'REQUIRED' },
          { field: 'email', code: 'INVALID_EMAIL' },
          { field: 'subject', code: 'REQUIRED' },
          { field: 'description', code: 'TOO_LONG', max: 10_000 },
        ],
      ],
    ];
    for (const [body, expected] of cases) {
      const res = await asVisitor(token, 'POST', '/api/visitor/tickets', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
      const fields = res.body.error.fields as { field: string; code: string; message: string; max?: number }[];
      expect(fields.map(({ field, code, max }) => ({ field, code, ...(max !== undefined && { max }) })).sort((a, b) => a.field.localeCompare(b.field))).toEqual(
        [...expected].sort((a, b) => a.field.localeCompare(b.field)),
      );
      for (const f of fields) expect(res.body.error.message).toContain(f.message);
    }
    // Not a JSON object at all: a clear error without fields.
    const notObject = await asVisitor(token, 'POST', '/api/visitor/tickets', '"just text"');
    expect(notObject.status).toBe(400);
    expect(notObject.body.error).toMatchObject({ code: 'INVALID_REQUEST', fields: [] });
    const notJson = await asVisitor(token, 'POST', '/api/visitor/tickets', '{"name":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('INVALID_REQUEST');
    expect(await ticketCount()).toBe(before);
  });

  it('numbers tickets sequentially with no gaps or repeats under 20 concurrent creations', async () => {
    const sessions = await Promise.all(Array.from({ length: 20 }, () => gw.visitor()));
    const before = Math.max(1000, ...(await asAgent('GET', '/api/agent/tickets?limit=200')).body.tickets.map((t: { number: number }) => t.number));
    const results = await Promise.all(sessions.map((s, i) => asVisitor(s.token, 'POST', '/api/visitor/tickets', form({ subject: `Concurrent ${i}` }))));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const numbers = results.map((r) => r.body.ticket.number as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
  });

  it('answers a resend with the same clientTicketId with the first ticket, and a different ticket under that id with CONFLICT', async () => {
    const { token } = await gw.visitor();
    const clientTicketId = cid();
    const first = await asVisitor(token, 'POST', '/api/visitor/tickets', form({ clientTicketId }));
    const again = await asVisitor(token, 'POST', '/api/visitor/tickets', form({ clientTicketId }));
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ticket: first.body.ticket, duplicate: true });
    const other = await asVisitor(token, 'POST', '/api/visitor/tickets', form({ clientTicketId, subject: 'Something else' }));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('CONFLICT');
    // The same submission twice at once still makes one ticket.
    const racedId = cid();
    const raced = await Promise.all([1, 2, 3].map(() => asVisitor(token, 'POST', '/api/visitor/tickets', form({ clientTicketId: racedId }))));
    expect(new Set(raced.map((r) => r.body.ticket.number)).size).toBe(1);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const mine = await asVisitor(token, 'GET', '/api/visitor/tickets');
    expect(mine.body.tickets).toHaveLength(2);
  });

  it('needs a visitor session from an allowed origin', async () => {
    const none = await fetch(`${gw.url}/api/visitor/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(form()) });
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe('UNAUTHORIZED');
    const { token } = await gw.visitor();
    const foreign = await asVisitor(token, 'POST', '/api/visitor/tickets', form(), 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN_ORIGIN');
  });

  it('refuses an anonymous visitor with IDENTITY_REQUIRED when the app lets only identified visitors write', async () => {
    const { session, ticket } = await newTicket();
    const before = await ticketCount();
    await gw.database.db.update(apps).set({ requireIdentity: true }).where(eq(apps.id, 'demo'));
    try {
      const res = await asVisitor(session.token, 'POST', '/api/visitor/tickets', form());
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('IDENTITY_REQUIRED');
      const reply = await asVisitor(session.token, 'POST', `/api/visitor/tickets/${ticket.number}/replies`, { clientMessageId: cid(), body: 'still me' });
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('IDENTITY_REQUIRED');
      expect(await ticketCount()).toBe(before);
      // Reading stays allowed: the visitor still sees what they sent.
      expect((await asVisitor(session.token, 'GET', `/api/visitor/tickets/${ticket.number}`)).status).toBe(200);
    } finally {
      await gw.database.db.update(apps).set({ requireIdentity: false }).where(eq(apps.id, 'demo'));
    }
  });

  it('answers CORS for the demo origin', async () => {
    const { token } = await gw.visitor();
    const res = await fetch(`${gw.url}/api/visitor/tickets`, { headers: { authorization: `Bearer ${token}`, origin: gw.origin } });
    expect(res.headers.get('access-control-allow-origin')).toBe(gw.origin);
    const preflight = await fetch(`${gw.url}/api/visitor/tickets`, { method: 'OPTIONS', headers: { origin: gw.origin, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
  });
});

describe('the portal API', () => {
  it("answers another visitor's ticket exactly as a missing one, for reading and replying", async () => {
    const alice = await newTicket({ subject: 'Alice private subject', description: 'alice private description' });
    const mallory = await gw.visitor();
    const theirs = await asVisitor(mallory.token, 'GET', `/api/visitor/tickets/${alice.ticket.number}`);
    const missing = await asVisitor(mallory.token, 'GET', '/api/visitor/tickets/999999');
    expect(theirs.status).toBe(404);
    expect(theirs).toEqual(missing);
    expect(theirs.body.error.code).toBe('NOT_FOUND');

    const reply = { clientMessageId: cid(), body: 'let me in' };
    const replyTheirs = await asVisitor(mallory.token, 'POST', `/api/visitor/tickets/${alice.ticket.number}/replies`, reply);
    const replyMissing = await asVisitor(mallory.token, 'POST', '/api/visitor/tickets/999999/replies', reply);
    expect(replyTheirs.status).toBe(404);
    expect(replyTheirs).toEqual(replyMissing);

    const list = await asVisitor(mallory.token, 'GET', '/api/visitor/tickets');
    expect(list.body).toEqual({ tickets: [] });
    const conversations = await asVisitor(mallory.token, 'GET', '/api/visitor/conversations');
    expect(JSON.stringify(conversations.body)).not.toContain('alice private');
    // Alice's ticket is untouched.
    const own = await asVisitor(alice.session.token, 'GET', `/api/visitor/tickets/${alice.ticket.number}`);
    expect(own.body.messages.map((m: { body: string }) => m.body)).toEqual(['alice private description']);
  });

  it('shows an identified visitor their tickets on another device, and an unverified claim of that user none of them', async () => {
    const userId = `user-${cid()}`;
    const signature = createHmac('sha256', DEMO_SECRET).update(userId).digest('hex');
    const identify = (token: string, body: unknown) => asVisitor(token, 'POST', '/api/visitor/identify', body);
    // Device one: writes anonymously, then signs in on the website.
    const laptop = await newTicket({ subject: 'From my laptop', description: 'secret laptop description' });
    expect((await identify(laptop.session.token, { userId, signature })).status).toBe(200);
    // Device two: signs in as the same user and sees the ticket, and can answer it.
    const phone = await gw.visitor();
    expect((await identify(phone.token, { userId, signature })).status).toBe(200);
    const list = await asVisitor(phone.token, 'GET', '/api/visitor/tickets');
    expect(list.body.tickets.map((t: { number: number }) => t.number)).toEqual([laptop.ticket.number]);
    const reply = await asVisitor(phone.token, 'POST', `/api/visitor/tickets/${laptop.ticket.number}/replies`, { clientMessageId: cid(), body: 'from my phone' });
    expect(reply.status).toBe(201);
    // Someone claiming that user id without a valid signature sees nothing of it.
    const claimant = await gw.visitor();
    expect((await identify(claimant.token, { userId, signature: '0'.repeat(64) })).status).toBe(401);
    expect((await identify(claimant.token, { userId })).status).toBe(401);
    expect((await asVisitor(claimant.token, 'GET', '/api/visitor/tickets')).body).toEqual({ tickets: [] });
    expect((await asVisitor(claimant.token, 'GET', `/api/visitor/tickets/${laptop.ticket.number}`)).status).toBe(404);
  });

  it('refuses a ticket number that is not a number', async () => {
    const { token } = await gw.visitor();
    const res = await asVisitor(token, 'GET', '/api/visitor/tickets/abc');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_REQUEST');
  });

  it("lists the visitor's own tickets, most recently active first", async () => {
    const session = await gw.visitor();
    const a = await asVisitor(session.token, 'POST', '/api/visitor/tickets', form({ subject: 'First' }));
    const b = await asVisitor(session.token, 'POST', '/api/visitor/tickets', form({ subject: 'Second' }));
    let list = await asVisitor(session.token, 'GET', '/api/visitor/tickets');
    expect(list.body.tickets.map((t: { subject: string }) => t.subject)).toEqual(['Second', 'First']);
    await asVisitor(session.token, 'POST', `/api/visitor/tickets/${a.body.ticket.number}/replies`, { clientMessageId: cid(), body: 'bump' });
    list = await asVisitor(session.token, 'GET', '/api/visitor/tickets');
    expect(list.body.tickets.map((t: { number: number }) => t.number)).toEqual([a.body.ticket.number, b.body.ticket.number]);
    expect(list.body.tickets[0].preview).toBe('bump');
  });

  it('takes replies into the conversation, once per client id, live on the visitor socket, and reopens the ticket', async () => {
    const { session, ticket } = await newTicket();
    const socket = await gw.connectVisitor(session.token);
    await socket.next('hello');
    const patched = await asAgent('PATCH', `/api/agent/tickets/${ticket.number}`, { status: 'pending' });
    expect(patched.body.ticket.status).toBe('pending');

    const reply = { clientMessageId: cid(), body: '  Here is a photo description: brown tips, dry soil.  ' };
    const first = await asVisitor(session.token, 'POST', `/api/visitor/tickets/${ticket.number}/replies`, reply);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ seq: 2, duplicate: false, message: { seq: 2, body: 'Here is a photo description: brown tips, dry soil.' } });
    const again = await asVisitor(session.token, 'POST', `/api/visitor/tickets/${ticket.number}/replies`, reply);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ messageId: first.body.messageId, seq: 2, duplicate: true });
    const conflict = await asVisitor(session.token, 'POST', `/api/visitor/tickets/${ticket.number}/replies`, { ...reply, body: 'other' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('CONFLICT');

    const live = await socket.next('message.created', (f) => f.message.conversationId === ticket.conversationId && f.message.seq === 2);
    expect(live.message.body).toBe('Here is a photo description: brown tips, dry soil.');
    const read = await asVisitor(session.token, 'GET', `/api/visitor/tickets/${ticket.number}`);
    expect(read.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect(read.body.ticket.status).toBe('open');
    socket.close();
  });

  it('closes the request when its visitor ends its conversation in the messenger, with a note for the agents', async () => {
    const { session, ticket } = await newTicket();
    const socket = await gw.connectVisitor(session.token);
    await socket.next('hello');
    socket.send({ type: 'conversation.end', ref: 'end', conversationId: ticket.conversationId });
    expect(await socket.next('ok', (f) => f.ref === 'end')).toBeTruthy();
    expect((await asVisitor(session.token, 'GET', `/api/visitor/tickets/${ticket.number}`)).body.ticket.status).toBe('closed');
    const forAgents = await asAgent('GET', `/api/agent/tickets/${ticket.number}`);
    expect(forAgents.body.ticket.status).toBe('closed');
    const history = await asAgent('GET', `/api/agent/conversations/${ticket.conversationId}/messages`);
    expect(history.body.messages.at(-1)).toMatchObject({ body: 'The customer closed the request.', internal: true });
    socket.close();
  });

  it('refuses bad replies with field-level errors and the app length limit', async () => {
    const { session, ticket } = await newTicket();
    const path = `/api/visitor/tickets/${ticket.number}/replies`;
    const empty = await asVisitor(session.token, 'POST', path, { clientMessageId: cid(), body: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields).toEqual([expect.objectContaining({ field: 'body', code: 'REQUIRED' })]);
    const missingId = await asVisitor(session.token, 'POST', path, { body: 'hi' });
    expect(missingId.body.error.fields).toEqual([expect.objectContaining({ field: 'clientMessageId', code: 'REQUIRED' })]);
    const internal = await asVisitor(session.token, 'POST', path, { clientMessageId: cid(), body: 'hi', internal: true });
    expect(internal.status).toBe(400);
    expect(internal.body.error.fields).toEqual([expect.objectContaining({ field: 'internal', code: 'UNKNOWN_FIELD' })]);
    // The app's message limit (1000) binds replies, as it binds chat messages.
    const long = await asVisitor(session.token, 'POST', path, { clientMessageId: cid(), body: 'x'.repeat(1001) });
    expect(long.status).toBe(413);
    expect(long.body.error.code).toBe('MESSAGE_TOO_LONG');
    const read = await asVisitor(session.token, 'GET', `/api/visitor/tickets/${ticket.number}`);
    expect(read.body.messages).toHaveLength(1);
  });
});

/** Uploads a file as a visitor; answers the upload's `{ id, name, size, type }`. */
async function uploadAs(token: string, name: string, bytes: Uint8Array) {
  const res = await fetch(`${gw.url}/api/visitor/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, origin: gw.origin, 'content-type': 'application/octet-stream' },
    body: Buffer.from(bytes),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; name: string; size: number; type: string };
}

describe('attachments on tickets', () => {
  it('carries the web form files on the description and a reply, and refuses files that are not the visitor\'s own', async () => {
    const { token } = await gw.visitor();
    const photo = await uploadAs(token, 'fern.png', files.png(2, 2));
    const created = await asVisitor(token, 'POST', '/api/visitor/tickets', form({ attachments: [photo.id] }));
    expect(created.status).toBe(201);
    const number = created.body.ticket.number;
    let read = await asVisitor(token, 'GET', `/api/visitor/tickets/${number}`);
    expect(read.body.messages[0].attachments).toEqual([photo]);
    const download = await fetch(`${gw.url}/api/attachments/${photo.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(download.status).toBe(200);

    const second = await uploadAs(token, 'soil.png', files.png(3, 1));
    const reply = await asVisitor(token, 'POST', `/api/visitor/tickets/${number}/replies`, { clientMessageId: cid(), body: 'And the soil', attachments: [second.id] });
    expect(reply.status).toBe(201);
    expect(reply.body.message.attachments).toEqual([second]);

    // Someone else's upload, one already sent, or a made-up id: the same NOT_FOUND, and no ticket.
    const mallory = await gw.visitor();
    const before = await ticketCount();
    for (const id of [photo.id, '00000000-0000-4000-8000-000000000000']) {
      const theirs = await asVisitor(mallory.token, 'POST', '/api/visitor/tickets', form({ attachments: [id] }));
      expect(theirs.status).toBe(404);
      expect(theirs.body.error.code).toBe('NOT_FOUND');
    }
    const reused = await asVisitor(token, 'POST', '/api/visitor/tickets', form({ attachments: [photo.id] }));
    expect(reused.status).toBe(404);
    expect(await ticketCount()).toBe(before);
    const tooMany = await asVisitor(token, 'POST', '/api/visitor/tickets', form({ attachments: Array.from({ length: 11 }, () => cid()) }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields).toEqual([expect.objectContaining({ field: 'attachments', code: 'TOO_LONG', max: 10 })]);
    read = await asVisitor(token, 'GET', `/api/visitor/tickets/${number}`);
    expect(read.body.messages).toHaveLength(2);
  });
});

describe('tickets for agents', () => {
  it('shows a new ticket live as a conversation, and the agent answers it like any conversation', async () => {
    const agent = await gw.connectAgent(cookie);
    await agent.next('hello');
    const { session, ticket } = await newTicket({ name: 'Marco Rossi', subject: 'Olive tree delivery', description: 'When will my olive tree arrive?' });

    const created = await agent.next('message.created', (f) => f.message.conversationId === ticket.conversationId);
    expect(created.message).toMatchObject({ seq: 1, body: 'When will my olive tree arrive?', internal: false, author: { kind: 'visitor', name: 'Marco Rossi' } });
    const updated = await agent.next('conversation.updated', (f) => f.conversation.id === ticket.conversationId);
    expect(updated.conversation).toMatchObject({ status: 'open', lastSeq: 1, preview: 'When will my olive tree arrive?', visitor: { name: 'Marco Rossi' } });

    const inbox = await asAgent('GET', '/api/agent/conversations');
    expect(inbox.body.conversations.map((c: { id: string }) => c.id)).toContain(ticket.conversationId);
    const tickets = await asAgent('GET', '/api/agent/tickets');
    expect(tickets.body.tickets[0]).toMatchObject({
      number: ticket.number,
      subject: 'Olive tree delivery',
      status: 'open',
      conversationId: ticket.conversationId,
      requester: { name: 'Marco Rossi', email: 'ayse@example.com' },
      visitor: { id: session.visitorId, name: 'Marco Rossi' },
    });
    const one = await asAgent('GET', `/api/agent/tickets/${ticket.number}`);
    expect(one.body.ticket).toEqual(tickets.body.tickets[0]);

    const answer = await asAgent('POST', `/api/agent/conversations/${ticket.conversationId}/messages`, { clientMessageId: cid(), body: 'It ships tomorrow.' });
    expect(answer.status).toBe(201);
    const read = await asVisitor(session.token, 'GET', `/api/visitor/tickets/${ticket.number}`);
    expect(read.body.messages.map((m: { body: string }) => m.body)).toEqual(['When will my olive tree arrive?', 'It ships tomorrow.']);
    expect(read.body.messages[1].author.kind).toBe('agent');
    agent.close();
  });

  it('lets agents set the status, filter by it, and refuses a bad status, a foreign origin and another workspace', async () => {
    const { session, ticket } = await newTicket();
    const closed = await asAgent('PATCH', `/api/agent/tickets/${ticket.number}`, { status: 'closed' });
    expect(closed.status).toBe(200);
    expect(closed.body.ticket.status).toBe('closed');
    const visitorView = await asVisitor(session.token, 'GET', '/api/visitor/tickets');
    expect(visitorView.body.tickets[0].status).toBe('closed');
    const onlyClosed = await asAgent('GET', '/api/agent/tickets?status=closed');
    expect(onlyClosed.body.tickets.map((t: { number: number }) => t.number)).toContain(ticket.number);
    expect(onlyClosed.body.tickets.every((t: { status: string }) => t.status === 'closed')).toBe(true);

    const bad = await asAgent('PATCH', `/api/agent/tickets/${ticket.number}`, { status: 'resolved' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_REQUEST');
    const badFilter = await asAgent('GET', '/api/agent/tickets?status=resolved');
    expect(badFilter.status).toBe(400);
    const missing = await asAgent('PATCH', '/api/agent/tickets/999999', { status: 'open' });
    expect(missing.status).toBe(404);

    const csrf = await fetch(`${gw.url}/api/agent/tickets/${ticket.number}`, {
      method: 'PATCH',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'open' }),
    });
    expect(csrf.status).toBe(403);
    const anonymous = await fetch(`${gw.url}/api/agent/tickets`);
    expect(anonymous.status).toBe(401);
    // A visitor token is not an agent session.
    const visitorAsAgent = await fetch(`${gw.url}/api/agent/tickets`, { headers: { authorization: `Bearer ${session.token}` } });
    expect(visitorAsAgent.status).toBe(401);
  });

  it('never lets an internal note on a ticket reach the portal (canary)', async () => {
    const canary = `CANARY-${cid()}`;
    const { session, ticket } = await newTicket();
    const socket = await gw.connectVisitor(session.token);
    await socket.next('hello');
    const note = await asAgent('POST', `/api/agent/conversations/${ticket.conversationId}/messages`, { clientMessageId: cid(), body: `${canary} customer overwatered it`, internal: true });
    expect(note.status).toBe(201);
    const reply = await asAgent('POST', `/api/agent/conversations/${ticket.conversationId}/messages`, { clientMessageId: cid(), body: 'Let the soil dry out first.' });
    expect(reply.status).toBe(201);
    await socket.next('message.created', (f) => f.message.body === 'Let the soil dry out first.');
    socket.send({ type: 'resume', ref: 'r', cursors: [{ conversationId: ticket.conversationId, seq: 0 }] });
    await socket.next('resume.done', (f) => f.ref === 'r');
    socket.send({ type: 'conversation.history', ref: 'h', conversationId: ticket.conversationId });
    await socket.next('conversation.history.result', (f) => f.ref === 'h');

    // The agent's views do carry it: the canary is real.
    expect(JSON.stringify((await asAgent('GET', `/api/agent/conversations/${ticket.conversationId}/messages`)).body)).toContain(canary);
    const agentTicket = await asAgent('GET', `/api/agent/tickets/${ticket.number}`);
    expect(agentTicket.body.ticket.preview).toBe('Let the soil dry out first.');

    const seen = [
      JSON.stringify(socket.frames),
      JSON.stringify((await asVisitor(session.token, 'GET', '/api/visitor/tickets')).body),
      JSON.stringify((await asVisitor(session.token, 'GET', `/api/visitor/tickets/${ticket.number}`)).body),
      JSON.stringify((await asVisitor(session.token, 'GET', `/api/visitor/tickets/${ticket.number}?limit=200&beforeSeq=99`)).body),
      JSON.stringify((await asVisitor(session.token, 'GET', '/api/visitor/conversations')).body),
      JSON.stringify((await asVisitor(session.token, 'GET', `/api/visitor/conversations/${ticket.conversationId}/messages`)).body),
    ];
    for (const text of seen) expect(text).not.toContain(canary);
    // Public numbering has no gap where the note is: 1 (description), 2 (reply).
    const read = await asVisitor(session.token, 'GET', `/api/visitor/tickets/${ticket.number}`);
    expect(read.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect(read.body.messages.some((m: Record<string, unknown>) => 'internal' in m)).toBe(false);
    socket.close();
  });
});

describe('the web form against floods', () => {
  it('answers 429 RATE_LIMITED past PARLEY_AUTH_RATE_LIMIT new tickets a minute from one address, and stores none of them', async () => {
    const limited = await startGateway({ PARLEY_AUTH_RATE_LIMIT: '3' });
    try {
      const { token } = await limited.visitor();
      const post = () =>
        fetch(`${limited.url}/api/visitor/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, origin: limited.origin, 'content-type': 'application/json' },
          body: JSON.stringify(form()),
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await post()).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      const refused = await post();
      expect((await refused.json()).error.code).toBe('RATE_LIMITED');
      const list = await fetch(`${limited.url}/api/visitor/tickets`, { headers: { authorization: `Bearer ${token}`, origin: limited.origin } });
      expect((await list.json()).tickets).toHaveLength(3);
    } finally {
      await limited.close();
    }
  });
});

describe.runIf(TEST_DB === 'postgres')('tickets across gateway nodes', () => {
  it('announces a new ticket to the agents of another node on the same database', async () => {
    const other = await startSecondNode(gw);
    try {
      const agentOnOther = await other.connectAgent(await other.login(), { origin: other.origin });
      await agentOnOther.next('hello');
      const { token } = await gw.visitor();
      const created = await asVisitor(token, 'POST', '/api/visitor/tickets', form({ description: 'written on the first node' }));
      expect(created.status).toBe(201);
      const frame = await agentOnOther.next('message.created', (f) => f.message.conversationId === created.body.ticket.conversationId);
      expect(frame.message).toMatchObject({ seq: 1, body: 'written on the first node' });
      agentOnOther.close();
    } finally {
      await other.close();
    }
  });
});
