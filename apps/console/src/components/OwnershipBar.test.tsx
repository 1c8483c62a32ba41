import type { ConversationRouting } from '@parley/protocol';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversationModel } from '../ConversationModel.ts';
import { createOwnershipModel } from '../OwnershipModel.ts';
import { createTeamModel } from '../TeamModel.ts';
import { fakeApi, fakeClient, message, summary } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { conversationRouting, routingAgent, routingQueue, snapshot } from '../test-support/routing.ts';
import { ConversationView } from './ConversationView.tsx';
import { afterResolve } from './OwnershipBar.tsx';

let unmount = () => {};
afterEach(() => unmount());

const ok = () => ({ ok: true });
const base = '/api/agent/conversations/c1';

async function setup(routing: ConversationRouting) {
  const api = fakeApi({
    [`GET ${base}/messages?limit=50`]: () => ({ messages: [message('c1', 1, { author: { kind: 'visitor', id: 'v1', name: 'Vera' } })], hasMore: false }),
    [`GET ${base}`]: () => ({ conversation: summary('c1', { visitor: { id: 'v1', name: 'Vera' }, routing }) }),
    'GET /api/agent/routing': () =>
      snapshot({
        agents: [
          routingAgent('a1', { name: 'Ada' }),
          routingAgent('a2', { name: 'Bob', load: 1 }),
          routingAgent('a3', { name: 'Cleo', status: 'break' }),
          routingAgent('a4', { name: 'Dan', email: 'dan@shop.example' }),
        ],
        queues: [routingQueue('q1', { name: 'Sales', waiting: 2, online: 2 }), routingQueue('q2', { name: 'Billing' })],
      }),
    [`POST ${base}/take`]: ok,
    [`POST ${base}/transfer`]: ok,
    [`POST ${base}/invite`]: ok,
    [`POST ${base}/leave`]: ok,
    [`POST ${base}/conference/end`]: ok,
    [`POST ${base}/resolve`]: ok,
  });
  const client = fakeClient();
  const gone: string[] = [];
  const notices: string[] = [];
  const team = createTeamModel({ api, client, tick: () => () => {} });
  const ownership = createOwnershipModel({ api, client, titleOf: () => 'Vera', onNotice: (t) => notices.push(t), onGone: (id) => gone.push(id) });
  const model = createConversationModel({ api, client, conversationId: 'c1', me: { id: 'a1' } });
  const view = await render(<ConversationView model={model} desk={{ team, ownership }} me={{ id: 'a1' }} />);
  unmount = () => {
    view.unmount();
    model.dispose();
    team.dispose();
    ownership.dispose();
  };
  await settle(() => Promise.all([model.load(), team.load()]));
  const setRouting = (next: ConversationRouting) => settle(() => client.emit('frame', { type: 'routing.conversation', conversationId: 'c1', routing: next }));
  return { api, client, gone, notices, setRouting, screen: within(view.container), user: userEvent.setup() };
}

