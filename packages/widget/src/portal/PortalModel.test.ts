import type { VisitorTicket } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createFakeTicketsApi, message } from '../webform/fake-tickets-api.ts';
import { TicketsApiError } from '../webform/tickets-api.ts';
import { createPortalModel } from './PortalModel.ts';

const ticket = (number: number, status: VisitorTicket['status'] = 'open'): VisitorTicket => ({
  number,
  subject: `Request ${number}`,
  status,
  requester: { name: 'Ayşe', email: 'ayse@example.com' },
  conversationId: `conversation-${number}`,
  createdAt: '2025-11-21T14:00:00.000Z',
  updatedAt: '2025-11-21T14:00:00.000Z',
  lastMessageAt: '2025-11-21T14:00:00.000Z',
  preview: 'first message',
});

function setup() {
  const api = createFakeTicketsApi({
    tickets: [
      { ticket: ticket(1002, 'pending'), messages: [message('conversation-1002', 1, 'first message'), message('conversation-1002', 2, 'We need a photo', 'agent', 'Sam')] },
      { ticket: ticket(1001, 'closed'), messages: [message('conversation-1001', 1, 'older')] },
    ],
    conversations: [{ id: 'chat-1', appId: 'demo', status: 'closed', lastSeq: 2, lastMessageAt: '2025-11-20T10:00:00.000Z', createdAt: '2025-11-20T09:00:00.000Z', preview: 'Hi! How can we help?' }],
  });
  let n = 0;
  const model = createPortalModel({ api, newId: () => `reply-${++n}` });
  return { api, model };
}

