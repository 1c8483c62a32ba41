import { BlockInputSchema, ChatToTicketSchema, CustomerContactSchema, type AgentTicket, type Block, type ConversationSummary, type CustomerPanel } from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import * as v from 'valibot';
import { ApiError, explainError, type Api } from './api.ts';

/** What the customer model needs: REST for the customer panel, blocking and chat → ticket. */
export interface CustomerTransport {
  api: Pick<Api, 'get' | 'post'>;
  conversationId: string;
  /** The conversation as the console keeps it live: its line in the history follows it (owner, status, archive, last message). */
  summary?: ReadonlySignal<ConversationSummary | null>;
}

/** The change on its way, if any. */
export type CustomerAction = 'contact' | 'ignore' | 'block' | 'ticket';

/** The details an agent types to add an unknown customer as a contact. */
export interface ContactInput {
  name: string;
  email?: string;
  phone?: string;
}

/**
 * The customer of one conversation (MISSION.md A11, A13, A15): who they are, their custom
 * attributes and their conversations with every agent; adding an unknown customer as a contact
 * or ignoring them; blocking them; and turning the chat into a ticket.
 */
export interface CustomerModel {
  readonly conversationId: string;
  /** The panel as the gateway shows it to this agent (contact details only for roles allowed to see them). */
  readonly customer: ReadonlySignal<CustomerPanel | null>;
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  /** Why the last read, "add as contact" or "ignore" failed, in words for the agent. */
  readonly error: ReadonlySignal<string | null>;
  /** Why the last block or chat → ticket failed (shown in its dialog). */
  readonly actionError: ReadonlySignal<string | null>;
  readonly busy: ReadonlySignal<CustomerAction | null>;
  /** Reads the panel (again). */
  load(): Promise<void>;
  /** Adds the unknown customer as a contact with these details; true when done. */
  addContact(input: ContactInput): Promise<boolean>;
  /** Records that the customer is ignored; true when done. */
  ignore(): Promise<boolean>;
  /** Blocks the customer (and with `byIp` their IP address): their chat session ends; the block, or null. */
  block(input: { byIp?: boolean; reason?: string }): Promise<Block | null>;
  /** Turns the chat into a ticket for this e-mail address; the ticket, or null with `error` set. */
  convertToTicket(input: { email: string; subject?: string }): Promise<AgentTicket | null>;
  clearError(): void;
}

/** An optional text field: left out when empty. */
const optional = (text: string | undefined) => (text?.trim() ? text.trim() : undefined);

/** The first problem of a form as a sentence that says what to enter. */
function issueText(issues: v.BaseIssue<unknown>[], labels: Record<string, string>): string {
  const issue = issues[0];
  const key = issue ? v.getDotPath(issue) : null;
  const label = (key && labels[key]) || 'A field';
  if (issue?.type === 'email') return `${label} must be an e-mail address such as name@example.com.`;
  if (issue?.type === 'max_length') return `${label} must be at most ${String(issue.requirement)} characters.`;
  if (issue?.type === 'min_length') return `${label} must not be empty.`;
  if (key === 'phone') return 'Phone must be a phone number such as +44 7966 197542.';
  return `${label}: check the value.`;
}

/**
 * The panel with this conversation's line in the history as the live summary has it: who owns it
 * now (another agent may have taken it), its status, whether it is archived, its last message.
 */
export function withLiveConversation(panel: CustomerPanel | null, live: ConversationSummary | null | undefined): CustomerPanel | null {
  if (!panel || !live) return panel;
  const routing = live.routing;
  return {
    ...panel,
    history: panel.history.map((entry) =>
      entry.id !== live.id
        ? entry
        : {
            ...entry,
            status: live.status,
            archivedAt: live.archivedAt ?? null,
            lastMessageAt: live.lastMessageAt,
            ...(entry.readable && { preview: live.preview }),
            ...(routing && { owner: routing.ownerAgentId ? { id: routing.ownerAgentId, name: routing.ownerName ?? '' } : null }),
          },
    ),
  };
}

