import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import { openSocket } from './support/socket.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway({ PARLEY_HEARTBEAT_MS: '150' });
});
afterAll(() => gw.close());

describe('protocol versions', () => {
  it('tells an older client to reload, with the versions it accepts, and closes with 4002', async () => {
    const { token } = await gw.visitor();
    const old = await gw.connectVisitor(token, { v: '0' });
    const reload = await old.next('reload');
    expect(reload.versions).toContain(1);
    expect(reload.reason).toMatch(/reload/i);
    expect((await old.closed).code).toBe(4002);
  });

  it('treats a handshake without a version as too old', async () => {
    const { token } = await gw.visitor();
    const socket = await openSocket(`${gw.wsUrl}/ws/visitor`, { origin: gw.origin, protocols: ['parley', `parley-token.${token}`] });
    await socket.next('reload');
    expect((await socket.closed).code).toBe(4002);
  });

  it('says in hello which versions it accepts', async () => {
    const { token } = await gw.visitor();
    const socket = await gw.connectVisitor(token);
    const hello = await socket.next('hello');
    expect(hello).toMatchObject({ protocol: 1, versions: [1], principal: { kind: 'visitor' } });
    expect(socket.ws.protocol).toBe('parley');
    socket.close();
  });
});

describe('heartbeats', () => {
  it('drops a socket that stops answering pings, and keeps one that answers', async () => {
    const { token } = await gw.visitor();
    const dead = await openSocket(`${gw.wsUrl}/ws/visitor?v=1`, { origin: gw.origin, protocols: ['parley', `parley-token.${token}`], autoPong: false });
    const alive = await gw.connectVisitor(token);
    await dead.next('hello');
    const closed = await dead.closed;
    expect(closed.code).toBe(1006);
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
    alive.close();
  });
});

describe('slow consumers', () => {
  it('cuts off a client that stops reading before its buffer grows without bound', async () => {
    // Heartbeats are slow here, so only the buffer cap can cut the socket off.
    const node = await startGateway({ PARLEY_HEARTBEAT_MS: '600000', PARLEY_MAX_BUFFERED_BYTES: '65536' }, gw.database);
    try {
      const { token } = await node.visitor();
      const writer = await node.connectVisitor(token);
      await writer.next('hello');
      writer.send({ type: 'message.send', ref: 'c', clientConversationId: cid(), clientMessageId: cid(), body: 'b'.repeat(1000) });
      const { conversationId } = await writer.next('message.ack', (f) => f.ref === 'c');
      for (let i = 0; i < 60; i++) writer.send({ type: 'message.send', ref: `f${i}`, conversationId, clientMessageId: cid(), body: 'b'.repeat(1000) });
      await writer.next('message.ack', (f) => f.ref === 'f59');

      const slow = await node.connectAgent(await node.login());
      await slow.next('hello');
      const clients = node.app.websocketServer.clients;
      expect(clients.size).toBe(2);
      // Stop reading: the kernel buffers fill, then the gateway's send buffer grows.
      (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      for (let i = 0; i < 400; i++) slow.send({ type: 'conversation.history', conversationId, limit: 60 });
      await expect.poll(() => clients.size, { timeout: 20_000 }).toBe(1);
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect((await slow.closed).code).toBe(1006);
      // The gateway is fine: others still talk.
      writer.send({ type: 'ping', ref: 'after' });
      await writer.next('pong', (f) => f.ref === 'after');
      writer.close();
    } finally {
      await node.close();
    }
  });
});

describe('shutdown', () => {
  it('tells connected clients to come back with 1001', async () => {
    const node = await startGateway({}, gw.database);
    const { token } = await node.visitor();
    const socket = await node.connectVisitor(token);
    await socket.next('hello');
    await node.app.close();
    expect(await socket.closed).toMatchObject({ code: 1001 });
  });
});

describe('health', () => {
  it('answers 200 when the database answers and 503 when it does not', async () => {
    const other = await startGateway();
    const ok = await fetch(`${other.url}/healthz`);
    expect(ok.status).toBe(200);
    await other.database.close();
    const down = await fetch(`${other.url}/healthz`);
    expect(down.status).toBe(503);
    expect((await down.json()).status).toBe('unavailable');
    await other.app.close();
  });
});
