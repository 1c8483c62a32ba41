import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { PROTOCOL_VERSION, TOKEN_SUBPROTOCOL_PREFIX } from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import { queues } from '../src/db/schema/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';

let gw: TestGateway;
let cookie: string;
let socket: TestSocket;
let bystander: TestSocket;
let conversationId: string;

beforeAll(async () => {
  gw = await startGateway({ PARLEY_MAX_FRAME_BYTES: '16384' });
  cookie = await gw.login();
  const { token } = await gw.visitor();
  socket = await gw.connectVisitor(token);
  await socket.next('hello');
  socket.send({ type: 'message.send', ref: 'first', clientConversationId: cid(), clientMessageId: cid(), body: 'stored before the attack' });
  conversationId = (await socket.next('message.ack', (f) => f.ref === 'first')).conversationId;
  bystander = await gw.connectAgent(cookie);
  await bystander.next('hello');
});
afterAll(async () => {
  socket.close();
  bystander.close();
  await gw.close();
});

async function storedBodies(): Promise<string[]> {
  const res = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages?limit=200`, { headers: { cookie } });
  return (await res.json()).messages.map((m: { body: string }) => m.body);
}

/** Sends a frame, expects an error frame with `code`, then proves the socket still works. */
async function expectError(frame: string, code: string) {
  const from = socket.frames.length;
  socket.sendRaw(frame);
  const error = await socket.next('error', undefined, { from });
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(10);
  const ref = cid();
  socket.send({ type: 'ping', ref });
  await socket.next('pong', (f) => f.ref === ref);
  return error;
}

/** A masked text frame's header announcing 2 MB, as a client would send it; its payload never follows. */
function oversizeFrameHeader(): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(2_000_000n, 2);
  return header;
}

describe('bad input on the visitor socket', () => {
  it.each([
    ['invalid JSON', '{"type": "message.send",', 'BAD_JSON'],
    ['a JSON array', '[1,2,3]', 'INVALID_FRAME'],
    ['a JSON string', '"hello"', 'INVALID_FRAME'],
    ['null', 'null', 'INVALID_FRAME'],
    ['an unknown type', '{"type":"conversation.delete","conversationId":"x"}', 'UNKNOWN_TYPE'],
    ['a missing type', '{"body":"hi"}', 'UNKNOWN_TYPE'],
    ['a type that is an object', '{"type":{"toString":"message.send"}}', 'UNKNOWN_TYPE'],
    ['an object where the body belongs', JSON.stringify({ type: 'message.send', conversationId: 'c', clientMessageId: 'm', body: { text: 'hi' } }), 'INVALID_FRAME'],
    ['a number where the id belongs', JSON.stringify({ type: 'message.send', conversationId: 'c', clientMessageId: 42, body: 'hi' }), 'INVALID_FRAME'],
    ['__proto__ pollution', '{"type":"message.send","__proto__":{"internal":true},"clientConversationId":"c","clientMessageId":"m","body":"x"}', 'INVALID_FRAME'],
    ['constructor pollution', '{"type":"ping","constructor":{"prototype":{"polluted":true}}}', 'INVALID_FRAME'],
    ['both conversation ids', JSON.stringify({ type: 'message.send', conversationId: 'a', clientConversationId: 'b', clientMessageId: 'm', body: 'x' }), 'INVALID_FRAME'],
    ['an id with a path in it', JSON.stringify({ type: 'conversation.history', conversationId: '../../etc/passwd' }), 'INVALID_FRAME'],
    ['an empty body', JSON.stringify({ type: 'message.send', clientConversationId: 'c', clientMessageId: 'm', body: '' }), 'INVALID_FRAME'],
    ['a negative cursor', JSON.stringify({ type: 'resume', cursors: [{ conversationId: 'c', seq: -1 }] }), 'INVALID_FRAME'],
    ['a fractional cursor', JSON.stringify({ type: 'resume', cursors: [{ conversationId: 'c', seq: 1.5 }] }), 'INVALID_FRAME'],
  ])('answers %s with a coded error and stays usable', async (_name, frame, code) => {
    await expectError(frame, code);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).internal).toBeUndefined();
  });

  it('names the frame it answers', async () => {
    const error = await expectError(JSON.stringify({ type: 'message.send', ref: 'named', conversationId, clientMessageId: 7, body: 'x' }), 'INVALID_FRAME');
    expect(error).toMatchObject({ ref: 'named', frameType: 'message.send' });
    expect(error.message).toContain('clientMessageId');
  });

  // A character is a code point: each emoji takes two UTF-16 units and still counts once.
  it.each([
    ['refuses a message over the app\'s length limit (1000 by default) and stores nothing', 'x', 'y', 'limit'],
    ['counts characters, not UTF-16 units, against the limit', '😀', '😀', 'astral'],
  ])('%s', async (_, over, within, ref) => {
    const before = await storedBodies();
    await expectError(JSON.stringify({ type: 'message.send', conversationId, clientMessageId: cid(), body: over.repeat(1001) }), 'MESSAGE_TOO_LONG');
    socket.send({ type: 'message.send', ref, conversationId, clientMessageId: cid(), body: within.repeat(1000) });
    await socket.next('message.ack', (f) => f.ref === ref);
    expect(await storedBodies()).toEqual([...before, within.repeat(1000)]);
  });

  it('applies a per-app length limit', async () => {
    await gw.database.db.execute(sql`update apps set max_message_length = 20 where id = 'demo'`);
    const { token } = await gw.visitor();
    const small = await gw.connectVisitor(token);
    await small.next('hello');
    expect((await small.next('hello')).limits.maxMessageLength).toBe(20);
    small.send({ type: 'message.send', ref: 'l', clientConversationId: cid(), clientMessageId: cid(), body: 'x'.repeat(21) });
    expect(await small.next('error', (f) => f.ref === 'l')).toMatchObject({ code: 'MESSAGE_TOO_LONG' });
    await gw.database.db.execute(sql`update apps set max_message_length = 1000 where id = 'demo'`);
    small.close();
  });

  it('answers a binary frame with a coded error', async () => {
    const from = socket.frames.length;
    socket.sendRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect((await socket.next('error', undefined, { from })).code).toBe('INVALID_FRAME');
  });

  it.each([
    ['just over the limit', 20_000],
    ['far over what the socket buffers', 2_000_000],
  ])('closes with 1009 on an oversize frame (%s); other clients and stored messages are unaffected', async (_, length) => {
    const before = await storedBodies();
    const { token } = await gw.visitor();
    const victim = await gw.connectVisitor(token);
    await victim.next('hello');
    victim.sendRaw(JSON.stringify({ type: 'message.send', conversationId, clientMessageId: cid(), body: 'z'.repeat(length) }));
    expect((await victim.closed).code).toBe(1009);
    socket.send({ type: 'ping', ref: 'still' });
    await socket.next('pong', (f) => f.ref === 'still');
    bystander.send({ type: 'ping', ref: 'still' });
    await bystander.next('pong', (f) => f.ref === 'still');
    expect(await storedBodies()).toEqual(before);
  });

  it('ends the connection of a client that sends an oversize frame and never answers the close', async () => {
    const { token } = await gw.visitor();
    const victim = await gw.connectVisitor(token);
    await victim.next('hello');
    // Below the client library: it must neither see the server's close frame nor answer it.
    const tcp = (victim.ws as unknown as { _socket: Socket })._socket;
    tcp.removeAllListeners('data');
    const received: Buffer[] = [];
    tcp.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise<void>((resolve) => tcp.once('close', () => resolve()));
    tcp.write(oversizeFrameHeader());
    await ended;
    const bytes = Buffer.concat(received);
    const close = bytes.indexOf(0x88);
    expect(close).toBeGreaterThanOrEqual(0);
    expect(bytes.readUInt16BE(close + 2)).toBe(1009);
  });

  it('cuts off a client that keeps sending after an oversize frame and never closes its side', async () => {
    const { token } = await gw.visitor();
    const { hostname, port } = new URL(gw.wsUrl);
    // A raw connection that stays half open: it ignores the close frame and the server's FIN.
    const tcp = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    // Writing into a connection the server has cut fails; that is the point.
    tcp.on('error', () => {});
    await new Promise((resolve) => tcp.once('connect', resolve));
    const upgraded = new Promise<void>((resolve) => tcp.once('data', (chunk: Buffer) => chunk.toString().startsWith('HTTP/1.1 101') && resolve()));
    tcp.write(
      [
        `GET /ws/visitor?v=${PROTOCOL_VERSION} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        `Sec-WebSocket-Protocol: parley, ${TOKEN_SUBPROTOCOL_PREFIX}${token}`,
        `Origin: ${gw.origin}`,
        '',
        '',
      ].join('\r\n'),
    );
    await upgraded;
    const closed = new Promise<void>((resolve) => tcp.once('close', () => resolve()));
    tcp.write(oversizeFrameHeader());
    // Garbage goes on arriving; the server discards it and ends the connection after its close timeout.
    const trickle = setInterval(() => tcp.writable && tcp.write(Buffer.alloc(1024, 0x7a)), 100);
    try {
      await closed;
    } finally {
      clearInterval(trickle);
    }
    expect(tcp.destroyed).toBe(true);
  });

  it('rate-limits a flood with RATE_LIMITED errors and keeps the socket', async () => {
    const limited = await startGateway({ PARLEY_RATE_LIMIT: '5' }, gw.database);
    try {
      const { token } = await limited.visitor();
      const s = await limited.connectVisitor(token);
      await s.next('hello');
      for (let i = 0; i < 40; i++) s.send({ type: 'ping', ref: `p${i}` });
      const refused = await s.next('error', (f) => f.code === 'RATE_LIMITED');
      // The error names the frame it refused, so a client can retry that one.
      expect(refused).toMatchObject({ frameType: 'ping', ref: expect.stringMatching(/^p\d+$/) });
      expect(s.frames.filter((f) => f.type === 'pong').length).toBeLessThan(40);
      expect(s.ws.readyState).toBe(s.ws.OPEN);
      // Garbage costs tokens too: it is no way around the limit.
      const from = s.frames.length;
      for (let i = 0; i < 40; i++) s.sendRaw(i % 2 ? 'not json' : Buffer.from([1, 2, 3]));
      await s.next('error', (f) => f.code === 'RATE_LIMITED', { from });
      s.close();
    } finally {
      await limited.close();
    }
  });

  it('limits sign-ins and new visitor sessions per address with 429 RATE_LIMITED', async () => {
    const limited = await startGateway({ PARLEY_AUTH_RATE_LIMIT: '3' }, gw.database);
    try {
      const attempt = () =>
        fetch(`${limited.url}/api/agent/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: limited.origin },
          body: JSON.stringify({ email: 'agent@example.com', password: 'guess' }),
        });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await attempt()).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const limitedRes = await attempt();
      expect((await limitedRes.json()).error.code).toBe('RATE_LIMITED');
      for (let i = 0; i < 3; i++) await limited.visitor();
      await expect(limited.visitor()).rejects.toThrow(/429/);
    } finally {
      await limited.close();
    }
  });
});

describe('bad input over HTTP', () => {
  it.each([
    ['no body', undefined, 'INVALID_REQUEST'],
    ['a wrong type', JSON.stringify({ appId: 42 }), 'INVALID_REQUEST'],
    ['an unknown key', JSON.stringify({ appId: 'demo', admin: true }), 'INVALID_REQUEST'],
    ['malformed JSON', '{"appId":', 'INVALID_REQUEST'],
  ])('answers a visitor session request with %s with 400 and a code', async (_name, body, code) => {
    const res = await fetch(`${gw.url}/api/visitor/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gw.origin },
      ...(body !== undefined && { body }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(code);
  });

  it('answers an unknown app with NOT_FOUND and a foreign origin with FORBIDDEN_ORIGIN', async () => {
    const post = (appId: string, origin: string) =>
      fetch(`${gw.url}/api/visitor/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ appId }) });
    const unknown = await post('nope', gw.origin);
    expect([unknown.status, (await unknown.json()).error.code]).toEqual([404, 'NOT_FOUND']);
    const foreign = await post('demo', 'https://evil.example');
    expect([foreign.status, (await foreign.json()).error.code]).toEqual([403, 'FORBIDDEN_ORIGIN']);
  });

  it('answers an agent post with a wrong shape with 400 and stores nothing', async () => {
    const before = await storedBodies();
    const res = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { cookie, origin: gw.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: cid(), body: ['not', 'a', 'string'] }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('INVALID_REQUEST');
    expect(await storedBodies()).toEqual(before);
  });

  it.each([
    // [who, method, path, body]: a JSON array where the route takes an object, whole or in a field.
    ['agent', 'PATCH', '/api/agent/apps/demo/settings', []],
    ['agent', 'PATCH', '/api/agent/apps/demo/settings', { preChat: [] }],
    ['agent', 'PATCH', '/api/agent/apps/demo/settings', { bot: [] }],
    ['agent', 'PATCH', '/api/admin/queues/:queue', []],
    ['agent', 'PUT', '/api/agent/status', []],
    ['agent', 'POST', '/api/admin/wrap-up-reasons', []],
    ['agent', 'PATCH', '/api/admin/workspace', []],
    ['agent', 'POST', '/api/agent/saved-views', { name: 'Arrays', filter: [] }],
    ['agent', 'POST', '/api/agent/conversations/:conversation/archive', []],
    ['visitor', 'PATCH', '/api/visitor/me', []],
    ['visitor', 'PATCH', '/api/visitor/me', { attributes: [] }],
    ['visitor', 'POST', '/api/visitor/identify', []],
    ['visitor', 'POST', '/api/visitor/tickets', []],
  ] as const)('refuses a JSON array where an object belongs: %s %s %s %j → 400 INVALID_REQUEST, and changes nothing', async (who, method, path, body) => {
    const [queue] = await gw.database.db.select().from(queues).where(eq(queues.workspaceId, 'demo'));
    const url = path.replace(':queue', queue!.id).replace(':conversation', conversationId);
    const { token } = await gw.visitor();
    const read = (path: string, headers: Record<string, string>) => fetch(`${gw.url}${path}`, { headers: { origin: gw.origin, ...headers } }).then((r) => r.json());
    const state = () =>
      Promise.all([
        read('/api/agent/apps/demo/settings', { cookie }),
        read('/api/admin/queues', { cookie }),
        read('/api/admin/workspace', { cookie }),
        read('/api/agent/routing', { cookie }).then((r) => r.me.status),
        read('/api/agent/saved-views', { cookie }),
        read(`/api/agent/conversations/${conversationId}`, { cookie }).then((r) => r.conversation.archivedAt ?? null),
        read('/api/visitor/me', { authorization: `Bearer ${token}` }),
        read('/api/visitor/tickets', { authorization: `Bearer ${token}` }),
      ]);
    const before = await state();
    const res = await fetch(`${gw.url}${url}`, {
      method,
      headers: { origin: gw.origin, 'content-type': 'application/json', ...(who === 'agent' ? { cookie } : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
    const answer = await res.json();
    expect(res.status).toBe(400);
    expect(answer.error.code).toBe('INVALID_REQUEST');
    expect(answer.error.message).toMatch(/must be (a JSON object|an object), not an array/);
    expect(await state()).toEqual(before);
  });

  it.each([
    ['a path segment over 100 characters', `/api/admin/queues/${'a'.repeat(101)}`, 414],
    ['broken percent-encoding', '/api/admin/queues/%E0%A4%A', 400],
  ])('answers %s in the usual error shape', async (_name, path, status) => {
    const res = await fetch(`${gw.url}${path}`, { method: 'PATCH', headers: { cookie, origin: gw.origin, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(status);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await res.json()).error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/address/) });
  });

  it('answers a content-type the API does not take with 415, saying which it takes', async () => {
    const res = await fetch(`${gw.url}/api/visitor/sessions`, { method: 'POST', headers: { 'content-type': 'image/png', origin: gw.origin }, body: 'x' });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('application/json') });
  });

  it('answers an oversize HTTP body with 413', async () => {
    const res = await fetch(`${gw.url}/api/visitor/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gw.origin },
      body: JSON.stringify({ appId: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
