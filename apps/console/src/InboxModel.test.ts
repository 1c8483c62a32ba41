import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createInboxModel } from './InboxModel.ts';
import { deferred, fakeApi, fakeClient, message, summary } from './test-support/fakes.ts';
import { conversationRouting } from './test-support/routing.ts';

const hello = {
  type: 'hello' as const,
  protocol: 1,
  versions: [1],
  principal: { kind: 'agent' as const, id: 'a1' },
  heartbeatMs: 30000,
  limits: { maxMessageLength: 10000, maxFrameBytes: 65536 },
};
const ids = (inbox: ReturnType<typeof createInboxModel>) => inbox.rows.value.map((r) => r.conversation.id);

describe('createInboxModel', () => {
  it('keeps a row that a live event made newer than the list that was loading', async () => {
    const answer = deferred<unknown>();
    const api = fakeApi({ 'GET /api/agent/conversations?status=open': () => answer.promise });
    const client = fakeClient();
    const inbox = createInboxModel({ api, client, tick: () => () => {} });
    const loading = inbox.load();
    client.emit('message', message('c1', 7, { body: 'live', createdAt: '2024-05-01T11:00:00.000Z' }));
    answer.resolve({ conversations: [summary('c1', { lastSeq: 6, preview: 'stale' }), summary('c2')] });
    await loading;
    expect(inbox.status.value).toBe('ready');
    expect(inbox.find('c1')).toMatchObject({ lastSeq: 7, preview: 'live' });
    expect(ids(inbox)).toEqual(['c1', 'c2']);
  });

  it('marks visitor activity unread unless the conversation is open, and clears it on open', () => {
    const client = fakeClient();
    const inbox = createInboxModel({ api: fakeApi({}), client, tick: () => () => {} });
    inbox.select('c2');
    client.emit('message', message('c1', 1));
    client.emit('message', message('c2', 1));
    client.emit('message', message('c3', 1, { author: { kind: 'agent', id: 'a2' } }));
    expect(inbox.rows.value.filter((r) => r.unread).map((r) => r.conversation.id)).toEqual(['c1']);
    inbox.select('c1');
    expect(inbox.rows.value.some((r) => r.unread)).toBe(false);
  });

  it('drops a conversation from the list when an update says it is closed', () => {
    const client = fakeClient();
    const inbox = createInboxModel({ api: fakeApi({}), client, tick: () => () => {} });
    client.emit('message', message('c1', 1));
    client.emit('frame', { type: 'conversation.updated', conversation: summary('c1', { lastSeq: 2, status: 'closed' }) });
    expect(ids(inbox)).toEqual([]);
  });

  it('reloads the list after a reconnect, not after the first hello', async () => {
    const api = fakeApi({ 'GET /api/agent/conversations?status=open': () => ({ conversations: [] }) });
    const client = fakeClient();
    const inbox = createInboxModel({ api, client, tick: () => () => {} });
    await inbox.load();
    client.emit('hello', hello);
    expect(api.calls).toHaveLength(1);
    client.emit('hello', hello);
    expect(api.calls).toHaveLength(2);
  });

  it('says why the list could not be loaded', async () => {
    const api = fakeApi({
      'GET /api/agent/conversations?status=open': () => {
        throw new ApiError(503, 'UNAVAILABLE', 'The database does not answer.');
      },
    });
    const inbox = createInboxModel({ api, client: fakeClient(), tick: () => () => {} });
    await inbox.load();
    expect(inbox.status.value).toBe('error');
    expect(inbox.error.value).toBe('The database does not answer.');
  });

  it('refreshes the clock on every tick and stops on dispose', () => {
    let fire = () => {};
    let cancelled = false;
    let time = 1000;
    const client = fakeClient();
    const inbox = createInboxModel({
      api: fakeApi({}),
      client,
      now: () => time,
      tick: (callback) => {
        fire = callback;
        return () => (cancelled = true);
      },
    });
    time = 61_000;
    fire();
    expect(inbox.now.value).toBe(61_000);
    inbox.dispose();
    expect(cancelled).toBe(true);
    expect(client.listeners('message') + client.listeners('frame') + client.listeners('hello')).toBe(0);
  });

  it('follows routing: the owner changes in the row, a resolved or lost chat leaves the list', () => {
    const client = fakeClient();
    const inbox = createInboxModel({ api: fakeApi({}), client, tick: () => () => {} });
    for (const id of ['c1', 'c2', 'c3', 'c4']) client.emit('frame', { type: 'conversation.updated', conversation: summary(id, { routing: conversationRouting(null) }) });
    client.emit('frame', { type: 'routing.conversation', conversationId: 'c1', routing: conversationRouting('a2') });
    expect(inbox.find('c1')?.routing).toMatchObject({ state: 'owned', ownerAgentId: 'a2' });
    client.emit('frame', { type: 'routing.conversation', conversationId: 'c2', routing: conversationRouting('a1', { state: 'resolved', wrapUp: 'Order placed' }) });
    client.emit('frame', { type: 'routing.access.lost', conversationId: 'c3', reason: 'transferred' });
    inbox.remove('c4');
    expect(ids(inbox)).toEqual(['c1']);
    // A frame about a conversation the list does not show adds nothing.
    client.emit('frame', { type: 'routing.conversation', conversationId: 'c9', routing: conversationRouting('a1') });
    expect(ids(inbox)).toEqual(['c1']);
  });
});
