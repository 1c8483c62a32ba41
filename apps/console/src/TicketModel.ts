import type { AgentTicket, TicketStatus } from '@parley/protocol';
import { batch, signal, type ReadonlySignal } from '@preact/signals';
import { explainError, type Api } from './api.ts';

/** What the ticket model needs: REST for the agent's ticket routes. */
export interface TicketTransport {
  api: Pick<Api, 'get' | 'patch'>;
  number: number;
  /** Told the ticket after its status changed here (the tickets list shows it). */
  onChange?: (ticket: AgentTicket) => void;
}

/** One ticket as an agent works on it: its details and its status (MISSION.md T2, A15). */
export interface TicketModel {
  readonly number: number;
  readonly ticket: ReadonlySignal<AgentTicket | null>;
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  readonly error: ReadonlySignal<string | null>;
  /** A status change is on its way. */
  readonly busy: ReadonlySignal<boolean>;
  /** Reads the ticket (again). */
  load(): Promise<void>;
  /** Sets the ticket's status (open, pending, closed); true when done. */
  setStatus(status: TicketStatus): Promise<boolean>;
}

/** Creates a ticket's model; call `load()` when it is shown. */
export function createTicketModel({ api, number, onChange }: TicketTransport): TicketModel {
  const ticket = signal<AgentTicket | null>(null);
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const busy = signal(false);
  const path = `/api/agent/tickets/${number}`;

  return {
    number,
    ticket,
    status,
    error,
    busy,
    async load() {
      try {
        const answer = await api.get<{ ticket: AgentTicket }>(path);
        batch(() => {
          ticket.value = answer.ticket;
          status.value = 'ready';
          error.value = null;
        });
      } catch (e) {
        batch(() => {
          status.value = 'error';
          error.value = explainError(e, `Ticket #${number} could not be loaded.`);
        });
      }
    },
    async setStatus(next) {
      if (busy.value) return false;
      busy.value = true;
      error.value = null;
      try {
        const changed = (await api.patch<{ ticket: AgentTicket }>(path, { status: next })).ticket;
        ticket.value = changed;
        onChange?.(changed);
        return true;
      } catch (e) {
        error.value = explainError(e, 'The ticket’s status could not be changed.');
        return false;
      } finally {
        busy.value = false;
      }
    },
  };
}