/** Creates a conversation's customer model; call `load()` when the conversation opens. */
export function createCustomerModel({ api, conversationId, summary }: CustomerTransport): CustomerModel {
  const loaded = signal<CustomerPanel | null>(null);
  const customer = computed(() => withLiveConversation(loaded.value, summary?.value));
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const actionError = signal<string | null>(null);
  const busy = signal<CustomerAction | null>(null);
  const base = `/api/agent/conversations/${encodeURIComponent(conversationId)}`;

  const errorOf = (action: CustomerAction) => (action === 'block' || action === 'ticket' ? actionError : error);

  function check<T extends v.GenericSchema>(action: CustomerAction, schema: T, input: unknown, labels: Record<string, string>): v.InferOutput<T> | null {
    const result = v.safeParse(schema, input);
    if (result.success) return result.output;
    errorOf(action).value = issueText(result.issues, labels);
    return null;
  }

  async function act<T>(action: CustomerAction, fallback: string, work: () => Promise<T>): Promise<T | null> {
    if (busy.value) return null;
    batch(() => {
      busy.value = action;
      errorOf(action).value = null;
    });
    try {
      return await work();
    } catch (e) {
      errorOf(action).value = e instanceof ApiError && e.code === 'NOT_FOUND' ? 'This conversation is no longer yours to change: it may have been transferred or deleted.' : explainError(e, fallback);
      return null;
    } finally {
      busy.value = null;
    }
  }

  const patch = (change: Partial<CustomerPanel>) => {
    if (loaded.value) loaded.value = { ...loaded.value, ...change };
  };

  return {
    conversationId,
    customer,
    status,
    error,
    actionError,
    busy,
    async load() {
      try {
        const answer = await api.get<{ customer: CustomerPanel }>(`${base}/customer`);
        batch(() => {
          loaded.value = answer.customer;
          status.value = 'ready';
          error.value = null;
        });
      } catch (e) {
        batch(() => {
          if (status.value === 'loading') status.value = 'error';
          error.value = explainError(e, 'The customer’s details could not be loaded.');
        });
      }
    },
    async addContact(input) {
      const body = check('contact', CustomerContactSchema, { name: input.name, email: optional(input.email), phone: optional(input.phone) }, { name: 'Name', email: 'E-mail', phone: 'Phone' });
      if (!body) return false;
      const answer = await act('contact', 'The customer could not be added as a contact.', () => api.post<{ customer: CustomerPanel }>(`${base}/customer/contact`, body));
      if (answer) loaded.value = answer.customer;
      return answer !== null;
    },
    async ignore() {
      const answer = await act('ignore', 'The customer could not be ignored.', () => api.post<{ customer: CustomerPanel }>(`${base}/customer/ignore`, {}));
      if (answer) loaded.value = answer.customer;
      return answer !== null;
    },
    async block(input) {
      const body = check('block', BlockInputSchema, { ...(input.byIp && { byIp: true }), ...(optional(input.reason) && { reason: optional(input.reason) }) }, { reason: 'Reason' });
      if (!body) return null;
      const answer = await act('block', 'The visitor could not be blocked.', () => api.post<{ block: Block }>(`${base}/block`, body));
      if (answer) patch({ blocked: true });
      return answer?.block ?? null;
    },
    async convertToTicket(input) {
      const body = check('ticket', ChatToTicketSchema, { email: input.email, ...(optional(input.subject) && { subject: optional(input.subject) }) }, { email: 'E-mail', subject: 'Subject' });
      if (!body) return null;
      const answer = await act('ticket', 'The chat could not be turned into a ticket.', () => api.post<{ ticket: AgentTicket }>(`${base}/ticket`, body));
      if (answer) patch({ ticket: { number: answer.ticket.number, status: answer.ticket.status } });
      return answer?.ticket ?? null;
    },
    clearError() {
      batch(() => {
        error.value = null;
        actionError.value = null;
      });
    },
  };
}
