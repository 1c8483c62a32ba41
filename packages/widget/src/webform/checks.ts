import type { FieldError, FieldErrorCode } from '@parley/protocol';

/** The fields the web form sends. */
export type TicketFields = Record<'name' | 'email' | 'subject' | 'description', string>;

// The gateway's TicketCreateSchema (packages/protocol/src/tickets.ts) written out for the browser.
// The widget does not import the schema itself: sharing the protocol module with the messenger's
// bundle would move the messenger's own validation into a shared chunk and cost its first open
// about a kilobyte. checks.test.ts holds the two to the same answers.

/** The longest value of each field after trimming (TICKET_LIMITS). */
const LIMITS: Record<keyof TicketFields, number> = { name: 120, email: 254, subject: 200, description: 10_000 };

/** valibot's `email()` pattern, as the gateway applies it. */
const EMAIL = /^[\w+-]+(?:\.[\w+-]+)*@[\da-zA-Z]+(?:[.-][\da-zA-Z]+)*\.[a-zA-Z]{2,}$/u;

const error = (field: string, code: FieldErrorCode, message: string, max?: number): FieldError => ({ field, code, message, ...(max !== undefined && { max }) });

/**
 * Checks the web form as the gateway will (`POST /api/visitor/tickets`): every field is required
 * after trimming, the e-mail must look like one, and each field has its length limit. One error
 * per field, in the gateway's codes, so a field shows the same text whichever side refused it.
 */
export function checkTicket(values: TicketFields): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['name', 'email', 'subject', 'description'] as const) {
    const value = values[field].trim();
    const max = LIMITS[field];
    if (value.length < 1) errors.push(error(field, 'REQUIRED', `${field} is required`));
    else if (field === 'email' && !EMAIL.test(value)) errors.push(error(field, 'INVALID_EMAIL', `${field} must be an e-mail address`));
    else if (value.length > max) errors.push(error(field, 'TOO_LONG', `${field} must be at most ${max} characters`, max));
  }
  return errors;
}
