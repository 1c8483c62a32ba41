import { createHmac, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, apps, conversations, templates, visitors, workspaces } from '../src/db/schema/index.ts';
import { hashPassword } from '../src/domain/identity/secrets.ts';
import { seedDemo } from '../src/domain/seed.ts';
import { cid, DEMO_SECRET, startGateway, type TestGateway } from './support/gateway.ts';
import { seedConversation } from './support/workspace.ts';

let gw: TestGateway;
let admin: string;
let agent: string;
let agentId: string;
let otherAdmin: string;
let otherConversation: string;

type Json = Record<string, any>;

async function call(cookie: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie, origin: gw.origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

const create = (body: unknown, cookie = admin) => call(cookie, 'POST', '/api/admin/templates', body);
const list = (query = '', cookie = agent) => call(cookie, 'GET', `/api/agent/templates${query}`);
// Renders as the admin, who sees every conversation whatever routing decided.
const render = (id: string, conversationId: string, cookie = admin) => call(cookie, 'POST', `/api/agent/templates/${id}/render`, { conversationId });
const count = async () => (await gw.database.db.select({ id: templates.id }).from(templates)).length;

/** A conversation of the demo app, started by a visitor over the socket, with the visitor's name and e-mail. */
async function conversationWith(profile: { name?: string; email?: string }, identity?: { userId: string; name: string; email: string }) {
  const { token } = await gw.visitor();
  const headers = { authorization: `Bearer ${token}`, origin: gw.origin, 'content-type': 'application/json' };
  if (identity) {
    const signature = createHmac('sha256', DEMO_SECRET).update(identity.userId).digest('hex');
    const identified = await fetch(`${gw.url}/api/visitor/identify`, { method: 'POST', headers, body: JSON.stringify({ ...identity, signature }) });
    expect(identified.status).toBe(200);
  }
  if (profile.name || profile.email) {
    expect((await fetch(`${gw.url}/api/visitor/me`, { method: 'PATCH', headers, body: JSON.stringify(profile) })).status).toBe(200);
  }
  const socket = await gw.connectVisitor(token);
  await socket.next('hello');
  socket.send({ type: 'message.send', ref: 'first', clientConversationId: cid(), clientMessageId: cid(), body: 'Hello' });
  const { conversationId } = await socket.next('message.ack', (f) => f.ref === 'first');
  socket.close();
  return conversationId;
}

beforeAll(async () => {
  gw = await startGateway();
  const { db } = gw.database;
  admin = await gw.login();
  const [sam] = await db.insert(agents).values({ workspaceId: 'demo', email: 'sam@example.com', name: 'Sam', role: 'agent', passwordHash: await hashPassword('sam password 123') }).returning();
  agentId = sam!.id;
  agent = await gw.login('sam@example.com', 'sam password 123');
  // Another workspace, with its own admin, app, visitor and conversation.
  await db.insert(workspaces).values({ id: 'other', name: 'Other workspace' });
  await db.insert(apps).values({ id: 'other-app', workspaceId: 'other', name: 'Other site', identitySecret: 'other-secret-0123456789abcdef' });
  await db.insert(agents).values({ workspaceId: 'other', email: 'olga@example.com', name: 'Olga', role: 'admin', passwordHash: await hashPassword('olga password 123') });
  otherAdmin = await gw.login('olga@example.com', 'olga password 123');
  const [visitor] = await db.insert(visitors).values({ appId: 'other-app', name: 'Otto', email: 'otto@example.com' }).returning();
  const [conversation] = await db.insert(conversations).values({ workspaceId: 'other', appId: 'other-app', visitorId: visitor!.id }).returning();
  otherConversation = conversation!.id;
});
afterAll(async () => {
  await gw?.close();
});

describe('the demo templates', () => {
  it('are seeded with the demo workspace, a greeting that uses <name> among them', async () => {
    const { status, json } = await list('?q=greeting');
    expect(status).toBe(200);
    expect(json.templates).toEqual([
      expect.objectContaining({ title: 'Greeting', category: 'Greetings', language: 'en', body: expect.stringContaining('<name>') }),
    ]);
    expect((await list('?category=Follow-up')).json.templates.map((t: Json) => t.title)).toEqual(['Follow-up by e-mail']);
  });
});

describe('managing templates', () => {
  it('lets an admin create, change and delete a template, which agents then see', async () => {
    const created = await create({ title: '  Refund policy ', body: 'Refunds take <days> days, <name>.', category: 'Billing', language: 'EN-gb' });
    expect(created.status).toBe(201);
    const { template } = created.json;
    expect(template).toMatchObject({ title: 'Refund policy', category: 'Billing', language: 'en-GB', body: 'Refunds take <days> days, <name>.' });
    expect((await call(agent, 'GET', `/api/agent/templates/${template.id}`)).json.template).toEqual(template);

    const patched = await call(admin, 'PATCH', `/api/admin/templates/${template.id}`, { body: 'Refunds take five days, <name>.', category: null });
    expect(patched.status).toBe(200);
    expect(patched.json.template).toMatchObject({ title: 'Refund policy', body: 'Refunds take five days, <name>.', category: null, language: 'en-GB' });
    expect(Date.parse(patched.json.template.updatedAt)).toBeGreaterThanOrEqual(Date.parse(template.updatedAt));

    expect(await call(admin, 'DELETE', `/api/admin/templates/${template.id}`)).toEqual({ status: 200, json: { ok: true } });
    expect((await call(agent, 'GET', `/api/agent/templates/${template.id}`)).status).toBe(404);
    expect((await call(admin, 'DELETE', `/api/admin/templates/${template.id}`)).json.error.code).toBe('NOT_FOUND');
  });

  it('refuses an agent who is not an admin with FORBIDDEN, and changes nothing', async () => {
    const { json } = await create({ title: 'Admins only', body: 'x', language: 'en' });
    const before = await count();
    for (const [method, path, body] of [
      ['POST', '/api/admin/templates', { title: 'Mine', body: 'x', language: 'en' }],
      ['PATCH', `/api/admin/templates/${json.template.id}`, { title: 'Changed' }],
      ['DELETE', `/api/admin/templates/${json.template.id}`, undefined],
    ] as const) {
      const answer = await call(agent, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.json.error.code).toBe('FORBIDDEN');
    }
    expect(await count()).toBe(before);
    expect((await call(agent, 'GET', `/api/agent/templates/${json.template.id}`)).json.template.title).toBe('Admins only');
  });

  it('refuses a second template with the same title and language with CONFLICT; another language is fine', async () => {
    expect((await create({ title: 'Opening hours', body: 'We are open 9–17.', language: 'en' })).status).toBe(201);
    const again = await create({ title: 'Opening hours', body: 'Other text', language: 'en' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('CONFLICT');
    expect((await create({ title: 'Opening hours', body: 'Wij zijn open van 9 tot 17.', language: 'nl' })).status).toBe(201);
    const dutch = (await list('?q=opening&language=nl')).json.templates[0];
    const renamed = await call(admin, 'PATCH', `/api/admin/templates/${dutch.id}`, { language: 'en' });
    expect(renamed.json.error.code).toBe('CONFLICT');
    expect((await call(agent, 'GET', `/api/agent/templates/${dutch.id}`)).json.template.language).toBe('nl');
  });

  it('refuses bad bodies with INVALID_REQUEST naming the field, and stores nothing', async () => {
    const before = await count();
    const bad: [unknown, string][] = [
      [{ title: 5, body: 'x', language: 'en' }, 'title'],
      [{ title: 'T', body: ['x'], language: 'en' }, 'body'],
      [{ title: 'T', body: '   ', language: 'en' }, 'body'],
      [{ title: '', body: 'x', language: 'en' }, 'title'],
      [{ title: 'T'.repeat(121), body: 'x', language: 'en' }, 'title'],
      [{ title: 'T', body: 'x'.repeat(10_001), language: 'en' }, 'body'],
      [{ title: 'T', body: 'x', language: 'english please' }, 'language'],
      [{ title: 'T', body: 'x', language: 'en_US' }, 'language'],
      [{ title: 'T', body: 'x', language: 7 }, 'language'],
      [{ title: 'T', body: 'x', category: '', language: 'en' }, 'category'],
      [{ title: 'T', body: 'x', category: 'c'.repeat(61), language: 'en' }, 'category'],
      [{ title: 'T', body: 'x', language: 'en', workspaceId: 'other' }, 'workspaceId'],
      [{ title: 'T', body: 'x' }, 'language'],
      [[], ''],
      ['"just text"', ''],
    ];
    for (const [body, field] of bad) {
      const { status, json } = await create(body);
      expect(status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(json.error.code).toBe('INVALID_REQUEST');
      expect(json.error.message).toContain(field);
    }
    const malformed = await create('{"title": "T", ');
    expect(malformed.status).toBe(400);
    const huge = await create({ title: 'T', body: 'x'.repeat(1_100_000), language: 'en' });
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await count()).toBe(before);
  });

  it('refuses an empty or unknown change, and keeps the template', async () => {
    const { json } = await create({ title: 'Patch me', body: 'x', language: 'en' });
    for (const patch of [{}, { title: null }, { language: 'xx-!!' }, { colour: 'red' }, { body: 42 }]) {
      const answer = await call(admin, 'PATCH', `/api/admin/templates/${json.template.id}`, patch);
      expect(answer.status, JSON.stringify(patch)).toBe(400);
      expect(answer.json.error.code).toBe('INVALID_REQUEST');
    }
    expect((await call(agent, 'GET', `/api/agent/templates/${json.template.id}`)).json.template).toEqual(json.template);
  });

  it('answers NOT_FOUND for unknown ids and for another workspace’s template, and touches neither', async () => {
    const theirs = (await create({ title: 'Theirs', body: 'Hi <name>', language: 'en' }, otherAdmin)).json.template;
    const conversationId = await conversationWith({});
    for (const id of [randomUUID(), 'not-a-uuid', theirs.id]) {
      for (const [method, path, body, cookie] of [
        ['GET', `/api/agent/templates/${id}`, undefined, agent],
        ['PATCH', `/api/admin/templates/${id}`, { title: 'Mine now' }, admin],
        ['DELETE', `/api/admin/templates/${id}`, undefined, admin],
        ['POST', `/api/agent/templates/${id}/render`, { conversationId }, agent],
      ] as const) {
        const answer = await call(cookie, method, path, body);
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.json.error.code).toBe('NOT_FOUND');
      }
    }
    expect((await call(otherAdmin, 'GET', `/api/agent/templates/${theirs.id}`)).json.template).toEqual(theirs);
    expect((await list('?q=Theirs')).json.templates).toEqual([]);
    expect((await list('?q=Theirs', otherAdmin)).json.templates).toHaveLength(1);
  });
});

describe('searching templates', () => {
  beforeAll(async () => {
    for (const [title, body, category, language] of [
      ['Shipping times', 'Parcels arrive in 2–3 days.', 'Shipping', 'en'],
      ['Shipping abroad', 'We ship to the EU and the UK.', 'Shipping', 'en-GB'],
      ['Verzending', 'Pakketten komen binnen 2–3 dagen aan.', 'Shipping', 'nl'],
      ['Password reset', 'Use the link on the sign-in page to RESET it.', 'Account', 'en'],
      ['Discount 100%', 'Sorry, no discount_codes today.', 'Billing', 'en'],
    ]) {
      expect((await create({ title, body, category, language })).status).toBe(201);
    }
  });

  const titles = async (query: string) => ((await list(query)).json.templates as Json[]).map((t) => t.title);

  it('finds words in the title, body or category, ignoring case', async () => {
    expect(await titles('?q=shipping')).toEqual(['Shipping abroad', 'Shipping times', 'Verzending']);
    expect(await titles('?q=reset')).toEqual(['Password reset']);
    expect(await titles('?q=PAKKETTEN')).toEqual(['Verzending']);
    expect(await titles('?q=account')).toEqual(['Password reset']);
  });

  it('matches % and _ as themselves', async () => {
    expect(await titles('?q=%25')).toEqual(['Discount 100%']);
    expect(await titles('?q=t_c')).toEqual(['Discount 100%']);
    expect(await titles('?q=0_')).toEqual([]);
  });

  it('filters by language range (en takes en-GB too) and by category', async () => {
    expect(await titles('?category=Shipping&language=en')).toEqual(['Shipping abroad', 'Shipping times']);
    expect(await titles('?category=Shipping&language=EN-gb')).toEqual(['Shipping abroad']);
    expect(await titles('?category=Shipping&language=nl')).toEqual(['Verzending']);
    expect(await titles('?category=Shipping&language=de')).toEqual([]);
  });

  it('lists the categories and languages in use', async () => {
    const { json } = await call(agent, 'GET', '/api/agent/templates/facets');
    expect(json.categories).toEqual(expect.arrayContaining(['Account', 'Billing', 'Greetings', 'Shipping']));
    expect(json.languages).toEqual(expect.arrayContaining(['en', 'en-GB', 'nl']));
    expect(json.categories).not.toContain(null);
  });

  it('pages through a category by title, each template once, with a cursor', async () => {
    for (let i = 0; i < 7; i++) expect((await create({ title: `Paged ${String.fromCharCode(103 - i)}`, body: 'x', category: 'Paged', language: 'en' })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, json }: { status: number; json: Json } = await list(`?category=Paged&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(status).toBe(200);
      expect(json.templates.length).toBeLessThanOrEqual(3);
      seen.push(...json.templates.map((t: Json) => t.title));
      cursor = json.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['Paged a', 'Paged b', 'Paged c', 'Paged d', 'Paged e', 'Paged f', 'Paged g']);
  });

  it('refuses bad queries with INVALID_REQUEST', async () => {
    for (const query of ['?limit=0', '?limit=201', '?limit=ten', '?language=%21%21', '?cursor=bm90IGEgY3Vyc29y', '?cursor=%5B%5D', `?q=${'x'.repeat(201)}`, '?category=', '?q=a&q=b']) {
      const { status, json } = await list(query);
      expect(status, query).toBe(400);
      expect(json.error.code).toBe('INVALID_REQUEST');
    }
  });
});

describe('POST /api/agent/templates/:id/render', () => {
  let greeting: string;
  beforeAll(async () => {
    greeting = (await list('?q=greeting')).json.templates[0].id;
  });

  it('fills the demo greeting from the contact, the agent and the app', async () => {
    const conversationId = await conversationWith({ name: 'Ayşe Yılmaz', email: 'ayse@example.com' });
    const { status, json } = await render(greeting, conversationId);
    expect(status).toBe(200);
    expect(json).toEqual({ text: 'Hi Ayşe Yılmaz, thanks for contacting Demo site! I am Demo Agent; how can I help you today?', unfilled: [], masked: [], hidden: [] });
    const followUp = (await list('?q=follow-up')).json.templates[0].id;
    expect((await render(followUp, conversationId)).json.text).toBe(
      `Thanks, Ayşe. I will send the details to ayse@example.com. If you write to us again, mention the reference ${conversationId}.`,
    );
  });

  it('prefers the verified contact’s name and e-mail to what the visitor typed', async () => {
    const conversationId = await conversationWith({}, { userId: `user-${cid()}`, name: 'Dr. Ayşe Yılmaz', email: 'ayse@company.example' });
    const { json } = await call(admin, 'POST', '/api/admin/templates', { title: `Contact ${cid()}`, body: '<name> <email>', language: 'en' });
    expect((await render(json.template.id, conversationId)).json.text).toBe('Dr. Ayşe Yılmaz ayse@company.example');
  });

  describe('for a customer an agent added as a contact', () => {
    let contactTemplate: string;
    beforeAll(async () => {
      contactTemplate = (await create({ title: `Added contact ${cid()}`, body: '<name>|<first_name>|<email>', language: 'en' })).json.template.id;
    });
    const addContact = (conversationId: string, details: Record<string, string>) =>
      call(admin, 'POST', `/api/agent/conversations/${conversationId}/customer/contact`, details);
    const rendered = async (conversationId: string) => (await render(contactTemplate, conversationId)).json;

    it('fills <name>, <first_name> and <email> from the details the agent typed', async () => {
      const conversationId = await conversationWith({});
      expect(await rendered(conversationId)).toEqual({ text: '<name>|<first_name>|<email>', unfilled: ['name', 'first_name', 'email'], masked: [], hidden: [] });
      expect((await addContact(conversationId, { name: 'Rob Stone', email: 'rob@example.com' })).status).toBe(200);
      expect(await rendered(conversationId)).toEqual({ text: 'Rob Stone|Rob|rob@example.com', unfilled: [], masked: [], hidden: [] });
    });

    it('prefers the agent’s details to what the visitor typed, and keeps the visitor’s for what the agent left out', async () => {
      const conversationId = await conversationWith({ name: 'rob', email: 'rob@home.example' });
      expect((await addContact(conversationId, { name: 'Robert Stone' })).status).toBe(200);
      expect((await rendered(conversationId)).text).toBe('Robert Stone|Robert|rob@home.example');
      // Corrected again: the newest details count.
      expect((await addContact(conversationId, { name: 'Bob Stone', email: 'bob@work.example' })).status).toBe(200);
      expect((await rendered(conversationId)).text).toBe('Bob Stone|Bob|bob@work.example');
    });

    it('never brings in a verified contact’s details, even when the visitor and the agent type that contact’s e-mail', async () => {
      const email = `vera-${cid().slice(0, 8)}@company.example`;
      const verified = await conversationWith({}, { userId: `user-${cid()}`, name: 'Dr. Vera Verified', email });
      expect((await rendered(verified)).text).toBe(`Dr. Vera Verified|Dr.|${email}`);
      const impostor = await conversationWith({ name: 'Vera', email });
      expect((await addContact(impostor, { name: 'Someone Else', email })).status).toBe(200);
      const { text } = await rendered(impostor);
      expect(text).toBe(`Someone Else|Someone|${email}`);
      expect(text).not.toContain('Verified');
    });

    it('gives way to the verified contact once the website signs the visitor in', async () => {
      const { token } = await gw.visitor();
      const headers = { authorization: `Bearer ${token}`, origin: gw.origin, 'content-type': 'application/json' };
      const socket = await gw.connectVisitor(token);
      await socket.next('hello');
      socket.send({ type: 'message.send', ref: 'first', clientConversationId: cid(), clientMessageId: cid(), body: 'Hello' });
      const { conversationId } = await socket.next('message.ack', (f) => f.ref === 'first');
      socket.close();
      expect((await addContact(conversationId, { name: 'Guessed Name', email: 'guess@example.com' })).status).toBe(200);
      expect((await rendered(conversationId)).text).toBe('Guessed Name|Guessed|guess@example.com');

      const userId = `user-${cid()}`;
      const signature = createHmac('sha256', DEMO_SECRET).update(userId).digest('hex');
      const identified = await fetch(`${gw.url}/api/visitor/identify`, { method: 'POST', headers, body: JSON.stringify({ userId, signature, name: 'Signed Name', email: 'signed@example.com' }) });
      expect(identified.status).toBe(200);
      expect((await rendered(conversationId)).text).toBe('Signed Name|Signed|signed@example.com');
    });

    it('shows the agent the same name in the customer panel', async () => {
      const conversationId = await conversationWith({ name: 'pat' });
      await addContact(conversationId, { name: 'Patricia Lee' });
      const panel = await call(admin, 'GET', `/api/agent/conversations/${conversationId}/customer`);
      expect(panel.json.customer.name).toBe('Patricia Lee');
      expect((await rendered(conversationId)).text).toBe('Patricia Lee|Patricia|<email>');
    });
  });

  it('leaves unknown parameters and empty values as written, and inserts values as plain text', async () => {
    const conversationId = await conversationWith({ name: '<agent_name> $& <b>' });
    const { json } = await create({ title: `Mixed ${cid()}`, body: 'Dear <name>, order <order_id> goes to <email>.', language: 'en' });
    expect((await render(json.template.id, conversationId)).json).toEqual({
      text: 'Dear <agent_name> $& <b>, order <order_id> goes to <email>.',
      unfilled: ['order_id', 'email'],
      masked: [],
      hidden: [],
    });
  });

  describe('with masking on', () => {
    const setMasking = (on: boolean) => call(admin, 'PATCH', '/api/admin/workspace', { maskPersonalData: on });
    beforeAll(async () => {
      expect((await setMasking(true)).status).toBe(200);
    });
    afterAll(async () => {
      await setMasking(false);
    });

    it('leaves the contact’s e-mail for the agent to write, never filled in masked, in the demo follow-up', async () => {
      const conversationId = await conversationWith({});
      expect((await call(admin, 'POST', `/api/agent/conversations/${conversationId}/customer/contact`, { name: 'Melissa Stone', email: 'melissa@gmail.com' })).status).toBe(200);
      const followUp = (await list('?q=follow-up')).json.templates[0].id;
      const { status, json } = await render(followUp, conversationId);
      expect(status).toBe(200);
      expect(json).toEqual({
        text: `Thanks, Melissa. I will send the details to <email>. If you write to us again, mention the reference ${conversationId}.`,
        unfilled: ['email'],
        masked: ['email'],
        hidden: [],
      });
      expect(JSON.stringify(json)).not.toMatch(/\*|melissa@/);
    });

    it('leaves a name masking would change, and fills one it would not', async () => {
      const { json } = await create({ title: `Masked name ${cid()}`, body: '<name>|<first_name>|<agent_name>|<app_name>', language: 'en' });
      const phoneInName = await conversationWith({ name: '+447966197542 Mel' });
      expect((await render(json.template.id, phoneInName)).json).toEqual({
        text: '<name>|<first_name>|Demo Agent|Demo site',
        unfilled: ['name', 'first_name'],
        masked: ['name', 'first_name'],
        hidden: [],
      });
      const plain = await conversationWith({ name: 'Mel Stone', email: 'mel@example.com' });
      expect((await render(json.template.id, plain)).json).toEqual({ text: 'Mel Stone|Mel|Demo Agent|Demo site', unfilled: [], masked: [], hidden: [] });
    });

    it('fills the conversation id as it is, even where masking would take it for a phone number', async () => {
      // A conversation id whose last group masking reads as a national phone number.
      const id = '28087123-68ed-4e89-b1c5-046503770714';
      const [visitor] = await gw.database.db.insert(visitors).values({ appId: 'demo', name: 'Nina' }).returning();
      await gw.database.db.insert(conversations).values({ id, workspaceId: 'demo', appId: 'demo', visitorId: visitor!.id });
      const { json } = await create({ title: `Reference ${cid()}`, body: 'Reference <conversation_id>', language: 'en' });
      expect((await render(json.template.id, id)).json).toEqual({ text: `Reference ${id}`, unfilled: [], masked: [], hidden: [] });
    });
  });

  describe('with contact details for admins only', () => {
    const setRoles = (roles: string[]) => call(admin, 'PATCH', '/api/admin/workspace/customer-panel', { contactDetailsRoles: roles });
    const setMasking = (on: boolean) => call(admin, 'PATCH', '/api/admin/workspace', { maskPersonalData: on });
    // The customer's real address: no render answer of an agent whose role may not see it holds
    // it, whole, in part or masked.
    const canary = `canary-${cid().slice(0, 8)}@customer.example`;
    let conversationId: string;
    let everything: string;
    const renderAs = async (cookie: string, id: string) => {
      const { status, json } = await render(id, conversationId, cookie);
      expect(status).toBe(200);
      if (cookie === agent) expect(JSON.stringify(json)).not.toMatch(new RegExp(`${canary.split('@')[0]}|customer\\.example|\\*`));
      return json;
    };
    beforeAll(async () => {
      const [visitor] = await gw.database.db.insert(visitors).values({ appId: 'demo', name: 'Carla Canary', email: canary }).returning();
      // Sam's own conversation: an agent renders only for one they may see.
      conversationId = (await seedConversation(gw.database, { visitorId: visitor!.id, routing: { owner: agentId } })).id;
      everything = (await create({ title: `Every parameter ${cid()}`, body: '<name>|<first_name>|<email>|<agent_name>|<conversation_id>|<app_name>', language: 'en' })).json.template.id;
      expect((await setRoles(['admin'])).status).toBe(200);
    });
    afterAll(async () => {
      await setRoles(['agent', 'admin']);
    });

    it('leaves the customer’s e-mail for an agent to write, and fills in the names they may see', async () => {
      expect(await renderAs(agent, everything)).toEqual({
        text: `Carla Canary|Carla|<email>|Sam|${conversationId}|Demo site`,
        unfilled: ['email'],
        masked: ['email'],
        hidden: ['email'],
      });
      const followUp = (await list('?q=follow-up')).json.templates[0].id;
      expect(await renderAs(agent, followUp)).toEqual({
        text: `Thanks, Carla. I will send the details to <email>. If you write to us again, mention the reference ${conversationId}.`,
        unfilled: ['email'],
        masked: ['email'],
        hidden: ['email'],
      });
      expect((await renderAs(agent, greeting)).text).toBe('Hi Carla Canary, thanks for contacting Demo site! I am Sam; how can I help you today?');
    });

    it('still fills it in for an admin', async () => {
      expect(await renderAs(admin, everything)).toEqual({ text: `Carla Canary|Carla|${canary}|Demo Agent|${conversationId}|Demo site`, unfilled: [], masked: [], hidden: [] });
    });

    it('says it is hidden from an agent with masking on too, where an admin’s is only masked', async () => {
      expect((await setMasking(true)).status).toBe(200);
      try {
        expect(await renderAs(agent, everything)).toEqual({
          text: `Carla Canary|Carla|<email>|Sam|${conversationId}|Demo site`,
          unfilled: ['email'],
          masked: ['email'],
          hidden: ['email'],
        });
        expect(await renderAs(admin, everything)).toEqual({ text: `Carla Canary|Carla|<email>|Demo Agent|${conversationId}|Demo site`, unfilled: ['email'], masked: ['email'], hidden: [] });
      } finally {
        await setMasking(false);
      }
    });

    it('fills it in for agents again once the workspace shows them contact details', async () => {
      expect((await setRoles(['agent', 'admin'])).status).toBe(200);
      expect((await render(everything, conversationId, agent)).json).toEqual({ text: `Carla Canary|Carla|${canary}|Sam|${conversationId}|Demo site`, unfilled: [], masked: [], hidden: [] });
    });
  });

  it('answers NOT_FOUND for a conversation the agent may not see or that does not exist, INVALID_REQUEST for a bad body', async () => {
    for (const conversationId of [otherConversation, randomUUID(), 'not-a-uuid']) {
      const { status, json } = await render(greeting, conversationId);
      expect(status, conversationId).toBe(404);
      expect(json.error.code).toBe('NOT_FOUND');
    }
    for (const body of [{}, { conversationId: 5 }, { conversationId: 'x y' }, { conversationId: randomUUID(), extra: true }, 'text']) {
      const { status, json } = await call(agent, 'POST', `/api/agent/templates/${greeting}/render`, body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json.error.code).toBe('INVALID_REQUEST');
    }
  });

  it('needs a session, and the console origin for a render', async () => {
    expect((await fetch(`${gw.url}/api/agent/templates`)).status).toBe(401);
    const foreign = await fetch(`${gw.url}/api/agent/templates/${greeting}/render`, {
      method: 'POST',
      headers: { cookie: agent, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: randomUUID() }),
    });
    expect(foreign.status).toBe(403);
  });
});

describe('templates and the database', () => {
  it('are seeded only with a new workspace: a demo template an admin deleted stays deleted after a restart', async () => {
    const greeting = (await list('?q=greeting')).json.templates[0];
    expect((await call(admin, 'DELETE', `/api/admin/templates/${greeting.id}`)).status).toBe(200);
    await seedDemo(gw.database.db, { port: 1 });
    expect((await list('?q=greeting')).json.templates).toEqual([]);
  });

  it('go with their workspace when it is deleted', async () => {
    await gw.database.db.insert(workspaces).values({ id: 'gone', name: 'Gone' });
    await gw.database.db.insert(templates).values({ workspaceId: 'gone', title: 'Bye', body: 'x', language: 'en' });
    await gw.database.db.delete(workspaces).where(eq(workspaces.id, 'gone'));
    expect(await gw.database.db.select().from(templates).where(eq(templates.workspaceId, 'gone'))).toEqual([]);
  });
});
