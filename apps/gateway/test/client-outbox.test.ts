import { createClient, memoryOutboxStore, type OutboxStore, type ParleyClient } from '@parley/client';
import { PROTOCOL_VERSION, TOKEN_SUBPROTOCOL_PREFIX, type Message } from '@parley/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';

let gw: TestGateway;
let cookie: string;

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
});
afterAll(() => gw.close());

/** The browser sends Origin by itself; `ws` needs it passed. */
function originSocket(origin: string) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string[]) {
      super(url, protocols, { origin });
    }
  };
}

function visitorClient(token: string, store: OutboxStore, url = `${gw.wsUrl}/ws/visitor`) {
  return createClient({
    url,
    protocols: () => [TOKEN_SUBPROTOCOL_PREFIX + token],
    WebSocket: originSocket(gw.origin) as never,
    outbox: store,
    backoff: { initialMs: 20, maxMs: 50 },
  });
}

async function bodiesOf(conversationId: string): Promise<string[]> {
  const res = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages?limit=200`, { headers: { cookie } });
  return (await res.json()).messages.map((m: { body: string }) => m.body);
}

describe('the client outbox against the gateway', () => {
  it('sends a message written while offline exactly once after a restart', async () => {
    const { token } = await gw.visitor();
    const store = memoryOutboxStore();
    // Before the "restart": the gateway cannot be reached, so the message waits in the outbox.
    const offline = visitorClient(token, store, 'ws://127.0.0.1:9/ws/visitor');
    offline.connect();
    const clientConversationId = cid();
    offline.send({ clientConversationId, body: 'written offline' }).acked.catch(() => {});
    expect(store.load()).toHaveLength(1);
    offline.close();

    // After it: a new client on the same stored outbox.
    const online = visitorClient(token, store);
    const acks: unknown[] = [];
    online.on('ack', (ack) => acks.push(ack));
    online.connect();
    await expect.poll(() => acks.length, { timeout: 10_000 }).toBe(1);
    expect(store.load()).toEqual([]);
    const list = await fetch(`${gw.url}/api/visitor/conversations`, { headers: { authorization: `Bearer ${token}`, origin: gw.origin } }).then((r) => r.json());
    expect(list.conversations).toHaveLength(1);
    expect(await bodiesOf(list.conversations[0].id)).toEqual(['written offline']);
    online.close();
  });

  it('does not store a second copy when the message was stored but its ack was lost', async () => {
    const { token } = await gw.visitor();
    const clientConversationId = cid();
    const clientMessageId = cid();
    // The first attempt reached the gateway, which stored it; the ack never came back.
    const raw = new WebSocket(`${gw.wsUrl}/ws/visitor?v=${PROTOCOL_VERSION}`, ['parley', TOKEN_SUBPROTOCOL_PREFIX + token], { origin: gw.origin });
    await new Promise((resolve) => raw.once('message', resolve));
    raw.send(JSON.stringify({ type: 'message.send', clientConversationId, clientMessageId, body: 'only once' }));
    const ack = await new Promise<{ conversationId: string }>((resolve) =>
      raw.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        if (frame.type === 'message.ack') resolve(frame);
      }),
    );
    raw.terminate();

    const store = memoryOutboxStore();
    store.save([{ v: PROTOCOL_VERSION, clientMessageId, clientConversationId, body: 'only once', createdAt: Date.now() }]);
    const client = visitorClient(token, store);
    const acks: { duplicate: boolean }[] = [];
    client.on('ack', (a) => acks.push(a));
    client.connect();
    await expect.poll(() => acks.length, { timeout: 10_000 }).toBe(1);
    expect(acks[0]!.duplicate).toBe(true);
    expect(store.load()).toEqual([]);
    expect(await bodiesOf(ack.conversationId)).toEqual(['only once']);
    client.close();
  });

  it('resumes after the socket drops and receives what was sent meanwhile, in order', async () => {
    const { token } = await gw.visitor();
    const client = visitorClient(token, memoryOutboxStore());
    const received: string[] = [];
    client.on('message', (m) => received.push(m.body));
    client.connect();
    const { acked } = client.send({ clientConversationId: cid(), body: 'first' });
    const { conversationId } = await acked;
    // Drop every socket of this visitor from the server side.
    gw.app.parley.hub.closeWhere((p) => p.kind === 'visitor', 1012, 'restart');
    const agent = await gw.connectAgent(cookie);
    await agent.next('hello');
    for (let k = 0; k < 3; k++) agent.send({ type: 'message.send', ref: `k${k}`, conversationId, clientMessageId: cid(), body: `meanwhile ${k}` });
    await agent.next('message.ack', (f) => f.ref === 'k2');
    await expect.poll(() => received.filter((b) => b.startsWith('meanwhile')), { timeout: 10_000 }).toEqual(['meanwhile 0', 'meanwhile 1', 'meanwhile 2']);
    agent.close();
    client.close();
  });
});

// The promise behind the outbox and resume, tried on generated schedules: a visitor and an
// agent (both the real client library) write to one conversation while their sockets are
// closed by the gateway or cut dead under them at any moment, acks in flight included. Every
// message is stored exactly once, in the order its sender wrote it, and each side receives
// every message of the conversation it may read exactly once, in seq order: the agent all of
// them, numbered 1..N; the visitor all but the agent's internal notes, numbered 1..P.

type Who = 'visitor' | 'agent';
type Step = { kind: 'send'; who: Who | 'note' } | { kind: 'close' | 'cut'; who: Who } | { kind: 'settle' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('send' as const), who: fc.constantFrom<Who | 'note'>('visitor', 'agent', 'note') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('close' as const, 'cut' as const), who: fc.constantFrom<Who>('visitor', 'agent') }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
);

/** A real client whose sockets the test can cut (no close frame: what is in flight is lost). */
function client(path: string, headers: Record<string, string>, protocols: string[] = []) {
  const sockets: WebSocket[] = [];
  const Socket = class extends WebSocket {
    constructor(url: string, subprotocols?: string[]) {
      super(url, subprotocols, { origin: gw.origin, headers });
      sockets.push(this);
    }
  };
  const received: Message[] = [];
  const parley: ParleyClient = createClient({
    url: `${gw.wsUrl}${path}`,
    protocols: () => protocols,
    WebSocket: Socket as never,
    outbox: memoryOutboxStore(),
    backoff: { initialMs: 5, maxMs: 40 },
  });
  parley.on('message', (m) => received.push(m));
  parley.connect();
  return { parley, received, cut: () => sockets.at(-1)?.terminate() };
}

/** Waits for every ack, failing (rather than hanging) when one never comes. */
function allAcked(acks: Promise<unknown>[], written: Record<string, string[]>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout>;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not every message was acked within 10 s: ${JSON.stringify(written)}`)), 10_000);
  });
  return Promise.race([Promise.all(acks), late]).finally(() => clearTimeout(timer));
}

