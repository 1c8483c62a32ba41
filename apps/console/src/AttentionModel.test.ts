import type { ConversationSummary, Message, RoutingAgent, RoutingQueue } from '@parley/protocol';
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createAttentionModel } from './AttentionModel.ts';
import { fakeClient, message, summary } from './test-support/fakes.ts';
import { conversationRouting, routingAgent, routingQueue } from './test-support/routing.ts';

/** Agent a1 in queues q1 (offers) and q2 (shown to every agent); the console knows the conversations passed. */
function setup(knownRows: ConversationSummary[] = [], me: Partial<RoutingAgent> = {}) {
  const client = fakeClient();
  const rows = new Map(knownRows.map((row) => [row.id, row]));
  const team = {
    me: signal<RoutingAgent | null>(routingAgent('a1', { queueIds: ['q1', 'q2'], ...me })),
    queues: signal<RoutingQueue[]>([
      routingQueue('q1', { name: 'Sales', mode: 'offer', agentIds: ['a1'] }),
      routingQueue('q2', { name: 'Support', mode: 'broadcast', agentIds: ['a1'] }),
      routingQueue('q3', { name: 'Billing', mode: 'broadcast', agentIds: ['a2'] }),
    ]),
  };
  const log = { messages: [] as { id: string; customer: string | null | undefined }[], chats: [] as { conversationId: string; queueName: string | null }[], gone: [] as string[] };
  const attention = createAttentionModel({
    client,
    me: 'a1',
    team,
    known: (id) => rows.get(id),
    onMessage: (m, c) => log.messages.push({ id: m.id, customer: c?.visitor?.name }),
    onChat: ({ conversationId, queueName }) => log.chats.push({ conversationId, queueName }),
    onGone: (id) => log.gone.push(id),
  });
  const write = (m: Message) => client.emit('message', m);
  const updated = (c: ConversationSummary) => client.emit('frame', { type: 'conversation.updated', conversation: c });
  const routed = (conversationId: string, routing: ReturnType<typeof conversationRouting>) => client.emit('frame', { type: 'routing.conversation', conversationId, routing });
  return { client, team, log, attention, write, updated, routed };
}

const fromCustomer = (c: string, seq: number) => message(c, seq, { author: { kind: 'visitor', id: `v-${c}`, name: 'Vera' } });
const vera = { id: 'v1', name: 'Vera' };

