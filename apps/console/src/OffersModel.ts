import type { ParleyClient } from '@parley/client';
import type { Message, Offer } from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import { ApiError, explainError, type Api } from './api.ts';
import { authorLabel, type TimelineItem } from './ConversationModel.ts';

/** The thread so far of an offered conversation, read-only. */
export interface OfferThread {
  status: 'loading' | 'ready' | 'error';
  items: TimelineItem[];
  /** Why the thread could not be shown. */
  error: string | null;
}

/** One pop-over: the offer, its thread, and how answering it went. */
export interface IncomingOffer {
  offer: Offer;
  thread: OfferThread;
  /** Which answer is on its way, if any. */
  busy: 'accept' | 'decline' | null;
  error: string | null;
  /** Milliseconds since the chat arrived (started waiting). */
  waited: number;
  /** Milliseconds until the offer runs out; null when it waits until answered. */
  left: number | null;
}

/** What the offers model needs: REST to answer and read threads, the client for live offers, a clock. */
export interface OffersTransport {
  api: Pick<Api, 'get' | 'post'>;
  client: Pick<ParleyClient, 'on'>;
  /** This agent: their own messages in a thread read "You". */
  me: { id: string };
  /** The current time, moved on by a timer (the team model's). */
  now: ReadonlySignal<number>;
  /** Current time in ms when a frame arrives (default `Date.now`), to correct for the gateway's clock. */
  clock?: () => number;
  /** Called once for every offer this console has not shown before: sound, title, notification. */
  onArrive?: (offer: Offer) => void;
  /** Called when this agent accepted an offer: the conversation is theirs (or they joined it). */
  onAccepted?: (offer: Offer) => void;
  /** Called with a sentence for the agent when an offer ends without their answer, and what it is about. */
  onNotice?: (text: string, key: string) => void;
  /**
   * Called when a notice about this key is no longer true: the chat is offered to this agent again,
   * or they accepted it (it did not go to the next agent; a transfer that ran out was followed by one taken).
   */
  onNoticeOutdated?: (key: string) => void;
}

/** The incoming requests (MISSION.md A3): chats offered from a queue, transfers and invitations to this agent. */
export interface OffersModel {
  /** Oldest first. */
  readonly incoming: ReadonlySignal<IncomingOffer[]>;
  /** Replaces the offers with the snapshot's (after a reload or reconnect). */
  replace(offers: Offer[]): void;
  /** Accepts an offer; true when the chat is now this agent's. */
  accept(offerId: string): Promise<boolean>;
  /** Refuses a transfer or an invitation (a chat from a queue cannot be refused, only left to run out). */
  decline(offerId: string): Promise<boolean>;
  /** Stops listening to the client. */
  dispose(): void;
}

const THREAD_PAGE = 50;

/** Who is asking, in a sentence: "Vera, from Sales", "Bob transfers Vera", "Bob invites you to Vera's chat". */
export function offerTitle(offer: Offer): string {
  const customer = offer.customerName?.trim() || 'a visitor';
  if (offer.kind === 'transfer') return `${offer.from?.name ?? 'An agent'} transfers a chat with ${customer}`;
  if (offer.kind === 'invite') return `${offer.from?.name ?? 'An agent'} invites you to a chat with ${customer}`;
  return `New chat from ${customer}`;
}

/** What the agent is told when an offer ends without their answer. */
function closedNotice(offer: Offer, outcome: 'expired' | 'withdrawn'): string {
  const customer = offer.customerName?.trim() || 'a visitor';
  if (offer.kind === 'chat') {
    return outcome === 'expired'
      ? `The chat from ${customer} was not accepted in time and goes to the next agent.`
      : `Another agent took the chat with ${customer}.`;
  }
  const what = offer.kind === 'transfer' ? 'transfer' : 'invitation';
  return outcome === 'expired' ? `The ${what} of the chat with ${customer} ran out.` : `The ${what} of the chat with ${customer} was withdrawn.`;
}

