import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, messages, workspaces } from '../src/db/schema/index.ts';
import { hashPassword } from '../src/domain/identity/secrets.ts';
import { TEST_DB } from './support/database.ts';
import { cid, startGateway, startSecondNode, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';

// Personal data a customer might type, and how agents must see it with masking on.
const RAW = {
  card: '4111 1111 1111 1111',
  iban: 'NL91 ABNA 0417 1643 00',
  email: 'melissa@gmail.com',
  phone: '+447966197542',
};
const MASKED = {
  card: '***************1111',
  iban: '*****************43 00',
  email: 'm******@gmail.com',
  phone: '*********7542',
};
const BODY = `My card is ${RAW.card}, IBAN ${RAW.iban}, mail ${RAW.email}, phone ${RAW.phone}.`;
const NAME = `Melissa ${RAW.phone}`;
// A file whose name carries personal data too: agents see the name masked, in frames, lists and downloads.
const FILE_NAME = `${RAW.email} card ${RAW.card}.txt`;

let gw: TestGateway;
let admin: string;
let agentCookie: string;

const headersFor = (cookie: string) => ({ cookie, origin: gw.origin, 'content-type': 'application/json' });

async function agentCall(cookie: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: body === undefined ? { cookie, origin: gw.origin } : headersFor(cookie),
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

async function visitorCall(token: string, method: string, path: string, body: unknown) {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, origin: gw.origin, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

const setMasking = (on: boolean) => agentCall(admin, 'PATCH', '/api/admin/workspace', { maskPersonalData: on });

beforeAll(async () => {
  gw = await startGateway();
  admin = await gw.login();
  await gw.database.db.insert(agents).values({
    workspaceId: 'demo',
    email: 'sam@example.com',
    name: 'Sam',
    role: 'agent',
    passwordHash: await hashPassword('sam password 123'),
  });
  agentCookie = await gw.login('sam@example.com', 'sam password 123');
});
afterAll(async () => {
  await gw?.close();
});

const maskingStored = async () => (await gw.database.db.select().from(workspaces).where(eq(workspaces.id, 'demo')))[0]!.maskPersonalData;

describe('GET and PATCH /api/admin/workspace', () => {
  it('answers the setting to an admin: off by default', async () => {
    const { status, json } = await agentCall(admin, 'GET', '/api/admin/workspace');
    expect(status).toBe(200);
    expect(json).toEqual({ workspace: { id: 'demo', name: 'Demo workspace', maskPersonalData: false } });
  });

  it('lets an admin switch masking on and off', async () => {
    expect((await setMasking(true)).json).toEqual({ workspace: { id: 'demo', name: 'Demo workspace', maskPersonalData: true } });
    expect(await maskingStored()).toBe(true);
    expect((await setMasking(false)).json!.workspace.maskPersonalData).toBe(false);
    expect(await maskingStored()).toBe(false);
  });

  it('refuses an agent who is not an admin with FORBIDDEN, and changes nothing', async () => {
    for (const [method, body] of [['GET', undefined], ['PATCH', { maskPersonalData: true }]] as const) {
      const { status, json } = await agentCall(agentCookie, method, '/api/admin/workspace', body);
      expect(status).toBe(403);
      expect(json!.error.code).toBe('FORBIDDEN');
    }
    expect(await maskingStored()).toBe(false);
  });

  it('refuses bad bodies with INVALID_REQUEST, and changes nothing', async () => {
    for (const body of [{ maskPersonalData: 'yes' }, { maskPersonalData: 1 }, { maskPersonalData: null }, {}, { maskPersonalData: true, name: 'x' }, [true], 'true']) {
      const { status, json } = await agentCall(admin, 'PATCH', '/api/admin/workspace', body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json!.error.code).toBe('INVALID_REQUEST');
    }
    const broken = await agentCall(admin, 'PATCH', '/api/admin/workspace', '{"maskPersonalData": tru');
    expect(broken.status).toBe(400);
    expect(await maskingStored()).toBe(false);
  });

  it('needs a session and, for a change, the console origin', async () => {
    expect((await fetch(`${gw.url}/api/admin/workspace`)).status).toBe(401);
    const foreign = await fetch(`${gw.url}/api/admin/workspace`, {
      method: 'PATCH',
      headers: { cookie: admin, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ maskPersonalData: true }),
    });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN_ORIGIN');
    expect(await maskingStored()).toBe(false);
  });
});

/** What the agent got in the places most likely to carry a customer's data, for closer checks. */
interface Seen {
  /** The routing pop-over: the offer of the customer's chat, as pushed to the agent's socket. */
  offer: Record<string, any>;
  /** The conversation as the archive view lists it. */
  archived: Record<string, any>;
  /** The block of the customer, as the admin's list of blocks shows it. */
  block: Record<string, any>;
}

/**
 * One customer's journey with personal data, and everything the agent receives about it: socket
 * frames (live, list, history, resume, the routing pop-over) and HTTP bodies (conversations,
 * messages, the routing snapshot, the inbox views, the archive, a saved view, tickets, a rendered
 * template, a block and the list of blocks). Returns all of it as one text, what the visitor got,
 * and the answers that matter most.
 */
async function journey(): Promise<{ agentText: string; visitorText: string; conversationId: string; seen: Seen }> {
  const agent = await gw.connectAgent(admin);
  await agent.next('hello');
  // Online in the demo queue Support (mode `offer`): the customer's chat pops over as an offer.
  expect((await agentCall(admin, 'PUT', '/api/agent/status', { status: 'online' })).status).toBe(200);
  const { token } = await gw.visitor();
  expect((await visitorCall(token, 'PATCH', '/api/visitor/me', { name: NAME, email: RAW.email })).status).toBe(200);
  const visitor = await gw.connectVisitor(token);
  await visitor.next('hello');

  visitor.send({ type: 'message.send', ref: 's', clientConversationId: cid(), clientMessageId: cid(), body: BODY });
  const { conversationId } = await visitor.next('message.ack', (f) => f.ref === 's');
  await agent.next('message.created', (f) => f.message.conversationId === conversationId);
  await agent.next('conversation.updated', (f) => f.conversation.id === conversationId);
  await visitor.next('message.created', (f) => f.message.conversationId === conversationId);
  const { offer } = await agent.next('routing.offer', (f) => f.offer.conversationId === conversationId);

  // A file alone: its name is the message's preview.
  const uploaded = await fetch(`${gw.url}/api/visitor/attachments?name=${encodeURIComponent(FILE_NAME)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, origin: gw.origin, 'content-type': 'application/octet-stream' },
    body: Buffer.from('a note with nothing personal in it\n'),
  });
  expect(uploaded.status).toBe(201);
  const file = (await uploaded.json()) as { id: string; name: string };
  expect(file.name).toBe(FILE_NAME);
  visitor.send({ type: 'message.send', ref: 'f', conversationId, clientMessageId: cid(), body: '', attachments: [file.id] });
  await visitor.next('message.ack', (f) => f.ref === 'f');
  await agent.next('message.created', (f) => f.message.conversationId === conversationId && (f.message.attachments?.length ?? 0) > 0);
  const download = await fetch(`${gw.url}/api/attachments/${file.id}`, { headers: { cookie: admin } });
  expect(download.status).toBe(200);

  const bodies: string[] = [];
  const read = async (path: string, body?: unknown) => {
    const response = await agentCall(admin, body === undefined ? 'GET' : 'POST', path, body);
    expect(response.status, path).toBe(200);
    bodies.push(response.text);
    return response.json!;
  };

  agent.send({ type: 'conversation.list', ref: 'list' });
  agent.send({ type: 'conversation.history', ref: 'history', conversationId });
  agent.send({ type: 'resume', ref: 'resume', cursors: [{ conversationId, seq: 0 }] });
  await agent.next('conversation.list.result', (f) => f.ref === 'list');
  await agent.next('conversation.history.result', (f) => f.ref === 'history');
  await agent.next('resume.done', (f) => f.ref === 'resume');

  await read('/api/agent/conversations');
  await read(`/api/agent/conversations/${conversationId}`);
  await read(`/api/agent/conversations/${conversationId}/messages`);

  // The offer again in the routing snapshot, then taken: the chat is the agent's, and no more come.
  await read('/api/agent/routing');
  await read(`/api/agent/offers/${offer.id}/accept`, {});
  expect((await agentCall(admin, 'PUT', '/api/agent/status', { status: 'offline' })).status).toBe(200);

  // The inbox views it is in, then the archive and a saved view of it.
  for (const view of ['open', 'unanswered', 'mine.replies']) {
    const page = await read(`/api/agent/views/${view}?limit=200`);
    expect(page.conversations.map((c: { id: string }) => c.id), view).toContain(conversationId);
  }
  await read(`/api/agent/conversations/${conversationId}/archive`, {});
  const archive = await read('/api/agent/views/archive?limit=200');
  const archived = archive.conversations.find((c: { id: string }) => c.id === conversationId);
  expect(archived).toBeDefined();
  const saved = await agentCall(admin, 'POST', '/api/agent/saved-views', { name: `Archive ${cid().slice(0, 8)}`, filter: { scope: 'archive' }, group: 'app' });
  expect(saved.status).toBe(201);
  await read(`/api/agent/saved-views/${saved.json!.view.id}/conversations?limit=200`);

  // A ticket from the web form, with the same data in its fields.
  const created = await visitorCall(token, 'POST', '/api/visitor/tickets', { name: 'Melissa', email: RAW.email, subject: `Call ${RAW.phone}`, description: BODY });
  expect(created.status).toBe(201);
  const { number, conversationId: ticketConversation } = created.json.ticket;
  await agent.next('conversation.updated', (f) => f.conversation.id === ticketConversation);
  await read('/api/agent/tickets');
  await read(`/api/agent/tickets/${number}`);

  // A template that brings the contact's e-mail into the composer.
  const template = await agentCall(admin, 'POST', '/api/admin/templates', { title: `Mail ${cid()}`, body: 'We write to <email>.', language: 'en' });
  expect(template.status).toBe(201);
  await read(`/api/agent/templates/${template.json!.template.id}/render`, { conversationId });

  // Blocked, with a reason that quotes the customer; then the admin's list of blocks.
  const blocked = await agentCall(admin, 'POST', `/api/agent/conversations/${conversationId}/block`, { reason: `Abuse from ${RAW.email}, card ${RAW.card}` });
  expect(blocked.status).toBe(201);
  bodies.push(blocked.text);
  await visitor.next('error', (f) => f.code === 'BLOCKED');
  const blocks = await read('/api/admin/blocks?limit=200');
  const block = blocks.blocks.find((b: { id: string }) => b.id === blocked.json!.block.id);

  agent.close();
  visitor.close();
  const disposition = decodeURIComponent(download.headers.get('content-disposition') ?? '');
  return {
    agentText: JSON.stringify(agent.frames) + bodies.join('\n') + disposition,
    visitorText: JSON.stringify(visitor.frames),
    conversationId,
    seen: { offer, archived, block },
  };
}

describe('masking personal data for agents', () => {
  it('with the setting on, no agent-bound frame or body carries a raw value, and the masked forms arrive', async () => {
    await setMasking(true);
    const { agentText, visitorText, conversationId, seen } = await journey();

    for (const raw of [...Object.values(RAW), 'melissa', '4111111111111111', 'NL91ABNA0417164300', '447966197542']) expect(agentText).not.toContain(raw);
    for (const masked of Object.values(MASKED)) expect(agentText).toContain(masked);
    expect(agentText).toContain(`Melissa ${MASKED.phone}`);
    // A template leaves the e-mail for the agent to write: masked, it would reach the customer as their address.
    expect(agentText).toContain('"text":"We write to <email>.","unfilled":["email"],"masked":["email"]');
    // The pop-over, the archive view and the list of blocks show the customer, masked.
    expect(seen.offer).toMatchObject({ customerName: `Melissa ${MASKED.phone}`, preview: expect.stringContaining(MASKED.card) });
    expect(seen.archived).toMatchObject({ visitor: { name: `Melissa ${MASKED.phone}` }, preview: expect.stringContaining(MASKED.card) });
    expect(seen.block).toMatchObject({ visitor: { name: `Melissa ${MASKED.phone}` }, reason: `Abuse from ${MASKED.email}, card ${MASKED.card}` });

    // The visitor sees their own text and file name as they wrote them, and the database keeps them unchanged.
    expect(visitorText).toContain(JSON.stringify(BODY));
    expect(visitorText).toContain(JSON.stringify(FILE_NAME));
    const [stored] = await gw.database.db.select().from(messages).where(eq(messages.conversationId, conversationId));
    expect(stored!.body).toBe(BODY);
  });

  it('with the setting off, agents get the text as it was sent', async () => {
    await setMasking(false);
    const { agentText, seen } = await journey();
    for (const raw of Object.values(RAW)) expect(agentText).toContain(raw);
    expect(seen.offer).toMatchObject({ customerName: NAME, preview: expect.stringContaining(RAW.card) });
    expect(seen.block).toMatchObject({ visitor: { name: NAME }, reason: `Abuse from ${RAW.email}, card ${RAW.card}` });
    expect(agentText).toContain(JSON.stringify(BODY));
    for (const masked of Object.values(MASKED)) expect(agentText).not.toContain(masked);
  });

  it('masks a ticket requester named after their e-mail in every answer an agent gets (canary)', async () => {
    // A chat from a visitor who gave no name, turned into a ticket: the requester is named by the
    // address's local part. That name must reach agents masked like the address itself.
    const canary = `canary.${cid().slice(0, 8)}`;
    const email = `${canary}@example.com`;
    const masked = `c${'*'.repeat(canary.length - 1)}`;
    await setMasking(true);
    try {
      const agent = await gw.connectAgent(admin);
      await agent.next('hello');
      const { token } = await gw.visitor();
      const visitor = await gw.connectVisitor(token);
      await visitor.next('hello');
      visitor.send({ type: 'message.send', ref: 's', clientConversationId: cid(), clientMessageId: cid(), body: 'Please send me the invoice.' });
      const { conversationId } = await visitor.next('message.ack', (f) => f.ref === 's');

      const bodies: string[] = [];
      const call = async (method: string, path: string, body?: unknown) => {
        const response = await agentCall(admin, method, path, body);
        expect(response.status, `${method} ${path}`).toBeLessThan(300);
        bodies.push(response.text);
        return response.json!;
      };
      const converted = await call('POST', `/api/agent/conversations/${conversationId}/ticket`, { email });
      const { number } = converted.ticket;
      await call('POST', `/api/agent/conversations/${conversationId}/ticket`, { email });
      await call('GET', '/api/agent/tickets');
      await call('GET', `/api/agent/tickets/${number}`);
      await call('PATCH', `/api/agent/tickets/${number}`, { status: 'pending' });
      await call('GET', `/api/agent/conversations/${conversationId}`);
      await call('GET', `/api/agent/conversations/${conversationId}/customer`);
      await call('GET', '/api/agent/views/open?limit=200');
      agent.send({ type: 'conversation.list', ref: 'list' });
      await agent.next('conversation.list.result', (f) => f.ref === 'list');
      agent.close();
      visitor.close();

      expect(JSON.stringify(agent.frames) + bodies.join('\n')).not.toContain(canary);
      expect(converted.ticket).toMatchObject({ subject: `Chat with ${masked}`, requester: { name: masked, email: `${masked}@example.com`, emailMasked: true } });
      // The customer's portal keeps the ticket as it was made.
      const portal = await fetch(`${gw.url}/api/visitor/tickets`, { headers: { authorization: `Bearer ${token}`, origin: gw.origin } });
      const own = ((await portal.json()) as { tickets: { number: number; requester: unknown }[] }).tickets.find((t) => t.number === number);
      expect(own?.requester).toEqual({ name: canary, email });
    } finally {
      await setMasking(false);
    }
  });

  it('applies a change to an agent socket that is already open', async () => {
    const agent = await gw.connectAgent(admin);
    await agent.next('hello');
    const { token } = await gw.visitor();
    const visitor = await gw.connectVisitor(token);
    await visitor.next('hello');
    const send = async (ref: string, socket: TestSocket) => {
      socket.send({ type: 'message.send', ref, clientConversationId: 'one', clientMessageId: cid(), body: `${ref}: ${RAW.email}` });
      await socket.next('message.ack', (f) => f.ref === ref);
      return (await agent.next('message.created', (f) => f.message.body.startsWith(ref))).message.body;
    };
    expect(await send('before', visitor)).toBe(`before: ${RAW.email}`);
    await setMasking(true);
    expect(await send('after', visitor)).toBe(`after: ${MASKED.email}`);
    await setMasking(false);
    agent.close();
    visitor.close();
  });
});

// Another node hears of the change through PostgreSQL, and masks its own agents' frames.
describe.runIf(TEST_DB === 'postgres')('masking across two gateway nodes', () => {
  let b: TestGateway;

  beforeAll(async () => {
    b = await startSecondNode(gw);
  });
  afterAll(async () => {
    await b?.close();
  });

  it('masks frames on the other node once it hears of the change', async () => {
    await setMasking(false);
    const cookieOnB = await b.login();
    const agentOnB = await b.connectAgent(cookieOnB);
    await agentOnB.next('hello');
    const { token } = await gw.visitor();
    const visitor = await gw.connectVisitor(token);
    await visitor.next('hello');
    visitor.send({ type: 'message.send', ref: 'plain', clientConversationId: 'c', clientMessageId: cid(), body: `plain ${RAW.email}` });
    expect((await agentOnB.next('message.created', (f) => f.message.body.startsWith('plain'))).message.body).toBe(`plain ${RAW.email}`);

    await setMasking(true);
    // Node b learns it from the relay; its REST answers show when it has.
    for (;;) {
      const list = await fetch(`${b.url}/api/agent/conversations`, { headers: { cookie: cookieOnB } }).then((r) => r.text());
      if (!list.includes(RAW.email)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    visitor.send({ type: 'message.send', ref: 'masked', clientConversationId: 'c', clientMessageId: cid(), body: `masked ${RAW.email}` });
    expect((await agentOnB.next('message.created', (f) => f.message.body.startsWith('masked'))).message.body).toBe(`masked ${MASKED.email}`);
    await setMasking(false);
    agentOnB.close();
    visitor.close();
  });
});
