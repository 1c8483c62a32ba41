import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api.ts';
import { createConversationModel } from '../ConversationModel.ts';
import { fakeApi, fakeClient, message, summary } from '../test-support/fakes.ts';
import { conversationRouting } from '../test-support/routing.ts';
import { agentTicket, block, customerPanel, historyEntry } from '../test-support/workspace.ts';
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
    await user.type(screen.getByRole('textbox', { name: 'Internal note' }), 'Escalate to billing{Enter}');
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

describe('ConversationView with the customer panel and actions', () => {
  async function workspace(customer = customerPanel(), routes: Record<string, (body?: unknown) => unknown> = {}) {
    let current = customer;
    const api = fakeApi({
      'GET /api/agent/conversations/c1/messages?limit=50': () => ({ messages: [message('c1', 1, { body: 'Hello', author: { kind: 'visitor', id: 'v1', name: 'Vera' } })], hasMore: false }),
      'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1', { visitor: { id: 'v1', name: 'Vera' } }) }),
      'GET /api/agent/conversations/c1/customer': () => ({ customer: current }),
      'POST /api/agent/conversations/c1/block': (body) => ((current = { ...current, blocked: true }), { block: block('b1', body as object) }),
      'POST /api/agent/conversations/c1/ticket': () => ({ ticket: agentTicket(1001), duplicate: false }),
      'GET /api/agent/tickets/1001': () => ({ ticket: agentTicket(1001, { subject: 'Broken pot' }) }),
      'PATCH /api/agent/tickets/1001': (body) => ({ ticket: agentTicket(1001, { subject: 'Broken pot', ...(body as object) }) }),
      ...routes,
    });
    const client = fakeClient();
    const model = createConversationModel({ api, client, conversationId: 'c1', me: { id: 'a1' } });
    const opened: string[] = [];
    const view = await render(<ConversationView model={model} api={api} onOpen={(id) => opened.push(id)} />);
    unmount = () => {
      view.unmount();
      model.dispose();
    };
    await settle(() => model.load());
    await settle();
    return { api, client, opened, screen: within(document.body), user: userEvent.setup() };
  }

  it('shows the customer panel beside the messages', async () => {
    const { screen } = await workspace();
    const panel = screen.getByRole('region', { name: 'Customer' });
    expect(panel.textContent).toContain('Vera Visitor');
    expect(screen.getByRole('log', { name: 'Messages' }).textContent).toContain('Hello');
  });

  it("keeps this conversation's line in the history live: another agent takes it, then it goes to the archive", async () => {
    const { client, screen } = await workspace(customerPanel({ history: [historyEntry('c1', { status: 'open', owner: null })] }));
    const line = () => screen.getByRole('region', { name: 'Customer' }).querySelector('.history__entry--current .history__meta')!.textContent;
    expect(line()).toBe('Open · no agent yet · this conversation');
    client.emit('frame', { type: 'routing.conversation', conversationId: 'c1', routing: conversationRouting('a2', { ownerName: 'Kim' }) });
    await settle();
    expect(line()).toBe('Open · with Kim · this conversation');
    client.emit('frame', { type: 'conversation.updated', conversation: summary('c1', { lastSeq: 2, archivedAt: '2024-05-01T11:00:00.000Z', routing: conversationRouting('a2', { ownerName: 'Kim' }) }) });
    await settle();
    expect(line()).toBe('Archived · with Kim · this conversation');
  });

  it('blocks the visitor only after the confirmation, with the IP address when ticked', async () => {
    const { screen, user, api } = await workspace();
    const button = screen.getByRole('button', { name: 'Block visitor' });
    await user.click(button);
    const dialog = screen.getByRole('dialog', { name: 'Block Vera?' });
    expect(dialog.textContent).toContain('Their chat session ends now and they are told they cannot chat here.');
    // The safe choice has the focus and leaves without blocking.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.keyboard('{Enter}');
    await settle();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls).not.toContain('POST /api/agent/conversations/c1/block');
    await user.click(button);
    const again = screen.getByRole('dialog', { name: 'Block Vera?' });
    await user.click(within(again).getByRole('checkbox', { name: /Also block their IP address/ }));
    await user.type(within(again).getByRole('textbox', { name: /Reason/ }), 'Abusive');
    await user.click(within(again).getByRole('button', { name: 'Block visitor' }));
    await settle();
    expect(api.bodies).toEqual([{ call: 'POST /api/agent/conversations/c1/block', body: { byIp: true, reason: 'Abusive' } }]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((screen.getByRole('button', { name: 'Visitor blocked' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('region', { name: 'Customer' }).textContent).toContain('Blocked');
  });

  it('says why a block failed, in the dialog', async () => {
    const { screen, user } = await workspace(customerPanel(), {
      'POST /api/agent/conversations/c1/block': () => {
        throw new ApiError(404, 'NOT_FOUND', 'Not found.');
      },
    });
    await user.click(screen.getByRole('button', { name: 'Block visitor' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Block visitor' }));
    await settle();
    expect(within(screen.getByRole('dialog')).getByRole('alert').textContent).toContain('no longer yours to change');
    expect(within(screen.getByRole('region', { name: 'Customer' })).queryByRole('alert')).toBeNull();
  });

  it('converts the chat to a ticket with the customer’s e-mail; the button then goes to the ticket', async () => {
    const { screen, user, api } = await workspace(customerPanel({ email: 'vera@example.com' }));
    await user.click(screen.getByRole('button', { name: 'Convert to ticket' }));
    const dialog = screen.getByRole('dialog', { name: 'Convert the chat with Vera to a ticket' });
    const email = within(dialog).getByRole('textbox', { name: 'Customer’s e-mail' }) as HTMLInputElement;
    expect(email.value).toBe('vera@example.com');
    expect(document.activeElement).toBe(email);
    await user.type(within(dialog).getByRole('textbox', { name: 'Subject (optional)' }), 'Broken pot');
    await user.click(within(dialog).getByRole('button', { name: 'Convert to ticket' }));
    await settle();
    expect(api.bodies).toEqual([{ call: 'POST /api/agent/conversations/c1/ticket', body: { email: 'vera@example.com', subject: 'Broken pot' } }]);
    expect(screen.queryByRole('dialog')).toBeNull();
    const go = screen.getByRole('button', { name: 'Go to ticket #1001' });
    expect(screen.getByText(/Ticket #1001/, { selector: '.conversation__sub' })).toBeTruthy();
    await user.click(go);
    await settle();
    const ticket = screen.getByRole('region', { name: 'Ticket #1001' });
    expect(document.activeElement).toBe(within(ticket).getByRole('heading', { name: 'Ticket #1001' }));
    expect(ticket.textContent).toContain('Broken pot');
    await user.selectOptions(within(ticket).getByRole('combobox', { name: 'Status' }), 'pending');
    await settle();
    expect(api.bodies.at(-1)).toEqual({ call: 'PATCH /api/agent/tickets/1001', body: { status: 'pending' } });
    await user.click(within(ticket).getByRole('button', { name: 'Back to the customer' }));
    await settle();
    expect(screen.getByRole('region', { name: 'Customer' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Go to ticket #1001' }));
  });

  it('asks for an e-mail address before converting, when the customer gave none', async () => {
    const { screen, user, api } = await workspace();
    await user.click(screen.getByRole('button', { name: 'Convert to ticket' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Convert to ticket' }));
    await settle();
    expect(within(dialog).getByRole('alert').textContent).toBe('E-mail must be an e-mail address such as name@example.com.');
    expect(api.calls).not.toContain('POST /api/agent/conversations/c1/ticket');
  });

  it('offers "Go to ticket" straight away for a conversation that backs a ticket', async () => {
    const { screen } = await workspace(customerPanel({ ticket: { number: 1002, status: 'pending' } }));
    expect(screen.getByRole('button', { name: 'Go to ticket #1002' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Convert to ticket' })).toBeNull();
  });
});
