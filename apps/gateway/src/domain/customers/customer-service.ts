import { ErrorCode, type CustomerContact, type CustomerPanel, type CustomerPanelSettings } from '@parley/protocol';
import type { Database } from '../../db/database.ts';
import type { ConversationRow } from '../../db/schema/index.ts';
import { AppError, notFound } from '../errors.ts';
import type { AgentPrincipal } from '../identity/principal.ts';
import { MASKED, type Masker } from '../masking/personal-data.ts';
import { contactDetails, PHONE_KEYS } from './contact-details.ts';
import { createCustomerRepository, type CustomerRecord, type HistoryRow } from './customer-repository.ts';

const forbidden = (message: string) => new AppError(ErrorCode.FORBIDDEN, message, { status: 403 });

/**
 * The customer panel: who the customer of a conversation is, their custom attributes and their
 * conversations with every agent; an unknown customer added as a contact or ignored; and the
 * workspace setting of who sees contact details. E-mail and phone reach only the roles the
 * workspace allows (admins always); everything else goes through the workspace's masker, and
 * for a role without contact details attributes are masked whatever the setting.
 */
export function createCustomerService({
  db,
  readable,
  masking,
  announceRenamed = () => {},
  clock = () => new Date(),
}: {
  db: Database;
  /** The check every conversation route makes: the conversation, or NOT_FOUND (conversations.readable). */
  readable: (agent: AgentPrincipal, conversationId: string) => Promise<ConversationRow>;
  /** How a workspace's agents get free text (masking-settings.ts). Required: no agent-bound path may forget it. */
  masking: (workspaceId: string) => Promise<Masker>;
  /** Tells every node's consoles that a conversation's customer has a new name (added as a contact). */
  announceRenamed?: (conversationId: string) => void;
  clock?: () => Date;
}) {
  const repo = createCustomerRepository(db);

  const assertAdmin = (agent: AgentPrincipal) => {
    if (agent.role !== 'admin') throw forbidden('Only admins change who sees contact details; ask an admin of your workspace.');
  };

  /** Whether the agent's role sees customers' e-mail and phone in their workspace (admins always do). */
  async function seesContactDetails(agent: AgentPrincipal): Promise<boolean> {
    return agent.role === 'admin' || (await repo.contactDetailsRoles(agent.workspaceId)).includes(agent.role);
  }

  async function panel(agent: AgentPrincipal, conversation: ConversationRow): Promise<CustomerPanel> {
    const [record, history, shown, mask] = await Promise.all([
      repo.record(conversation),
      repo.history(conversation.visitorId, conversation.workspaceId, agent.role === 'admin' ? undefined : agent.agentId),
      seesContactDetails(agent),
      masking(agent.workspaceId),
    ]);
    if (!record) throw notFound();
    return toPanel(record, history, conversation, { mask, shown });
  }

  async function undecided(agent: AgentPrincipal, conversationId: string) {
    const conversation = await readable(agent, conversationId);
    const record = await repo.record(conversation);
    if (!record) throw notFound();
    if (record.visitor.contactId) {
      throw new AppError(ErrorCode.CONFLICT, 'This customer is a verified contact already: the website signed their identity.', { status: 409 });
    }
    return { conversation, record };
  }

  return {
    /** The customer panel of a conversation the agent may see. */
    async get(agent: AgentPrincipal, conversationId: string): Promise<CustomerPanel> {
      return panel(agent, await readable(agent, conversationId));
    },

    /** Adds an anonymous customer as a contact with the details the agent typed (again: corrects them). A verified contact is CONFLICT. */
    async addContact(agent: AgentPrincipal, conversationId: string, input: CustomerContact): Promise<CustomerPanel> {
      const { conversation } = await undecided(agent, conversationId);
      await repo.decide({
        visitorId: conversation.visitorId,
        workspaceId: conversation.workspaceId,
        decision: 'added',
        name: input.name,
        email: input.email ?? null,
        phone: input.phone ?? null,
        decidedBy: agent.agentId,
        decidedAt: clock(),
      });
      // The name lists and headers show is the contact's now (customerNameSql).
      announceRenamed(conversation.id);
      return panel(agent, conversation);
    },

    /** Records that an agent chose to ignore an anonymous customer. One added as a contact, or verified, is CONFLICT. */
    async ignore(agent: AgentPrincipal, conversationId: string): Promise<CustomerPanel> {
      const { conversation, record } = await undecided(agent, conversationId);
      if (record.decision?.decision === 'added') {
        throw new AppError(ErrorCode.CONFLICT, 'This customer was added as a contact already; there is nothing to ignore.', { status: 409 });
      }
      if (!record.decision) {
        await repo.decide({
          visitorId: conversation.visitorId,
          workspaceId: conversation.workspaceId,
          decision: 'ignored',
          name: null,
          email: null,
          phone: null,
          decidedBy: agent.agentId,
          decidedAt: clock(),
        });
      }
      return panel(agent, conversation);
    },

    /** Whether the agent's role sees customers' e-mail and phone: the panel's rule, which template renders follow too. */
    seesContactDetails,

    /** The workspace's customer panel settings; admins only. */
    async settings(agent: AgentPrincipal): Promise<CustomerPanelSettings> {
      assertAdmin(agent);
      return { contactDetailsRoles: await repo.contactDetailsRoles(agent.workspaceId) };
    },

    /** Sets which roles see contact details (admins always do); admins only. */
    async updateSettings(agent: AgentPrincipal, settings: CustomerPanelSettings): Promise<CustomerPanelSettings> {
      assertAdmin(agent);
      return { contactDetailsRoles: await repo.setContactDetailsRoles(agent.workspaceId, settings.contactDetailsRoles, clock()) };
    },
  };
}

