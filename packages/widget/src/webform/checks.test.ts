import { checkForm, TICKET_LIMITS, TicketCreateSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { checkTicket, type TicketFields } from './checks.ts';

const valid: TicketFields = { name: 'Giulia Bianchi', email: 'giulia@example.it', subject: 'Repotting', description: 'When should I repot my olive tree?' };

/** Inputs near every rule's edge: the browser must answer exactly as the gateway. */
const cases: Partial<TicketFields>[] = [
  {},
  { name: '' },
  { name: '   ' },
  { name: ' \n\t ' },
  { name: 'n'.repeat(TICKET_LIMITS.name) },
  { name: 'n'.repeat(TICKET_LIMITS.name + 1) },
  { name: `  ${'n'.repeat(TICKET_LIMITS.name)}  ` },
  { subject: 's'.repeat(TICKET_LIMITS.subject + 1) },
  { description: 'd'.repeat(TICKET_LIMITS.description) },
  { description: 'd'.repeat(TICKET_LIMITS.description + 1) },
  { email: '' },
  { email: 'plain' },
  { email: 'a@b' },
  { email: 'a@b.c' },
  { email: 'a@b.co' },
  { email: '  a@b.co  ' },
  { email: 'first.last+tag@sub.example.com' },
  { email: 'a..b@example.com' },
  { email: 'a@-example.com' },
  { email: 'ayşe@example.com' },
  { email: `${'a'.repeat(250)}@b.co` },
  { email: 'a @b.co' },
  { name: '', email: 'x', subject: '', description: 'd'.repeat(TICKET_LIMITS.description + 1) },
];

describe('checkTicket', () => {
  it('answers every edge case exactly as the gateway schema does (same fields, codes and limits)', () => {
    for (const change of cases) {
      const values = { ...valid, ...change };
      const server = checkForm(TicketCreateSchema, values);
      const expected = server.ok ? [] : server.fields.map(({ field, code, max }) => ({ field, code, ...(max !== undefined && { max }) }));
      const actual = checkTicket(values).map(({ field, code, max }) => ({ field, code, ...(max !== undefined && { max }) }));
      expect(actual, JSON.stringify(change).slice(0, 60)).toEqual(expected);
    }
  });

  it('finds nothing wrong with a complete form', () => {
    expect(checkTicket(valid)).toEqual([]);
  });
});
