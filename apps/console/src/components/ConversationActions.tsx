import { useContext, useState } from 'preact/hooks';
import type { CustomerModel } from '../CustomerModel.ts';
import { Dialog, DialogError } from './Dialog.tsx';
import { TicketsContext } from './TicketList.tsx';

type Model = Pick<CustomerModel, 'customer' | 'busy' | 'actionError' | 'block' | 'convertToTicket' | 'clearError'>;

/** "Block visitor": what happens, the IP address option and a reason; the block needs this confirmation. */
function BlockDialog({ model, title, onClose }: { model: Model; title: string; onClose: () => void }) {
  const [byIp, setByIp] = useState(false);
  const [reason, setReason] = useState('');
  const busy = model.busy.value === 'block';
  return (
    <Dialog title={`Block ${title}?`} onClose={onClose}>
      <form
        class="dialog__body"
        onSubmit={async (event) => {
          event.preventDefault();
          if (await model.block({ byIp, reason })) onClose();
        }}
      >
        <p class="dialog__hint">
          Their chat session ends now and they are told they cannot chat here. New chats from them are refused until an admin lifts the block in the settings.
        </p>
        <label class="choice">
          <input type="checkbox" checked={byIp} onChange={(e) => setByIp((e.currentTarget as HTMLInputElement).checked)} />
          Also block their IP address
          <span class="choice__note">Everyone on that network is refused too.</span>
        </label>
        <label class="field">
          <span class="field__label">Reason (optional, for your team)</span>
          <input type="text" maxLength={200} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <DialogError error={model.actionError.value} />
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" data-autofocus onClick={onClose}>
            Cancel
          </button>
          <button class="button button--danger" type="submit" disabled={busy}>
            {busy ? 'Blocking…' : 'Block visitor'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Convert to ticket": the customer's e-mail address (filled in when known) and a subject. */
function TicketDialog({ model, title, onClose }: { model: Model; title: string; onClose: () => void }) {
  const [email, setEmail] = useState(model.customer.value?.email ?? '');
  const [subject, setSubject] = useState('');
  const busy = model.busy.value === 'ticket';
  const tickets = useContext(TicketsContext);
  return (
    <Dialog title={`Convert the chat with ${title} to a ticket`} onClose={onClose}>
      <form
        class="dialog__body"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const ticket = await model.convertToTicket({ email, subject });
          if (!ticket) return;
          // The new ticket joins the console's tickets list at once.
          tickets?.add(ticket);
          onClose();
        }}
      >
        <p class="dialog__hint">The chat so far becomes the ticket’s history, and the ticket is filed for this e-mail address.</p>
        <label class="field">
          <span class="field__label">Customer’s e-mail</span>
          <input type="email" required maxLength={254} autoComplete="off" data-autofocus value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span class="field__label">Subject (optional)</span>
          <input type="text" maxLength={200} placeholder={`Chat with ${title}`} value={subject} onInput={(e) => setSubject((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <DialogError error={model.actionError.value} />
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" onClick={onClose}>
            Cancel
          </button>
          <button class="button button--primary" type="submit" disabled={busy}>
            {busy ? 'Converting…' : 'Convert to ticket'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The open conversation's customer actions (MISSION.md A13, A15): "Convert to ticket", which then
 * becomes "Go to ticket", and "Block visitor", each confirmed in a dialog.
 */
export function ConversationActions({ model, title, onGoToTicket }: { model: Model; /** How the conversation is named ("Vera"). */ title: string; onGoToTicket: (ticketNumber: number) => void }) {
  const [dialog, setDialog] = useState<'block' | 'ticket' | null>(null);
  const customer = model.customer.value;
  if (!customer) return null;
  const ticket = customer.ticket;
  const close = () => {
    setDialog(null);
    model.clearError();
  };
  return (
    <div class="conversation-actions">
      {/* One button in both states, so the focus stays on it when the chat becomes a ticket. */}
      <button class={`button ${ticket ? 'button--primary' : 'button--quiet'}`} type="button" onClick={() => (ticket ? onGoToTicket(ticket.number) : setDialog('ticket'))}>
        {ticket ? `Go to ticket #${ticket.number}` : 'Convert to ticket'}
      </button>
      <button class="button button--quiet button--danger-text" type="button" disabled={customer.blocked} onClick={() => setDialog('block')}>
        {customer.blocked ? 'Visitor blocked' : 'Block visitor'}
      </button>
      {dialog === 'block' && <BlockDialog model={model} title={title} onClose={close} />}
      {dialog === 'ticket' && <TicketDialog model={model} title={title} onClose={close} />}
    </div>
  );
}
