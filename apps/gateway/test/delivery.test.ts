import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';

let gw: TestGateway;
let cookie: string;

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
});
afterAll(() => gw.close());

async function visitorWithConversation() {
  const session = await gw.visitor();
  const socket = await gw.connectVisitor(session.token);
  await socket.next('hello');
  const clientConversationId = cid();
  socket.send({ type: 'message.send', ref: 'first', clientConversationId, clientMessageId: cid(), body: 'hello' });
  const ack = await socket.next('message.ack', (f) => f.ref === 'first');
  return { session, socket, conversationId: ack.conversationId, clientConversationId };
}

describe('delivery', () => {
  it('answers a resend with the original ack when the client id repeats', async () => {
    const { socket, conversationId } = await visitorWithConversation();
    const clientMessageId = cid();
    socket.send({ type: 'message.send', ref: 'a', conversationId, clientMessageId, body: 'once' });
    const first = await socket.next('message.ack', (f) => f.ref === 'a');
    socket.send({ type: 'message.send', ref: 'b', conversationId, clientMessageId, body: 'once' });
    const second = await socket.next('message.ack', (f) => f.ref === 'b');
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, messageId: first.messageId, seq: first.seq });
    const history = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages`, { headers: { cookie } }).then((r) => r.json());
    expect(history.messages.filter((m: { body: string }) => m.body === 'once')).toHaveLength(1);
    socket.close();
  });

  it('refuses a resend that reuses a client id with a different body, and keeps the original', async () => {
    const { socket, conversationId } = await visitorWithConversation();
    const clientMessageId = cid();
    socket.send({ type: 'message.send', ref: 'a', conversationId, clientMessageId, body: 'original' });
    await socket.next('message.ack', (f) => f.ref === 'a');
    socket.send({ type: 'message.send', ref: 'b', conversationId, clientMessageId, body: 'overwritten?' });
    const error = await socket.next('error', (f) => f.ref === 'b');
    expect(error).toMatchObject({ code: 'CONFLICT', frameType: 'message.send' });
    const history = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages`, { headers: { cookie } }).then((r) => r.json());
    expect(history.messages.map((m: { body: string }) => m.body)).toEqual(['hello', 'original']);
    socket.close();
  });

  it('numbers messages 1..N without gaps or duplicates when 20 senders write at once', async () => {
    const { socket: first, conversationId, session } = await visitorWithConversation();
    const senders: TestSocket[] = [first];
    for (let i = 1; i < 10; i++) senders.push(await gw.connectVisitor(session.token));
    const agents: TestSocket[] = [];
    for (let i = 0; i < 10; i++) agents.push(await gw.connectAgent(cookie));
    await Promise.all([...senders, ...agents].map((s) => s.next('hello')));
    const perSender = 5;
    const all = [...senders, ...agents];
    all.forEach((s, i) => {
      for (let k = 0; k < perSender; k++) {
        s.send({ type: 'message.send', ref: `r${k}`, conversationId, clientMessageId: `s${i}-m${k}`, body: `sender ${i} message ${k}` });
      }
    });
    const acks = await Promise.all(all.flatMap((s) => Array.from({ length: perSender }, (_, k) => s.next('message.ack', (f) => f.ref === `r${k}`))));
    expect(new Set(acks.map((a) => a.messageId)).size).toBe(all.length * perSender);
    const history = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages?limit=200`, { headers: { cookie } }).then((r) => r.json());
    const seqs = history.messages.map((m: { seq: number }) => m.seq);
    expect(seqs).toEqual(Array.from({ length: all.length * perSender + 1 }, (_, i) => i + 1));
    // Each sender's own messages keep the order it sent them in.
    for (let i = 0; i < all.length; i++) {
      const mine = history.messages.filter((m: { clientMessageId: string }) => m.clientMessageId.startsWith(`s${i}-`));
      expect(mine.map((m: { clientMessageId: string }) => m.clientMessageId)).toEqual(Array.from({ length: perSender }, (_, k) => `s${i}-m${k}`));
    }
    all.forEach((s) => s.close());
  });

  it('replays exactly the missed messages, in order, when a client reconnects with its last seq', async () => {
    const { socket, conversationId, session } = await visitorWithConversation();
    const last = (await socket.next('message.ack')).seq;
    socket.close();
    await socket.closed;
    const agent = await gw.connectAgent(cookie);
    await agent.next('hello');
    for (let k = 0; k < 5; k++) agent.send({ type: 'message.send', ref: `m${k}`, conversationId, clientMessageId: cid(), body: `missed ${k}` });
    for (let k = 0; k < 5; k++) await agent.next('message.ack', (f) => f.ref === `m${k}`);
    const back = await gw.connectVisitor(session.token);
    await back.next('hello');
    back.send({ type: 'resume', ref: 'r', cursors: [{ conversationId, seq: last }] });
    await back.next('resume.done', (f) => f.ref === 'r');
    const replayed = back.frames.filter((f) => f.type === 'message.created').map((f) => (f.type === 'message.created' ? f.message : undefined)!);
    expect(replayed.map((m) => m.body)).toEqual([0, 1, 2, 3, 4].map((k) => `missed ${k}`));
    expect(replayed.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
    back.close();
    agent.close();
  });

  it('sends an explicit reset when the cursor is ahead of the conversation', async () => {
    const { socket, conversationId } = await visitorWithConversation();
    socket.send({ type: 'resume', ref: 'r', cursors: [{ conversationId, seq: 999 }] });
    const reset = await socket.next('conversation.reset');
    expect(reset).toMatchObject({ conversationId, lastSeq: 1, reason: 'cursor_ahead' });
    await socket.next('resume.done', (f) => f.ref === 'r');
    socket.close();
  });

  it('acks the sender before fanning the message out, and fans it out to the agents live', async () => {
    const agent = await gw.connectAgent(cookie);
    await agent.next('hello');
    const { socket, conversationId } = await visitorWithConversation();
    const created = await agent.next('message.created', (f) => f.message.conversationId === conversationId);
    expect(created.message).toMatchObject({ body: 'hello', author: { kind: 'visitor' }, internal: false });
    const updated = await agent.next('conversation.updated', (f) => f.conversation.id === conversationId);
    expect(updated.conversation.preview).toBe('hello');
    const ackIndex = socket.frames.findIndex((f) => f.type === 'message.ack');
    const ownEcho = socket.frames.findIndex((f) => f.type === 'message.created');
    expect(ackIndex).toBeGreaterThan(-1);
    if (ownEcho !== -1) expect(ackIndex).toBeLessThan(ownEcho);
    socket.close();
    agent.close();
  });
});
