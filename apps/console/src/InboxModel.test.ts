import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createInboxModel, matchesView, OPEN_VIEW, specOf, viewPath, type ViewFilter, type ViewSource } from './InboxModel.ts';
import { deferred, fakeApi, fakeClient, flush, message, summary } from './test-support/fakes.ts';
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
    const api = fakeApi({ 'GET /api/agent/views/open': () => answer.promise });
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
    const api = fakeApi({ 'GET /api/agent/views/open': () => ({ conversations: [] }) });
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
      'GET /api/agent/views/open': () => {
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

const archiveView = (filter: ViewFilter = {}): ViewSource => ({ kind: 'view', view: 'archive', filter });
const page = (conversations: unknown[], nextCursor: string | null = null) => () => ({ conversations, nextCursor });

describe('createInboxModel over views', () => {
  it('reads a view a page at a time, with its filters in the query, until nextCursor runs out', async () => {
    const base = '/api/agent/views/archive?agent=a2&from=2025-01-01';
    const api = fakeApi({
      [`GET ${base}`]: page([summary('c1', { archivedAt: '2025-01-03T10:00:00.000Z' })], 'next-1'),
      [`GET ${base}&cursor=next-1`]: page([summary('c2', { archivedAt: '2025-01-02T10:00:00.000Z' })]),
    });
    const inbox = createInboxModel({ api, client: fakeClient(), source: archiveView({ agent: 'a2', from: '2025-01-01' }), tick: () => () => {} });
    await inbox.load();
    expect(ids(inbox)).toEqual(['c1']);
    expect(inbox.hasMore.value).toBe(true);
    const more = inbox.loadMore();
    expect(inbox.loadingMore.value).toBe(true);
    await more;
    expect(ids(inbox)).toEqual(['c1', 'c2']);
    expect(inbox.hasMore.value).toBe(false);
    await inbox.loadMore();
    expect(api.calls).toHaveLength(2);
  });

  it('shows another view from its first page, and takes a new definition of the same view without reading it again', async () => {
    const saved = { id: 's1', name: 'Billing', filter: { scope: 'archive' as const }, sort: 'started.asc' as const, group: 'none' as const, createdAt: '', updatedAt: '' };
    const api = fakeApi({
      'GET /api/agent/views/open': page([summary('c1')]),
      'GET /api/agent/saved-views/s1/conversations': page([
        summary('c-late', { createdAt: '2024-05-01T09:30:00.000Z', archivedAt: '2024-05-02T00:00:00.000Z' }),
        summary('c-early', { createdAt: '2024-05-01T08:00:00.000Z', archivedAt: '2024-05-02T00:00:00.000Z' }),
      ]),
    });
    const inbox = createInboxModel({ api, client: fakeClient(), tick: () => () => {} });
    await inbox.load();
    inbox.show({ kind: 'saved', id: 's1' });
    expect(inbox.status.value).toBe('loading');
    expect(ids(inbox)).toEqual([]);
    await flush();
    // Until the definition is known, the gateway's order stands.
    expect(ids(inbox)).toEqual(['c-late', 'c-early']);
    inbox.show({ kind: 'saved', id: 's1', saved });
    expect(ids(inbox)).toEqual(['c-early', 'c-late']);
    expect(api.calls).toEqual(['GET /api/agent/views/open', 'GET /api/agent/saved-views/s1/conversations']);
  });

  it('takes an archived conversation out of the main views live, and back when it is unarchived', async () => {
    const api = fakeApi({ 'GET /api/agent/views/open': page([summary('c1'), summary('c2')]) });
    const client = fakeClient();
    const inbox = createInboxModel({ api, client, tick: () => () => {} });
    await inbox.load();
    client.emit('frame', { type: 'conversation.updated', conversation: summary('c1', { archivedAt: '2024-05-01T11:00:00.000Z' }) });
    expect(ids(inbox)).toEqual(['c2']);
    inbox.update({ ...summary('c1'), channel: 'chat', archivedAt: null, ticketNumber: null });
    expect(ids(inbox)).toEqual(['c1', 'c2']);
  });

  it('brings an archived conversation back to the Open view live when its customer writes', async () => {
    let open = [summary('c1'), summary('c2')];
    const api = fakeApi({ 'GET /api/agent/views/open': () => page(open)() });
    const client = fakeClient();
    const inbox = createInboxModel({ api, client, tick: () => () => {} });
    await inbox.load();
    client.emit('frame', { type: 'conversation.updated', conversation: summary('c1', { archivedAt: '2024-05-01T11:00:00.000Z' }) });
    // Read again while it was archived: the Open view's page no longer has it.
    open = [summary('c2')];
    await inbox.load();
    expect(ids(inbox)).toEqual(['c2']);
    // An agent's reply leaves it in the archive; the customer's message brings it back.
    client.emit('message', message('c1', 2, { author: { kind: 'agent', id: 'a1' }, createdAt: '2024-05-01T11:01:00.000Z' }));
    expect(ids(inbox)).toEqual(['c2']);
    client.emit('message', message('c1', 3, { createdAt: '2024-05-01T11:02:00.000Z' }));
    expect(ids(inbox)).toEqual(['c1', 'c2']);
    expect(inbox.find('c1')?.archivedAt).toBeUndefined();
  });

  it('lets a conversation join the archive live when it is archived, and leave it when it comes back', async () => {
    const api = fakeApi({ 'GET /api/agent/views/archive': page([summary('c-old', { archivedAt: '2024-05-01T08:00:00.000Z' })]) });
    const client = fakeClient();
    const inbox = createInboxModel({ api, client, source: archiveView(), tick: () => () => {} });
    await inbox.load();
    client.emit('frame', { type: 'conversation.updated', conversation: summary('c-new', { archivedAt: '2024-05-01T11:00:00.000Z' }) });
    expect(ids(inbox)).toEqual(['c-new', 'c-old']);
    // The customer wrote again: the gateway took it out of the archive.
    client.emit('frame', { type: 'conversation.updated', conversation: summary('c-old', { lastSeq: 2 }) });
    expect(ids(inbox)).toEqual(['c-new']);
  });

  it('admits a live conversation to a filtered archive only when the summary shows it matches', async () => {
    const api = fakeApi({ 'GET /api/agent/views/archive?agent=a2&from=2024-05-01&to=2024-05-01': page([]) });
    const client = fakeClient();
    const inbox = createInboxModel({ api, client, source: archiveView({ agent: 'a2', from: '2024-05-01', to: '2024-05-01' }), tick: () => () => {} });
    await inbox.load();
    const archived = (id: string, owner: string, at: string) =>
      client.emit('frame', { type: 'conversation.updated', conversation: summary(id, { archivedAt: at, routing: conversationRouting(owner, { state: 'resolved' }) }) });
    archived('c-other-agent', 'a1', '2024-05-01T11:00:00.000Z');
    archived('c-next-day', 'a2', '2024-05-02T00:00:00.000Z');
    archived('c-match', 'a2', '2024-05-01T23:59:59.000Z');
    // No routing in the summary: whether it matches cannot be told, so it does not join.
    client.emit('frame', { type: 'conversation.updated', conversation: summary('c-unknown', { archivedAt: '2024-05-01T11:00:00.000Z' }) });
    expect(ids(inbox)).toEqual(['c-match']);
  });

  it('keeps Unanswered to conversations whose customer wrote last', async () => {
    const api = fakeApi({ 'GET /api/agent/views/unanswered': page([summary('c1'), summary('c2')]) });
    const client = fakeClient();
    const inbox = createInboxModel({ api, client, source: { kind: 'view', view: 'unanswered', filter: {} }, tick: () => () => {} });
    await inbox.load();
    client.emit('message', message('c1', 2, { author: { kind: 'agent', id: 'a1' } }));
    expect(ids(inbox)).toEqual(['c2']);
    // An internal note is no answer to the customer.
    client.emit('message', message('c2', 2, { author: { kind: 'agent', id: 'a1' }, internal: true }));
    client.emit('message', message('c3', 1, { createdAt: '2024-05-01T11:00:00.000Z' }));
    expect(ids(inbox)).toEqual(['c3', 'c2']);
  });

  it("lists in My conversations only what this agent owns, from the routing it is told", async () => {
    const api = fakeApi({ 'GET /api/agent/views/mine.internal': page([]) });
    const client = fakeClient();
    const inbox = createInboxModel({ api, client, me: 'a1', source: { kind: 'view', view: 'mine.internal', filter: {} }, tick: () => () => {} });
    await inbox.load();
    for (const [id, owner] of [['c-mine', 'a1'], ['c-theirs', 'a2']] as const) {
      client.emit('frame', { type: 'conversation.updated', conversation: summary(id, { routing: conversationRouting(owner) }) });
      client.emit('message', message(id, 2, { author: { kind: 'agent', id: owner }, internal: true }));
    }
    expect(ids(inbox)).toEqual(['c-mine']);
    client.emit('message', message('c-mine', 3, { author: { kind: 'agent', id: 'a1' } }));
    expect(ids(inbox)).toEqual([]);
  });

  it('orders a grouped saved view by group, then by its sort', async () => {
    const saved = { id: 's1', name: 'By agent', filter: {}, sort: 'activity.desc' as const, group: 'agent' as const, createdAt: '', updatedAt: '' };
    const row = (id: string, key: string, at: string) => ({ ...summary(id, { lastMessageAt: at }), channel: 'chat', archivedAt: null, ticketNumber: null, group: { key, label: key } });
    const api = fakeApi({
      'GET /api/agent/saved-views/s1/conversations': page([row('b-new', 'b', '2024-05-01T11:00:00.000Z'), row('a-old', 'a', '2024-05-01T08:00:00.000Z'), row('a-new', 'a', '2024-05-01T10:00:00.000Z')]),
    });
    const inbox = createInboxModel({ api, client: fakeClient(), source: { kind: 'saved', id: 's1', saved }, tick: () => () => {} });
    await inbox.load();
    expect(ids(inbox)).toEqual(['a-new', 'a-old', 'b-new']);
  });

  it('says how a view is asked for and what it selects', () => {
    expect(viewPath({ kind: 'view', view: 'mine.closed', filter: { wrapUp: 'Refund & return', channel: 'web_form' } })).toBe('/api/agent/views/mine.closed?channel=web_form&wrapUp=Refund+%26+return');
    expect(viewPath({ kind: 'saved', id: 's1' }, 'abc')).toBe('/api/agent/saved-views/s1/conversations?cursor=abc');
    const archiveSpec = specOf({ kind: 'saved', id: 's1', saved: { id: 's1', name: 'x', filter: { scope: 'archive', app: 'shop' }, sort: 'activity.asc', group: 'none', createdAt: '', updatedAt: '' } });
    expect(archiveSpec).toMatchObject({ scope: 'archive', sort: 'archived', direction: 'asc', filter: { app: 'shop' } });
    // A product filter on a row first seen through a message (no app yet) cannot be told.
    expect(matchesView({ ...summary('c1'), appId: '' }, archiveSpec!, 'a1')).toBe(false);
    expect(matchesView({ ...summary('c1'), appId: '', archivedAt: '2024-05-01T00:00:00.000Z' }, archiveSpec!, 'a1')).toBeUndefined();
  });

  it('keeps a chat whose customer left in Open while its owner has not resolved it, and out of Closed', () => {
    const open = specOf(OPEN_VIEW)!;
    const closed = specOf({ kind: 'view', view: 'closed', filter: {} })!;
    const routing = (state: 'owned' | 'resolved') => ({ state, queueId: 'q', ownerAgentId: 'a1', ownerName: 'Ann', guests: [], wrapUp: state === 'resolved' ? 'Solved' : null });
    const left = { ...summary('c1', { status: 'closed', routing: routing('owned') }), archivedAt: undefined };
    const resolved = { ...summary('c2', { status: 'closed', routing: routing('resolved') }), archivedAt: undefined };
    expect([matchesView(left, open, 'a1'), matchesView(left, closed, 'a1')]).toEqual([true, false]);
    expect([matchesView(resolved, open, 'a1'), matchesView(resolved, closed, 'a1')]).toEqual([false, true]);
  });
});
