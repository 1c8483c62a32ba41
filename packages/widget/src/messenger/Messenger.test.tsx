import { memoryOutboxStore } from '@parley/client/light';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createI18n, LOCALES, type Translation } from '../shared/i18n.ts';
import { storageKeys } from '../shared/storage-keys.ts';
import { extras } from './extras.tsx';
import { createFakeGateway, message, settle, summary, type FakeGateway } from './fake-transport.ts';
import { mount } from './index.tsx';
import { Messenger } from './Messenger.tsx';
import { createMessengerModel, type MessengerModel } from './MessengerModel.ts';
import en, { type MessengerStrings } from './strings/en.ts';
import extrasEn, { type ExtraStrings } from './strings/extras/en.ts';
import extrasIt from './strings/extras/it.ts';
import extrasNl from './strings/extras/nl.ts';
import extrasTr from './strings/extras/tr.ts';
import it_ from './strings/it.ts';
import nl from './strings/nl.ts';
import tr from './strings/tr.ts';

const keys = storageKeys('demo');
// The views' strings with the extras' (which load with those views).
const english = createI18n({ ...en, ...extrasEn }, undefined, 'en');
const XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script><b>bold</b>';

describe('Messenger', () => {
  let gateway: FakeGateway;
  let model: MessengerModel;
  let container: HTMLElement;
  let storage: Map<string, string>;
  let i18n = english;
  let dir: 'ltr' | 'rtl' = 'ltr';

  const flush = () => act(settle);
  const $ = <T extends Element = HTMLElement>(selector: string) => container.querySelector<T>(selector);
  const $$ = (selector: string) => [...container.querySelectorAll<HTMLElement>(selector)];
  const textbox = () => $<HTMLTextAreaElement>('textarea')!;
  const log = () => $('[role="log"]')!;
  const rows = () => $$('.message').map((row) => row.textContent);
  const button = (name: string) => $$('button').find((b) => (b.getAttribute('aria-label') ?? b.textContent) === name);
  const type = (text: string) => {
    textbox().value = text;
    textbox().dispatchEvent(new Event('input', { bubbles: true }));
  };
  const press = (init: KeyboardEventInit) => {
    const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
    textbox().dispatchEvent(event);
    return event;
  };
  const draw = () => render(<Messenger model={model} t={i18n.t} lang={i18n.locale} dir={dir} extras={extras} />, container);

  async function openMessenger(): Promise<void> {
    await act(() => {
      draw();
      model.setOpen(true);
    });
    await flush();
    gateway.socket().hello();
    await flush();
    await flush();
  }

  /** A returning visitor whose current conversation `c` holds the given messages. */
  function returning(messages: ReturnType<typeof message>[], more: ReturnType<typeof summary>[] = []) {
    storage.set(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
    storage.set(keys.conversation, JSON.stringify({ id: 'c' }));
    gateway.conversations = [summary('c', { lastSeq: messages.length, lastMessageAt: '2025-02-01T10:00:00Z', preview: 'Current' }), ...more];
    gateway.histories.c = messages;
  }

  beforeEach(() => {
    gateway = createFakeGateway();
    storage = new Map();
    i18n = english;
    dir = 'ltr';
    model = createMessengerModel({
      transport: gateway.transport,
      storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
      outbox: memoryOutboxStore(),
      appId: 'demo',
      session: gateway.session({ getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) }),
    });
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => {
    render(null, container);
    container.remove();
    model.dispose();
  });

  it('is a dialog named "Chat" with a live log, a text box named "Message" and a Send button, and the ::part names', async () => {
    await openMessenger();
    const dialog = $('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Chat');
    expect(dialog.hasAttribute('hidden')).toBe(false);
    expect(log().getAttribute('aria-live')).toBe('polite');
    expect(textbox().getAttribute('aria-label')).toBe('Message');
    expect($('button[type="submit"]')!.textContent).toBe('Send');
    expect(['panel', 'header', 'messages', 'composer'].map((part) => !!$(`[part~="${part}"]`))).toEqual([true, true, true, true]);
  });

  it('adds no landmark to the page: no header, footer, main or nav element (the page has its own banner)', async () => {
    await openMessenger();
    expect($('header, footer, main, nav, aside, [role="banner"], [role="contentinfo"], [role="main"], [role="navigation"]')).toBeNull();
  });

  it('is hidden while closed', async () => {
    await act(draw);
    expect($('[role="dialog"]')!.hasAttribute('hidden')).toBe(true);
  });

  it('moves focus into the text box when it opens', async () => {
    await openMessenger();
    expect(document.activeElement).toBe(textbox());
  });

  it('renders messages in order, with the agent name, and Sending… then Sent under the last of the visitor’s own', async () => {
    returning([
      message({ conversationId: 'c', seq: 1, body: 'Hi, I have a question', author: { kind: 'visitor', id: 'v' }, clientMessageId: 'x' }),
      message({ conversationId: 'c', seq: 2, body: 'Sure, ask away' }),
    ]);
    await openMessenger();
    expect(rows()).toEqual(['You: Hi, I have a questionSent', 'DanaSure, ask away']);
    type('Do you ship to Norway?');
    press({ key: 'Enter' });
    await flush();
    expect(rows()).toEqual(['You: Hi, I have a question', 'DanaSure, ask away', 'You: Do you ship to Norway?Sending…']);

    const socket = gateway.socket();
    const frame = socket.frames('message.send')[0]!;
    await act(() =>
      socket.serverSend({
        type: 'message.ack',
        ref: frame.ref as string,
        conversationId: 'c',
        clientMessageId: frame.clientMessageId as string,
        messageId: 'm-3',
        seq: 3,
        createdAt: new Date().toISOString(),
        duplicate: false,
      }),
    );
    expect(rows().at(-1)).toBe('You: Do you ship to Norway?Sent');
    await act(() => socket.serverSend({ type: 'conversation.read', conversationId: 'c', reader: { kind: 'agent', id: 'a' }, seq: 3, readAt: '' }));
    expect(rows().at(-1)).toBe('You: Do you ship to Norway?Seen');
  });

  it("says the gateway's notes (an agent joined or left, the chat ended) in the visitor's language, and their English text until those strings load", async () => {
    const system = { kind: 'system' as const, id: 'parley' };
    returning([
      message({ conversationId: 'c', seq: 1, body: 'Ann joined the conversation.', author: system, event: { type: 'joined', name: 'Ann' } }),
      message({ conversationId: 'c', seq: 2, body: 'Ann left the conversation.', author: system, event: { type: 'left', name: 'Ann' } }),
      message({ conversationId: 'c', seq: 3, body: 'This chat has ended.', author: system, event: { type: 'ended' } }),
      message({ conversationId: 'c', seq: 4, body: 'Thanks for writing! We reply within a day.', author: { kind: 'system', id: 'bot', name: 'Shop' } }),
    ]);
    i18n = createI18n({ ...en, ...extrasEn }, { ...tr, ...extrasTr }, 'tr');
    await openMessenger();
    expect(rows()).toEqual(['Ann sohbete katıldı.', 'Ann sohbetten ayrıldı.', 'Bu sohbet sona erdi.', 'ShopThanks for writing! We reply within a day.']);
    // The first open's strings alone (the later views' not loaded yet): the note as the gateway wrote it.
    i18n = createI18n(en, tr, 'tr') as typeof i18n;
    await act(draw);
    expect(rows().slice(0, 2)).toEqual(['Ann joined the conversation.', 'Ann left the conversation.']);
  });

  it('sends on Enter and clears the text box, but not on Shift+Enter', async () => {
    await openMessenger();
    type('First line');
    expect(press({ key: 'Enter', shiftKey: true }).defaultPrevented).toBe(false);
    await flush();
    expect(gateway.socket().frames('message.send')).toEqual([]);
    type('Hello');
    expect(press({ key: 'Enter' }).defaultPrevented).toBe(true);
    await flush();
    expect(gateway.socket().frames('message.send')).toEqual([expect.objectContaining({ body: 'Hello' })]);
    expect(textbox().value).toBe('');
  });

  it('keeps a pasted text over the length limit whole, and says the limit instead of sending it', async () => {
    await openMessenger();
    const long = 'x'.repeat(1153);
    type(long);
    expect(textbox().value).toHaveLength(1153);
    expect(textbox().hasAttribute('maxlength')).toBe(false);
    press({ key: 'Enter' });
    await flush();
    expect(gateway.socket().frames('message.send')).toEqual([]);
    expect(textbox().value).toBe(long);
    expect($('.status')!.textContent).toContain('1000');
  });

  it('sends with the Send button too', async () => {
    await openMessenger();
    type('Via button');
    await flush();
    $<HTMLButtonElement>('button[type="submit"]')!.click();
    await flush();
    expect(gateway.socket().frames('message.send')).toEqual([expect.objectContaining({ body: 'Via button' })]);
  });

  it('shows HTML and script in a message, an agent name and a conversation preview as text', async () => {
    returning([message({ conversationId: 'c', seq: 1, body: `${XSS}\nsecond line`, author: { kind: 'agent', id: 'a', name: XSS } })], [summary('d', { preview: XSS, createdAt: '2024-01-01T00:00:00Z' })]);
    await openMessenger();
    expect($('.bubble')!.textContent).toBe(`${XSS}\nsecond line`);
    expect($('.author')!.textContent).toBe(XSS);
    await act(() => model.showList());
    expect($$('.preview').map((p) => p.textContent)).toContain(XSS);
    expect(container.querySelector('img, script, b')).toBeNull();
  });

  it('makes web addresses links that open in a new tab without the opener, and nothing else', async () => {
    const body = 'See https://example.com/track?id=1, www.example.org. Not javascript:alert(1) or <a href="https://evil.example">this</a>';
    returning([message({ conversationId: 'c', seq: 1, body })]);
    await openMessenger();
    const links = $$('.bubble a');
    expect(links.map((a) => [a.getAttribute('href'), a.textContent, a.getAttribute('target'), a.getAttribute('rel')])).toEqual([
      ['https://example.com/track?id=1', 'https://example.com/track?id=1', '_blank', 'noopener noreferrer'],
      ['https://www.example.org', 'www.example.org', '_blank', 'noopener noreferrer'],
      // The address inside the HTML is text like any other address; the HTML around it stays text.
      ['https://evil.example', 'https://evil.example', '_blank', 'noopener noreferrer'],
    ]);
    expect($('.bubble')!.textContent).toBe(body);
  });

  it('says who is typing, in a status the screen reader reads', async () => {
    returning([message({ conversationId: 'c', seq: 1, body: 'Hello' })]);
    await openMessenger();
    await act(() => gateway.socket().serverSend({ type: 'typing', conversationId: 'c', state: 'start', author: { kind: 'agent', id: 'a', name: 'Dana' } }));
    expect($('.typing[role="status"]')!.textContent).toBe('Dana is typing…');
    await act(() => gateway.socket().serverSend({ type: 'typing', conversationId: 'c', state: 'stop', author: { kind: 'agent', id: 'a', name: 'Dana' } }));
    expect($('.typing')!.textContent).toBe('');
  });

  it('shows whether anyone can answer in the header', async () => {
    await openMessenger();
    expect($('.title')!.textContent).toBe('Demo shop');
    expect($('.subtitle')!.textContent).toBe('We’re online');
    await act(() => gateway.socket().serverSend({ type: 'availability', status: 'offline' }));
    expect($('.subtitle')!.textContent).toBe('We’re offline');
  });

  it('lists the conversations with unread counts, opens one, and starts a new one, all by keyboard', async () => {
    returning([message({ conversationId: 'c', seq: 1, body: 'Current one' })], [summary('d', { preview: 'Older one', unread: 2, lastSeq: 3, status: 'closed', createdAt: '2024-06-01T00:00:00Z' })]);
    gateway.histories.d = [message({ conversationId: 'd', seq: 3, body: 'Older one' })];
    await openMessenger();
    expect(button('Your conversations')!.textContent).toBe('2');
    await act(() => button('Your conversations')!.click());
    expect($('.title')!.textContent).toBe('Your conversations');
    const listed = $$('.row');
    expect(listed.map((row) => row.querySelector('.preview')!.textContent)).toEqual(['Current', 'Older one']);
    expect(listed[1]!.textContent).toContain('2 unread messages');
    expect(listed[1]!.querySelector('.meta')!.textContent).toContain('Ended');
    expect(document.activeElement).toBe(listed[0]);
    await act(() => listed[1]!.click());
    await flush();
    expect(rows()).toEqual(['DanaOlder one']);
    // An ended conversation offers a new one, focused, instead of the text box.
    expect(textbox()).toBeNull();
    expect($('.ended')!.textContent).toContain('This chat has ended.');
    expect(document.activeElement).toBe(button('New conversation'));
    await act(() => button('New conversation')!.click());
    expect(rows()).toEqual([]);
    expect(textbox()).not.toBeNull();
  });

  it('ends the chat after the visitor confirms, and can start a new one', async () => {
    returning([message({ conversationId: 'c', seq: 1, body: 'Thanks', author: { kind: 'visitor', id: 'v' } })]);
    await openMessenger();
    await act(() => button('End chat')!.click());
    expect($('.confirm')!.textContent).toContain('End this chat?');
    // The safe answer is focused: Enter twice keeps the chat.
    expect(document.activeElement).toBe(button('Keep chatting'));
    await act(() => button('Keep chatting')!.click());
    expect($('.confirm')).toBeNull();
    expect(document.activeElement).toBe(button('End chat'));
    // Escape takes the question back, and goes no further (the launcher closes the messenger on an Escape that reaches it).
    const escapes: KeyboardEvent[] = [];
    container.addEventListener('keydown', (event) => escapes.push(event));
    await act(() => button('End chat')!.click());
    await act(() => void document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect($('.confirm')).toBeNull();
    expect(escapes).toEqual([]);
    expect(document.activeElement).toBe(button('End chat'));
    expect(model.open.value).toBe(true);
    await act(() => button('End chat')!.click());
    await act(() => $<HTMLButtonElement>('.confirm .primary')!.click());
    await flush();
    expect(gateway.socket().frames('conversation.end')).toEqual([expect.objectContaining({ conversationId: 'c' })]);
    expect($('.ended')!.textContent).toContain('This chat has ended.');
    expect(button('End chat')).toBeUndefined();
  });

  it('asks for required details with errors tied to their fields, then shows the text box', async () => {
    gateway.app.preChat = { name: 'optional', email: 'required' };
    await openMessenger();
    const form = $<HTMLFormElement>('form.prechat')!;
    expect(textbox()).toBeNull();
    expect($$('.prechat label').map((l) => l.textContent)).toEqual(['Name (optional)', 'E-mail ']);
    expect(document.activeElement).toBe($('#parley-name'));
    await act(() => form.requestSubmit());
    const email = $<HTMLInputElement>('#parley-email')!;
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect($(`#${email.getAttribute('aria-describedby')}`)!.textContent).toBe('Please fill in this field.');
    email.value = 'not an address';
    email.dispatchEvent(new Event('input', { bubbles: true }));
    await flush();
    await act(() => form.requestSubmit());
    expect($('#parley-email-error')!.textContent).toBe('Please enter a valid e-mail address.');
    email.value = 'ayse@example.com';
    email.dispatchEvent(new Event('input', { bubbles: true }));
    await flush();
    await act(() => form.requestSubmit());
    await flush();
    expect(gateway.profiles).toEqual([{ email: 'ayse@example.com' }]);
    expect(textbox()).not.toBeNull();
  });

  it('offers to reply by e-mail when nobody is online, and thanks the visitor', async () => {
    await openMessenger();
    await act(() => gateway.socket().serverSend({ type: 'availability', status: 'offline' }));
    type('Anyone there?');
    press({ key: 'Enter' });
    await flush();
    const offer = $<HTMLFormElement>('form.offer')!;
    expect(offer.textContent).toContain('Nobody can answer right now');
    const input = $<HTMLInputElement>('#parley-offer-email')!;
    input.value = 'ayse@example.com';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await flush();
    await act(() => offer.requestSubmit());
    await flush();
    expect(gateway.profiles).toEqual([{ email: 'ayse@example.com' }]);
    expect($('form.offer')).toBeNull();
    expect($('[role="status"].status')!.textContent).toBe('Thanks! We’ll reply to ayse@example.com.');
  });

  it('lays out right to left with dir="rtl", and speaks the chosen language', async () => {
    i18n = createI18n({ ...en, ...extrasEn }, { ...nl, ...extrasNl }, 'nl');
    dir = 'rtl';
    await openMessenger();
    const dialog = $('[role="dialog"]')!;
    expect([dialog.getAttribute('dir'), dialog.getAttribute('lang')]).toEqual(['rtl', 'nl']);
    expect($('button[type="submit"]')!.textContent).toBe('Versturen');
    expect(textbox().getAttribute('placeholder')).toBe('Schrijf een bericht…');
  });

  it('says in the visitor\'s language that the chat is blocked, with no text box and nothing to retry', async () => {
    i18n = createI18n({ ...en, ...extrasEn }, { ...nl, ...extrasNl }, 'nl');
    await openMessenger();
    await act(() => render(<Messenger model={model} t={i18n.t} lang="nl" dir="ltr" extras={extras} onRequest={() => {}} />, container));
    expect(textbox()).not.toBeNull();
    expect(button(nl.request!)).toBeDefined();
    await act(() => {
      gateway.socket().serverSend({ type: 'error', code: 'BLOCKED', message: 'You cannot chat here: the support team of this website has blocked this chat.' });
      gateway.socket().serverClose(4012, 'blocked');
    });
    await flush();
    expect($('[role="status"].status')!.textContent).toBe(nl['error.blocked']);
    expect(textbox()).toBeNull();
    expect($('.retry')).toBeNull();
    expect(button(nl.request!)).toBeUndefined();
  });

  it('shows a notice with "Try again" when the chat cannot start', async () => {
    gateway.createSession = () => Promise.reject(Object.assign(new Error('down'), { name: 'SessionError', code: 'NETWORK', status: 0 }));
    await act(() => {
      draw();
      model.setOpen(true);
    });
    await flush();
    expect($('[role="status"].status')!.textContent).toMatch(/Cannot reach the chat service.*Try again/);
  });
});

describe('mount', () => {
  it('loads the language the site asks for, lays out in its direction and size, and switches language at runtime', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    const controller = mount({ root, baseUrl: 'https://chat.example.com', appId: 'demo', session: async () => 'token', request: async () => ({}) as never, storage: { getItem: () => null, setItem: () => {}, removeItem: () => {} }, options: { locale: 'tr-TR', dir: 'rtl', size: 'large', position: 'left', color: '#0a7' } });
    const panel = async () => {
      for (let i = 0; i < 50 && !root.querySelector('.panel'); i++) await act(settle);
      return root.querySelector<HTMLElement>('.panel')!;
    };
    const shown = await panel();
    expect([shown.getAttribute('lang'), shown.getAttribute('dir'), shown.dataset.size, shown.dataset.position]).toEqual(['tr', 'rtl', 'large', 'left']);
    expect(root.querySelector('button[type="submit"]')!.textContent).toBe('Gönder');
    expect(host.style.getPropertyValue('--parley-accent')).toBe('#0a7');

    controller.update!({ locale: 'it', dir: 'ltr' });
    for (let i = 0; i < 50 && root.querySelector('.panel')!.getAttribute('lang') !== 'it'; i++) await act(settle);
    expect(root.querySelector('.panel')!.getAttribute('dir')).toBe('ltr');
    expect(root.querySelector('button[type="submit"]')!.textContent).toBe('Invia');
    controller.destroy!();
    expect(root.querySelector('.panel')).toBeNull();
    host.remove();
  });
});

describe('the translations', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const languages: Record<string, Translation<MessengerStrings>> = { nl, tr, it: it_ };

  const later: Record<string, Translation<ExtraStrings>> = { nl: extrasNl, tr: extrasTr, it: extrasIt };

  it('exist for every language the widget speaks, with every key and the same placeholders as English', () => {
    expect(Object.keys(languages).sort()).toEqual(LOCALES.filter((l) => l !== 'en').sort());
    expect(Object.keys(later).sort()).toEqual(LOCALES.filter((l) => l !== 'en').sort());
    for (const [english, translations] of [
      [en, languages],
      [extrasEn, later],
    ] as [Record<string, string>, Record<string, Record<string, string>>][]) {
      for (const [locale, strings] of Object.entries(translations)) {
        expect(Object.keys(strings).sort(), locale).toEqual(Object.keys(english).sort());
        for (const [key, text] of Object.entries(english)) expect(placeholders(strings[key]!), `${locale} ${key}`).toEqual(placeholders(text));
      }
    }
  });

  it('keep the first open to its own keys: the later views bring theirs', () => {
    expect(Object.keys(en).filter((key) => key in extrasEn)).toEqual([]);
  });
});
