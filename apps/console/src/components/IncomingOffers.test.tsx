import { signal } from '@preact/signals';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createOffersModel } from '../OffersModel.ts';
import { fakeApi, fakeClient, message } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { offer } from '../test-support/routing.ts';
import { IncomingOffers } from './IncomingOffers.tsx';

let unmount = () => {};
afterEach(() => unmount());

const T0 = Date.parse('2024-05-01T10:00:10.000Z');

async function setup() {
  const api = fakeApi({
    'GET /api/agent/conversations/c-o1/messages?limit=50': () => ({
      messages: [message('c-o1', 1, { body: 'Do you ship orchids to Utrecht?', author: { kind: 'visitor', id: 'v1', name: 'Vera' } })],
      hasMore: false,
    }),
    'GET /api/agent/conversations/c-o2/messages?limit=50': () => ({ messages: [], hasMore: false }),
    'POST /api/agent/offers/o1/accept': () => ({ ok: true }),
    'POST /api/agent/offers/o2/decline': () => ({ ok: true }),
  });
  const client = fakeClient();
  const now = signal(T0);
  const offers = createOffersModel({ api, client, me: { id: 'a1' }, now, clock: () => T0 });
  const before = document.createElement('textarea');
  before.setAttribute('aria-label', 'Reply');
  document.body.append(before);
  const view = await render(<IncomingOffers offers={offers} />);
  unmount = () => {
    view.unmount();
    offers.dispose();
    before.remove();
  };
  const push = (o = offer('o1')) => settle(() => client.emit('frame', { type: 'routing.offer', offer: o }));
  return { api, client, now, offers, push, before, screen: within(view.container), container: view.container, user: userEvent.setup() };
}

describe('IncomingOffers', () => {
  it('pops over with the customer, the queue, the thread so far, the timers and Accept, and announces it', async () => {
    const { screen, push, now, container } = await setup();
    await push();
    const dialog = screen.getByRole('alertdialog', { name: 'New chat from Vera' });
    expect(dialog.getAttribute('aria-describedby')).toBeTruthy();
    expect(within(dialog).getByText('Sales')).toBeTruthy();
    expect(within(dialog).getByRole('log', { name: 'Thread so far with Vera' }).textContent).toContain('Do you ship orchids to Utrecht?');
    expect(dialog.textContent).toContain('waiting 0:10');
    expect(dialog.textContent).toContain('0:30 left to accept');
    await settle(() => (now.value = T0 + 5000));
    expect(dialog.textContent).toContain('waiting 0:15');
    expect(dialog.textContent).toContain('0:25 left to accept');
    expect(within(dialog).queryByRole('button', { name: 'Refuse' })).toBeNull();
    expect(container.querySelector('[aria-live="assertive"]')!.textContent).toBe('New chat from Vera in Sales. Accept it under Incoming requests.');
  });

  it('takes the focus to Accept when the agent is not typing, and gives it back after accepting', async () => {
    const { screen, push, user, api } = await setup();
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    await push();
    const accept = screen.getByRole('button', { name: 'Accept' });
    expect(document.activeElement).toBe(accept);
    await user.keyboard('{Enter}');
    await settle();
    expect(api.calls).toContain('POST /api/agent/offers/o1/accept');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });

  it('leaves the focus in the reply box while the agent is typing', async () => {
    const { screen, push, before } = await setup();
    before.focus();
    await push();
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    expect(document.activeElement).toBe(before);
  });

  it('offers Refuse for a transfer, and the pop-over goes when refused or closed by the gateway', async () => {
    const { screen, push, user, client, api } = await setup();
    await push(offer('o2', { kind: 'transfer', conversationId: 'c-o2', from: { id: 'a2', name: 'Bob' }, preview: 'Need an invoice' }));
    await push(offer('o1', { createdAt: '2024-05-01T10:00:11.000Z' }));
    expect(screen.getAllByRole('alertdialog').map((d) => d.getAttribute('data-offer-id'))).toEqual(['o2', 'o1']);
    const transfer = screen.getByRole('alertdialog', { name: 'Bob transfers a chat with Vera' });
    expect(transfer.textContent).toContain('“Need an invoice”');
    await user.click(within(transfer).getByRole('button', { name: 'Refuse' }));
    await settle();
    expect(api.calls).toContain('POST /api/agent/offers/o2/decline');
    await settle(() => client.emit('frame', { type: 'routing.offer.closed', offerId: 'o1', conversationId: 'c-o1', outcome: 'withdrawn' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.queryByRole('region', { name: 'Incoming requests' })).toBeNull();
  });
});