describe('PortalModel', () => {
  it("lists the visitor's tickets and the chats that do not back a ticket", async () => {
    const { model } = setup();
    expect(model.status.value).toBe('loading');
    await model.load();
    expect(model.status.value).toBe('ready');
    expect(model.tickets.value.map((t) => [t.number, t.status])).toEqual([
      [1002, 'pending'],
      [1001, 'closed'],
    ]);
    expect(model.conversations.value.map((c) => c.id)).toEqual(['chat-1']);
  });

  it('shows a failed first load, and keeps a loaded list when a later refresh fails', async () => {
    const { api, model } = setup();
    api.failNext('listTickets', new TicketsApiError('NETWORK', 'offline', 0));
    await model.load();
    expect(model.status.value).toBe('failed');
    await model.load();
    expect(model.status.value).toBe('ready');
    api.failNext('listTickets', new TicketsApiError('NETWORK', 'offline', 0));
    await model.refresh();
    expect(model.status.value).toBe('ready');
    expect(model.tickets.value).toHaveLength(2);
  });

  it('opens a ticket with its messages in order, and says so when it is not there', async () => {
    const { model } = setup();
    await model.load();
    await model.openTicket(1002);
    const thread = model.thread.value!;
    expect(thread.kind).toBe('ticket');
    expect(thread.messages.map((m) => m.body)).toEqual(['first message', 'We need a photo']);
    await model.openTicket(4242);
    expect(model.threadStatus.value).toBe('missing');
    expect(model.thread.value).toBeNull();
    model.back();
    expect(model.threadStatus.value).toBe('idle');
  });

  it('opens a chat read only', async () => {
    const { model } = setup();
    await model.load();
    await model.openConversation('chat-1');
    expect(model.thread.value).toMatchObject({ kind: 'conversation', conversation: { id: 'chat-1' } });
    expect(model.thread.value!.messages.map((m) => m.author.kind)).toEqual(['visitor', 'agent']);
    model.draft.value = 'hello';
    expect(await model.reply()).toBe(false);
  });

  it('sends a reply once per id: the same id again after a failure, a new id after it is stored', async () => {
    const { api, model } = setup();
    await model.load();
    await model.openTicket(1002);
    model.draft.value = '  Here is the photo description  ';
    api.failNext('reply', new TicketsApiError('NETWORK', 'offline', 0));
    expect(await model.reply()).toBe(false);
    expect(model.notice.value).toBe('error.network');
    expect(model.draft.value).toBe('  Here is the photo description  ');
    expect(await model.reply()).toBe(true);
    expect(model.draft.value).toBe('');
    expect(model.notice.value).toBeNull();
    const replies = api.calls.filter((c) => c.method === 'reply').map((c) => c.args);
    expect(replies).toEqual([
      [1002, { clientMessageId: 'reply-1', body: 'Here is the photo description' }],
      [1002, { clientMessageId: 'reply-1', body: 'Here is the photo description' }],
    ]);
    const thread = model.thread.value!;
    expect(thread.messages.map((m) => m.body).at(-1)).toBe('Here is the photo description');
    expect(thread.kind === 'ticket' && thread.ticket.status).toBe('open');
    expect(model.tickets.value[0]).toMatchObject({ number: 1002, status: 'open', preview: 'Here is the photo description' });

    model.draft.value = 'and one more';
    api.failNext('reply', new TicketsApiError('NETWORK', 'offline', 0));
    await model.reply();
    // Edited after the failure: a different reply, so a new id (the old one may be stored already).
    model.draft.value = 'and one more, edited';
    await model.reply();
    expect(api.calls.filter((c) => c.method === 'reply').map((c) => (c.args[1] as { clientMessageId: string }).clientMessageId)).toEqual(['reply-1', 'reply-1', 'reply-2', 'reply-3']);
  });

  it('explains a reply the gateway refused as too long', async () => {
    const { api, model } = setup();
    await model.load();
    await model.openTicket(1002);
    model.draft.value = 'x'.repeat(1001);
    api.failNext('reply', new TicketsApiError('MESSAGE_TOO_LONG', 'too long', 413));
    expect(await model.reply()).toBe(false);
    expect(model.notice.value).toBe('error.tooLong');
  });

  it("shows the team's new replies on refresh", async () => {
    const { api, model } = setup();
    await model.load();
    await model.openTicket(1002);
    api.agentReply(1002, 'Thanks, that helps.');
    await model.refresh();
    expect(model.thread.value!.messages.map((m) => m.body)).toEqual(['first message', 'We need a photo', 'Thanks, that helps.']);
  });

  it('reads the lists again at once when the messenger reports a chat ended, reopened or new, and not for a change it already shows', async () => {
    const { api, model } = setup();
    await model.load();
    const reads = () => api.calls.filter((c) => c.method === 'listConversations').length;
    const shown = (expected: [string, string][]) => vi.waitFor(() => expect(model.conversations.value.map((c) => [c.id, c.status])).toEqual(expected));
    // Nothing new: the chat is shown as ended already.
    model.conversationUpdated({ id: 'chat-1', status: 'closed' });
    expect(reads()).toBe(1);

    // Reopened by a reply.
    api.conversations[0] = { ...api.conversations[0]!, status: 'open', lastSeq: 3 };
    model.conversationUpdated({ id: 'chat-1', status: 'open' });
    await shown([['chat-1', 'open']]);

    // Ended in the messenger.
    api.conversations[0] = { ...api.conversations[0]!, status: 'closed' };
    model.conversationUpdated({ id: 'chat-1', status: 'closed' });
    await shown([['chat-1', 'closed']]);

    // A chat the portal has not listed yet.
    api.conversations.unshift({ id: 'chat-2', appId: 'demo', status: 'open', lastSeq: 1, lastMessageAt: '2025-11-22T10:00:00.000Z', createdAt: '2025-11-22T10:00:00.000Z', preview: 'Do you ship to Utrecht?' });
    model.conversationUpdated({ id: 'chat-2', status: 'open' });
    await shown([
      ['chat-2', 'open'],
      ['chat-1', 'closed'],
    ]);
    expect(reads()).toBe(4);
  });

  it('drops the answer for a thread the visitor already left', async () => {
    const { model } = setup();
    await model.load();
    const opening = model.openTicket(1002);
    model.back();
    await opening;
    expect(model.thread.value).toBeNull();
    expect(model.threadStatus.value).toBe('idle');
  });

  it('downloads a file of the thread with the session and hands it to the browser, or says it could not', async () => {
    const { api } = setup();
    const saved: [string, string][] = [];
    const model = createPortalModel({ api, save: (file, name) => void file.text().then((text) => saved.push([name, text])) });
    await model.download({ id: 'file-7', name: 'invoice.pdf', size: 1200, type: 'application/pdf' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(saved).toEqual([['invoice.pdf', 'bytes of file-7']]);
    api.failNext('download', new TicketsApiError('NOT_FOUND', 'No such file.', 404));
    await model.download({ id: 'file-8', name: 'gone.pdf', size: 1, type: 'application/pdf' });
    expect(model.notice.value).toBe('error.download');
  });
});
