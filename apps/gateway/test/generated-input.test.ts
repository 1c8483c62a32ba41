import { ErrorCode } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apps, messages, workspaces } from '../src/db/schema/index.ts';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';
import { seedConversation } from './support/workspace.ts';

// Generated frames and requests from a visitor who tries everything, against a real gateway:
// ids of another visitor's conversation and of agents' notes, near-valid frames with one
// field swapped for anything, raw text and bytes, HTTP bodies of any JSON shape. Whatever
// comes, the answers carry documented codes, the socket stays open, nothing stored for anyone
// else changes, and two canaries (another visitor's message, an internal note in the attacker's
// own conversation) never reach the attacker by any frame or response. An agent sending
// generated frames likewise never reaches another workspace's conversation.

let gw: TestGateway;
let cookie: string;
let attacker: TestSocket;
let attackerToken: string;
let own: string;
let others: string;
let otherMessageId: string;
const otherCanary = `OTHER-VISITOR-${cid()}`;
const noteCanary = `INTERNAL-NOTE-${cid()}`;
let foreign: string;
const foreignCanary = `OTHER-WORKSPACE-${cid()}`;
const CODES = new Set<string>(Object.values(ErrorCode));

const agentGet = (path: string) => fetch(`${gw.url}${path}`, { headers: { cookie, origin: gw.origin } }).then((r) => r.json());
/** Everything stored in a conversation, internal notes included, as the console reads it. */
const stored = (conversationId: string) => agentGet(`/api/agent/conversations/${conversationId}/messages?limit=200`).then((r) => r.messages);

beforeAll(async () => {
  gw = await startGateway({ PARLEY_MAX_FRAME_BYTES: '65536' });
  cookie = await gw.login();

  const other = await gw.connectVisitor((await gw.visitor()).token);
  await other.next('hello');
  other.send({ type: 'message.send', ref: 'o', clientConversationId: cid(), clientMessageId: cid(), body: otherCanary });
  const otherAck = await other.next('message.ack', (f) => f.ref === 'o');
  [others, otherMessageId] = [otherAck.conversationId, otherAck.messageId];
  other.close();

  attackerToken = (await gw.visitor()).token;
  attacker = await gw.connectVisitor(attackerToken);
  await attacker.next('hello');
  attacker.send({ type: 'message.send', ref: 'a', clientConversationId: cid(), clientMessageId: cid(), body: 'stored before' });
  own = (await attacker.next('message.ack', (f) => f.ref === 'a')).conversationId;

  const agent = await gw.connectAgent(cookie);
  await agent.next('hello');
  agent.send({ type: 'message.send', ref: 'n', conversationId: own, clientMessageId: cid(), body: noteCanary, internal: true });
  await agent.next('message.ack', (f) => f.ref === 'n');
  agent.close();

  await gw.database.db.insert(workspaces).values({ id: 'other', name: 'Other workspace' });
  await gw.database.db.insert(apps).values({ id: 'other-app', workspaceId: 'other', name: 'Other site', identitySecret: 'other-secret-0123456789abcdef' });
  foreign = (await seedConversation(gw.database, { workspaceId: 'other', appId: 'other-app', messages: [{ kind: 'visitor', body: foreignCanary }] })).id;
});
afterAll(async () => {
  attacker?.close();
  await gw?.close();
});

// The generators are made once the conversations exist: they aim at their ids.

/** Ids worth trying: the real ones given (one's own, someone else's), made-up ones, and malformed ones. */
const ids = (real: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...real) },
    { weight: 1, arbitrary: fc.constantFrom(otherMessageId, 'x', cid(), '../../etc/passwd', '', 'a'.repeat(65), '__proto__') },
  );
const anything = (real: string[]) => fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 3000 }), fc.constantFrom(...real, '__proto__', 0, -1, 1e308, null));

// Each message gets a ref of its own, so its answer can be awaited.
let sends = 0;
const sendRef = () => fc.constant(null).map(() => `send-${sends++}`);

/** A valid frame of every type, aimed at any of the ids. */
const validFrame = (real: string[]) =>
  fc.oneof(
    fc.record(
      { type: fc.constant('message.send'), ref: sendRef(), conversationId: ids(real), clientMessageId: fc.constantFrom(cid(), otherMessageId), body: fc.string({ minLength: 1, maxLength: 50 }), internal: fc.boolean() },
      { requiredKeys: ['type', 'ref', 'conversationId', 'clientMessageId', 'body'] },
    ),
    fc.record({ type: fc.constant('message.send'), ref: sendRef(), clientConversationId: ids(real), clientMessageId: fc.uuid(), body: fc.string({ minLength: 1, maxLength: 50 }) }),
    fc.record({ type: fc.constant('resume'), cursors: fc.array(fc.record({ conversationId: ids(real), seq: fc.nat(5) }), { maxLength: 3 }) }),
    fc.record({ type: fc.constant('conversation.list'), status: fc.constantFrom('open', 'closed') }),
    fc.record({ type: fc.constant('conversation.history'), conversationId: ids(real) }),
    fc.record({ type: fc.constant('typing'), conversationId: ids(real), state: fc.constantFrom('start', 'stop'), internal: fc.boolean() }, { requiredKeys: ['type', 'conversationId', 'state'] }),
    fc.record({ type: fc.constant('conversation.read'), conversationId: ids(real), seq: fc.nat(10) }),
    fc.record({ type: fc.constant('conversation.end'), conversationId: ids(real) }),
  );

