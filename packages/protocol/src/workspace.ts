import * as v from 'valibot';
import { IdSchema, type ConversationSummary } from './frames.ts';
import { TICKET_LIMITS, type AgentTicket } from './tickets.ts';

// The agent's workspace over HTTP, between the gateway and the console (MISSION.md A10, A11, A13,
// A14, A15): inbox views and the archive with cursor pages, saved views, archive and delete, the
// customer panel, blocking, and turning a chat into a ticket. A module of its own, so the
// messenger's bundle never carries it.

/**
 * A value that must be a JSON object: valibot's object schemas take an array as an object with
 * no keys, so `[]` would pass for `{}`. Wraps the body schemas of this module.
 */
export function jsonObject<S extends v.GenericSchema>(schema: S): S {
  // Typed as the wrapped schema: it parses to the same output, only refusing arrays first.
  return v.pipe(
    v.custom<unknown>((input) => typeof input === 'object' && input !== null && !Array.isArray(input), 'must be a JSON object'),
    schema,
  ) as unknown as S;
}

/** A body that must be empty or `{}` (archive, unarchive, ignore). */
export const EmptyBodySchema = /* @__PURE__ */ (() => v.optional(jsonObject(v.strictObject({}))))();

// Every schema is built in a call marked pure, so a bundle that uses none of them (the
// messenger, through the package index) drops them all, as frames.ts does for ServerFrameSchema.

// ---------------------------------------------------------------------------------------------
// Views

/**
 * The built-in views (`GET /api/agent/views/:view`). From customers: `open` (most recently active
 * first), `unanswered` (open, and the customer wrote the last public message), `closed`. My
 * conversations (the agent owns them): `mine.replies` (the customer wrote last), `mine.internal`
 * (the latest message is an internal note), `mine.closed` (all closed, the archive included).
 * `archive`: archived conversations, most recently archived first, with filters. Every view but
 * `mine.closed` and `archive` leaves archived conversations out.
 */
export const VIEW_NAMES = ['open', 'unanswered', 'closed', 'mine.replies', 'mine.internal', 'mine.closed', 'archive'] as const;
/** A built-in view. */
export type ViewName = (typeof VIEW_NAMES)[number];

/** Where a customer came in: the messenger or the web form. */
export const CHANNELS = ['chat', 'web_form'] as const;
/** Where a customer came in. */
export type Channel = (typeof CHANNELS)[number];

/** How a saved view orders its conversations: by last activity or by when they started, newest or oldest first. */
export const VIEW_SORTS = ['activity.desc', 'activity.asc', 'started.desc', 'started.asc'] as const;
/** How a saved view orders its conversations. */
export type ViewSort = (typeof VIEW_SORTS)[number];

/** What a saved view groups its conversations by (`none`: one flat list). */
export const VIEW_GROUPS = ['none', 'status', 'app', 'channel', 'queue', 'agent'] as const;
/** What a saved view groups by. */
export type ViewGroup = (typeof VIEW_GROUPS)[number];

/** What a view selects and how it orders, apart from its filters. */
export interface ViewSelection {
  /** `active`: not archived (the main views); `archive`: archived only; `any`: both. */
  scope: 'active' | 'archive' | 'any';
  status?: 'open' | 'closed';
  /** Only conversations the viewer owns. */
  mine?: boolean;
  /** Only those whose last public message is the customer's. */
  awaitingReply?: boolean;
  /** Only those whose latest message is an internal note. */
  lastInternal?: boolean;
  /** `activity`: last message (or start); `started`: created; `archived`: when archived. */
  sort: 'activity' | 'started' | 'archived';
  direction: 'asc' | 'desc';
  group: ViewGroup;
}