/** The customer panel as the agent may see it. */
function toPanel(record: CustomerRecord, history: HistoryRow[], conversation: ConversationRow, { mask, shown }: { mask: Masker; shown: boolean }): CustomerPanel {
  const { visitor, contact, decision } = record;
  const { name, email, phone } = contactDetails({ verified: contact, added: decision?.decision === 'added' ? decision : null, visitor });
  // Attributes may hold contact details too: a role that may not see them gets them masked.
  const attributesMask = shown ? mask : MASKED;
  return {
    visitorId: visitor.id,
    name: name == null ? null : mask.text(name),
    email: shown ? email : null,
    phone: shown ? phone : null,
    contactDetailsHidden: !shown,
    verified: visitor.contactId != null,
    unknown: visitor.contactId == null && !decision,
    decision: decision
      ? {
          kind: decision.decision,
          by: decision.decidedBy ? { id: decision.decidedBy, name: decision.deciderName ?? '' } : null,
          at: decision.decidedAt.toISOString(),
        }
      : null,
    app: record.app,
    channel: conversation.channel,
    startedAt: conversation.createdAt.toISOString(),
    attributes: Object.fromEntries(
      Object.entries(visitor.attributes).flatMap(([key, value]) =>
        !shown && PHONE_KEYS.includes(key) ? [] : [[key, typeof value === 'string' ? attributesMask.text(value) : value]],
      ),
    ),
    ticket: record.ticket,
    blocked: record.blocked,
    history: history.map((h) => ({
      id: h.conversation.id,
      status: h.conversation.status,
      channel: h.conversation.channel,
      startedAt: h.conversation.createdAt.toISOString(),
      lastMessageAt: h.conversation.lastMessageAt?.toISOString() ?? null,
      archivedAt: h.conversation.archivedAt?.toISOString() ?? null,
      owner: h.ownerId ? { id: h.ownerId, name: h.ownerName ?? '' } : null,
      preview: h.readable && h.conversation.preview != null ? mask.preview(h.conversation.preview) : null,
      readable: h.readable,
      ticketNumber: h.ticketNumber,
    })),
  };
}

/** The customer service's interface. */
export type CustomerService = ReturnType<typeof createCustomerService>;