describe('createAttentionModel', () => {
  it('passes on a customer’s message in a conversation the agent owns or joined, and in no other', () => {
    const { log, write } = setup([
      summary('mine', { visitor: vera, routing: conversationRouting('a1') }),
      summary('joined', { routing: conversationRouting('a2', { guests: [{ id: 'a1', name: 'Ada' }] }) }),
      summary('theirs', { routing: conversationRouting('a2') }),
      summary('waiting', { routing: conversationRouting(null, { queueId: 'q2' }) }),
    ]);
    for (const id of ['mine', 'joined', 'theirs', 'waiting']) write(fromCustomer(id, 2));
    expect(log.messages).toEqual([
      { id: 'mine-m2', customer: 'Vera' },
      { id: 'joined-m2', customer: null },
    ]);
  });

  it('judges a message of a conversation whose routing it does not know by the summary that follows it', () => {
    const { log, write, updated } = setup([summary('row-from-a-message')]);
    write(fromCustomer('new', 1));
    write(fromCustomer('new', 2));
    write(fromCustomer('row-from-a-message', 3));
    write(fromCustomer('unrouted', 1));
    expect(log.messages).toEqual([]);
    updated(summary('new', { visitor: vera, lastSeq: 2, routing: conversationRouting('a1') }));
    updated(summary('row-from-a-message', { lastSeq: 3, routing: conversationRouting('a2') }));
    // A conversation routing never touched (a ticket) is nobody's in particular.
    updated(summary('unrouted', { lastSeq: 1 }));
    expect(log.messages).toEqual([
      { id: 'new-m1', customer: 'Vera' },
      { id: 'new-m2', customer: 'Vera' },
    ]);
    // Known now: the next message is judged at once.
    write(fromCustomer('new', 3));
    expect(log.messages).toHaveLength(2);
    updated(summary('new', { visitor: vera, lastSeq: 3, routing: conversationRouting('a1') }));
    expect(log.messages).toHaveLength(3);
  });

  it('passes on a colleague’s internal note, but not the agent’s own words, a colleague’s reply or the gateway’s notices', () => {
    const { log, write } = setup([summary('c1', { routing: conversationRouting('a1') })]);
    write(message('c1', 2, { internal: true, author: { kind: 'agent', id: 'a2', name: 'Bob' } }));
    write(message('c1', 3, { internal: true, author: { kind: 'agent', id: 'a1', name: 'Ada' } }));
    write(message('c1', 4, { author: { kind: 'agent', id: 'a1', name: 'Ada' } }));
    write(message('c1', 5, { author: { kind: 'agent', id: 'a2', name: 'Bob' } }));
    write(message('c1', 6, { author: { kind: 'system', id: 'parley' }, event: { type: 'ended' } } as Partial<Message>));
    expect(log.messages.map((m) => m.id)).toEqual(['c1-m2']);
  });

  it('calls the agent once to a chat broadcast to their queue, and again when it is broadcast again', () => {
    const { log, routed, updated } = setup();
    updated(summary('c1', { routing: conversationRouting(null, { state: 'waiting', queueId: 'q2' }) }));
    routed('c1', conversationRouting(null, { queueId: 'q2' }));
    updated(summary('c1', { lastSeq: 2, routing: conversationRouting(null, { queueId: 'q2' }) }));
    expect(log.chats).toEqual([{ conversationId: 'c1', queueName: 'Support' }]);
    routed('c1', conversationRouting('a2', { queueId: 'q2' }));
    routed('c1', conversationRouting(null, { queueId: 'q2' }));
    expect(log.chats).toHaveLength(2);
  });

  it('does not call the agent to a chat broadcast to a queue they do not work, nor while they cannot take it', () => {
    const { log, routed, team } = setup();
    routed('c1', conversationRouting(null, { queueId: 'q3' }));
    routed('c2', conversationRouting(null, { queueId: 'q1' }));
    team.me.value = { ...team.me.value!, status: 'break' };
    routed('c3', conversationRouting(null, { queueId: 'q2' }));
    team.me.value = { ...team.me.value!, status: 'online', load: 3, maxChats: 3 };
    routed('c4', conversationRouting(null, { queueId: 'q2' }));
    expect(log.chats).toEqual([]);
  });

  it('counts the chats waiting in the agent’s broadcast queues, while they could take one', () => {
    const { attention, team } = setup();
    expect(attention.waiting.value).toBe(0);
    team.queues.value = team.queues.value.map((q) => ({ ...q, waiting: 2 }));
    // q2 only: q1 offers its chats one by one, q3 is not the agent's.
    expect(attention.waiting.value).toBe(2);
    team.me.value = { ...team.me.value!, status: 'invisible' };
    expect(attention.waiting.value).toBe(0);
  });

  it('lets go of a conversation the agent can no longer see', () => {
    const { log, client, write, updated } = setup();
    write(fromCustomer('c1', 1));
    client.emit('frame', { type: 'routing.access.lost', conversationId: 'c1', reason: 'transferred' });
    updated(summary('c1', { routing: conversationRouting('a1') }));
    expect(log.gone).toEqual(['c1']);
    expect(log.messages).toEqual([]);
  });

  it('stops listening once disposed', () => {
    const { attention, client } = setup();
    attention.dispose();
    expect(client.listeners('message')).toBe(0);
    expect(client.listeners('frame')).toBe(0);
  });
});