/** What each built-in view selects: the gateway's query and the console's live list read the same. */
export const BUILT_IN_VIEWS: Readonly<Record<ViewName, ViewSelection>> = {
  open: { scope: 'active', status: 'open', sort: 'activity', direction: 'desc', group: 'none' },
  unanswered: { scope: 'active', status: 'open', awaitingReply: true, sort: 'activity', direction: 'desc', group: 'none' },
  closed: { scope: 'active', status: 'closed', sort: 'activity', direction: 'desc', group: 'none' },
  'mine.replies': { scope: 'active', mine: true, awaitingReply: true, sort: 'activity', direction: 'desc', group: 'none' },
  'mine.internal': { scope: 'active', mine: true, lastInternal: true, sort: 'activity', direction: 'desc', group: 'none' },
  'mine.closed': { scope: 'any', mine: true, status: 'closed', sort: 'activity', direction: 'desc', group: 'none' },
  archive: { scope: 'archive', sort: 'archived', direction: 'desc', group: 'none' },
};

/** Most conversations one page holds; the default is 50. */
export const MAX_VIEW_PAGE = 200;
/** Most saved views one agent keeps. */
export const MAX_SAVED_VIEWS = 50;
/** The longest saved view name. */
export const MAX_VIEW_NAME = 80;

// A date (`2025-03-01`, a whole UTC day) or a date and time with its offset (`2025-03-01T09:30:00Z`).
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const instant = (name: string) =>
  v.pipe(
    v.string(),
    v.maxLength(40),
    v.check((s) => (DATE.test(s) || DATE_TIME.test(s)) && !Number.isNaN(Date.parse(s)), `${name} must be a date (2025-03-01) or a date and time with its offset (2025-03-01T09:30:00Z)`),
  );
const wrapUp = /* @__PURE__ */ (() => v.pipe(v.string(), v.trim(), v.minLength(1, 'wrapUp must not be empty'), v.maxLength(100)))();

/**
 * What a view may be narrowed to. `app`, `channel`, `queue`, `agent` (the owner) and `wrapUp`
 * match exactly; `from` and `to` bound the date the view sorts by (when archived in the archive,
 * else the last activity): `from` inclusive, `to` exclusive, and a date alone means that whole
 * UTC day (`to: 2025-03-31` includes the 31st).
 */
export const ViewFilterFields = /* @__PURE__ */ (() => ({
  app: v.optional(IdSchema),
  channel: v.optional(v.picklist(CHANNELS, `channel must be one of ${CHANNELS.join(', ')}`)),
  queue: v.optional(v.pipe(v.string(), v.uuid('queue must be a queue id'))),
  agent: v.optional(v.pipe(v.string(), v.uuid('agent must be an agent id'))),
  wrapUp: v.optional(wrapUp),
  from: v.optional(instant('from')),
  to: v.optional(instant('to')),
}))();

/** The query of `GET /api/agent/views/:view` (strings, as in a URL): the filters, a cursor and a page size. */
export const ViewQuerySchema = /* @__PURE__ */ (() =>
  v.strictObject({
    ...ViewFilterFields,
    cursor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(600))),
    limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'limit must be a number'), v.transform(Number), v.minValue(1), v.maxValue(MAX_VIEW_PAGE))),
  }))();
/** A view query after parsing. */
export type ViewQuery = v.InferOutput<typeof ViewQuerySchema>;

/**
 * A saved view's filter: where it looks (`scope`: the main views or the archive), which status,
 * only the agent's own conversations (`mine`), only those where the customer wrote last
 * (`awaitingReply`), and the same filters as the built-in views.
 */
export const SavedViewFilterSchema = /* @__PURE__ */ (() =>
  jsonObject(
    v.strictObject({
      scope: v.optional(v.picklist(['active', 'archive'], 'scope must be active or archive')),
      status: v.optional(v.picklist(['open', 'closed'], 'status must be open or closed')),
      mine: v.optional(v.boolean('mine must be true or false')),
      awaitingReply: v.optional(v.boolean('awaitingReply must be true or false')),
      ...ViewFilterFields,
    }),
  ))();
/** A saved view's filter. */
export type SavedViewFilter = v.InferOutput<typeof SavedViewFilterSchema>;

const ViewName = /* @__PURE__ */ (() => v.pipe(v.string(), v.trim(), v.minLength(1, 'name must not be empty'), v.maxLength(MAX_VIEW_NAME)))();