/** Raw text for the socket: a valid frame, one with a field swapped for anything, or junk. */
const rawFrame = (real: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: validFrame(real).map((f) => JSON.stringify(f)) },
    {
      weight: 2,
      arbitrary: fc.tuple(validFrame(real), fc.constantFrom('type', 'conversationId', 'clientMessageId', 'body', 'cursors', 'internal', 'seq', 'state', '__proto__', 'extra'), anything(real)).map(([frame, key, value]) => {
        const copy: Record<string, unknown> = { ...frame };
        Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
        return JSON.stringify(copy);
      }),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
  );

/**
 * Sends generated frames aimed at `real` ids on `socket`, round after round; after each, the
 * socket still answers a ping and every message sent has its answer (an ack, or an error naming
 * it). Then closes it (so every frame the gateway sent before is recorded) and checks every
 * error: a documented code and a short message.
 */
async function sendGenerated(socket: TestSocket, real: string[], numRuns: number): Promise<void> {
  let round = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(rawFrame(real), { minLength: 1, maxLength: 12 }), async (frames) => {
      const from = socket.frames.length;
      for (const frame of frames) socket.sendRaw(frame);
      const ref = `still-${round++}`;
      socket.send({ type: 'ping', ref });
      await socket.next('pong', (f) => f.ref === ref, { from });
      expect(socket.ws.readyState).toBe(socket.ws.OPEN);
      for (const frame of frames) {
        const sent = typeof frame === 'string' && /^\{"type":"message\.send","ref":"(send-\d+)"/.exec(frame)?.[1];
        if (sent) await socket.nextWhere((f) => (f.type === 'message.ack' || f.type === 'error') && f.ref === sent, { from });
      }
    }),
    { numRuns },
  );
  socket.close();
  expect((await socket.closed).code).toBe(1005);
  const errors = socket.frames.filter((f) => f.type === 'error');
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(CODES).toContain(error.code);
    expect(error.message.length).toBeGreaterThan(10);
    expect(error.message.length).toBeLessThanOrEqual(300);
  }
}

/** A conversation's messages as stored, straight from the database. */
const rows = (conversationId: string) => gw.database.db.select().from(messages).where(eq(messages.conversationId, conversationId));

describe('a visitor sending generated frames', () => {
  it('gets documented answers, keeps the socket, reaches nobody else and no note', async () => {
    const othersBefore = await stored(others);
    const ownBefore = (await stored(own)).slice(0, 2);
    await sendGenerated(attacker, [own, others], 60);
    expect(await stored(others)).toEqual(othersBefore);
    expect((await stored(own)).slice(0, 2)).toEqual(ownBefore);
    const seen = JSON.stringify(attacker.frames);
    expect(seen).not.toContain(otherCanary);
    expect(seen).not.toContain(noteCanary);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('an agent sending generated frames', () => {
  it('gets documented answers, keeps the socket, and reaches nothing of another workspace', async () => {
    const foreignBefore = await rows(foreign);
    const agent = await gw.connectAgent(cookie);
    await agent.next('hello');
    await sendGenerated(agent, [own, foreign], 40);
    expect(await rows(foreign)).toEqual(foreignBefore);
    expect(JSON.stringify(agent.frames)).not.toContain(foreignCanary);
  });
});

describe('a visitor sending generated HTTP requests', () => {
  /** Routes a visitor may call with a body, and the paths worth aiming them at. */
  const request = () =>
    fc.record({
    method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'),
    path: fc.constantFrom(
      '/api/visitor/me',
      '/api/visitor/identify',
      '/api/visitor/tickets',
      '/api/visitor/tickets/1',
      '/api/visitor/tickets/1/replies',
      `/api/visitor/conversations/${others}/messages`,
      `/api/visitor/conversations/${own}/messages`,
      '/api/visitor/conversations',
      '/api/visitor/app',
    ),
    body: fc.option(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom('name', 'email', 'attributes', 'userId', 'signature', 'subject', 'description', 'body', '__proto__'), anything([own, others]))), { nil: undefined }),
  });

  it('never gets a server error, reads nothing of anyone else, and changes nothing of theirs', async () => {
    const othersBefore = await stored(others);
    const bodies: string[] = [];
    await fc.assert(
      fc.asyncProperty(request(), async ({ method, path, body }) => {
        const res = await fetch(`${gw.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${attackerToken}`, origin: gw.origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
          ...(body !== undefined && method !== 'GET' && { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        bodies.push(text);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(CODES).toContain(JSON.parse(text).error.code);
      }),
      { numRuns: 150 },
    );
    expect(await stored(others)).toEqual(othersBefore);
    for (const text of bodies) {
      expect(text).not.toContain(otherCanary);
      expect(text).not.toContain(noteCanary);
    }
  });
});
