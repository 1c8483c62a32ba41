import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api.ts';
import { signal } from '@preact/signals';
import { MAX_BODY_CHARS } from '@parley/protocol';
import { createConversationModel, textLength } from './ConversationModel.ts';
import { fakeApi, fakeClient, flush, message, summary } from './test-support/fakes.ts';
import { conversationRouting } from './test-support/routing.ts';

const me = { id: 'a1' };
const agent = { kind: 'agent' as const, id: 'a2', name: 'Bob' };
const page = (...seqs: number[]) => ({ messages: seqs.map((s) => message('c1', s)), hasMore: false });

function setup(routes: Record<string, (body?: unknown) => unknown> = {}, client = fakeClient()) {
  const api = fakeApi({
    'GET /api/agent/conversations/c1/messages?limit=50': () => page(1, 2),
    'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1', { lastSeq: 2 }) }),
    ...routes,
  });
  const model = createConversationModel({ api, client, conversationId: 'c1', me });
  return { api, client, model };
}

const bodies = (model: ReturnType<typeof setup>['model']) => model.items.value.map((i) => i.body);

describe('createConversationModel', () => {
  it('loads the latest page and the summary, and resumes from the newest seq after a reconnect', async () => {
    const { model, client } = setup();
    expect(model.status.value).toBe('loading');
    await model.load();
    expect(model.status.value).toBe('ready');
    expect(bodies(model)).toEqual(['Message 1', 'Message 2']);
    expect(model.summary.value?.id).toBe('c1');
    expect(client.cursor('c1')).toBe(2);
  });

  it('does not move the cursor back when the client is already past the page', async () => {
    const client = fakeClient();
    client.setCursor('c1', 9);
    const { model } = setup({}, client);
    await model.load();
    expect(client.cursor('c1')).toBe(9);
  });

  it('merges live messages that arrive while the history loads, in seq order, once each', async () => {
    const { model, client } = setup();
    const loading = model.load();
    client.emit('message', message('c1', 3));
    client.emit('message', message('c1', 2));
    await loading;
    client.emit('message', message('c1', 3));
    expect(bodies(model)).toEqual(['Message 1', 'Message 2', 'Message 3']);
  });

  it('replaces the local copy with the echoed message when it arrives', async () => {
    const { model, client } = setup();
    await model.load();
    model.setDraft('  Hello there  ');
    expect(model.send()).toBe(true);
    expect(model.draft.value).toBe('');
    expect(client.sent[0]).toEqual({ conversationId: 'c1', body: 'Hello there', internal: false, clientMessageId: 'cm-1' });
    expect(model.items.value.at(-1)).toMatchObject({ body: 'Hello there', delivery: 'sending', mine: true, authorLabel: 'You' });
    client.ack('cm-1', 3, 'srv-3');
    await flush();
    expect(model.items.value.at(-1)?.delivery).toBe('sent');
    client.emit('message', message('c1', 3, { id: 'srv-3', clientMessageId: 'cm-1', body: 'Hello there', author: { kind: 'agent', id: 'a1', name: 'Ada' } }));
    expect(bodies(model)).toEqual(['Message 1', 'Message 2', 'Hello there']);
    expect(model.items.value.at(-1)).toMatchObject({ key: 'srv-3', delivery: 'sent', authorLabel: 'You' });
  });

  it('sends nothing when the draft is blank', async () => {
    const { model, client } = setup();
    model.setDraft(' \n ');
    expect(model.send()).toBe(false);
    expect(client.sent).toEqual([]);
  });

  it('counts the draft against the limit the gateway announced, and sends nothing over it', () => {
    const limit = signal(0);
    const client = fakeClient();
    const model = createConversationModel({ api: fakeApi({}), client, conversationId: 'c1', me, maxLength: limit });
    expect(model.maxLength.value).toBe(MAX_BODY_CHARS);
    limit.value = 10;
    model.setDraft('  0123456789  ');
    expect(model.length.value).toBe(10);
    expect(model.tooLong.value).toBe(false);
    // An emoji is one character, as the gateway counts it.
    model.setDraft('012345678👋x');
    expect(model.length.value).toBe(11);
    expect(model.tooLong.value).toBe(true);
    expect(model.send()).toBe(false);
    expect(client.sent).toEqual([]);
    expect(model.draft.value).toBe('012345678👋x');
    model.setDraft('012345678👋');
    expect(model.send()).toBe(true);
    expect(client.sent.map((m) => m.body)).toEqual(['012345678👋']);
  });

  it('never takes a limit above the protocol’s ceiling', () => {
    const model = createConversationModel({ api: fakeApi({}), client: fakeClient(), conversationId: 'c1', me, maxLength: signal(MAX_BODY_CHARS * 2) });
    expect(model.maxLength.value).toBe(MAX_BODY_CHARS);
    expect(textLength('a👋b')).toBe(3);
  });

  it('sends an internal note in note mode and keeps the mode for the next one', async () => {
    const { model, client } = setup();
    model.setMode('note');
    model.setDraft('psst');
    model.send();
    expect(client.sent[0]).toMatchObject({ internal: true });
    expect(model.items.value.at(-1)).toMatchObject({ internal: true, body: 'psst' });
    expect(model.mode.value).toBe('note');
  });

  it('marks a message the gateway refused as not sent, with the reason', async () => {
    const { model, client } = setup();
    model.setDraft('x'.repeat(5));
    model.send();
    client.fail('cm-1', 'MESSAGE_TOO_LONG', 'The message is too long.');
    await flush();
    expect(model.items.value.at(-1)).toMatchObject({ delivery: 'failed', error: 'The message is too long.' });
  });

  it('shows messages still in the outbox from before a reload as sending', () => {
    const client = fakeClient([
      { v: 1, clientMessageId: 'old-1', conversationId: 'c1', body: 'typed before reload', internal: true, createdAt: 1 },
      { v: 1, clientMessageId: 'old-2', conversationId: 'c2', body: 'elsewhere', createdAt: 2 },
    ]);
    const { model } = setup({}, client);
    expect(model.items.value).toEqual([expect.objectContaining({ key: 'old-1', body: 'typed before reload', internal: true, delivery: 'sending' })]);
    client.emit('ack', { type: 'message.ack', conversationId: 'c1', clientMessageId: 'old-1', messageId: 'm', seq: 3, createdAt: 'x', duplicate: false });
    expect(model.items.value[0]?.delivery).toBe('sent');
  });

  it('labels authors: You, another agent by name, the visitor by name or "Visitor"', async () => {
    const { model } = setup({
      'GET /api/agent/conversations/c1/messages?limit=50': () => ({
        messages: [
          message('c1', 1, { author: { kind: 'visitor', id: 'v' } }),
          message('c1', 2, { author: { kind: 'agent', id: 'a2', name: 'Bob' } }),
          message('c1', 3, { author: { kind: 'agent', id: 'a1', name: 'Ada' } }),
          message('c1', 4, { author: { kind: 'visitor', id: 'v', name: 'Vera' } }),
        ],
        hasMore: false,
      }),
    });
    await model.load();
    expect(model.items.value.map((i) => i.authorLabel)).toEqual(['Visitor', 'Bob', 'You', 'Vera']);
  });

  it('loads earlier messages before the first one shown', async () => {
    const { model, api } = setup({
      'GET /api/agent/conversations/c1/messages?limit=50': () => ({ messages: [message('c1', 51)], hasMore: true }),
      'GET /api/agent/conversations/c1/messages?beforeSeq=51&limit=50': () => ({ messages: [message('c1', 50)], hasMore: false }),
    });
    await model.load();
    expect(model.hasMore.value).toBe(true);
    await model.loadEarlier();
    expect(api.calls).toContain('GET /api/agent/conversations/c1/messages?beforeSeq=51&limit=50');
    expect(model.items.value.map((i) => i.key)).toEqual(['c1-m50', 'c1-m51']);
    expect(model.hasMore.value).toBe(false);
  });

  it('starts over from the latest page when the gateway resets the conversation', async () => {
    let answer = page(1, 2);
    const { model, client } = setup({ 'GET /api/agent/conversations/c1/messages?limit=50': () => answer });
    await model.load();
    answer = page(700, 701);
    client.emit('reset', { type: 'conversation.reset', conversationId: 'c1', lastSeq: 701, reason: 'too_far_behind' });
    await flush();
    expect(model.items.value.map((i) => i.key)).toEqual(['c1-m700', 'c1-m701']);
  });

  it('explains a conversation that does not exist', async () => {
    const { model } = setup({
      'GET /api/agent/conversations/c1/messages?limit=50': () => {
        throw new ApiError(404, 'NOT_FOUND', 'Not found.');
      },
    });
    await model.load();
    expect(model.status.value).toBe('error');
    expect(model.error.value).toMatch(/does not exist/);
  });

  it('takes newer summaries from conversation.updated and ignores older ones', async () => {
    const { model, client } = setup();
    await model.load();
    client.emit('frame', { type: 'conversation.updated', conversation: summary('c1', { lastSeq: 5, preview: 'new' }) });
    client.emit('frame', { type: 'conversation.updated', conversation: summary('c1', { lastSeq: 4, preview: 'old' }) });
    expect(model.summary.value?.preview).toBe('new');
  });

  it('stops listening when disposed', async () => {
    const { model, client } = setup();
    await model.load();
    model.dispose();
    expect(client.listeners('message')).toBe(0);
    client.emit('message', message('c1', 3));
    expect(bodies(model)).toEqual(['Message 1', 'Message 2']);
  });

  describe('typing and read receipts', () => {
    it('marks what the agent sees as read, once per new message, so the visitor sees "Seen"', async () => {
      const { model, client } = setup();
      await model.load();
      expect(client.requests).toEqual([{ type: 'conversation.read', conversationId: 'c1', seq: 2 }]);
      client.emit('message', message('c1', 3));
      model.visible.value = false;
      client.emit('message', message('c1', 4));
      expect(client.requests.filter((r) => r.type === 'conversation.read').map((r) => 'seq' in r && r.seq)).toEqual([2, 3]);
      model.visible.value = true;
      expect(client.requests.at(-1)).toEqual({ type: 'conversation.read', conversationId: 'c1', seq: 4 });
    });

    it('sends a refused read receipt again a little later', async () => {
      vi.useFakeTimers();
      try {
        const client = fakeClient();
        const request = client.request;
        let refuse = true;
        client.request = (frame) => (refuse && frame.type === 'conversation.read' ? (client.requests.push(frame), Promise.reject(new Error('closed'))) : request(frame));
        const { model } = setup({}, client);
        await model.load();
        await vi.advanceTimersByTimeAsync(0);
        refuse = false;
        await vi.advanceTimersByTimeAsync(2000);
        expect(client.requests.filter((r) => r.type === 'conversation.read').map((r) => 'seq' in r && r.seq)).toEqual([2, 2]);
      } finally {
        vi.useRealTimers();
      }
    });

    it('shows "Seen" under the last reply the visitor has read, from the summary and from live receipts', async () => {
      const { model, client } = setup({
        'GET /api/agent/conversations/c1/messages?limit=50': () => ({
          messages: [message('c1', 1), message('c1', 2, { author: agent }), message('c1', 3, { internal: true, author: agent }), message('c1', 4, { author: agent })],
          hasMore: false,
        }),
        'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1', { lastSeq: 4, seenSeq: 3 }) }),
      });
      await model.load();
      expect(model.items.value.filter((i) => i.seen).map((i) => i.body)).toEqual(['Message 2']);
      client.emit('frame', { type: 'conversation.read', conversationId: 'c1', reader: { kind: 'visitor', id: 'v1' }, seq: 4, readAt: '' });
      expect(model.items.value.filter((i) => i.seen).map((i) => i.body)).toEqual(['Message 4']);
      client.emit('frame', { type: 'conversation.read', conversationId: 'other', reader: { kind: 'visitor', id: 'v2' }, seq: 9, readAt: '' });
      expect(model.items.value.filter((i) => i.seen).map((i) => i.body)).toEqual(['Message 4']);
    });

    it('shows the visitor typing until they stop or write', async () => {
      const { model, client } = setup();
      await model.load();
      const typing = (state: 'start' | 'stop', conversationId = 'c1') =>
        client.emit('frame', { type: 'typing', conversationId, state, author: { kind: 'visitor', id: 'v1' } });
      typing('start', 'other');
      expect(model.visitorTyping.value).toBe(false);
      typing('start');
      expect(model.visitorTyping.value).toBe(true);
      typing('stop');
      expect(model.visitorTyping.value).toBe(false);
      typing('start');
      client.emit('message', message('c1', 3, { author: { kind: 'visitor', id: 'v1' } }));
      expect(model.visitorTyping.value).toBe(false);
    });

    it("tells the visitor the agent is typing a reply, but a note's typing only as internal", async () => {
      const { model, client } = setup();
      await model.load();
      const typing = () => client.requests.filter((r) => r.type === 'typing');
      model.setDraft('Let me check');
      expect(typing()).toEqual([{ type: 'typing', conversationId: 'c1', state: 'start' }]);
      model.setMode('note');
      expect(typing().at(-1)).toEqual({ type: 'typing', conversationId: 'c1', state: 'stop' });
      model.setDraft('Customer is upset');
      expect(typing().at(-1)).toEqual({ type: 'typing', conversationId: 'c1', state: 'start', internal: true });
      model.setDraft('');
      expect(typing().at(-1)).toEqual({ type: 'typing', conversationId: 'c1', state: 'stop', internal: true });
    });
  });

  it('takes routing.conversation into the summary: owner, state and guests change without a message', async () => {
    const { model, client } = setup();
    await model.load();
    client.emit('frame', { type: 'routing.conversation', conversationId: 'c1', routing: conversationRouting('a1', { guests: [{ id: 'a2', name: 'Bob' }] }) });
    client.emit('frame', { type: 'routing.conversation', conversationId: 'other', routing: conversationRouting(null) });
    expect(model.summary.value?.routing).toMatchObject({ state: 'owned', ownerAgentId: 'a1', guests: [{ id: 'a2', name: 'Bob' }] });
    expect(model.summary.value?.lastSeq).toBe(2);
  });
});
