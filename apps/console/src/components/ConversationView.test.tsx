import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversationModel } from '../ConversationModel.ts';
import { fakeApi, fakeClient, message, summary } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { ConversationView } from './ConversationView.tsx';

const HTML = '<img src=x onerror="window.hacked=1"><b>bold</b><script>window.hacked=2</script>';
let unmount = () => {};
afterEach(() => unmount());

async function setup() {
  const api = fakeApi({
    'GET /api/agent/conversations/c1/messages?limit=50': () => ({
      messages: [
        message('c1', 1, { body: 'Hi, I need help', author: { kind: 'visitor', id: 'v1', name: 'Vera' } }),
        message('c1', 2, { body: 'Customer seems upset', internal: true, author: { kind: 'agent', id: 'a2', name: 'Bob' } }),
        message('c1', 3, { body: HTML, author: { kind: 'visitor', id: 'v1', name: 'Vera' } }),
      ],
      hasMore: false,
    }),
    'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1', { lastSeq: 3, visitor: { id: 'v1', name: 'Vera' } }) }),
  });
  const client = fakeClient();
  const model = createConversationModel({ api, client, conversationId: 'c1', me: { id: 'a1' } });
  const view = await render(<ConversationView model={model} />);
  unmount = () => {
    view.unmount();
    model.dispose();
  };
  await settle(() => model.load());
  const screen = within(view.container);
  const messages = () => within(screen.getByRole('log', { name: 'Messages' })).getAllByRole('listitem');
  return { client, model, screen, messages, user: userEvent.setup(), container: view.container };
}

describe('ConversationView', () => {
  it('shows the visitor as the heading and the messages in order', async () => {
    const { screen, messages } = await setup();
    expect(screen.getByRole('heading', { name: 'Vera' })).toBeTruthy();
    expect(messages().map((li) => li.querySelector('.message__body')!.textContent)).toEqual(['Hi, I need help', 'Customer seems upset', HTML]);
  });

  it('marks an internal note with its label and a different look', async () => {
    const { messages } = await setup();
    const [reply, note] = messages();
    expect(note!.textContent).toContain('Internal note');
    expect(note!.className).toContain('message--note');
    expect(reply!.textContent).not.toContain('Internal note');
    expect(reply!.className).not.toContain('message--note');
  });

  it('shows HTML in a message as text and never runs it', async () => {
    const { messages, container } = await setup();
    const body = messages()[2]!.querySelector('.message__body')!;
    expect(body.textContent).toBe(HTML);
    expect(body.children).toHaveLength(0);
    expect(container.querySelector('img, b, script')).toBeNull();
    expect((window as { hacked?: number }).hacked).toBeUndefined();
  });

  it('sends with Enter, shows Sending… then Sent, and clears the box', async () => {
    const { screen, user, client, messages } = await setup();
    const box = screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement;
    await user.type(box, 'On it!{Enter}');
    await settle();
    expect(client.sent).toEqual([{ conversationId: 'c1', body: 'On it!', internal: false, clientMessageId: 'cm-1' }]);
    expect(box.value).toBe('');
    expect(messages().at(-1)!.textContent).toContain('Sending…');
    await settle(() => client.ack('cm-1', 4));
    expect(messages().at(-1)!.textContent).toContain('Sent');
    expect(messages().at(-1)!.textContent).not.toContain('Sending…');
  });

  it('adds a line break with Shift+Enter instead of sending', async () => {
    const { screen, user, client } = await setup();
    const box = screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement;
    await user.type(box, 'line one{Shift>}{Enter}{/Shift}line two');
    await settle();
    expect(client.sent).toEqual([]);
    expect(box.value).toBe('line one\nline two');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await settle();
    expect(client.sent.map((s) => s.body)).toEqual(['line one\nline two']);
  });

  it('switches to internal note mode, changes the composer look, and sends the note as internal', async () => {
    const { screen, user, client, container, messages } = await setup();
    const reply = screen.getByRole('radio', { name: 'Reply' }) as HTMLInputElement;
    const note = screen.getByRole('radio', { name: 'Internal note' }) as HTMLInputElement;
    expect(reply.checked).toBe(true);
    expect(container.querySelector('form')!.className).not.toContain('composer--note');
    await user.click(note);
    await settle();
    expect(note.checked).toBe(true);
    expect(container.querySelector('form')!.className).toContain('composer--note');
    expect(container.querySelector('form')!.getAttribute('data-mode')).toBe('note');
    await user.type(screen.getByRole('textbox', { name: 'Reply' }), 'Escalate to billing{Enter}');
    await settle();
    expect(client.sent[0]).toMatchObject({ body: 'Escalate to billing', internal: true });
    expect(messages().at(-1)!.textContent).toContain('Internal note');
    await user.click(reply);
    await settle();
    expect(container.querySelector('form')!.className).not.toContain('composer--note');
  });

  it('shows a live message once even when it arrives twice', async () => {
    const { client, messages } = await setup();
    const live = message('c1', 4, { body: 'Are you there?' });
    await settle(() => {
      client.emit('message', live);
      client.emit('message', live);
      client.emit('message', message('other', 1, { body: 'not this one' }));
    });
    expect(messages().map((li) => li.querySelector('.message__body')!.textContent)).toEqual(['Hi, I need help', 'Customer seems upset', HTML, 'Are you there?']);
  });

  it('shows the customer leaving as a line of its own, the visitor typing, and "Seen" under the read reply', async () => {
    const { client, screen, container } = await setup();
    client.emit('message', message('c1', 4, { body: 'Sure, here is how', author: { kind: 'agent', id: 'a1', name: 'Me' } }));
    client.emit('message', message('c1', 5, { body: 'The customer left the conversation.', internal: true, author: { kind: 'system', id: 'parley' } }));
    client.emit('frame', { type: 'typing', conversationId: 'c1', state: 'start', author: { kind: 'visitor', id: 'v1' } });
    client.emit('frame', { type: 'conversation.read', conversationId: 'c1', reader: { kind: 'visitor', id: 'v1' }, seq: 4, readAt: '' });
    await settle();
    const left = container.querySelector('.message--event')!;
    expect(left.textContent).toContain('The customer left the conversation.');
    expect(left.textContent).not.toContain('Internal note');
    expect(screen.getByText('Vera is typing…')).toBeTruthy();
    expect(screen.getByText('Sure, here is how').closest('li')!.textContent).toContain('Seen by the visitor');
  });
});
