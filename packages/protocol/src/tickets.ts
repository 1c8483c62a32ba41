import * as v from 'valibot';
import { FieldErrorCode } from './codes.ts';
import { IdSchema, MAX_BODY_CHARS } from './frames.ts';

// Tickets over HTTP (/api/visitor/tickets, /api/agent/tickets) and the form checks they share
// with the widget. A module of its own, so a bundle that does not use tickets (the messenger)
// never carries them.

/** A ticket's status: being worked on, waiting for the customer, or done. */
export const TICKET_STATUSES = ['open', 'pending', 'closed'] as const;
/** A ticket's status. */
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** The longest value each web form field takes (UTF-16 code units, after trimming). */
export const TICKET_LIMITS = { name: 120, email: 254, subject: 200, description: MAX_BODY_CHARS } as const;

/** Most attachment ids one ticket or reply may carry. */
export const MAX_TICKET_ATTACHMENTS = 10;

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

/**
 * The web form (`POST /api/visitor/tickets`): who asks, and what. The description becomes the
 * first message of the ticket's conversation. `clientTicketId` makes a resend safe: the same id
 * answers the ticket it already made. `attachments` are ids of the visitor's own uploads.
 */
export const TicketCreateSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    name: text(TICKET_LIMITS.name),
    email: v.pipe(v.string(), v.trim(), v.minLength(1), v.email(), v.maxLength(TICKET_LIMITS.email)),
    subject: text(TICKET_LIMITS.subject),
    description: text(TICKET_LIMITS.description),
    clientTicketId: v.optional(IdSchema),
    attachments: v.optional(v.pipe(v.array(IdSchema), v.maxLength(MAX_TICKET_ATTACHMENTS))),
  }))();
/** A web form submission, after trimming. */
export type TicketCreate = v.InferOutput<typeof TicketCreateSchema>;

/** A visitor's reply to their ticket (`POST /api/visitor/tickets/:number/replies`). */
export const TicketReplySchema = v.strictObject({
  clientMessageId: IdSchema,
  body: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(MAX_BODY_CHARS)),
  attachments: v.optional(v.pipe(v.array(IdSchema), v.maxLength(MAX_TICKET_ATTACHMENTS))),
});

/** An agent's change to a ticket (`PATCH /api/agent/tickets/:number`). */
export const TicketUpdateSchema = v.strictObject({ status: v.picklist(TICKET_STATUSES) });

/** What was wrong with one field: `field` is its dot path, `max` the limit of a `TOO_LONG`. */
export interface FieldError {
  field: string;
  code: FieldErrorCode;
  message: string;
  max?: number;
}

/** valibot's names of the expected kinds, as a sentence says them. */
const KINDS: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', Object: 'an object', Array: 'an array' };

/**
 * Turns valibot issues into one error per field, first issue first (parse with
 * `abortEarly: false` to get every field). The server sends them in `error.fields`; the web
 * form computes the same from the same schema before sending. Issues about the whole body
 * (not an object) name no field and are left out.
 */
export function fieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  const out = new Map<string, FieldError>();
  for (const issue of issues) {
    const field = v.getDotPath(issue);
    if (!field || out.has(field)) continue;
    let code: FieldErrorCode = FieldErrorCode.INVALID_VALUE;
    let max: number | undefined;
    if (issue.type === 'strict_object') code = issue.expected === 'never' ? FieldErrorCode.UNKNOWN_FIELD : FieldErrorCode.REQUIRED;
    else if (issue.kind === 'schema') {
      // A value outside a list of choices has the right type; only its value is wrong.
      const choice = issue.type === 'picklist' || issue.type === 'literal' || issue.type === 'enum';
      code = issue.received === 'undefined' ? FieldErrorCode.REQUIRED : choice ? FieldErrorCode.INVALID_VALUE : FieldErrorCode.INVALID_TYPE;
    }
    else if (issue.type === 'min_length' || issue.type === 'non_empty') code = FieldErrorCode.REQUIRED;
    else if (issue.type === 'email') code = FieldErrorCode.INVALID_EMAIL;
    else if (issue.type === 'max_length') {
      code = FieldErrorCode.TOO_LONG;
      max = Number((issue as v.BaseIssue<unknown> & { requirement?: unknown }).requirement);
    }
    const message = {
      REQUIRED: `${field} is required`,
      TOO_LONG: `${field} must be at most ${max} characters`,
      INVALID_EMAIL: `${field} must be an e-mail address`,
      INVALID_TYPE: `${field} must be ${KINDS[issue.expected ?? ''] ?? issue.expected}`,
      UNKNOWN_FIELD: `${field} is not a field this request takes`,
      INVALID_VALUE: `${field}: ${issue.message}`,
    }[code];
    out.set(field, { field, code, message, ...(max !== undefined && { max }) });
  }
  return [...out.values()];
}

/**
 * Checks a form body against its schema, every field at once: the parsed value, or one error per
 * field. The gateway answers with these errors and the web form shows the same before sending.
 */
export function checkForm<S extends v.GenericSchema>(schema: S, input: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; fields: FieldError[] } {
  const result = v.safeParse(schema, input, { abortEarly: false });
  return result.success ? { ok: true, value: result.output } : { ok: false, fields: fieldErrors(result.issues) };
}

/** The requester of a ticket, as the web form gave them. */
export interface TicketRequester {
  name: string;
  email: string;
}

/** A ticket as its visitor sees it (the portal): no internal counters or previews. */
export interface VisitorTicket {
  /** Sequential per workspace, from 1001. */
  number: number;
  subject: string;
  status: TicketStatus;
  requester: TicketRequester;
  /** The conversation that holds the description (its first message) and every reply. */
  conversationId: string;
  createdAt: string;
  updatedAt: string;
  lastMessageAt: string | null;
  /** The last public message's first 140 characters (the agent view includes internal notes). */
  preview: string | null;
}

/** A ticket's requester as an agent sees it. */
export interface AgentTicketRequester extends TicketRequester {
  /** The e-mail is shown masked (the workspace masks personal data): no address to write to. */
  emailMasked: boolean;
}

/** A ticket as an agent sees it. */
export interface AgentTicket extends Omit<VisitorTicket, 'requester'> {
  requester: AgentTicketRequester;
  id: string;
  appId: string;
  visitor: { id: string; name: string | null };
  /** The verified contact of the ticket's visitor, when there is one. */
  contactId: string | null;
}

