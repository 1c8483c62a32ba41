import type { VisitorTicket } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from '../shared/i18n.ts';
import { createFakeTicketsApi, message, type FakeTicketsApi } from '../webform/fake-tickets-api.ts';
import { mount } from './index.tsx';
import { Portal } from './Portal.tsx';
import { createPortalModel, type PortalModel } from './PortalModel.ts';
import en from './strings/en.ts';
import it_ from './strings/it.ts';
import nl from './strings/nl.ts';
import tr from './strings/tr.ts';

const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

const ticket = (number: number, status: VisitorTicket['status'], subject: string): VisitorTicket => ({
  number,
  subject,
  status,
  requester: { name: 'Ayşe', email: 'ayse@example.com' },
  conversationId: `conversation-${number}`,
  createdAt: '2025-11-21T14:00:00.000Z',
  updatedAt: '2025-11-21T14:00:00.000Z',
  lastMessageAt: '2025-11-21T14:05:00.000Z',
  preview: 'We need a photo',
});

describe('Portal', () => {
  let container: HTMLElement;
  let api: FakeTicketsApi;
  let model: PortalModel;
  const shown: string[] = [];

  const buttons = () => [...container.querySelectorAll('button')];
  const button = (text: string) => buttons().find((b) => b.textContent?.includes(text))!;
  const click = async (el: HTMLElement) => {
    await act(() => el.click());
    await settle();
  };

  async function show(strings = createI18n(en, undefined, 'en')) {
    await act(() => render(<Portal model={model} i18n={strings} showConversation={(id) => shown.push(id)} />, container));
  }

  beforeEach(async () => {
    api = createFakeTicketsApi({
      tickets: [
        {
          ticket: ticket(1002, 'pending', 'Brown leaves'),
          messages: [
            { ...message('conversation-1002', 1, 'My fern has brown tips'), attachments: [{ id: 'file-1', name: 'fern.png', size: 2048, type: 'image/png' }] },
            message('conversation-1002', 2, 'We need a photo', 'agent', 'Sam'),
          ],
        },
        { ticket: ticket(1001, 'closed', 'Delivery <script>alert(1)</script>'), messages: [message('conversation-1001', 1, 'Where is my order? <img src=x onerror=alert(1)>')] },
      ],
      conversations: [{ id: 'chat-1', appId: 'demo', status: 'closed', lastSeq: 2, lastMessageAt: '2025-11-20T10:00:00.000Z', createdAt: '2025-11-20T09:00:00.000Z', preview: 'Hi! How can we help?' }],
    });
    model = createPortalModel({ api, newId: () => 'reply-1' });
    container = document.createElement('div');
    document.body.append(container);
    shown.length = 0;
    await model.load();
    await show();
  });
  afterEach(() => {
    render(null, container);
    container.remove();
  });

  it('lists requests and chats with their status', () => {
    const lists = [...container.querySelectorAll('ul')];
    expect(lists).toHaveLength(2);
    const rows = [...lists[0]!.querySelectorAll('button')].map((b) => b.textContent);
    expect(rows[0]).toContain('Brown leaves');
    expect(rows[0]).toContain('Waiting for your reply');
    expect(rows[0]).toContain('Request #1002');
    expect(rows[1]).toContain('Closed');
    expect(lists[1]!.textContent).toContain('Ended');
    expect(lists[1]!.textContent).toContain('Hi! How can we help?');
    // Lists are named by their headings.
    expect(container.querySelector(`#${lists[0]!.getAttribute('aria-labelledby')}`)!.textContent).toBe('Requests');
  });

  it('opens a request, focuses its title, shows the thread, and returns focus to the row on the way back', async () => {
    await click(button('Brown leaves'));
    const heading = container.querySelector('h2')!;
    expect(heading.textContent).toBe('Brown leaves');
    expect(document.activeElement).toBe(heading);
    const log = container.querySelector('[role="log"]')!;
    expect(log.getAttribute('aria-label')).toBe('Messages');
    expect([...log.querySelectorAll('.pp-message')].map((li) => li.querySelector('.pp-message__author')!.textContent!.split(' · ')[0])).toEqual(['You', 'Sam']);

    await click(button('Back to your requests'));
    expect(document.activeElement?.textContent).toContain('Brown leaves');
  });

  it('offers the files of a message for download', async () => {
    await click(button('Brown leaves'));
    await click(button('Download fern.png (2 KB)'));
    expect(api.calls.filter((c) => c.method === 'download').map((c) => c.args)).toEqual([['file-1']]);
  });

  it('sends a reply with Ctrl+Enter and shows it in the thread', async () => {
    await click(button('Brown leaves'));
    const box = container.querySelector('textarea')!;
    expect(container.querySelector(`label[for="${box.id}"]`)!.textContent).toBe('Your reply');
    await act(() => {
      box.value = 'Photo: the tips are dry';
      box.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => void box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true })));
    await settle();
    expect(api.calls.filter((c) => c.method === 'reply').map((c) => c.args)).toEqual([[1002, { clientMessageId: 'reply-1', body: 'Photo: the tips are dry' }]]);
    expect(container.querySelector('[role="log"]')!.textContent).toContain('Photo: the tips are dry');
    expect(box.value).toBe('');
    // Plain Enter is a new line, not a send.
    await act(() => void box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true })));
    expect(api.calls.filter((c) => c.method === 'reply')).toHaveLength(1);
  });

  it('shows a refused reply as an alert tied to the text box', async () => {
    await click(button('Brown leaves'));
    const { TicketsApiError } = await import('../webform/tickets-api.ts');
    api.failNext('reply', new TicketsApiError('MESSAGE_TOO_LONG', 'x', 413));
    const box = container.querySelector('textarea')!;
    await act(() => {
      box.value = 'x'.repeat(1001);
      box.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => void container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })));
    await settle();
    const error = container.querySelector('[role="alert"] p')!;
    expect(error.textContent).toBe('Your reply is too long. Shorten it or split it in two.');
    expect(box.getAttribute('aria-describedby')).toContain(error.id);
    expect(box.getAttribute('aria-invalid')).toBe('true');
  });

  it('shows text from messages and subjects as text, never as markup', async () => {
    expect(container.querySelector('script')).toBeNull();
    await click(button('Delivery'));
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('opens a chat read only, with "Continue in chat" handing it to the messenger', async () => {
    await click(button('Chat of'));
    expect(container.querySelector('textarea')).toBeNull();
    await click(button('Continue in chat'));
    expect(shown).toEqual(['chat-1']);
  });

  it('says when a request cannot be found', async () => {
    await act(() => void model.openTicket(9999));
    await settle();
    expect(container.querySelector('h2')!.textContent).toBe('This request could not be found.');
  });

  it('speaks Dutch, Turkish and Italian, with every string translated', async () => {
    for (const [locale, strings, title] of [
      ['nl', nl, 'Je verzoeken'],
      ['tr', tr, 'Talepleriniz'],
      ['it', it_, 'Le tue richieste'],
    ] as const) {
      await show(createI18n(en, strings, locale));
      expect(container.querySelector('h2')!.textContent).toBe(title);
      expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
    }
  });
});

