import { TICKET_STATUSES, type TicketStatus } from '@parley/protocol';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TicketModel } from '../TicketModel.ts';
import { fullTime } from '../format.ts';

type Model = Pick<TicketModel, 'number' | 'ticket' | 'status' | 'error' | 'busy' | 'setStatus'>;

const STATUS_TEXT: Record<TicketStatus, string> = { open: 'Open', pending: 'Pending', closed: 'Closed' };

/**
 * A ticket beside its conversation (the conversation is the ticket's history): number, subject,
 * status (which the agent can change), requester and dates. Takes the focus when it opens.
 */
export function TicketDetails({ model, onBack }: { model: Model; /** Shows the customer panel again. */ onBack: () => void }) {
  const ticket = model.ticket.value;
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = `ticket-${model.number}`;
  useLayoutEffect(() => heading.current?.focus(), []);
  return (
    <section class="ticket-details" aria-labelledby={headingId}>
      <h3 id={headingId} class="customer__title" tabIndex={-1} ref={heading}>
        Ticket #{model.number}
      </h3>
      {model.error.value && (
        <p class="customer__error" role="alert">
          {model.error.value}
        </p>
      )}
      {model.status.value === 'loading' && !ticket && <p class="customer__empty">Loading the ticket…</p>}
      {ticket && (
        <>
          <p class="ticket-details__subject">{ticket.subject}</p>
          <label class="field">
            <span class="field__label">Status</span>
            <select value={ticket.status} disabled={model.busy.value} onChange={(e) => void model.setStatus((e.currentTarget as HTMLSelectElement).value as TicketStatus)}>
              {TICKET_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_TEXT[s]}
                </option>
              ))}
            </select>
          </label>
          <dl class="customer__facts">
            <dt>Requester</dt>
            <dd>
              {ticket.requester.name}
              <br />
              {/* A masked address is shown, but it is no address to write to. */}
              {ticket.requester.emailMasked ? <span>{ticket.requester.email}</span> : <a href={`mailto:${ticket.requester.email}`}>{ticket.requester.email}</a>}
            </dd>
            <dt>Created</dt>
            <dd>
              <time dateTime={ticket.createdAt}>{fullTime(ticket.createdAt)}</time>
            </dd>
            <dt>Updated</dt>
            <dd>
              <time dateTime={ticket.updatedAt}>{fullTime(ticket.updatedAt)}</time>
            </dd>
          </dl>
          <p class="customer__note">Replies in this conversation are the ticket’s replies; internal notes stay with the team.</p>
        </>
      )}
      <button class="button button--quiet" type="button" onClick={onBack}>
        Back to the customer
      </button>
    </section>
  );
}
