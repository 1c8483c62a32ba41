import { memoryOutboxStore } from '@parley/client';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storageKeys } from '../shared/storage-keys.ts';
import { createFakeGateway, message, settle, type FakeGateway } from './fake-transport.ts';
import { Messenger } from './Messenger.tsx';
import { createMessengerModel, type MessengerModel } from './MessengerModel.ts';

const keys = storageKeys('demo');

describe('Messenger', () => {
  let gateway: FakeGateway;
  let model: MessengerModel;
  let container: HTMLElement;
  let storage: Map<string, string>;

  const flush = () => act(settle);
  const textbox = () => container.querySelector<HTMLTextAreaElement>('textarea')!;
  const log = () => container.querySelector<HTMLElement>('[role="log"]')!;
  const rows = () => [...log().querySelectorAll<HTMLElement>('.message')].map((row) => row.textContent);
  const type = (text: string) => {
    textbox().value = text;
    textbox().dispatchEvent(new Event('input', { bubbles: true }));
  };
  const press = (init: KeyboardEventInit) => {
    const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
    textbox().dispatchEvent(event);
    return event;
  };

  async function openMessenger(): Promise<void> {
    await act(() => {
      render(<Messenger model={model} />, container);
      model.setOpen(true);
    });
    await flush();
    gateway.socket().hello();
    await flush();
    await flush();
  }

  beforeEach(() => {
    gateway = createFakeGateway();
    storage = new Map();
    model = createMessengerModel({
      transport: gateway.transport,
      storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
      outbox: memoryOutboxStore(),
      appId: 'demo',
    });
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => {
    render(null, container);
    container.remove();
    model.dispose();
  });

  it('is a dialog named "Chat" with a log, a text box named "Message" and a Send button', async () => {
    await openMessenger();
    const dialog = container.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Chat');
    expect(dialog.hasAttribute('hidden')).toBe(false);
    expect(log().getAttribute('aria-live')).toBe('polite');
    const label = container.querySelector('label')!;
    expect(label.textContent).toBe('Message');
    expect(container.querySelector(`#${label.getAttribute('for')}`)).toBe(textbox());
    expect(container.querySelector('button[type="submit"]')!.textContent).toBe('Send');
  });

  it('is hidden while closed', async () => {
    await act(() => render(<Messenger model={model} />, container));
    expect(container.querySelector('[role="dialog"]')!.hasAttribute('hidden')).toBe(true);
  });

  it('moves focus into the text box when it opens', async () => {
    await openMessenger();
    expect(document.activeElement).toBe(textbox());
  });

  it('renders messages in order, with the agent name and Sending… then Sent for the visitor', async () => {
    storage.set(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
    storage.set(keys.conversation, JSON.stringify({ id: 'c' }));
    gateway.histories.c = [
      message({ conversationId: 'c', seq: 1, body: 'Hi, I have a question', author: { kind: 'visitor', id: 'v' }, clientMessageId: 'x' }),
      message({ conversationId: 'c', seq: 2, body: 'Sure, ask away' }),
    ];
    await openMessenger();
    type('Do you ship to Norway?');
    press({ key: 'Enter' });
    await flush();
    expect(rows()).toEqual(['Hi, I have a questionSent', 'DanaSure, ask away', 'Do you ship to Norway?Sending…']);

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
    await flush();
    expect(rows()).toEqual(['Hi, I have a questionSent', 'DanaSure, ask away', 'Do you ship to Norway?Sent']);
  });

  it('sends on Enter and clears the text box', async () => {
    await openMessenger();
    type('Hello');
    const event = press({ key: 'Enter' });
    await flush();
    expect(event.defaultPrevented).toBe(true);
    expect(gateway.socket().frames('message.send')).toEqual([expect.objectContaining({ body: 'Hello' })]);
    expect(textbox().value).toBe('');
  });

  it('does not send on Shift+Enter, which adds a line break', async () => {
    await openMessenger();
    type('First line');
    const event = press({ key: 'Enter', shiftKey: true });
    await flush();
    expect(event.defaultPrevented).toBe(false);
    expect(gateway.socket().frames('message.send')).toEqual([]);
    expect(textbox().value).toBe('First line');
  });

  it('sends with the Send button too', async () => {
    await openMessenger();
    type('Via button');
    await flush();
    container.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await flush();
    expect(gateway.socket().frames('message.send')).toEqual([expect.objectContaining({ body: 'Via button' })]);
  });

  it('shows HTML in a message as text', async () => {
    storage.set(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
    storage.set(keys.conversation, JSON.stringify({ id: 'c' }));
    const html = '<img src=x onerror="alert(1)"><b>bold</b>\nsecond line';
    gateway.histories.c = [message({ conversationId: 'c', seq: 1, body: html })];
    await openMessenger();
    const bubble = log().querySelector('.bubble')!;
    expect(bubble.textContent).toBe(html);
    expect(log().querySelector('img, b')).toBeNull();
  });

  it('shows a notice with "Try again" when the chat cannot start', async () => {
    gateway.transport.createSession = () => Promise.reject(Object.assign(new Error('down'), { name: 'TransportError', code: 'NETWORK', status: 0 }));
    await act(() => {
      render(<Messenger model={model} />, container);
      model.setOpen(true);
    });
    await flush();
    expect(container.querySelector('[role="status"]')!.textContent).toMatch(/Cannot reach the chat service.*Try again/);
  });
});