describe('the portal surface (mount)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("reads the visitor's requests with the session token into the host shadow root, and stops on unmount", async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      urls.push(`${init.method} ${url} ${(init.headers as Record<string, string>).authorization}`);
      const body = url.endsWith('/tickets') ? { tickets: [ticket(1001, 'open', 'Olive tree')] } : { conversations: [] };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const element = document.createElement('div');
    document.body.append(element);
    const root = element.attachShadow({ mode: 'open' });
    const surface = mount({ root, baseUrl: 'https://chat.example.com', appId: 'demo', locale: 'it', session: async () => 'visitor-token' });
    await settle();
    await settle();
    expect(urls.sort()).toEqual(['GET https://chat.example.com/api/visitor/conversations Bearer visitor-token', 'GET https://chat.example.com/api/visitor/tickets Bearer visitor-token']);
    expect(root.querySelector('h2')!.textContent).toBe('Le tue richieste');
    expect(root.textContent).toContain('Olive tree');
    expect(root.textContent).toContain('Aperta');
    surface.unmount();
    expect(root.innerHTML).toBe('');
    element.remove();
  });
  it('shows at once a chat the messenger on the page heard end, and stops hearing on unmount', async () => {
    let chat = { id: 'chat-1', appId: 'demo', status: 'open', lastSeq: 1, lastMessageAt: '2025-11-22T10:00:00.000Z', createdAt: '2025-11-22T10:00:00.000Z', preview: 'Do you ship to Utrecht?' };
    vi.stubGlobal('fetch', async (url: string) => {
      const body = url.endsWith('/tickets') ? { tickets: [] } : { conversations: [chat] };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    let hear: ((conversation: { id: string; status: 'open' | 'closed' }) => void) | undefined;
    const stop = vi.fn();
    const element = document.createElement('div');
    document.body.append(element);
    const root = element.attachShadow({ mode: 'open' });
    const surface = mount({
      root,
      baseUrl: 'https://chat.example.com',
      appId: 'demo',
      session: async () => 'visitor-token',
      onConversationUpdated(listener) {
        hear = listener;
        return stop;
      },
    });
    await vi.waitFor(() => expect(root.querySelector('.pp-badge')?.textContent).toBe('Open'));
    chat = { ...chat, status: 'closed' };
    hear!({ id: 'chat-1', status: 'closed' });
    await vi.waitFor(() => expect(root.querySelector('.pp-badge')?.textContent).toBe('Ended'));
    surface.unmount();
    expect(stop).toHaveBeenCalledTimes(1);
    element.remove();
  });
});
