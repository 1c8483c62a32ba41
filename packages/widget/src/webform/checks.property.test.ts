import { checkForm, TICKET_LIMITS, TicketCreateSchema } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTicket, type TicketFields } from './checks.ts';

// The web form checks its fields in the browser so the visitor hears at once what is wrong; the
// gateway checks them again with the protocol's schema. On any input the two must agree, field
// by field: otherwise a form the browser lets through comes back refused, or a good one is held.

/** Text near every rule: blank, spaced, long around each limit, and any characters. */
const text = (limit: number) =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom('', ' ', ' \n\t ', '\u00a0', '\u200b', '\u3000'),
    fc.integer({ min: limit - 2, max: limit + 2 }).map((n) => 'x'.repeat(Math.max(0, n))),
    fc.tuple(fc.constantFrom(' ', '  ', '\n'), fc.integer({ min: limit - 1, max: limit + 1 })).map(([pad, n]) => `${pad}${'y'.repeat(n)}${pad}`),
  );

/** E-mail addresses of every shape: real ones, near misses, odd characters, long ones. */
const email = fc.oneof(
  fc.emailAddress(),
  fc.emailAddress().map((address) => ` ${address} `),
  fc.tuple(fc.string({ maxLength: 12 }), fc.constantFrom('@', '@@', ''), fc.string({ maxLength: 12 }), fc.constantFrom('.co', '.c', '', '.', '.com.')).map((parts) => parts.join('')),
  fc.constantFrom('a@b', 'a@b.co', 'a..b@example.com', 'a@-example.com', 'ayşe@example.com', 'a @b.co', '"a b"@example.com', 'a@[127.0.0.1]', 'a@b.co\n'),
  fc.integer({ min: TICKET_LIMITS.email - 8, max: TICKET_LIMITS.email + 2 }).map((n) => `${'a'.repeat(Math.max(1, n - 6))}@b.com`),
);

const form: fc.Arbitrary<TicketFields> = fc.record({
  name: text(TICKET_LIMITS.name),
  email,
  subject: text(TICKET_LIMITS.subject),
  description: text(TICKET_LIMITS.description),
});

const shape = (errors: { field: string; code: string; max?: number }[]) => errors.map(({ field, code, max }) => ({ field, code, ...(max !== undefined && { max }) }));

describe('checkTicket on generated forms', () => {
  it('answers every form exactly as the gateway schema does: the same fields, codes and limits', () => {
    fc.assert(
      fc.property(form, (values) => {
        const server = checkForm(TicketCreateSchema, values);
        expect(shape(checkTicket(values))).toEqual(server.ok ? [] : shape(server.fields));
      }),
      { numRuns: 2000 },
    );
  });
});
