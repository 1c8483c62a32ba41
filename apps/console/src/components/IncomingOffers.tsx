import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { clockTime, duration, durationWords, fullTime } from '../format.ts';
import { offerTitle, type IncomingOffer, type OffersModel } from '../OffersModel.ts';
import { MessageList } from './MessageList.tsx';

/** Whether the agent is writing somewhere: then a new request must not take the focus away. */
function typingInField(): boolean {
  const active = document.activeElement;
  return active instanceof HTMLElement && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
}

/** What a screen reader says when a request arrives. */
function announcement({ offer }: IncomingOffer): string {
  const where = offer.queueName ? ` in ${offer.queueName}` : '';
  const answer = offer.kind === 'chat' ? 'Accept it under Incoming requests.' : 'Accept or refuse it under Incoming requests.';
  return `${offerTitle(offer)}${where}. ${answer}`;
}

/** One request: who, which queue, the thread so far, when it arrived and how long is left; Accept (and Refuse). */
function OfferCard({ item, offers, autoFocus }: { item: IncomingOffer; offers: Pick<OffersModel, 'accept' | 'decline'>; autoFocus: boolean }) {
  const { offer, thread, busy, error, waited, left } = item;
  const accept = useRef<HTMLButtonElement>(null);
  const id = `offer-${offer.id}`;
  useLayoutEffect(() => {
    if (autoFocus) accept.current?.focus();
  }, []);
  const kindText = offer.kind === 'chat' ? 'Chat request' : offer.kind === 'transfer' ? 'Transfer' : 'Conference invitation';
  return (
    <div class={`offer offer--${offer.kind}`} role="alertdialog" aria-modal="false" aria-labelledby={`${id}-title`} aria-describedby={`${id}-about`} data-offer-id={offer.id}>
      <p class="offer__kind">{kindText}</p>
      <h2 id={`${id}-title`} class="offer__title">
        {offerTitle(offer)}
      </h2>
      <p id={`${id}-about`} class="offer__about">
        {offer.queueName && (
          <>
            Queue: <strong>{offer.queueName}</strong> ·{' '}
          </>
        )}
        Arrived{' '}
        <time dateTime={offer.arrivedAt} title={fullTime(offer.arrivedAt)}>
          {clockTime(offer.arrivedAt)}
        </time>
        , waiting <span title={durationWords(waited)}>{duration(waited)}</span>
      </p>
      {left !== null && (
        <p class={`offer__left${left <= 10_000 ? ' offer__left--soon' : ''}`}>{left > 0 ? `${duration(left)} left to accept` : 'Time is up'}</p>
      )}
      {thread.status === 'ready' && thread.items.length > 0 ? (
        <MessageList items={thread.items} label={`Thread so far with ${offer.customerName?.trim() || 'the visitor'}`} />
      ) : (
        <div class="offer__preview">
          {thread.status === 'loading' && <p>Loading the thread…</p>}
          {thread.error && <p class="offer__note">{thread.error}</p>}
          {offer.preview && <p class="offer__last">“{offer.preview}”</p>}
        </div>
      )}
      {error && (
        <p class="offer__error" role="alert">
          {error}
        </p>
      )}
      <div class="offer__actions">
        {offer.kind !== 'chat' && (
          <button class="button button--quiet" type="button" disabled={busy !== null} onClick={() => void offers.decline(offer.id)}>
            Refuse
          </button>
        )}
        <button ref={accept} class="button button--primary" type="button" disabled={busy !== null} onClick={() => void offers.accept(offer.id)}>
          {busy === 'accept' ? 'Accepting…' : 'Accept'}
        </button>
      </div>
    </div>
  );
}

/**
 * The incoming requests (MISSION.md A3): a pop-over per offer, newest last. A new one is announced
 * and takes the focus unless the agent is typing; when one goes while it has the focus, the focus
 * moves to the next request or back where it was.
 */
export function IncomingOffers({ offers }: { offers: Pick<OffersModel, 'incoming' | 'accept' | 'decline'> }) {
  const incoming = offers.incoming.value;
  const region = useRef<HTMLElement>(null);
  const known = useRef(new Set<string>());
  const returnTo = useRef<HTMLElement | null>(null);
  const said = useRef<HTMLParagraphElement>(null);

  const fresh = incoming.filter((i) => !known.current.has(i.offer.id));
  const focusNew = fresh.length > 0 && !typingInField();
  if (focusNew && !region.current?.contains(document.activeElement)) {
    returnTo.current = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
  }

  useEffect(() => {
    for (const item of fresh) known.current.add(item.offer.id);
    // A live region that is already on the page is read reliably; new text in it is announced.
    if (fresh.length && said.current) said.current.textContent = fresh.map(announcement).join(' ');
    const ids = new Set(incoming.map((i) => i.offer.id));
    for (const id of known.current) if (!ids.has(id)) known.current.delete(id);
  });

  // When the focused pop-over goes, the focus goes to the next one, or back where it came from.
  useLayoutEffect(() => {
    if (document.activeElement && document.activeElement !== document.body) return;
    const next = region.current?.querySelector<HTMLButtonElement>('.offer__actions .button--primary');
    if (next) next.focus();
    else if (returnTo.current?.isConnected) returnTo.current.focus();
  }, [incoming.length]);

  return (
    <>
      <p class="visually-hidden" aria-live="assertive" ref={said} />
      {incoming.length > 0 && (
        <section class="offers" aria-label="Incoming requests" ref={region}>
          {incoming.map((item) => (
            <OfferCard key={item.offer.id} item={item} offers={offers} autoFocus={focusNew && item === fresh[fresh.length - 1]} />
          ))}
        </section>
      )}
    </>
  );
}
