import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInboxModel } from '../InboxModel.ts';
import { conversationRouting } from '../test-support/routing.ts';
import { createViewsModel } from '../ViewsModel.ts';
import { fakeApi, fakeClient, message, summary } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { InboxList } from './InboxList.tsx';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
let unmount = () => {};
afterEach(() => unmount());

async function setup() {
  const api = fakeApi({
    'GET /api/agent/views/open': () => ({
      conversations: [
        summary('c-old', { lastSeq: 2, lastMessageAt: '2024-05-01T08:00:00.000Z', visitor: { id: 'v-old', name: 'Olga' }, preview: 'old one' }),
        summary('c-new', { lastSeq: 5, lastMessageAt: '2024-05-01T11:58:00.000Z', visitor: { id: 'abcdef123456', name: null }, preview: 'newest' }),
        summary('c-mid', { lastSeq: 3, lastMessageAt: '2024-05-01T10:00:00.000Z', visitor: { id: 'v-mid', name: 'Mia' }, preview: 'middle' }),
      ],
    }),
  });
  const client = fakeClient();
  const inbox = createInboxModel({ api, client, now: () => NOW, tick: () => () => {} });
  const onOpen = vi.fn();
  const view = await render(<InboxList inbox={inbox} onOpen={onOpen} />);
  unmount = () => {
    view.unmount();
    inbox.dispose();
  };
  await settle(() => inbox.load());
  const screen = within(view.container);
  const titles = () => screen.getAllByRole('link').map((a) => a.querySelector('.row__title')!.textContent);
  return { client, inbox, onOpen, screen, titles };
}