/** `POST /api/agent/saved-views`: a new saved view. No other keys. */
export const SavedViewInputSchema = /* @__PURE__ */ (() =>
  jsonObject(
    v.strictObject({
      name: ViewName,
      filter: v.optional(SavedViewFilterSchema),
      sort: v.optional(v.picklist(VIEW_SORTS, `sort must be one of ${VIEW_SORTS.join(', ')}`)),
      group: v.optional(v.picklist(VIEW_GROUPS, `group must be one of ${VIEW_GROUPS.join(', ')}`)),
    }),
  ))();
/** A new saved view. */
export type SavedViewInput = v.InferOutput<typeof SavedViewInputSchema>;

/** `PATCH /api/agent/saved-views/:id`: any of the fields, at least one. A `filter` replaces the whole filter. */
export const SavedViewPatchSchema = /* @__PURE__ */ (() =>
  jsonObject(
    v.pipe(
      v.strictObject({
        name: v.optional(ViewName),
        filter: v.optional(SavedViewFilterSchema),
        sort: v.optional(v.picklist(VIEW_SORTS, `sort must be one of ${VIEW_SORTS.join(', ')}`)),
        group: v.optional(v.picklist(VIEW_GROUPS, `group must be one of ${VIEW_GROUPS.join(', ')}`)),
      }),
      v.check((patch) => Object.keys(patch).length > 0, 'send at least one of name, filter, sort and group'),
    ),
  ))();
/** A change to a saved view. */
export type SavedViewPatch = v.InferOutput<typeof SavedViewPatchSchema>;

/** A saved view as the console lists it. */
export interface SavedView {
  id: string;
  name: string;
  filter: SavedViewFilter;
  sort: ViewSort;
  group: ViewGroup;
  createdAt: string;
  updatedAt: string;
}

/**
 * A conversation in a view: the agent's summary (masked like every agent-bound payload) with
 * where it came from, when it was archived, its ticket's number once it became one, and, in a
 * grouped saved view, the group it belongs to.
 */
export interface ViewConversation extends Omit<ConversationSummary, 'archivedAt'> {
  channel: Channel;
  archivedAt: string | null;
  /** The ticket this conversation backs (a web form request, or a chat turned into a ticket). */
  ticketNumber: number | null;
  /** In a grouped saved view: the group's key (an id, a status or a channel; null for "none", e.g. no owner). */
  group?: { key: string | null; label: string | null };
}

/** One page of a view; `nextCursor` fetches the next, and is null on the last. */
export interface ViewPage {
  conversations: ViewConversation[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Archive and delete

/**
 * `DELETE /api/admin/conversations/:id`: the conversation's id again in `confirm`, so a stray
 * call cannot delete; without it the answer is `CONFIRMATION_REQUIRED`.
 */
export const DeleteConversationSchema = /* @__PURE__ */ (() =>
  jsonObject(
    v.strictObject({
      confirm: v.optional(v.pipe(v.string('confirm must be the conversation id'), v.maxLength(64))),
    }),
  ))();

// ---------------------------------------------------------------------------------------------
// Customer panel

/** Roles that may see a customer's e-mail and phone in the customer panel. */
export const CONTACT_DETAILS_ROLES = ['agent', 'admin'] as const;

/** `PATCH /api/admin/workspace/customer-panel`: who sees contact details; admins always do. */
export const CustomerPanelSettingsSchema = /* @__PURE__ */ (() =>
  jsonObject(
    v.strictObject({
      contactDetailsRoles: v.pipe(
        v.array(v.picklist(CONTACT_DETAILS_ROLES, 'contactDetailsRoles lists roles: agent, admin')),
        v.check((roles) => roles.includes('admin'), 'contactDetailsRoles must include admin (["admin"] or ["agent", "admin"])'),
        v.maxLength(2),
        v.transform((roles) => CONTACT_DETAILS_ROLES.filter((role) => roles.includes(role))),
      ),
    }),
  ))();

/** The workspace's customer panel settings. */
export interface CustomerPanelSettings {
  contactDetailsRoles: ('agent' | 'admin')[];
}

/** `POST /api/agent/conversations/:id/customer/contact`: add an unknown customer as a contact. */
export const CustomerContactSchema = /* @__PURE__ */ (() =>
  jsonObject(
    v.strictObject({
      name: v.pipe(v.string(), v.trim(), v.minLength(1, 'name must not be empty'), v.maxLength(TICKET_LIMITS.name)),
      email: v.optional(v.pipe(v.string(), v.trim(), v.email('email must be an e-mail address'), v.maxLength(TICKET_LIMITS.email))),
      phone: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^\+?[0-9 ()./-]{3,40}$/, 'phone must be a phone number such as +44 7966 197542'))),
    }),
  ))();