describe('delivery under generated disconnects', () => {
  it('stores every message once, in each sender\'s order, and delivers each once, in order, to each side that may read it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        const { token, visitorId } = await gw.visitor();
        const visitor = client('/ws/visitor', {}, [TOKEN_SUBPROTOCOL_PREFIX + token]);
        const agent = client('/ws/agent', { cookie });
        const written: Record<Who | 'note', string[]> = { visitor: [], agent: [], note: [] };
        const acks: Promise<unknown>[] = [];
        try {
          // The visitor opens the conversation; the agent follows it from its start.
          written.visitor.push(`visitor 0 ${cid()}`);
          const { conversationId } = await visitor.parley.send({ clientConversationId: cid(), body: written.visitor[0]! }).acked;
          agent.parley.setCursor(conversationId, 0);

          for (const s of steps) {
            if (s.kind === 'settle') await allAcked(acks, written);
            else if (s.kind === 'send') {
              const body = `${s.who} ${written[s.who].length} ${cid()}`;
              written[s.who].push(body);
              acks.push((s.who === 'visitor' ? visitor : agent).parley.send({ conversationId, body, ...(s.who === 'note' && { internal: true }) }).acked);
            } else if (s.kind === 'cut') (s.who === 'visitor' ? visitor : agent).cut();
            else gw.app.parley.hub.closeWhere((p) => (s.who === 'visitor' ? p.kind === 'visitor' && p.visitorId === visitorId : p.kind === 'agent'), 1012, 'restart');
          }
          await allAcked(acks, written);

          const res = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages?limit=200`, { headers: { cookie } });
          const stored: { body: string; seq: number; internal: boolean }[] = (await res.json()).messages;
          const bodies = stored.map((m) => m.body);
          expect(new Set(bodies).size).toBe(bodies.length);
          for (const who of ['visitor', 'agent', 'note'] as const) expect(bodies.filter((b) => b.startsWith(`${who} `))).toEqual(written[who]);
          expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
          expect(stored.filter((m) => m.internal).map((m) => m.body)).toEqual(written.note);

          // Each side ends up with what it may read, each message once, in its own numbering.
          const visible = { agent: bodies, visitor: stored.filter((m) => !m.internal).map((m) => m.body) };
          for (const [side, expected] of [[agent, visible.agent], [visitor, visible.visitor]] as const) {
            const got = () => side.received.filter((m) => m.conversationId === conversationId);
            await expect.poll(() => got().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(expected.length);
            expect(got().map((m) => m.body)).toEqual(expected);
            expect(got().map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
          }
          expect(JSON.stringify(visitor.received)).not.toMatch(/note \d/);
        } finally {
          visitor.parley.close();
          agent.parley.close();
        }
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});
