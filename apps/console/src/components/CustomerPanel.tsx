import type { Channel, CustomerHistoryEntry, CustomerPanel as Customer } from '@parley/protocol';
import { Fragment } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { CustomerModel } from '../CustomerModel.ts';
import { fullTime, shortId } from '../format.ts';

type Model = Pick<CustomerModel, 'conversationId' | 'customer' | 'status' | 'error' | 'busy' | 'addContact' | 'ignore' | 'clearError'>;

/** How each channel reads in the console. */
export const CHANNEL_LABEL: Record<Channel, string> = { chat: 'Live chat', web_form: 'Web form' };

const STATUS_LABEL = { open: 'Open', closed: 'Closed' } as const;

/** A date and time, short: "3 May 2024, 14:05". */
function shortTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : at.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "Add as contact": the details the agent knows, the name filled in when the visitor gave one. */
function ContactForm({ model, customer, onDone }: { model: Model; customer: Customer; onDone: () => void }) {
  const [name, setName] = useState(customer.name ?? '');
  const [email, setEmail] = useState(customer.email ?? '');
  const [phone, setPhone] = useState(customer.phone ?? '');
  const first = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => first.current?.focus(), []);
  const busy = model.busy.value === 'contact';
  return (
    <form
      class="customer__form"
      aria-label="Add as contact"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        if (await model.addContact({ name, email, phone })) onDone();
      }}
    >
      <label class="field">
        <span class="field__label">Name</span>
        <input ref={first} type="text" required maxLength={120} autoComplete="off" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </label>
      {!customer.contactDetailsHidden && (
        <>
          <label class="field">
            <span class="field__label">E-mail (optional)</span>
            <input type="email" maxLength={254} autoComplete="off" value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <label class="field">
            <span class="field__label">Phone (optional)</span>
            <input type="tel" maxLength={40} autoComplete="off" value={phone} onInput={(e) => setPhone((e.currentTarget as HTMLInputElement).value)} />
          </label>
        </>
      )}
      <div class="customer__buttons">
        <button
          class="button button--quiet"
          type="button"
          onClick={() => {
            model.clearError();
            onDone();
          }}
        >
          Cancel
        </button>
        <button class="button button--primary" type="submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add contact'}
        </button>
      </div>
    </form>
  );
}

/** What the agent can do about an anonymous customer no one has decided on yet. */
function UnknownContact({ model, customer }: { model: Model; customer: Customer }) {
  const [adding, setAdding] = useState(false);
  const busy = model.busy.value !== null;
  if (adding) return <ContactForm model={model} customer={customer} onDone={() => setAdding(false)} />;
  return (
    <div class="customer__unknown">
      <p>This visitor is not a contact yet. Add them as a contact, ignore them, or just reply.</p>
      <div class="customer__buttons">
        <button class="button button--primary" type="button" disabled={busy} onClick={() => setAdding(true)}>
          Add as contact
        </button>
        <button class="button button--quiet" type="button" disabled={busy} onClick={() => void model.ignore()}>
          {model.busy.value === 'ignore' ? 'Ignoring…' : 'Ignore'}
        </button>
      </div>
    </div>
  );
}

