import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import {
  agents,
  apps,
  blocks,
  contactDecisions,
  contacts,
  conversations,
  customerPanelSettings,
  routing,
  tickets,
  visitors,
  type ContactDecisionRow,
  type ConversationRow,
} from '../../db/schema/index.ts';
import { agentMaySeeSql } from '../routing/routing-repository.ts';

/**
 * The name a customer was given beyond their own, over a query that has `visitors`: the verified
 * contact's, else the one an agent typed with "Add as contact" (contactDetails' order); null when neither has one.
 */
export function givenNameSql(): SQL<string | null> {
  return sql<string | null>`coalesce(
    (select c.name from ${contacts} c where c.id = ${visitors.contactId}),
    (select d.name from ${contactDecisions} d where d.visitor_id = ${visitors.id} and d.decision = 'added'))`;
}

/**
 * The customer's name as agents see it in lists and headers, over a query that has `visitors`:
 * the name given beyond their own (givenNameSql), else the visitor's own. The customer panel
 * and template parameters name them the same way (contact-details.ts).
 */
export function customerNameSql(): SQL<string | null> {
  return sql<string | null>`coalesce(${givenNameSql()}, ${visitors.name})`;
}

/** Most conversations the panel's history shows. */
export const HISTORY_LIMIT = 50;

/** Everything the customer panel shows about a conversation's customer, as stored. */
export interface CustomerRecord {
  visitor: { id: string; name: string | null; email: string | null; attributes: Record<string, string | number | boolean>; contactId: string | null };
  contact: { name: string | null; email: string | null } | null;
  decision: (ContactDecisionRow & { deciderName: string | null }) | null;
  app: { id: string; name: string };
  ticket: { number: number; status: 'open' | 'pending' | 'closed' } | null;
  blocked: boolean;
}

/** One of the customer's conversations, with its owner and whether the viewer may open it. */
export interface HistoryRow {
  conversation: ConversationRow;
  ownerId: string | null;
  ownerName: string | null;
  ticketNumber: number | null;
  readable: boolean;
}

/**
 * The customer panel's queries. Only this module writes `contact_decisions` and touches
 * `customer_panel_settings`; template rendering reads an added contact's details (template-repository.ts).
 */
export function createCustomerRepository(db: Database) {
  return {
    /** The customer of a conversation: visitor, verified contact, an agent's decision, app, ticket, block. */
    async record(conversation: ConversationRow): Promise<CustomerRecord | undefined> {
      const [row] = await db
        .select({
          visitor: { id: visitors.id, name: visitors.name, email: visitors.email, attributes: visitors.attributes, contactId: visitors.contactId },
          contactName: contacts.name,
          contactEmail: contacts.email,
          appName: apps.name,
          ticketNumber: tickets.number,
          ticketStatus: tickets.status,
          blocked: sql<boolean>`exists (select 1 from ${blocks} b where b.workspace_id = ${conversation.workspaceId} and b.visitor_id = ${visitors.id})`,
        })
        .from(visitors)
        .innerJoin(apps, eq(apps.id, visitors.appId))
        .leftJoin(contacts, eq(contacts.id, visitors.contactId))
        .leftJoin(tickets, eq(tickets.conversationId, conversation.id))
        .where(eq(visitors.id, conversation.visitorId));
      if (!row) return undefined;
      const [decision] = await db
        .select({ decision: contactDecisions, deciderName: agents.name })
        .from(contactDecisions)
        .leftJoin(agents, eq(agents.id, contactDecisions.decidedBy))
        .where(and(eq(contactDecisions.visitorId, conversation.visitorId), eq(contactDecisions.workspaceId, conversation.workspaceId)));
      return {
        visitor: row.visitor,
        contact: row.visitor.contactId ? { name: row.contactName, email: row.contactEmail } : null,
        decision: decision ? { ...decision.decision, deciderName: decision.deciderName } : null,
        app: { id: conversation.appId, name: row.appName },
        ticket: row.ticketNumber == null ? null : { number: Number(row.ticketNumber), status: row.ticketStatus! },
        blocked: Boolean(row.blocked),
      };
    },

    /**
     * The visitor's conversations with every agent, most recently active first, each with its
     * owner and whether `viewer` may open it (routing's rule; admins and a null viewer see all).
     */
    async history(visitorId: string, workspaceId: string, viewer: string | undefined): Promise<HistoryRow[]> {
      const rows = await db
        .select({
          conversation: conversations,
          ownerId: routing.ownerAgentId,
          ownerName: agents.name,
          ticketNumber: tickets.number,
          readable: viewer === undefined ? sql<boolean>`true` : sql<boolean>`${agentMaySeeSql(viewer, conversations.id)}`,
        })
        .from(conversations)
        .leftJoin(routing, eq(routing.conversationId, conversations.id))
        .leftJoin(agents, eq(agents.id, routing.ownerAgentId))
        .leftJoin(tickets, eq(tickets.conversationId, conversations.id))
        .where(and(eq(conversations.visitorId, visitorId), eq(conversations.workspaceId, workspaceId)))
        .orderBy(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt}) desc`, desc(conversations.id))
        .limit(HISTORY_LIMIT);
      return rows.map((r) => ({ ...r, ticketNumber: r.ticketNumber == null ? null : Number(r.ticketNumber), readable: Boolean(r.readable) }));
    },

    /** The roles that see contact details in a workspace (the default when it has no row). */
    async contactDetailsRoles(workspaceId: string): Promise<('agent' | 'admin')[]> {
      const [row] = await db.select({ roles: customerPanelSettings.contactDetailsRoles }).from(customerPanelSettings).where(eq(customerPanelSettings.workspaceId, workspaceId));
      return row?.roles ?? ['agent', 'admin'];
    },

    /** Sets the roles that see contact details. */
    async setContactDetailsRoles(workspaceId: string, roles: ('agent' | 'admin')[], at: Date): Promise<('agent' | 'admin')[]> {
      const [row] = await db
        .insert(customerPanelSettings)
        .values({ workspaceId, contactDetailsRoles: roles, updatedAt: at })
        .onConflictDoUpdate({ target: customerPanelSettings.workspaceId, set: { contactDetailsRoles: roles, updatedAt: at } })
        .returning({ roles: customerPanelSettings.contactDetailsRoles });
      return row!.roles;
    },

    /** Records an agent's decision about an anonymous customer (added with details, or ignored), replacing an earlier one. */
    async decide(values: { visitorId: string; workspaceId: string; decision: 'added' | 'ignored'; name: string | null; email: string | null; phone: string | null; decidedBy: string; decidedAt: Date }): Promise<void> {
      const { visitorId, ...rest } = values;
      await db.insert(contactDecisions).values(values).onConflictDoUpdate({ target: contactDecisions.visitorId, set: rest });
    },
  };
}

/** The customer repository's interface. */
export type CustomerRepository = ReturnType<typeof createCustomerRepository>;
