import type { ReadonlySignal } from '@preact/signals';
import { createContext } from 'preact';
import { fullTime, relativeTime } from '../format.ts';
import type { TicketsModel } from '../TicketsModel.ts';

const STATUS_TEXT = { open: 'Open', pending: 'Pending', closed: 'Closed' } as const;

/** The read-only list of tickets: number, subject, status, requester; choosing one opens its conversation. */
export function TicketList({ tickets, now, onOpen }: { tickets: Pick<TicketsModel, 'tickets' | 'status' | 'error'>; now: ReadonlySignal<number>; onOpen: (conversationId: string) => void }) {
  const rows = tickets.tickets.value;
  const time = now.value;
  const status = tickets.status.value;
  return (
    <section class="tickets" aria-labelledby="tickets-title">
      <h2 id="tickets-title" class="inbox__title">
        Tickets <span class="count">{rows.length}</span>
      </h2>
      {tickets.error.value && (
        <p class="inbox__error" role="alert">
          {tickets.error.value}
        </p>
      )}
      {status === 'loading' && rows.length === 0 && <p class="inbox__empty">Loading tickets…</p>}
      {status === 'ready' && rows.length === 0 && <p class="inbox__empty">No tickets yet. Requests sent with the web form and chats turned into tickets appear here.</p>}
      <ul class="inbox__list">
        {rows.map((ticket) => {
          const when = ticket.lastMessageAt ?? ticket.createdAt;
          return (
            <li key={ticket.number}>
              <a
                class="row"
                href={`#/conversations/${ticket.conversationId}`}
                data-ticket-number={ticket.number}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  onOpen(ticket.conversationId);
                }}
              >
                <span class="row__top">
                  <span class="row__title">
                    #{ticket.number} {ticket.subject}
                  </span>
                  <time class="row__time" dateTime={when} title={fullTime(when)}>
                    {relativeTime(when, time)}
                  </time>
                </span>
                <span class="row__preview">
                  <span class={`ticket-status ticket-status--${ticket.status}`}>{STATUS_TEXT[ticket.status]}</span>
                  {` · ${ticket.requester.name} <${ticket.requester.email}>`}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * The console's tickets list, for whatever makes tickets (a chat turned into one, MISSION.md A15):
 * a ticket given to `add` shows in the sidebar's list at once, and so does a change given to `update`.
 */
export const TicketsContext = createContext<Pick<TicketsModel, 'add' | 'update'> | null>(null);
