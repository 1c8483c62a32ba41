import type { Offer } from '@parley/protocol';
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createOffersModel, offerTitle } from './OffersModel.ts';
import { fakeApi, fakeClient, flush, message } from './test-support/fakes.ts';
import { offer } from './test-support/routing.ts';

const T0 = Date.parse('2024-05-01T10:00:10.000Z');

function setup(routes: Record<string, (body?: unknown) => unknown> = {}, clock = () => T0) {
  const api = fakeApi({
    'GET /api/agent/conversations/c-o1/messages?limit=50': () => ({
      messages: [
        message('c-o1', 2, { body: 'Do you ship orchids?', author: { kind: 'visitor', id: 'v1' } }),
        message('c-o1', 1, { body: 'Hello', author: { kind: 'visitor', id: 'v1' } }),
      ],
      hasMore: false,
    }),
    'POST /api/agent/offers/o1/accept': () => ({ ok: true }),
    'POST /api/agent/offers/o1/decline': () => ({ ok: true }),
    ...routes,
  });
  const client = fakeClient();
  const now = signal(T0);
  const arrived: Offer[] = [];
  const accepted: Offer[] = [];
  const notices: string[] = [];
  const offers = createOffersModel({
    api,
    client,
    me: { id: 'a1' },
    now,
    clock,
    onArrive: (o) => arrived.push(o),
    onAccepted: (o) => accepted.push(o),
    onNotice: (t) => notices.push(t),
  });
  const push = (o: Offer) => client.emit('frame', { type: 'routing.offer', offer: o });
  return { api, client, now, offers, arrived, accepted, notices, push };
}

describe('createOffersModel', () => {
  it('shows a live offer with its thread so far, in order, and announces it once', async () => {
    const { offers, arrived, push } = setup();
    push(offer('o1'));
    expect(offers.incoming.value).toHaveLength(1);
    expect(offers.incoming.value[0]!.thread.status).toBe('loading');
    await flush();
    const [item] = offers.incoming.value;
    expect(item!.thread.items.map((i) => [i.authorLabel, i.body])).toEqual([
      ['Vera', 'Hello'],
      ['Vera', 'Do you ship orchids?'],
    ]);
    // The same offer again in a snapshot after a reconnect is not a new alert.
    offers.replace([offer('o1')]);
    expect(arrived.map((o) => o.id)).toEqual(['o1']);
  });

  it('runs the timers: since the chat arrived, and what is left until the offer runs out', () => {
    const { offers, now, push } = setup();
    push(offer('o1'));
    expect(offers.incoming.value[0]).toMatchObject({ waited: 10_000, left: 30_000 });
    now.value = T0 + 25_000;
    expect(offers.incoming.value[0]).toMatchObject({ waited: 35_000, left: 5_000 });
    now.value = T0 + 60_000;
    expect(offers.incoming.value[0]!.left).toBe(0);
  });

  it('corrects the timers for a gateway clock that differs clearly from the browser’s', () => {
    // The browser is 60 s ahead of the gateway.
    const { offers, now, push } = setup({}, () => T0 + 60_000);
    now.value = T0 + 60_000;
    push(offer('o1'));
    expect(offers.incoming.value[0]).toMatchObject({ left: 30_000 });
  });

  it('has no time limit for an offer that waits until answered', () => {
    const { offers, push } = setup();
    push(offer('o1', { kind: 'invite', expiresAt: null, from: { id: 'a2', name: 'Bob' } }));
    expect(offers.incoming.value[0]!.left).toBeNull();
  });

  it('accepts: posts, the pop-over goes, and the chat is handed to the console', async () => {
    const { offers, api, accepted, push } = setup();
    push(offer('o1'));
    const answer = offers.accept('o1');
    expect(offers.incoming.value[0]!.busy).toBe('accept');
    expect(await answer).toBe(true);
    expect(api.calls).toContain('POST /api/agent/offers/o1/accept');
    expect(offers.incoming.value).toEqual([]);
    expect(accepted.map((o) => o.conversationId)).toEqual(['c-o1']);
  });

  it('removes the pop-over and says why when someone else was faster', async () => {
    const { offers, accepted, notices, push } = setup({
      'POST /api/agent/offers/o1/accept': () => {
        throw new ApiError(409, 'CONFLICT', 'This chat was taken by someone else or the offer ran out.');
      },
    });
    push(offer('o1'));
    expect(await offers.accept('o1')).toBe(false);
    expect(offers.incoming.value).toEqual([]);
    expect(accepted).toEqual([]);
    expect(notices).toEqual(['This chat was taken by someone else or the offer ran out.']);
  });

  it('keeps the pop-over with the reason when the answer fails for another cause, so it can be tried again', async () => {
    const { offers, push } = setup({
      'POST /api/agent/offers/o1/accept': () => {
        throw new ApiError(0, 'NETWORK', 'Parley could not be reached. Check the connection and try again.');
      },
    });
    push(offer('o1'));
    await offers.accept('o1');
    expect(offers.incoming.value[0]).toMatchObject({ busy: null, error: 'Parley could not be reached. Check the connection and try again.' });
  });

  it('refuses a transfer', async () => {
    const { offers, api, accepted, push } = setup();
    push(offer('o1', { kind: 'transfer', from: { id: 'a2', name: 'Bob' } }));
    expect(await offers.decline('o1')).toBe(true);
    expect(api.calls).toContain('POST /api/agent/offers/o1/decline');
    expect(offers.incoming.value).toEqual([]);
    expect(accepted).toEqual([]);
  });

  it('closes a pop-over on routing.offer.closed, telling the agent when it ran out or went to someone else', () => {
    const { offers, client, notices, push } = setup();
    push(offer('o1'));
    push(offer('o2', { conversationId: 'c-o1', customerName: 'Sam' }));
    push(offer('o3', { conversationId: 'c-o1' }));
    const close = (offerId: string, outcome: 'accepted' | 'declined' | 'expired' | 'withdrawn') =>
      client.emit('frame', { type: 'routing.offer.closed', offerId, conversationId: 'c-o1', outcome });
    close('o1', 'expired');
    close('o2', 'withdrawn');
    close('o3', 'accepted');
    expect(offers.incoming.value).toEqual([]);
    expect(notices).toEqual(['The chat from Vera was not accepted in time and goes to the next agent.', 'Another agent took the chat with Sam.']);
  });

  it('says the thread shows after accepting when the gateway does not show it before', async () => {
    const { offers, push } = setup({
      'GET /api/agent/conversations/c-o1/messages?limit=50': () => {
        throw new ApiError(404, 'NOT_FOUND', 'Not found.');
      },
    });
    push(offer('o1'));
    await flush();
    expect(offers.incoming.value[0]!.thread).toEqual({ status: 'error', items: [], error: 'The thread shows once you accept.' });
  });

  it('takes the snapshot’s offers as the whole list', () => {
    const { offers, push } = setup();
    push(offer('o1'));
    offers.replace([offer('o2', { conversationId: 'c-o1' })]);
    expect(offers.incoming.value.map((i) => i.offer.id)).toEqual(['o2']);
  });

  it('names who asks', () => {
    expect(offerTitle(offer('o1'))).toBe('New chat from Vera');
    expect(offerTitle(offer('o1', { customerName: null }))).toBe('New chat from a visitor');
    expect(offerTitle(offer('o1', { kind: 'transfer', from: { id: 'a2', name: 'Bob' } }))).toBe('Bob transfers a chat with Vera');
    expect(offerTitle(offer('o1', { kind: 'invite', from: { id: 'a2', name: 'Bob' } }))).toBe('Bob invites you to a chat with Vera');
  });
});
