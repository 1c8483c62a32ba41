import { createClient, memoryOutboxStore, type OutboxStore } from '@parley/client';
import { PROTOCOL_VERSION, TOKEN_SUBPROTOCOL_PREFIX } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { deliveryUnderDrops } from './support/delivery.ts';
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

describe('delivery under generated disconnects', () => {
  it('stores every message once, in each sender\'s order, and delivers each once, in order, to each side that may read it', async () => {
    await deliveryUnderDrops([gw], cookie, 20);
  }, 120_000);
});
