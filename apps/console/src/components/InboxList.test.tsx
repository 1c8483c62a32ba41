import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInboxModel } from '../InboxModel.ts';
import { fakeApi, fakeClient, message, summary } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { InboxList } from './InboxList.tsx';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
let unmount = () => {};
afterEach(() => unmount());

async function setup() {
  const api = fakeApi({
    'GET /api/agent/conversations?status=open': () => ({
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
});
