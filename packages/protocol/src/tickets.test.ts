import type * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { checkForm, TicketCreateSchema, TicketReplySchema, TicketUpdateSchema } from './tickets.ts';

const valid = { name: 'Ayşe', email: 'ayse@example.com', subject: 'Brown leaves', description: 'My fern has brown tips.' };
const codes = (input: unknown, schema: v.GenericSchema = TicketCreateSchema) => {
  const result = checkForm(schema, input);
  return result.ok ? [] : result.fields.map(({ field, code, max }) => (max === undefined ? `${field}:${code}` : `${field}:${code}:${max}`));
};

describe('checkForm with the ticket schemas', () => {
  it('accepts a complete form, trimmed', () => {
    const result = checkForm(TicketCreateSchema, { ...valid, subject: '  Brown leaves  ' });
    expect(result).toEqual({ ok: true, value: valid });
  });

  it('names every bad field at once, one code each', () => {
    expect(codes({})).toEqual(['name:REQUIRED', 'email:REQUIRED', 'subject:REQUIRED', 'description:REQUIRED']);
    expect(codes({ ...valid, name: '  ', email: 'nope', subject: 's'.repeat(201), description: 7, extra: true })).toEqual([
      'name:REQUIRED',
      'email:INVALID_EMAIL',
      'subject:TOO_LONG:200',
      'description:INVALID_TYPE',
      'extra:UNKNOWN_FIELD',
    ]);
    expect(codes({ ...valid, clientTicketId: 'has spaces' })).toEqual(['clientTicketId:INVALID_VALUE']);
    expect(codes({ ...valid, attachments: ['ok', 'not ok!'] })).toEqual(['attachments.1:INVALID_VALUE']);
    expect(codes({ ...valid, email: null })).toEqual(['email:INVALID_TYPE']);
  });

  it('names no field for a body that is not an object', () => {
    expect(checkForm(TicketCreateSchema, 'text')).toEqual({ ok: false, fields: [] });
    expect(checkForm(TicketCreateSchema, null)).toEqual({ ok: false, fields: [] });
  });

  it('checks replies and status changes', () => {
    expect(codes({ clientMessageId: 'r1', body: '  ' }, TicketReplySchema)).toEqual(['body:REQUIRED']);
    expect(codes({ status: 'resolved' }, TicketUpdateSchema)).toEqual(['status:INVALID_VALUE']);
  });
});