/** Creates the offers model; offers arrive by `routing.offer` and leave by `routing.offer.closed`. */
export function createOffersModel({ api, client, me, now, clock = Date.now, onArrive, onAccepted, onNotice, onNoticeOutdated }: OffersTransport): OffersModel {
  const offers = signal(new Map<string, Offer>());
  const threads = signal(new Map<string, OfferThread>());
  const answers = signal(new Map<string, { busy: IncomingOffer['busy']; error: string | null }>());
  /** How far the gateway's clock is behind ours, per offer that came live. */
  const skews = new Map<string, number>();
  const announced = new Set<string>();
  let disposed = false;

  const incoming = computed<IncomingOffer[]>(() =>
    [...offers.value.values()]
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id))
      .map((offer) => {
        const at = now.value - (skews.get(offer.id) ?? 0);
        const answer = answers.value.get(offer.id);
        return {
          offer,
          thread: threads.value.get(offer.conversationId) ?? { status: 'loading', items: [], error: null },
          busy: answer?.busy ?? null,
          error: answer?.error ?? null,
          waited: Math.max(0, at - Date.parse(offer.arrivedAt)),
          left: offer.expiresAt ? Math.max(0, Date.parse(offer.expiresAt) - at) : null,
        };
      }),
  );

  function setAnswer(offerId: string, busy: IncomingOffer['busy'], error: string | null): void {
    answers.value = new Map(answers.value).set(offerId, { busy, error });
  }

  function setThread(conversationId: string, thread: OfferThread): void {
    threads.value = new Map(threads.value).set(conversationId, thread);
  }

  async function loadThread(offer: Offer): Promise<void> {
    if (threads.value.has(offer.conversationId)) return;
    setThread(offer.conversationId, { status: 'loading', items: [], error: null });
    try {
      const page = await api.get<{ messages: Message[] }>(`/api/agent/conversations/${encodeURIComponent(offer.conversationId)}/messages?limit=${THREAD_PAGE}`);
      if (disposed) return;
      const items = [...page.messages]
        .sort((a, b) => a.seq - b.seq)
        .map<TimelineItem>((m) => ({
          key: m.id,
          authorKind: m.author.kind,
          authorLabel: authorLabel(m, me.id, { visitor: { id: '', name: offer.customerName } }),
          mine: m.author.kind === 'agent' && m.author.id === me.id,
          body: m.body,
          internal: m.internal ?? false,
          createdAt: m.createdAt,
          delivery: null,
          error: null,
          seen: false,
          attachments: m.attachments ?? [],
        }));
      setThread(offer.conversationId, { status: 'ready', items, error: null });
    } catch (e) {
      if (disposed) return;
      // The offer's preview still says what the customer wrote last.
      setThread(offer.conversationId, {
        status: 'error',
        items: [],
        error: e instanceof ApiError && e.code === 'NOT_FOUND' ? 'The thread shows once you accept.' : explainError(e, 'The thread could not be loaded.'),
      });
    }
  }

  function add(offer: Offer, live: boolean): void {
    if (live) {
      const skew = clock() - Date.parse(offer.createdAt);
      // Only a clear difference is the gateway's clock; a small one is the way here.
      if (Number.isFinite(skew) && Math.abs(skew) > 2000) skews.set(offer.id, skew);
    }
    offers.value = new Map(offers.value).set(offer.id, offer);
    void loadThread(offer);
    if (!announced.has(offer.id)) {
      announced.add(offer.id);
      onNoticeOutdated?.(`conversation:${offer.conversationId}`);
      onArrive?.(offer);
    }
  }

  function remove(offerId: string): Offer | undefined {
    const offer = offers.value.get(offerId);
    if (!offer) return undefined;
    batch(() => {
      const next = new Map(offers.value);
      next.delete(offerId);
      offers.value = next;
      const rest = new Map(answers.value);
      rest.delete(offerId);
      answers.value = rest;
      // The thread goes with the last offer about its conversation.
      if (![...next.values()].some((o) => o.conversationId === offer.conversationId)) {
        const threadsLeft = new Map(threads.value);
        threadsLeft.delete(offer.conversationId);
        threads.value = threadsLeft;
      }
    });
    skews.delete(offerId);
    return offer;
  }

  async function answer(offerId: string, verb: 'accept' | 'decline'): Promise<boolean> {
    const offer = offers.value.get(offerId);
    if (!offer || answers.value.get(offerId)?.busy) return false;
    setAnswer(offerId, verb, null);
    try {
      await api.post(`/api/agent/offers/${encodeURIComponent(offerId)}/${verb}`);
    } catch (e) {
      if (disposed) return false;
      if (e instanceof ApiError && (e.code === 'CONFLICT' || e.code === 'NOT_FOUND')) {
        // Someone else took it, or it ran out, while the agent was deciding: the pop-over goes.
        remove(offerId);
        onNotice?.(e.message || 'This chat was taken by someone else or the offer ran out.', `conversation:${offer.conversationId}`);
        return false;
      }
      setAnswer(offerId, null, explainError(e, verb === 'accept' ? 'The chat could not be accepted.' : 'The request could not be refused.'));
      return false;
    }
    if (disposed) return false;
    remove(offerId);
    if (verb === 'accept') {
      onNoticeOutdated?.(`conversation:${offer.conversationId}`);
      onAccepted?.(offer);
    }
    return true;
  }

  const stops = [
    client.on('frame', (frame) => {
      if (frame.type === 'routing.offer') add(frame.offer, true);
      else if (frame.type === 'routing.offer.closed') {
        // An answer of ours on its way settles the pop-over itself.
        if (answers.value.get(frame.offerId)?.busy) return;
        const offer = remove(frame.offerId);
        if (offer && (frame.outcome === 'expired' || frame.outcome === 'withdrawn')) onNotice?.(closedNotice(offer, frame.outcome), `conversation:${offer.conversationId}`);
      }
    }),
  ];

  return {
    incoming,
    replace(list) {
      batch(() => {
        const keep = new Set(list.map((o) => o.id));
        for (const id of offers.value.keys()) if (!keep.has(id)) remove(id);
        for (const offer of list) add(offer, false);
      });
    },
    accept: (offerId) => answer(offerId, 'accept'),
    decline: (offerId) => answer(offerId, 'decline'),
    dispose() {
      disposed = true;
      stops.splice(0).forEach((stop) => stop());
    },
  };
}