describe('OwnershipBar', () => {
  it('offers "Take ownership" on a broadcast chat, and shows the new owner when routing says so', async () => {
    const { screen, user, api, setRouting } = await setup(conversationRouting(null, { state: 'broadcast' }));
    expect(screen.getByText('Open to every agent in Sales: the first to reply or take it owns it')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Resolve' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Take ownership' }));
    expect(api.calls).toContain(`POST ${base}/take`);
    await setRouting(conversationRouting('a1'));
    expect(screen.getByText('Owned by you')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Take ownership' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Resolve' })).toBeTruthy();
  });

  it('shows another agent’s chat as theirs, with no commands', async () => {
    const { screen } = await setup(conversationRouting('a2', { ownerName: 'Bob' }));
    expect(screen.getByText('Owned by Bob')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Transfer|Invite|Resolve|Take ownership/ })).toBeNull();
  });

  it('transfers through a searchable list of agents (with status and load) and queues; pending until the answer', async () => {
    const { screen, user, api, client } = await setup(conversationRouting('a1'));
    await user.click(screen.getByRole('button', { name: 'Transfer' }));
    const dialog = screen.getByRole('dialog', { name: 'Transfer the chat with Vera' });
    const picks = () => within(dialog).getAllByRole('button').filter((b) => b.classList.contains('pick__button'));
    expect(picks().map((b) => b.textContent)).toEqual(['Bob', 'Cleo', 'Dan', 'Billing', 'Sales']);
    expect(within(dialog).getByRole('button', { name: 'Bob' }).getAttribute('aria-describedby')).toBeTruthy();
    expect(dialog.textContent).toContain('Online · 1 of 3 chats');
    expect((within(dialog).getByRole('button', { name: 'Cleo' }) as HTMLButtonElement).disabled).toBe(true);
    expect(document.activeElement).toBe(within(dialog).getByRole('searchbox', { name: 'Search' }));
    await user.keyboard('shop');
    expect(picks().map((b) => b.textContent)).toEqual(['Dan']);
    // The list is live: an agent who goes on a break can no longer be chosen.
    await settle(() => client.emit('frame', { type: 'routing.agent', agent: routingAgent('a4', { name: 'Dan', email: 'dan@shop.example', status: 'break' }) }));
    expect((within(dialog).getByRole('button', { name: 'Dan' }) as HTMLButtonElement).disabled).toBe(true);
    await user.clear(within(dialog).getByRole('searchbox', { name: 'Search' }));
    await user.click(within(dialog).getByRole('button', { name: 'Bob' }));
    await settle();
    expect(api.bodies.find((b) => b.call === `POST ${base}/transfer`)?.body).toEqual({ agentId: 'a2' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('Transfer to Bob pending: waiting for their answer…')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Transfer' }) as HTMLButtonElement).disabled).toBe(true);
    await settle(() => client.emit('frame', { type: 'routing.transfer.result', conversationId: 'c1', accepted: false, to: { kind: 'agent', id: 'a2', name: 'Bob' } }));
    expect(screen.queryByText(/Transfer to Bob pending/)).toBeNull();
    expect((screen.getByRole('button', { name: 'Transfer' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('invites an agent (never one already in the chat), shows the guests, and ends the conference', async () => {
    const { screen, user, api, setRouting } = await setup(conversationRouting('a1'));
    await user.click(screen.getByRole('button', { name: 'Invite' }));
    const dialog = screen.getByRole('dialog', { name: 'Invite an agent to the chat with Vera' });
    expect(within(dialog).queryByRole('heading', { name: 'Queues' })).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Bob' }));
    await settle();
    expect(api.bodies.find((b) => b.call === `POST ${base}/invite`)?.body).toEqual({ agentId: 'a2' });
    await setRouting(conversationRouting('a1', { guests: [{ id: 'a2', name: 'Bob' }] }));
    expect(screen.getByText('In conference: Bob')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Invite' }));
    expect(within(screen.getByRole('dialog')).queryByRole('button', { name: 'Bob' })).toBeNull();
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Invite' }));
    await user.click(screen.getByRole('button', { name: 'End conference' }));
    expect(api.calls).toContain(`POST ${base}/conference/end`);
  });

  it('lets a guest leave', async () => {
    const { screen, user, api, gone } = await setup(conversationRouting('a2', { ownerName: 'Bob', guests: [{ id: 'a1', name: 'Ada' }] }));
    expect(screen.getByText('In conference: you')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Leave' }));
    await settle();
    expect(api.calls).toContain(`POST ${base}/leave`);
    expect(gone).toEqual(['c1']);
  });

  it('resolves only with a wrap-up reason chosen from the list', async () => {
    const { screen, user, api, gone, notices } = await setup(conversationRouting('a1'));
    await user.click(screen.getByRole('button', { name: 'Resolve' }));
    const dialog = screen.getByRole('dialog', { name: 'Resolve the chat with Vera' });
    const submit = within(dialog).getByRole('button', { name: 'Resolve' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    expect(within(dialog).getByRole('group', { name: 'Wrap-up reason (required)' })).toBeTruthy();
    // As the gateway keeps it: 7 days in Closed first (PARLEY_ARCHIVE_AFTER_DAYS), not the archive at once.
    expect(dialog.textContent).toContain('The visitor is told the chat has ended. It stays in Closed for 7 days, then moves to the archive.');
    await user.click(within(dialog).getByRole('radio', { name: 'Order placed' }));
    expect(submit.disabled).toBe(false);
    await user.click(submit);
    await settle();
    expect(api.bodies.find((b) => b.call === `POST ${base}/resolve`)?.body).toEqual({ wrapUp: 'Order placed' });
    expect(gone).toEqual(['c1']);
    expect(notices).toEqual(['Resolved the chat with Vera (Order placed).']);
  });

  it('says where a resolved chat goes: Closed for the days the gateway keeps it there, or the archive at once', () => {
    expect(afterResolve(1)).toBe('The visitor is told the chat has ended. It stays in Closed for a day, then moves to the archive.');
    expect(afterResolve(30)).toBe('The visitor is told the chat has ended. It stays in Closed for 30 days, then moves to the archive.');
    expect(afterResolve(0)).toBe('The visitor is told the chat has ended, and it moves to the archive.');
    expect(afterResolve(null)).toBe('The visitor is told the chat has ended. It stays in Closed for a while, then moves to the archive.');
  });
});