/** An unknown customer added as a contact. */
export type CustomerContact = v.InferOutput<typeof CustomerContactSchema>;

/** One of the customer's conversations in the panel's history. */
export interface CustomerHistoryEntry {
  id: string;
  status: 'open' | 'closed';
  channel: Channel;
  startedAt: string;
  lastMessageAt: string | null;
  archivedAt: string | null;
  owner: { id: string; name: string } | null;
  /** The last message, masked; null when the agent may not open this conversation (another agent's). */
  preview: string | null;
  /** Whether the agent may open it. */
  readable: boolean;
  ticketNumber: number | null;
}

/**
 * The customer panel (`GET /api/agent/conversations/:id/customer`). `email` and `phone` are null
 * with `contactDetailsHidden: true` for a role the workspace does not show them to. `verified`:
 * the website vouched for them (signed identity). `unknown`: anonymous, and no agent has added
 * or ignored them yet (the console offers "Add as contact" and "Ignore").
 */
export interface CustomerPanel {
  visitorId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  contactDetailsHidden: boolean;
  verified: boolean;
  unknown: boolean;
  /** What an agent decided about an anonymous customer: added as a contact, or ignored. */
  decision: { kind: 'added' | 'ignored'; by: { id: string; name: string } | null; at: string } | null;
  app: { id: string; name: string };
  channel: Channel;
  /** When this conversation started. */
  startedAt: string;
  /** Custom attributes the website set, values masked like message text. */
  attributes: Record<string, string | number | boolean>;
  /** The ticket this conversation backs, once it is one ("go to ticket"). */
  ticket: { number: number; status: AgentTicket['status'] } | null;
  /** Whether the customer is blocked. */
  blocked: boolean;
  /** The customer's conversations with all agents, most recent first (at most 50). */
  history: CustomerHistoryEntry[];
}

// ---------------------------------------------------------------------------------------------
// Blocking

/** `POST /api/agent/conversations/:id/block`: block the customer, and with `byIp` their IP address too. */
export const BlockInputSchema = /* @__PURE__ */ (() =>
  jsonObject(
    v.strictObject({
      byIp: v.optional(v.boolean('byIp must be true or false')),
      reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
    }),
  ))();
/** A block request. */
export type BlockInput = v.InferOutput<typeof BlockInputSchema>;

/**
 * A block as admins list it (`GET /api/admin/blocks`). `byIp` says whether the customer's IP
 * address is blocked too (the gateway keeps only a keyed hash of it, never the address).
 */
export interface Block {
  id: string;
  visitor: { id: string; name: string | null };
  byIp: boolean;
  conversationId: string | null;
  reason: string | null;
  blockedBy: { id: string; name: string } | null;
  createdAt: string;
}

/** One page of blocks, newest first. */
export interface BlockPage {
  blocks: Block[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Chat → ticket

/** `POST /api/agent/conversations/:id/ticket`: turn the chat into a ticket for this e-mail address. */
export const ChatToTicketSchema = /* @__PURE__ */ (() =>
  jsonObject(
    v.strictObject({
      email: v.pipe(v.string('email must be an e-mail address'), v.trim(), v.email('email must be an e-mail address'), v.maxLength(TICKET_LIMITS.email)),
      subject: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'subject must not be empty'), v.maxLength(TICKET_LIMITS.subject))),
    }),
  ))();
/** A chat → ticket request. */
export type ChatToTicket = v.InferOutput<typeof ChatToTicketSchema>;
