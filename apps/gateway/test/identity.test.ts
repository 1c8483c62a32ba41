import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apps, contacts, conversations, messages, visitors } from '../src/db/schema/index.ts';
import { cid, DEMO_SECRET, startGateway, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

/** What the website's server computes: HMAC-SHA256 of the user id with the app's identity secret, hex. */
const sign = (userId: string, secret = DEMO_SECRET) => createHmac('sha256', secret).update(userId).digest('hex');

/** A user id no other test uses. */
const newUser = (name: string) => `${name}-${cid()}`;

async function call(method: string, path: string, token: string | undefined, body?: unknown, extra: Record<string, string> = {}) {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: {
      origin: gw.origin,
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...extra,
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const identify = (token: string, body: unknown) => call('POST', '/api/visitor/identify', token, body);
const me = (token: string) => call('GET', '/api/visitor/me', token);
const patchMe = (token: string, body: unknown) => call('PATCH', '/api/visitor/me', token, body);
const listConversations = async (token: string) =>
  ((await call('GET', '/api/visitor/conversations', token)).body as { conversations: { id: string; preview: string | null }[] }).conversations;

/** A visitor session with an open socket that has said hello. */
async function device() {
  const session = await gw.visitor();
  const socket = await gw.connectVisitor(session.token);
  await socket.next('hello');
  return { ...session, socket };
}

/** Sends a message in a new conversation (or the given one) and waits for its ack. */
async function say(socket: TestSocket, body: string, conversationId?: string, clientMessageId = cid()) {
  const ref = cid();
  socket.send({ type: 'message.send', ref, ...(conversationId ? { conversationId } : { clientConversationId: cid() }), clientMessageId, body });
  return socket.next('message.ack', (f) => f.ref === ref);
}

async function contactRows(userId: string) {
  return gw.database.db.select().from(contacts).where(and(eq(contacts.appId, 'demo'), eq(contacts.userId, userId)));
}

describe('POST /api/visitor/identify', () => {
  it('links the session to a new verified contact when the signature is right', async () => {
    const { token, visitorId, socket } = await device();
    const userId = newUser('ada');
    const answer = await identify(token, { userId, signature: sign(userId), name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(answer).toMatchObject({ status: 200, body: { visitorId, userId, merged: false } });
    expect((await me(token)).body).toEqual({ visitorId, name: 'Ada Lovelace', email: 'ada@example.com', attributes: {}, identified: true, userId });
    const [contact] = await contactRows(userId);
    expect(contact).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    // The open socket still spoke for the anonymous visitor: it is told to reconnect (not a terminal code).
    expect((await socket.closed).code).toBe(4011);
    const again = await identify(token, { userId, signature: sign(userId) });
    expect(again).toMatchObject({ status: 200, body: { visitorId, userId, merged: false } });
  });

  it('accepts the signature in upper-case hex too', async () => {
    const { token, visitorId, socket } = await device();
    const userId = newUser('upper');
    expect(await identify(token, { userId, signature: sign(userId).toUpperCase() })).toMatchObject({ status: 200, body: { visitorId } });
    socket.close();
  });

  it('refuses a wrong signature with 401 INVALID_SIGNATURE and changes nothing', async () => {
    const { token, visitorId, socket } = await device();
    const userId = newUser('grace');
    const good = sign(userId);
    const flipLast = good.slice(0, 63) + (good[63] === '0' ? '1' : '0');
    for (const signature of [sign('someone-else'), sign(userId, 'not-the-app-secret-0123456789'), flipLast, 'zz', 'x'.repeat(128)]) {
      const answer = await identify(token, { userId, signature, name: 'Grace' });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('INVALID_SIGNATURE');
      expect(answer.body.error.message).toMatch(/sign exactly this user id/);
    }
    expect((await me(token)).body).toEqual({ visitorId, name: null, email: null, attributes: {}, identified: false });
    expect(await contactRows(userId)).toEqual([]);
    // The socket was left alone: nothing changed.
    socket.send({ type: 'ping', ref: 'still-here' });
    await socket.next('pong', (f) => f.ref === 'still-here');
    socket.close();
  });

  it('refuses a missing signature with 401 SIGNATURE_REQUIRED and changes nothing', async () => {
    const { token, visitorId, socket } = await device();
    const userId = newUser('nosig');
    for (const body of [{ userId }, { userId, signature: '' }]) {
      const answer = await identify(token, body);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('SIGNATURE_REQUIRED');
    }
    expect((await me(token)).body).toMatchObject({ visitorId, identified: false });
    expect(await contactRows(userId)).toEqual([]);
    socket.close();
  });

  it('answers bad bodies with 400 INVALID_REQUEST naming each field', async () => {
    const { token, socket } = await device();
    const cases: [unknown, string, string][] = [
      [{ signature: sign('x') }, 'userId', 'REQUIRED'],
      [{ userId: '', signature: sign('') }, 'userId', 'REQUIRED'],
      [{ userId: 'u'.repeat(257), signature: sign('u') }, 'userId', 'TOO_LONG'],
      [{ userId: 42, signature: sign('42') }, 'userId', 'INVALID_TYPE'],
      [{ userId: 'a\nb', signature: sign('a\nb') }, 'userId', 'INVALID_VALUE'],
      [{ userId: 'u', signature: sign('u'), email: 'not-an-email' }, 'email', 'INVALID_EMAIL'],
      [{ userId: 'u', signature: sign('u'), name: 'n'.repeat(121) }, 'name', 'TOO_LONG'],
      [{ userId: 'u', signature: sign('u'), admin: true }, 'admin', 'UNKNOWN_FIELD'],
    ];
    for (const [body, field, code] of cases) {
      const answer = await identify(token, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_REQUEST');
      expect(answer.body.error.fields).toContainEqual(expect.objectContaining({ field, code }));
    }
    expect((await identify(token, '{"userId":')).body.error.code).toBe('INVALID_REQUEST');
    expect(await contactRows('u')).toEqual([]);
    socket.close();
  });

  it('needs a live session from an allowed origin', async () => {
    const userId = newUser('nobody');
    const anonymous = await call('POST', '/api/visitor/identify', undefined, { userId, signature: sign(userId) });
    expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    const { token, socket } = await device();
    const foreign = await call('POST', '/api/visitor/identify', token, { userId, signature: sign(userId) }, { origin: 'https://evil.example' });
    expect(foreign).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN_ORIGIN' } } });
    await call('DELETE', '/api/visitor/sessions/current', token);
    expect((await identify(token, { userId, signature: sign(userId) })).status).toBe(401);
    expect(await contactRows(userId)).toEqual([]);
    socket.close();
  });

  it('answers the CORS preflight of identify and PATCH /me for the widget', async () => {
    const response = await fetch(`${gw.url}/api/visitor/me`, {
      method: 'OPTIONS',
      headers: { origin: gw.origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(gw.origin);
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});

describe('one verified user on several devices', () => {
  it('moves a second device\'s conversations to the first device\'s visitor, so each device sees both', async () => {
    const userId = newUser('lin');
    const laptop = await device();
    const first = await say(laptop.socket, 'from the laptop');
    expect((await identify(laptop.token, { userId, signature: sign(userId), name: 'Lin' })).body).toMatchObject({ visitorId: laptop.visitorId, merged: false });
    expect((await laptop.socket.closed).code).toBe(4011);

    // The phone chats anonymously first, then the site identifies the same user there.
    const phone = await device();
    await patchMe(laptop.token, { attributes: { plan: 'gold' } });
    await patchMe(phone.token, { attributes: { plan: 'free', device: 'phone' } });
    const phoneMessageId = cid();
    const second = await say(phone.socket, 'from the phone', undefined, phoneMessageId);
    const merged = await identify(phone.token, { userId, signature: sign(userId) });
    expect(merged).toMatchObject({ status: 200, body: { visitorId: laptop.visitorId, userId, merged: true } });
    expect((await phone.socket.closed).code).toBe(4011);

    for (const token of [laptop.token, phone.token]) {
      const ids = (await listConversations(token)).map((c) => c.id).sort();
      expect(ids).toEqual([first.conversationId, second.conversationId].sort());
      // The contact's attributes win; the phone's fill in the ones it lacked.
      expect((await me(token)).body).toMatchObject({ visitorId: laptop.visitorId, identified: true, userId, name: 'Lin', attributes: { plan: 'gold', device: 'phone' } });
    }

    // The phone reconnects as the contact's visitor and reads the laptop's conversation.
    const phoneAgain = await gw.connectVisitor(phone.token);
    const hello = await phoneAgain.next('hello');
    expect(hello.principal.id).toBe(laptop.visitorId);
    phoneAgain.send({ type: 'conversation.history', ref: 'h', conversationId: first.conversationId });
    const history = await phoneAgain.next('conversation.history.result', (f) => f.ref === 'h');
    expect(history.messages.map((m) => m.body)).toEqual(['from the laptop']);

    // A message still in the phone's outbox is sent again after the merge: stored once, not twice.
    phoneAgain.send({ type: 'message.send', ref: 'resend', conversationId: second.conversationId, clientMessageId: phoneMessageId, body: 'from the phone' });
    const resend = await phoneAgain.next('message.ack', (f) => f.ref === 'resend');
    expect(resend).toMatchObject({ duplicate: true, messageId: second.messageId, seq: second.seq });
    const stored = await gw.database.db.select().from(messages).where(eq(messages.conversationId, second.conversationId));
    expect(stored).toHaveLength(1);

    // New messages reach every device of the user.
    const laptopAgain = await gw.connectVisitor(laptop.token);
    await laptopAgain.next('hello');
    await say(phoneAgain, 'both see this', first.conversationId);
    await laptopAgain.next('message.created', (f) => f.message.body === 'both see this');
    phoneAgain.close();
    laptopAgain.close();
  });

  it('links five devices identifying the same new user at once to one visitor, with all their conversations', async () => {
    const userId = newUser('rush');
    const devices = await Promise.all(Array.from({ length: 5 }, () => device()));
    const acks = await Promise.all(devices.map((d, i) => say(d.socket, `device ${i}`)));
    const answers = await Promise.all(devices.map((d) => identify(d.token, { userId, signature: sign(userId) })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const owners = new Set(answers.map((a) => a.body.visitorId));
    expect(owners.size).toBe(1);
    expect(answers.filter((a) => a.body.merged === false)).toHaveLength(1);
    const [contact] = await contactRows(userId);
    const linked = await gw.database.db.select().from(visitors).where(eq(visitors.contactId, contact!.id));
    expect(linked.map((v) => v.id)).toEqual([...owners]);
    expect((await listConversations(devices[0]!.token)).map((c) => c.id).sort()).toEqual(acks.map((a) => a.conversationId).sort());
    for (const d of devices) d.socket.close();
  });

  it('refuses to hand a session of one verified user to another (409 IDENTITY_MISMATCH), changing nothing', async () => {
    const alice = newUser('alice');
    const bob = newUser('bob');
    const { token, visitorId, socket } = await device();
    const ack = await say(socket, 'alice only');
    await identify(token, { userId: alice, signature: sign(alice) });
    const answer = await identify(token, { userId: bob, signature: sign(bob) });
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'IDENTITY_MISMATCH' } } });
    expect(answer.body.error.message).toMatch(/shutdown/);
    expect((await me(token)).body).toMatchObject({ visitorId, userId: alice });
    // Bob's contact exists (his signature was right) but has no visitor and none of Alice's conversations.
    const [bobContact] = await contactRows(bob);
    const bobVisitors = await gw.database.db.select().from(visitors).where(eq(visitors.contactId, bobContact!.id));
    expect(bobVisitors).toEqual([]);
    const [conversation] = await gw.database.db.select().from(conversations).where(eq(conversations.id, ack.conversationId));
    expect(conversation!.visitorId).toBe(visitorId);
  });

  it('after shutdown the browser starts anonymous and sees nothing of the signed-in user', async () => {
    const userId = newUser('kim');
    const { token, socket } = await device();
    await say(socket, 'kim private');
    await identify(token, { userId, signature: sign(userId) });
    expect((await call('DELETE', '/api/visitor/sessions/current', token)).status).toBe(200);
    expect((await me(token)).status).toBe(401);
    const next = await device();
    expect((await me(next.token)).body).toMatchObject({ identified: false });
    expect(await listConversations(next.token)).toEqual([]);
    next.socket.close();
  });
});

describe('canary: an unverified session never reads or overwrites a verified contact', () => {
  it('B claims A\'s user id without or with a wrong signature: sees nothing of A, changes nothing', async () => {
    const userA = newUser('victim');
    const a = await device();
    const secretBody = `canary ${cid()}`;
    const aConversation = await say(a.socket, secretBody);
    await identify(a.token, { userId: userA, signature: sign(userA), name: 'Victim', email: 'victim@example.com' });
    await patchMe(a.token, { attributes: { plan: 'gold' } });
    const [contactBefore] = await contactRows(userA);
    const [visitorBefore] = await gw.database.db.select().from(visitors).where(eq(visitors.id, a.visitorId));

    const b = await device();
    const attempts = [
      { userId: userA },
      { userId: userA, signature: '' },
      { userId: userA, signature: sign(`${userA} `) },
      { userId: userA, signature: sign(userA, 'guessed-secret-0123456789') },
      { userId: ` ${userA}`, signature: sign(userA) },
      { userId: userA.toUpperCase(), signature: sign(userA) },
      { userId: userA, signature: 'ff'.repeat(32), name: 'Mallory', email: 'mallory@evil.example' },
    ];
    for (const attempt of attempts) {
      const answer = await identify(b.token, attempt);
      expect([401, 400], JSON.stringify(attempt)).toContain(answer.status);
    }
    // B writes what it may write: its own visitor only.
    expect((await patchMe(b.token, { name: 'Mallory', email: 'mallory@evil.example', attributes: { plan: 'free' } })).status).toBe(200);

    const bMe = (await me(b.token)).body;
    expect(bMe).toEqual({ visitorId: b.visitorId, name: 'Mallory', email: 'mallory@evil.example', attributes: { plan: 'free' }, identified: false });
    expect(await listConversations(b.token)).toEqual([]);
    const history = await call('GET', `/api/visitor/conversations/${aConversation.conversationId}/messages`, b.token);
    expect(history.status).toBe(404);
    b.socket.send({ type: 'conversation.list', ref: 'l' });
    expect((await b.socket.next('conversation.list.result', (f) => f.ref === 'l')).conversations).toEqual([]);
    b.socket.send({ type: 'resume', ref: 'r', cursors: [{ conversationId: aConversation.conversationId, seq: 0 }] });
    expect(await b.socket.next('error', (f) => f.frameType === 'resume')).toMatchObject({ code: 'NOT_FOUND' });
    b.socket.send({ type: 'message.send', ref: 's', conversationId: aConversation.conversationId, clientMessageId: cid(), body: 'let me in' });
    expect(await b.socket.next('error', (f) => f.ref === 's')).toMatchObject({ code: 'NOT_FOUND' });

    // A's contact and visitor are exactly as they were; A still sees their conversation.
    expect(await contactRows(userA)).toEqual([contactBefore]);
    const [visitorAfter] = await gw.database.db.select().from(visitors).where(eq(visitors.id, a.visitorId));
    expect(visitorAfter).toEqual(visitorBefore);
    expect((await listConversations(a.token)).map((c) => c.id)).toEqual([aConversation.conversationId]);

    // A new message of A never reaches B's socket.
    const aAgain = await gw.connectVisitor(a.token);
    await aAgain.next('hello');
    await say(aAgain, `${secretBody} again`, aConversation.conversationId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(JSON.stringify(b.socket.frames)).not.toContain(secretBody);
    expect(JSON.stringify(b.socket.frames)).not.toContain(a.visitorId);
    aAgain.close();
    b.socket.close();
  });
});

describe('require_identity', () => {
  it('refuses messages and new conversations from anonymous sessions, and takes them once identified', async () => {
    await gw.database.db.update(apps).set({ requireIdentity: true }).where(eq(apps.id, 'demo'));
    try {
      const { token, visitorId, socket } = await device();
      const clientConversationId = cid();
      const clientMessageId = cid();
      socket.send({ type: 'message.send', ref: 'anon', clientConversationId, clientMessageId, body: 'anonymous hello' });
      const refused = await socket.next('error', (f) => f.ref === 'anon');
      expect(refused).toMatchObject({ code: 'IDENTITY_REQUIRED', frameType: 'message.send' });
      expect(refused.message).toMatch(/identify/);
      expect(await gw.database.db.select().from(conversations).where(eq(conversations.visitorId, visitorId))).toEqual([]);

      // An unverified claim does not help.
      expect((await identify(token, { userId: 'someone', signature: sign('someone-else') })).status).toBe(401);
      const stillAnon = await gw.connectVisitor(token);
      await stillAnon.next('hello');
      stillAnon.send({ type: 'message.send', ref: 'anon2', clientConversationId, clientMessageId, body: 'anonymous hello' });
      expect(await stillAnon.next('error', (f) => f.ref === 'anon2')).toMatchObject({ code: 'IDENTITY_REQUIRED' });
      stillAnon.close();

      // Identified: the socket is told to reconnect, and the same message (from the outbox) goes through.
      const userId = newUser('member');
      expect((await identify(token, { userId, signature: sign(userId) })).status).toBe(200);
      expect((await socket.closed).code).toBe(4011);
      const reconnected = await gw.connectVisitor(token);
      await reconnected.next('hello');
      reconnected.send({ type: 'message.send', ref: 'ok', clientConversationId, clientMessageId, body: 'anonymous hello' });
      expect(await reconnected.next('message.ack', (f) => f.ref === 'ok')).toMatchObject({ seq: 1, duplicate: false });
      reconnected.close();
    } finally {
      await gw.database.db.update(apps).set({ requireIdentity: false }).where(eq(apps.id, 'demo'));
    }
  });

  it('checks identity again at every connect: a session that ended cannot write', async () => {
    await gw.database.db.update(apps).set({ requireIdentity: true }).where(eq(apps.id, 'demo'));
    try {
      const userId = newUser('leaver');
      const { token, socket } = await device();
      await identify(token, { userId, signature: sign(userId) });
      await socket.closed;
      await call('DELETE', '/api/visitor/sessions/current', token);
      const after = await gw.connectVisitor(token);
      expect((await after.closed).code).toBe(4001);
      const fresh = await device();
      fresh.socket.send({ type: 'message.send', ref: 'x', clientConversationId: cid(), clientMessageId: cid(), body: 'hi' });
      expect(await fresh.socket.next('error', (f) => f.ref === 'x')).toMatchObject({ code: 'IDENTITY_REQUIRED' });
      fresh.socket.close();
    } finally {
      await gw.database.db.update(apps).set({ requireIdentity: false }).where(eq(apps.id, 'demo'));
    }
  });
});

describe('PATCH /api/visitor/me', () => {
  it('changes the session\'s own visitor: name, e-mail and attributes merged key by key', async () => {
    const { token, visitorId, socket } = await device();
    const other = await device();
    let answer = await patchMe(token, { name: '  Noor  ', email: 'noor@example.com', attributes: { plan: 'pro', seats: 3, trial: false } });
    expect(answer).toMatchObject({ status: 200, body: { visitorId, name: 'Noor', email: 'noor@example.com', attributes: { plan: 'pro', seats: 3, trial: false }, identified: false } });
    answer = await patchMe(token, { email: null, attributes: { seats: 4, trial: null, region: 'eu' } });
    expect(answer.body).toMatchObject({ name: 'Noor', email: null, attributes: { plan: 'pro', seats: 4, region: 'eu' } });
    expect((await me(token)).body).toEqual(answer.body);
    expect((await patchMe(token, {})).body).toEqual(answer.body);
    expect((await me(other.token)).body).toEqual({ visitorId: other.visitorId, name: null, email: null, attributes: {}, identified: false });
    socket.close();
    other.socket.close();
  });

  it('shows agents the name the visitor gave', async () => {
    const { token, socket } = await device();
    const ack = await say(socket, 'who am I?');
    await patchMe(token, { name: 'Olu' });
    const cookie = await gw.login();
    const response = await fetch(`${gw.url}/api/agent/conversations/${ack.conversationId}`, { headers: { cookie } });
    expect(((await response.json()) as { conversation: { visitor: { name: string } } }).conversation.visitor.name).toBe('Olu');
    socket.close();
  });

  it('answers bad input with 400 INVALID_REQUEST naming each field, and changes nothing', async () => {
    const { token, visitorId, socket } = await device();
    await patchMe(token, { name: 'Kept', attributes: { keep: 'yes' } });
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const cases: [unknown, string, string][] = [
      [{ email: 'nope' }, 'email', 'INVALID_EMAIL'],
      [{ email: `${'a'.repeat(250)}@example.com` }, 'email', 'TOO_LONG'],
      [{ name: 'n'.repeat(121) }, 'name', 'TOO_LONG'],
      [{ name: '   ' }, 'name', 'REQUIRED'],
      [{ name: 7 }, 'name', 'INVALID_TYPE'],
      [{ visitorId: 'someone-else' }, 'visitorId', 'UNKNOWN_FIELD'],
      [{ attributes: { nested: { deep: true } } }, 'attributes.nested', 'INVALID_TYPE'],
      [{ attributes: { list: [1, 2] } }, 'attributes.list', 'INVALID_TYPE'],
      [{ attributes: { long: 'x'.repeat(1001) } }, 'attributes.long', 'TOO_LONG'],
      [{ attributes: { '1st': 'x' } }, 'attributes.1st', 'INVALID_VALUE'],
      ['{"attributes":{"big":1e400}}', 'attributes.big', 'INVALID_VALUE'],
      [{ attributes: { ...fifty, one_more: 1 } }, 'attributes', 'INVALID_VALUE'],
      [{ attributes: 'plan=gold' }, 'attributes', 'INVALID_TYPE'],
    ];
    for (const [body, field, code] of cases) {
      const answer = await patchMe(token, body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_REQUEST');
      expect(answer.body.error.fields, JSON.stringify(answer.body)).toContainEqual(expect.objectContaining({ field, code }));
    }
    // 49 new ones plus the one already stored is 50: fine; one more is refused as a whole.
    const fortyNine = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, i]));
    expect((await patchMe(token, { attributes: fortyNine })).status).toBe(200);
    const over = await patchMe(token, { name: 'Changed', attributes: { extra: true } });
    expect(over).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    expect(over.body.error.message).toMatch(/at most 50 attributes/);
    const now = (await me(token)).body;
    expect(now.name).toBe('Kept');
    expect(Object.keys(now.attributes)).toHaveLength(50);
    expect(now.visitorId).toBe(visitorId);
    expect((await patchMe(token, '{"name":')).status).toBe(400);
    // Nothing written under a prototype-polluting key either.
    expect((await patchMe(token, JSON.parse('{"attributes":{"__proto__":{"admin":true}}}'))).status).toBe(400);
    expect(({} as { admin?: boolean }).admin).toBeUndefined();
    socket.close();
  });

  it('needs a session', async () => {
    expect(await call('PATCH', '/api/visitor/me', undefined, { name: 'x' })).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(await call('GET', '/api/visitor/me', 'A'.repeat(43))).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
  });
});