/** One of the customer's conversations: a link when this agent may open it. */
function HistoryEntry({ entry, current, onOpen }: { entry: CustomerHistoryEntry; current: boolean; onOpen?: (conversationId: string) => void }) {
  const when = shortTime(entry.lastMessageAt ?? entry.startedAt);
  const who = entry.owner ? `with ${entry.owner.name || 'an agent'}` : 'no agent yet';
  const state = entry.archivedAt ? 'Archived' : STATUS_LABEL[entry.status];
  const title = `${CHANNEL_LABEL[entry.channel]}${entry.ticketNumber ? ` · ticket #${entry.ticketNumber}` : ''}`;
  const body = (
    <>
      <span class="history__top">
        <span class="history__title">{title}</span>
        <time class="history__time" dateTime={entry.lastMessageAt ?? entry.startedAt} title={fullTime(entry.lastMessageAt ?? entry.startedAt)}>
          {when}
        </time>
      </span>
      <span class="history__meta">
        {state} · {who}
        {current && ' · this conversation'}
      </span>
      {entry.preview && <span class="history__preview">{entry.preview}</span>}
    </>
  );
  if (current || !entry.readable) {
    return (
      <div class={`history__entry${current ? ' history__entry--current' : ''}`} {...(current && { 'aria-current': 'page' as const })}>
        {body}
        {!entry.readable && <span class="history__note">Only its agent can open it.</span>}
      </div>
    );
  }
  return (
    <a
      class="history__entry history__link"
      href={`#/conversations/${encodeURIComponent(entry.id)}`}
      onClick={(event) => {
        if (!onOpen || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        onOpen(entry.id);
      }}
    >
      {body}
    </a>
  );
}

/**
 * The customer panel beside the conversation (MISSION.md A11): name, e-mail and phone (only when
 * the workspace shows them to this agent's role), channel, when the conversation started, custom
 * attributes, and the customer's conversations with every agent. An unknown customer can be added
 * as a contact or ignored.
 */
export function CustomerPanel({ model, onOpen }: { model: Model; /** Opens another conversation of the customer. */ onOpen?: (conversationId: string) => void }) {
  const customer = model.customer.value;
  const status = model.status.value;
  const attributes = customer ? Object.entries(customer.attributes) : [];
  return (
    <section class="customer" aria-labelledby={`customer-${model.conversationId}`}>
      <h3 id={`customer-${model.conversationId}`} class="customer__title">
        Customer
      </h3>
      {model.error.value && (
        <p class="customer__error" role="alert">
          {model.error.value}
        </p>
      )}
      {status === 'loading' && !customer && <p class="customer__empty">Loading the customer…</p>}
      {customer && (
        <>
          <div class="customer__who">
            <p class="customer__name">{customer.name ?? `Visitor ${shortId(customer.visitorId)}`}</p>
            <p class="customer__badges">
              {customer.verified && <span class="badge badge--ok">Verified by the website</span>}
              {customer.unknown && <span class="badge">Unknown contact</span>}
              {customer.decision?.kind === 'added' && <span class="badge badge--ok">Contact</span>}
              {customer.decision?.kind === 'ignored' && <span class="badge">Ignored</span>}
              {customer.blocked && <span class="badge badge--danger">Blocked</span>}
            </p>
          </div>
          <dl class="customer__facts">
            {customer.email && (
              <>
                <dt>E-mail</dt>
                <dd>
                  <a href={`mailto:${customer.email}`}>{customer.email}</a>
                </dd>
              </>
            )}
            {customer.phone && (
              <>
                <dt>Phone</dt>
                <dd>
                  <a href={`tel:${customer.phone.replace(/[^\d+]/g, '')}`}>{customer.phone}</a>
                </dd>
              </>
            )}
            <dt>Channel</dt>
            <dd>
              {CHANNEL_LABEL[customer.channel]} · {customer.app.name}
            </dd>
            <dt>Started</dt>
            <dd>
              <time dateTime={customer.startedAt} title={fullTime(customer.startedAt)}>
                {shortTime(customer.startedAt)}
              </time>
            </dd>
            {customer.ticket && (
              <>
                <dt>Ticket</dt>
                <dd>
                  #{customer.ticket.number} · {customer.ticket.status[0]!.toUpperCase() + customer.ticket.status.slice(1)}
                </dd>
              </>
            )}
          </dl>
          {customer.contactDetailsHidden && <p class="customer__note">Your role does not see customers’ e-mail addresses and phone numbers.</p>}
          {customer.decision && (
            <p class="customer__note">
              {customer.decision.kind === 'added' ? 'Added as a contact' : 'Ignored'}
              {customer.decision.by ? ` by ${customer.decision.by.name || 'an agent'}` : ''} on {shortTime(customer.decision.at)}.
            </p>
          )}
          {customer.unknown && <UnknownContact model={model} customer={customer} />}
          {attributes.length > 0 && (
            <section class="customer__section" aria-labelledby={`attributes-${model.conversationId}`}>
              <h4 id={`attributes-${model.conversationId}`}>Attributes</h4>
              <dl class="customer__facts">
                {attributes.map(([key, value]) => (
                  <Fragment key={key}>
                    <dt>{key}</dt>
                    <dd>{typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value)}</dd>
                  </Fragment>
                ))}
              </dl>
            </section>
          )}
          <section class="customer__section" aria-labelledby={`history-${model.conversationId}`}>
            <h4 id={`history-${model.conversationId}`}>Conversations ({customer.history.length})</h4>
            <ul class="history">
              {customer.history.map((entry) => (
                <li key={entry.id}>
                  <HistoryEntry entry={entry} current={entry.id === model.conversationId} {...(onOpen && { onOpen })} />
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </section>
  );
}