describe('InboxList', () => {
  it('lists open conversations most recently active first, with name or "Visitor" and a short id', async () => {
    const { screen, titles } = await setup();
    expect(screen.getByRole('navigation', { name: /Open conversations/ })).toBeTruthy();
    expect(titles()).toEqual(['Visitor abcdef', 'Mia', 'Olga']);
    const first = screen.getAllByRole('link')[0]!;
    expect(first.textContent).toContain('newest');
    expect(first.querySelector('time')!.textContent).toBe('2 min');
  });

  it('moves a conversation to the top when a message arrives in it', async () => {
    const { client, titles, screen } = await setup();
    await settle(() => client.emit('message', message('c-old', 3, { body: 'back again', createdAt: '2024-05-01T11:59:30.000Z' })));
    expect(titles()).toEqual(['Olga', 'Visitor abcdef', 'Mia']);
    expect(screen.getAllByRole('link')[0]!.textContent).toContain('back again');
  });

  it('puts a new conversation at the top when its first message or summary arrives', async () => {
    const { client, titles } = await setup();
    await settle(() =>
      client.emit('message', message('c-brand-new', 1, { author: { kind: 'visitor', id: 'v-brand', name: 'Bea' }, createdAt: '2024-05-01T11:59:59.000Z' })),
    );
    expect(titles()[0]).toBe('Bea');
    await settle(() =>
      client.emit('frame', {
        type: 'conversation.updated',
        conversation: summary('c-another', { lastSeq: 1, lastMessageAt: '2024-05-01T12:00:00.000Z', visitor: { id: 'v-zed', name: 'Zed' } }),
      }),
    );
    expect(titles()).toEqual(['Zed', 'Bea', 'Visitor abcdef', 'Mia', 'Olga']);
  });

  it('re-sorts on conversation.updated and ignores one older than the row it has', async () => {
    const { client, titles, screen } = await setup();
    const update = (lastSeq: number, at: string, preview: string) =>
      client.emit('frame', { type: 'conversation.updated', conversation: summary('c-mid', { lastSeq, lastMessageAt: at, preview, visitor: { id: 'v-mid', name: 'Mia' } }) });
    await settle(() => update(4, '2024-05-01T11:59:00.000Z', 'fresh'));
    expect(titles()).toEqual(['Mia', 'Visitor abcdef', 'Olga']);
    await settle(() => update(2, '2024-05-01T09:00:00.000Z', 'stale'));
    expect(titles()).toEqual(['Mia', 'Visitor abcdef', 'Olga']);
    expect(screen.getAllByRole('link')[0]!.textContent).toContain('fresh');
  });

  it('opens a conversation when its row is clicked, and marks it current', async () => {
    const { screen, onOpen, inbox } = await setup();
    await userEvent.setup().click(screen.getByRole('link', { name: /Mia/ }));
    expect(onOpen).toHaveBeenCalledWith('c-mid');
    await settle(() => inbox.select('c-mid'));
    expect(screen.getByRole('link', { name: /Mia/ }).getAttribute('aria-current')).toBe('page');
  });

  it('reads the next page with "Load more", and says there is more in the count', async () => {
    const api = fakeApi({
      'GET /api/agent/views/closed': () => ({ conversations: [summary('c1', { status: 'closed', visitor: { id: 'v1', name: 'Ann' } })], nextCursor: 'p2' }),
      'GET /api/agent/views/closed?cursor=p2': () => ({
        conversations: [summary('c2', { status: 'closed', lastMessageAt: '2024-05-01T07:00:00.000Z', visitor: { id: 'v2', name: 'Ben' }, routing: conversationRouting('a2', { state: 'resolved', wrapUp: 'Order placed' }) })],
        nextCursor: null,
      }),
    });
    const inbox = createInboxModel({ api, client: fakeClient(), source: { kind: 'view', view: 'closed', filter: {} }, now: () => NOW, tick: () => () => {} });
    const view = await render(<InboxList inbox={inbox} onOpen={() => {}} />);
    unmount = () => {
      view.unmount();
      inbox.dispose();
    };
    await settle(() => inbox.load());
    const screen = within(view.container);
    expect(screen.getByRole('heading', { name: /Closed conversations/ }).textContent).toBe('Closed conversations 1+');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Load more' }));
    await settle();
    expect(screen.getAllByRole('link').map((a) => a.querySelector('.row__title')!.textContent)).toEqual(['Ann', 'Ben']);
    expect(screen.getByRole('link', { name: /Ben/ }).textContent).toContain('Agent a2 · Order placed');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('puts a grouped saved view under a heading per group', async () => {
    const saved = { id: 's1', name: 'By queue', filter: {}, sort: 'activity.desc' as const, group: 'queue' as const, createdAt: '', updatedAt: '' };
    const row = (id: string, name: string, key: string | null, label: string | null) => ({ ...summary(id, { visitor: { id: `v-${id}`, name } }), channel: 'chat' as const, archivedAt: null, ticketNumber: null, group: { key, label } });
    const api = fakeApi({ 'GET /api/agent/saved-views/s1/conversations': () => ({ conversations: [row('c0', 'Nia', null, null), row('c1', 'Sam', 'q1', 'Sales'), row('c2', 'Sue', 'q1', 'Sales')], nextCursor: null }) });
    const inbox = createInboxModel({ api, client: fakeClient(), source: { kind: 'saved', id: 's1', saved }, now: () => NOW, tick: () => () => {} });
    const view = await render(<InboxList inbox={inbox} onOpen={() => {}} />);
    unmount = () => {
      view.unmount();
      inbox.dispose();
    };
    await settle(() => inbox.load());
    const screen = within(view.container);
    expect(screen.getByRole('navigation', { name: /^By queue/ })).toBeTruthy();
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['No queue', 'Sales']);
  });

  it('archives a conversation from its row, which then leaves the list', async () => {
    const api = fakeApi({
      'GET /api/agent/views/open': () => ({ conversations: [summary('c1', { visitor: { id: 'v1', name: 'Vera' } }), summary('c2', { visitor: { id: 'v2', name: 'Will' } })], nextCursor: null }),
      'POST /api/agent/conversations/c1/archive': () => ({ conversation: { ...summary('c1'), channel: 'chat', archivedAt: '2024-05-01T12:00:00.000Z', ticketNumber: null } }),
    });
    const inbox = createInboxModel({ api, client: fakeClient(), now: () => NOW, tick: () => () => {} });
    const views = createViewsModel({ api, inbox, admin: false });
    const view = await render(<InboxList inbox={inbox} onOpen={() => {}} actions={views} />);
    unmount = () => {
      view.unmount();
      inbox.dispose();
    };
    await settle(() => inbox.load());
    const screen = within(view.container);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Archive the conversation with Vera' }));
    await settle();
    expect(screen.getAllByRole('link').map((a) => a.querySelector('.row__title')!.textContent)).toEqual(['Will']);
  });
});
