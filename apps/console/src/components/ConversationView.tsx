import type { ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Api } from '../api.ts';
import type { Desk } from '../ConsoleModel.ts';
import type { ConversationModel } from '../ConversationModel.ts';
import { createCustomerModel } from '../CustomerModel.ts';
import { conversationTitle, fullTime } from '../format.ts';
import { createTemplatesModel } from '../TemplatesModel.ts';
import { createTicketModel } from '../TicketModel.ts';
import { Composer } from './Composer.tsx';
import { ConversationActions } from './ConversationActions.tsx';
import { CustomerPanel } from './CustomerPanel.tsx';
import { MessageList } from './MessageList.tsx';
import { OwnershipBar } from './OwnershipBar.tsx';
import { TicketDetails } from './TicketDetails.tsx';
import { TicketsContext } from './TicketList.tsx';

/**
 * The open conversation: who it is with, who owns it, its messages and the composer; with the
 * REST transport also the customer panel (or the ticket, after "Go to ticket"), templates in the
 * composer, and the customer actions (convert to ticket, block).
 */
export function ConversationView({
  model,
  desk,
  me,
  api,
  onOpen,
  actions,
}: {
  model: ConversationModel;
  /** Routing, when signed in with it: the ownership bar. */
  desk?: Pick<Desk, 'team' | 'ownership'> | null;
  me?: { id: string };
  /** The REST transport: the customer panel, templates and the customer actions (left out: none of them). */
  api?: Pick<Api, 'get' | 'post' | 'patch' | 'delete'>;
  /** Opens another conversation (from the customer's history). */
  onOpen?: (conversationId: string) => void;
  /** More actions for the header (e.g. archive), placed after the customer actions. */
  actions?: ComponentChildren;
}) {
  const summary = model.summary.value;
  const status = model.status.value;
  const title = summary ? conversationTitle(summary) : 'Conversation';
  const customer = useMemo(() => (api ? createCustomerModel({ api, conversationId: model.conversationId, summary: model.summary }) : null), [api, model]);
  const templates = useMemo(() => (api ? createTemplatesModel({ api }) : null), [api]);
  const [ticketNumber, setTicketNumber] = useState<number | null>(null);
  const ticketList = useContext(TicketsContext);
  const ticket = useMemo(
    () => (api && ticketNumber !== null ? createTicketModel({ api, number: ticketNumber, onChange: (changed) => ticketList?.update(changed) }) : null),
    [api, ticketNumber, ticketList],
  );
  useEffect(() => void customer?.load(), [customer]);
  useEffect(() => () => templates?.dispose(), [templates]);
  useEffect(() => void ticket?.load(), [ticket]);
  const backs = customer?.customer.value?.ticket;
  const tools = useRef<HTMLDivElement>(null);
  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="conversation__header">
        <div class="conversation__heading">
          <div>
            <h2 id="conversation-title">{title}</h2>
            {summary && (
              <p class="conversation__sub">
                Started <time dateTime={summary.createdAt}>{fullTime(summary.createdAt)}</time>
                {summary.status === 'closed' && ' · Closed'}
                {backs && ` · Ticket #${backs.number}`}
              </p>
            )}
          </div>
          {(customer || actions) && (
            <div class="conversation__tools" ref={tools}>
              {customer && <ConversationActions model={customer} title={title} onGoToTicket={setTicketNumber} />}
              {actions}
            </div>
          )}
        </div>
        {summary?.routing && desk && me && (
          <OwnershipBar conversationId={model.conversationId} title={title} routing={summary.routing} me={me} team={desk.team} ownership={desk.ownership} />
        )}
      </header>
      <div class={`conversation__body${customer ? ' conversation__body--with-panel' : ''}`}>
        <div class="conversation__main">
          {model.error.value && (
            <p class="conversation__error" role="alert">
              {model.error.value}
            </p>
          )}
          {status === 'loading' && (
            <p class="conversation__loading" role="status">
              Loading messages…
            </p>
          )}
          {status === 'ready' && (
            <>
              {model.hasMore.value && (
                <button class="button button--quiet conversation__earlier" type="button" disabled={model.loadingEarlier.value} onClick={() => void model.loadEarlier()}>
                  Load earlier messages
                </button>
              )}
              <MessageList items={model.items.value} typing={model.visitorTyping.value ? (summary?.visitor?.name ?? 'The visitor') : null} />
              <Composer model={model} {...(templates && { templates })} />
            </>
          )}
        </div>
        {customer &&
          (ticket ? (
            <TicketDetails
              key={ticket.number}
              model={ticket}
              onBack={() => {
                // Back where the agent came from: the "Go to ticket" button.
                tools.current?.querySelector<HTMLButtonElement>('.conversation-actions button')?.focus();
                setTicketNumber(null);
              }}
            />
          ) : (
            <CustomerPanel model={customer} {...(onOpen && { onOpen })} />
          ))}
      </div>
    </section>
  );
}
